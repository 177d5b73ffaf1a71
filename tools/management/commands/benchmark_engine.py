"""Engine latency under concurrent clients: `manage.py benchmark_engine [--clients 1,10,50]
[--tickets 1000] [--tenant bench] [--no-live] [--workers N | --processes]`, best with DEBUG=0
(no query log).

In a throwaway organisation, per number of clients (one thread and connection each, in this
process; with --workers N, dealt over N spawned processes, as the Procfile's one web process
per core shares its requests; with --processes, one process each, so no client waits for
another's Python):
create-ticket shares `--tickets` creations on one queue; call-next has as many agents, each at
their own counter, call next and close until the pre-filled queue is empty. Only the engine
call is timed (not the close). The live dispatcher renders events in-process unless --no-live."""

import gc
import multiprocessing
import pickle
import statistics
import threading
import time
from functools import partial
from queue import Empty

from django.core.management.base import BaseCommand, CommandError
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import Membership, Role, User
from smartqueue.errors import NotFound
from smartqueue.live.dispatcher import dispatcher
from smartqueue.queues import events, services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile, Counter, CounterQueue, Queue, Service, Site
from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import create_tenant
from tools import bench_client

NAME = "Benchmark engine"
TICKETS = "queues_ticket, queues_ticketevent, queues_auditlog, queues_queueday"
SETUP = "queues_agentprofile, queues_counterqueue, queues_counter, queues_queue, queues_service"
# A client's first operation is not timed: on its new connection PostgreSQL loads its
# catalogue caches and psycopg has prepared nothing yet; the figures are of the steady state.
WARM_UP = 1
COLUMNS = ("operation", "clients", "ops", "ops/s", "p50 ms", "p99 ms", "queries")


class Command(BaseCommand):
    help = "Measure create_ticket and call_next latency and throughput under concurrency."

    def add_arguments(self, parser):
        parser.add_argument("--clients", default="1,10,50")
        parser.add_argument("--tickets", type=int, default=1000)
        parser.add_argument("--tenant", default="bench")
        parser.add_argument("--no-live", action="store_true", help="no page rendering")
        parser.add_argument("--workers", type=int, default=0, help="clients over N processes")
        parser.add_argument("--processes", action="store_true", help="a process per client")

    def handle(self, *args, clients, tickets, tenant, no_live, workers, processes, **options):
        counts = [int(n) for n in clients.split(",")]
        live = dispatcher.submit in events._subscribers
        if no_live:
            events.unsubscribe(dispatcher.submit)
        tenant = bench_tenant(tenant)
        connection.set_tenant(tenant)
        try:
            queue, agents = prepare(tenant, max(counts))
            gc.freeze()  # as a web process does once started (asgi.py)
            self.line(*COLUMNS)
            for n in counts:
                run = layout(n, n if processes else workers)
                self.line("create-ticket", n, *bench_create(tenant, queue, n, tickets, run))
                self.line("call-next", n, *bench_call(tenant, queue, agents[:n], tickets, run))
        finally:
            clean_tickets()
            connection.set_schema_to_public()
            gc.unfreeze()  # the caller's process (a test run) goes on as it was
            if live:
                events.subscribe(dispatcher.submit)

    def line(self, operation, clients, *figures) -> None:
        cells = [f"{x:.1f}" if isinstance(x, float) else str(x) for x in (clients, *figures)]
        self.stdout.write(f"{operation:<15}" + "".join(f"{cell:>9}" for cell in cells))


def bench_tenant(slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is not None and tenant.name != NAME:
        raise CommandError(f"« {slug} » is a real organisation: its data would be wiped.")
    return tenant or create_tenant(name=NAME, slug=slug, admin_email=f"{slug}@smartqueue.local")


def prepare(tenant: Tenant, agents: int) -> tuple[Queue, list[Actor]]:
    """A fresh site with one queue, and one counter per agent."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TICKETS}, {SETUP}, queues_site CASCADE")
    site = Site.objects.create(name="Agence", slug="agence")
    service = Service.objects.create(name="Retrait", letter="R")
    queue = Queue.objects.create(site=site, service=service, name="Retrait")
    return queue, [seat_agent(tenant, queue, i) for i in range(1, agents + 1)]


def seat_agent(tenant: Tenant, queue: Queue, i: int) -> Actor:
    counter = Counter.objects.create(site=queue.site, name=f"Guichet {i}")
    CounterQueue.objects.create(counter=counter, queue=queue)
    user, _ = User.objects.get_or_create(email=f"{tenant.slug}-agent-{i}@smartqueue.local")
    Membership.objects.get_or_create(user=user, tenant=tenant, defaults={"role": Role.AGENT})
    AgentProfile.objects.create(user_id=user.pk, counter=counter, current_status="available")
    return Actor(user=user, label=user.email)


def clean_tickets() -> None:
    dispatcher.flush(timeout=300)  # the previous round's pages are rendered first
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TICKETS} CASCADE")


def bench_create(tenant, queue: Queue, clients: int, tickets: int, run):
    clean_tickets()
    settle()
    timings = run(tenant, create_tickets, clients, queue=queue, each=tickets // clients)
    return *figures(timings), queries(services.create_ticket, queue=queue)


def bench_call(tenant, queue: Queue, agents: list[Actor], tickets: int, run):
    clean_tickets()
    with transaction.atomic():
        for _ in range(tickets):
            services.create_ticket(queue=queue)
    dispatcher.flush(timeout=300)
    settle()
    timings = run(tenant, serve, len(agents), agents=agents)
    services.create_ticket(queue=queue)
    return *figures(timings), queries(services.call_next, by=agents[0])


def settle() -> None:
    """A round starts with the previous writes on disk: a checkpoint (superuser or
    pg_checkpoint) flushes them now rather than in the middle of the round's commits."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except ProgrammingError:
        pass  # not allowed: the round may then pay for the setup's writes


def create_tickets(i: int, *, queue: Queue, each: int) -> list[float]:
    timings = [timed(services.create_ticket, queue=queue)[1] for _ in range(each + WARM_UP)]
    return timings[WARM_UP:]


def serve(i: int, *, agents: list[Actor]) -> list[float]:
    """Agent i calls and closes until the queue is empty; only the calls are timed (but the
    first)."""
    timings: list[float] = []
    while True:
        try:
            ticket, seconds = timed(services.call_next, by=agents[i])
        except NotFound:
            return timings[WARM_UP:]
        timings.append(seconds)
        services.close_ticket(ticket=ticket, by=agents[i])


def timed(operation, **kwargs):
    start = time.perf_counter()
    result = operation(**kwargs)
    return result, time.perf_counter() - start


def figures(run: tuple[list[float], float]) -> tuple[int, float, float, float]:
    timings, wall = run
    p99 = statistics.quantiles(timings, n=100, method="inclusive")[98]
    return len(timings), len(timings) / wall, statistics.median(timings) * 1000, p99 * 1000


def queries(operation, **kwargs) -> int:
    connection.queries_log.clear()  # with DEBUG on, a full log would hide new queries
    with CaptureQueriesContext(connection) as captured:
        operation(**kwargs)
    return len(captured.captured_queries)


def layout(clients: int, workers: int):
    """How `clients` run: threads of this process, or threads of `workers` processes."""
    if workers <= 0:
        return in_threads
    return partial(in_processes, workers=min(workers, clients))


def in_threads(tenant, work, count: int, **kwargs) -> tuple[list[float], float]:
    """work(i) in `count` threads with their own connections, released together: all their
    timings, and the wall time from the release to the end of the last one."""
    barrier = threading.Barrier(count + 1)
    results: list[list[float]] = [[] for _ in range(count)]

    def worker(i):
        connection.set_tenant(tenant)
        try:
            connection.ensure_connection()
            barrier.wait()
            results[i] = work(i, **kwargs)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return [t for timings in results for t in timings], time.perf_counter() - start


def in_processes(tenant, work, count: int, *, workers: int, **kwargs):
    """work(i) for `count` clients dealt over `workers` fresh processes (spawned: nothing shared
    with this one), a thread and connection per client, released together once all are
    connected: all their timings, and the wall time as in_threads."""
    context = multiprocessing.get_context("spawn")
    # A client that fails aborts the barrier (bench_client.run): the others stop waiting at once.
    barrier = context.Barrier(count + 1, timeout=120)
    results = context.Queue()
    live = dispatcher.submit in events._subscribers  # off with --no-live: off there too
    job = pickle.dumps((tenant.pk, live, work, kwargs))
    processes = [
        context.Process(target=bench_client.run, args=(job, share, barrier, results))
        for share in (list(range(count))[w::workers] for w in range(workers))
    ]
    for process in processes:
        process.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        raise_client_failure(results, processes)
    start = time.perf_counter()
    timings = []
    for _ in range(count):
        timings += next_result(results, processes)
    wall = time.perf_counter() - start
    for process in processes:
        process.join()
    return timings, wall


def next_result(results, processes) -> list:
    """A client's timings; a client process that ended in error ends the benchmark with it."""
    while True:
        try:
            kind, value = results.get(timeout=1)
        except Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise_client_failure(results, processes)
            continue
        if kind == "error":
            raise CommandError(f"a client process failed:\n{value}")
        return value


def raise_client_failure(results, processes):
    """The failed client's own error (read before anything is stopped: its message may still be
    on its way through the queue's pipe), then the other clients stopped."""
    try:
        _, value = results.get(timeout=10)
    except Empty:
        value = f"exit codes {[p.exitcode for p in processes]}"
    for process in processes:
        if process.is_alive():
            process.terminate()
    raise CommandError(f"a client process failed:\n{value}")
