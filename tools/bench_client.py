"""The body of benchmark_engine's client processes: importable before Django is set up (a
spawned process imports its target first), it sets Django up, then runs its share of clients.
It imports nothing of the command (no cycle): the work itself arrives pickled."""

import gc
import pickle
import threading
import traceback


def run(job: bytes, share: list[int], barrier, results) -> None:
    """A failure is sent to the parent with its traceback, and breaks the barrier so that
    nobody waits for this process any more."""
    try:
        import django

        django.setup()
        tenant_id, live, work, kwargs = pickle.loads(job)
        clients(tenant_id, live, work, share, kwargs, barrier, results)
    except BaseException:
        results.put(("error", traceback.format_exc()))
        barrier.abort()
        raise


def clients(tenant_id, live, work, share, kwargs, barrier, results) -> None:
    """A thread and connection per client of this process's `share`, the same live pages."""
    from django.db import connection

    from smartqueue.live.dispatcher import dispatcher
    from smartqueue.queues import events
    from smartqueue.tenants.models import Tenant

    if not live:
        events.unsubscribe(dispatcher.submit)
    tenant = Tenant.objects.get(pk=tenant_id)
    gc.freeze()  # as a web process does once started (asgi.py)

    def client(i):
        connection.set_tenant(tenant)
        connection.ensure_connection()
        barrier.wait()
        try:
            results.put(("timings", work(i, **kwargs)))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    dispatcher.flush(timeout=300)
    connection.close()
