"""Real threads, each with its own PostgreSQL connection, released together: the races the
engine must win are run, not reasoned about."""

import threading

from django.db import connection

JOIN_SECONDS = 300


def in_threads(tenant, work, count: int) -> list:
    """Run work(i) for i in range(count), one thread and one connection each, all started at
    once; each result is what work returned or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        connection.set_tenant(tenant)
        try:
            connection.ensure_connection()  # connect first, so the barrier releases real work
            barrier.wait()
            results[i] = work(i)
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
        assert not thread.is_alive(), "a worker is stuck"
    return results
