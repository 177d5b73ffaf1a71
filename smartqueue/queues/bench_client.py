"""The body of benchmark_engine's client processes: importable before Django is set up (a
spawned process imports its target first), it sets Django up, then runs the command's client."""

import pickle
import traceback


def run(job: bytes, share: list[int], barrier, results) -> None:
    """A failure is sent to the parent with its traceback, and breaks the barrier so that
    nobody waits for this process any more."""
    try:
        import django

        django.setup()
        from smartqueue.queues.management.commands import benchmark_engine

        tenant_id, live, work, kwargs = pickle.loads(job)
        benchmark_engine.clients(tenant_id, live, work, share, kwargs, barrier, results)
    except BaseException:
        results.put(("error", traceback.format_exc()))
        barrier.abort()
        raise
