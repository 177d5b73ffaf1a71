"""The stack's floor over HTTP: `manage.py benchmark_http_floor [--processes 1,2] [--clients 20]
[--seconds 10]`.

daphne processes serve a do-nothing Django view (tools/loadtest/floor.py) on loopback and
as many aiohttp clients as --clients POST to it in a closed loop, as the load test's kiosks do.
What they reach bounds any SmartQueue endpoint on this machine: a ticket created over HTTP costs
this request and the engine's work besides. Each row also gives the daphne processes' CPU time
per request, which other work on the machine hardly changes."""

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from django.core.management.base import BaseCommand

from tools.loadtest.servers import Processes

APP = "tools.loadtest.floor:application"
COLUMNS = ("processes", "clients", "requests", "req/s", "p50 ms", "p99 ms", "cpu ms/req")


class Command(BaseCommand):
    help = "Requests per second of a do-nothing Django view behind daphne, on loopback."

    def add_arguments(self, parser):
        parser.add_argument("--processes", default="1,2")
        parser.add_argument("--clients", type=int, default=20)
        parser.add_argument("--seconds", type=float, default=10.0)

    def handle(self, *args, processes, clients, seconds, **options):
        self.stdout.write("".join(f"{column:>12}" for column in COLUMNS))
        with tempfile.TemporaryDirectory() as logs:
            for count in [int(n) for n in processes.split(",")]:
                with Processes(count, Path(logs), worker=False, app=APP, health="/ok/") as web:
                    before = web.cpu()[0]
                    timings, wall, failed = asyncio.run(load(web.urls, clients, seconds))
                    cpu = web.cpu()[0] - before
                self.stdout.write(row(count, clients, timings, wall, cpu))
                if failed:
                    self.stdout.write(f"{failed} requests failed")


async def load(urls: list[str], clients: int, seconds: float) -> tuple[list[float], float, int]:
    """`clients` closed loops, dealt over the servers: every latency, the wall time, failures."""
    timings: list[float] = []
    failed = 0

    async def client(i: int, http: aiohttp.ClientSession) -> None:
        nonlocal failed
        url = f"{urls[i % len(urls)]}/ok/"
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            start = time.perf_counter()
            async with http.post(url) as response:
                await response.read()
                if response.status != 200:
                    failed += 1
            timings.append(time.perf_counter() - start)

    limit = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=limit) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(i, http) for i in range(clients)))
        return timings, time.perf_counter() - start, failed


def row(processes: int, clients: int, timings: list[float], wall: float, cpu: float) -> str:
    p99 = statistics.quantiles(timings, n=100, method="inclusive")[98]
    cells = [
        str(processes),
        str(clients),
        str(len(timings)),
        f"{len(timings) / wall:.0f}",
        f"{statistics.median(timings) * 1000:.1f}",
        f"{p99 * 1000:.1f}",
        f"{cpu / len(timings) * 1000:.2f}",
    ]
    return "".join(f"{cell:>12}" for cell in cells)
