"""The body of benchmark_engine's client processes: importable before Django is set up (a
spawned process imports its target first), it sets Django up, then runs the command's client."""

import pickle


def run(job: bytes, share: list[int], barrier, results) -> None:
    import django

    django.setup()
    from smartqueue.queues.management.commands import benchmark_engine

    tenant_id, live, work, kwargs = pickle.loads(job)
    benchmark_engine.clients(tenant_id, live, work, share, kwargs, barrier, results)
