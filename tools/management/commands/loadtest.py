"""A branch network under load, on loopback: `manage.py loadtest [--processes 1,2,4]
[--agents 50] [--tickets 1000] [--queues 50] [--displays 100,500,1000] [--soak-seconds 60]`.

Needs REDIS_URL (several web processes share the channel layer) and a database of its own in
DATABASE_URL, migrated with `migrate_schemas`: the command fills organisations named load-1 …
(« Load test ») there, empties them on the next run, and drops them with --drop.

For each number of daphne processes (production settings, started here on free ports, or the
servers of --url): kiosks issue tickets on one queue, agents in a closed loop call next and close
until it is empty, kiosks issue tickets across many queues. Then, with the most processes, display
sockets hear calls (commit to last display) at each --displays size, and a connect / disconnect
soak shows their memory. The database is read back for double calls and duplicate numbers; a
failed check makes the command fail.

Besides latencies, each phase prints the CPU time the web processes (and the Huey worker) spent
per operation (for call-next: a call and its close), read from the processes themselves: a
figure that other work on a shared machine hardly changes, and that bounds what a core can
serve."""

import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tools.loadtest import clients, network
from tools.loadtest.clients import Fanout, Run, Soak
from tools.loadtest.network import Network
from tools.loadtest.servers import Processes

MB = 1024 * 1024


@dataclass
class Round:
    """The HTTP phases with one number of web processes."""

    processes: int
    one_queue: Run
    agents: Run
    many_queues: Run
    double_calls: int  # tickets called twice, in the responses or in the database
    agents_with_two: int
    unanswered_calls: int  # calls in the database that no agent was told of
    duplicates: int
    unanswered_tickets: int


@dataclass
class Checks:
    double_calls: int = 0
    duplicate_numbers: int = 0
    missed_display_events: int = 0
    failed_connects: int = 0

    @property
    def passed(self) -> bool:
        return not (
            self.double_calls
            or self.duplicate_numbers
            or self.missed_display_events
            or self.failed_connects
        )


class External:
    """Servers given with --url: no process to start, no memory to read."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls

    def __enter__(self) -> "External":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def rss(self) -> int:
        return 0

    def cpu(self) -> tuple[float, float]:
        return 0.0, 0.0


def timed(servers, phase) -> Run:
    """Run the phase, noting the CPU the servers spent on it."""
    web, worker = servers.cpu()
    run = asyncio.run(phase)
    web_after, worker_after = servers.cpu()
    run.web_cpu, run.worker_cpu = web_after - web, worker_after - worker
    return run


class Command(BaseCommand):
    help = "Play a branch network against daphne on loopback and print the figures."

    def add_arguments(self, parser):
        parser.add_argument("--processes", default="1,2,4", help="daphne processes per round")
        parser.add_argument("--url", default="", help="servers already running (comma list)")
        parser.add_argument("--tenants", type=int, default=4)
        parser.add_argument("--sites", type=int, default=2, help="sites per organisation")
        parser.add_argument("--agents", type=int, default=50, help="agents on the one queue")
        parser.add_argument("--tickets", type=int, default=1000, help="tickets on the one queue")
        parser.add_argument("--queues", type=int, default=50)
        parser.add_argument("--many-tickets", type=int, default=2000, help="across the queues")
        parser.add_argument("--kiosks", type=int, default=50, help="kiosks issuing at once")
        parser.add_argument("--displays", default="100,500,1000")
        parser.add_argument("--rounds", type=int, default=20, help="calls per site per size")
        parser.add_argument("--soak-seconds", type=float, default=60)
        parser.add_argument("--soak-sockets", type=int, default=200)
        parser.add_argument("--phase-seconds", type=float, default=120, help="cap per phase")
        parser.add_argument("--no-worker", action="store_true", help="no Huey worker")
        parser.add_argument("--drop", action="store_true", help="drop the organisations after")
        parser.add_argument("--log-dir", default="", help="servers' logs (default: a temp dir)")

    def handle(self, *args, **options):
        if not settings.REDIS_URL:
            raise CommandError("Set REDIS_URL: the web processes share the channel layer.")
        self.options = options
        levels = [int(n) for n in options["displays"].split(",") if n]
        counts = [int(n) for n in options["processes"].split(",") if n]
        if options["url"]:
            counts = [len(options["url"].split(","))]
        self.log_dir = Path(options["log_dir"] or tempfile.mkdtemp(prefix="loadtest-"))
        self.machine("start")
        net = network.build_network(
            tenants=options["tenants"],
            sites=options["sites"],
            queues=options["queues"],
            agents=options["agents"],
            displays=max(levels, default=0),
        )
        checks = Checks()
        try:
            for n in counts:
                self.print_round(self.http_round(net, n, checks))
            with self.servers(max(counts)) as servers:
                fanouts = [(k, self.fanout(net, servers, k, checks)) for k in levels]
                self.print_fanouts(fanouts, max(counts))
                if options["soak_seconds"] > 0:
                    self.print_soak(self.soak(net, servers, checks))
        finally:
            network.wipe_tickets(net)
            if options["drop"]:
                network.drop_network()
        self.machine("end")
        self.print_checks(checks)
        if not checks.passed:
            raise CommandError("A correctness check failed (see above).")

    def servers(self, count: int):
        if self.options["url"]:
            return External([url.rstrip("/") for url in self.options["url"].split(",")])
        log_dir = self.log_dir / f"daphne-{count}"
        return Processes(count, log_dir, worker=not self.options["no_worker"])

    # --- phases -------------------------------------------------------------------------------

    def http_round(self, net: Network, count: int, checks: Checks) -> Round:
        o, cap = self.options, self.options["phase_seconds"]
        self.stdout.write(f"… {count} daphne: kiosks, agents, kiosks across {len(net.queues)}")
        network.wipe_tickets(net)
        main = net.main_queue
        with self.servers(count) as servers:
            urls = servers.urls
            one = timed(
                servers, clients.issue_tickets(urls, [main], o["tickets"], o["kiosks"], cap)
            )
            agents = timed(servers, clients.serve_queue(urls, main.slug, net.agent_tokens, cap))
            main_tenant = net.tenants[0]
            twice = len(agents.ids) - len(set(agents.ids))
            twice += network.tickets_called_twice(main_tenant)
            holding = network.agents_holding_two(main_tenant)
            unanswered = network.calls_recorded(main_tenant) - len(agents.ids)
            many = timed(
                servers,
                clients.issue_tickets(urls, net.queues, o["many_tickets"], o["kiosks"], cap),
            )
        duplicates = network.duplicate_numbers(net)
        issued = network.ticket_count(net)
        checks.double_calls += twice + holding
        checks.duplicate_numbers += duplicates
        result = Round(
            count, one, agents, many, twice, holding, unanswered, duplicates,
            issued - one.ok - many.ok,
        )  # fmt: skip
        network.wipe_tickets(net)
        return result

    def fanout(self, net: Network, servers, size: int, checks: Checks) -> Fanout:
        pairs = net.displays(size)
        sites = [site for site in net.sites if any(s is site for s, _ in pairs)]
        rounds, cap = self.options["rounds"], self.options["phase_seconds"]
        self.stdout.write(f"… {size} displays over {len(sites)} sites, {rounds} calls each")
        network.wipe_tickets(net)
        targets = [site.display_queue for site in sites]
        issued = asyncio.run(
            clients.issue_tickets(servers.urls, targets, rounds * len(sites), 20, cap)
        )
        if issued.ok < rounds * len(sites):
            raise CommandError(f"could not issue the display phase's tickets: {issued.errors}")
        time.sleep(0.5)  # their pushes are gone before the sockets connect
        result = asyncio.run(
            clients.display_fanout(servers.urls, sites, pairs, rounds, servers.rss)
        )
        checks.missed_display_events += result.missed
        checks.failed_connects += result.failed_connects
        return result

    def soak(self, net: Network, servers, checks: Checks) -> Soak:
        seconds, sockets = self.options["soak_seconds"], self.options["soak_sockets"]
        self.stdout.write(f"… soak: {sockets} displays connect and disconnect for {seconds:g} s")
        pairs = net.displays(sockets)
        result = asyncio.run(clients.soak(servers.urls, pairs, seconds, servers.rss))
        checks.failed_connects += result.failed
        return result

    # --- output -------------------------------------------------------------------------------

    def machine(self, moment: str) -> None:
        """Cores and load average (the machine may be shared), and the CPU this load generator
        used itself: it runs on the same cores as the servers."""
        one, five, fifteen = os.getloadavg()
        used = os.times()
        db = connection.settings_dict["NAME"]
        self.stdout.write(
            f"machine ({moment}): {os.cpu_count()} cores, load average {one:.2f} {five:.2f} "
            f"{fifteen:.2f}; database {db}, Redis {settings.REDIS_URL}, "
            f"DB_CONN_MAX_AGE={os.environ.get('DB_CONN_MAX_AGE', '0')}; load generator CPU "
            f"{used.user + used.system:.1f} s"
        )

    def print_round(self, r: Round) -> None:
        o = self.options
        head = f"{'daphne':>6}  {'phase':<28}{'ok':>7}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        self.stdout.write(f"{head}{'web CPU ms':>12}{'worker ms':>11}  errors")
        phases = (
            (f"create, 1 queue, {o['kiosks']} kiosks", r.one_queue),
            (f"call-next, {o['agents']} agents", r.agents),
            (f"create, {o['queues']} queues", r.many_queues),
        )
        for name, run in phases:
            errors = ", ".join(f"{k}: {v}" for k, v in run.errors.items()) or "-"
            per = 1000 / run.ok if run.ok else float("nan")  # CPU ms per successful request
            self.stdout.write(
                f"{r.processes:>6}  {name:<28}{run.ok:>7}{run.rate:>9.1f}"
                f"{run.p50:>9.1f}{run.p99:>9.1f}{run.web_cpu * per:>12.1f}"
                f"{run.worker_cpu * per:>11.1f}  {errors}"
            )
        self.stdout.write(
            f"{'':>6}  checks: double calls {r.double_calls}, agents holding two "
            f"{r.agents_with_two}, duplicate numbers {r.duplicates}; calls without answer "
            f"{r.unanswered_calls}, tickets without answer {r.unanswered_tickets}"
        )

    def print_fanouts(self, fanouts: list[tuple[int, Fanout]], processes: int) -> None:
        self.stdout.write("")
        self.stdout.write(f"commit to last display, {processes} daphne (called_at → last socket)")
        head = f"{'displays':>8}{'calls':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        self.stdout.write(f"{head}{'missed':>8}{'KiB/socket':>12}{'retried':>9}{'failed':>8}")
        for size, f in fanouts:
            peak = max(f.latencies, default=float("nan")) * 1000
            memory = f"{f.bytes_per_socket / 1024:.1f}" if f.bytes_per_socket else "n/a"
            self.stdout.write(
                f"{size:>8}{f.calls:>7}{clients.percentile(f.latencies, 50):>9.1f}"
                f"{clients.percentile(f.latencies, 99):>9.1f}{peak:>9.1f}{f.missed:>8}"
                f"{memory:>12}{f.retried_connects:>9}{f.failed_connects:>8}"
            )

    def print_soak(self, soak: Soak) -> None:
        self.stdout.write("")
        samples = ", ".join(f"{t:.0f} s {rss / MB:.1f} MiB" for t, rss in soak.samples)
        self.stdout.write(
            f"soak: {soak.cycles} cycles, {soak.connections} connections, {soak.failed} failed "
            f"({soak.retried} attempts retried); "
            f"daphne RSS {samples}"
        )

    def print_checks(self, checks: Checks) -> None:
        self.stdout.write(
            f"checks: double calls {checks.double_calls}, duplicate numbers "
            f"{checks.duplicate_numbers}, missed display events {checks.missed_display_events}, "
            f"failed connects {checks.failed_connects} → {'OK' if checks.passed else 'FAILED'}"
        )
