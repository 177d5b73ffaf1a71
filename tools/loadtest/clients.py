"""The devices of the branch network as asyncio clients (aiohttp): kiosks issuing tickets and
agents calling over the JSON API, displays listening on their live socket. Every loop is bounded
by a count and a deadline. Client i talks to server i modulo the number of servers."""

import asyncio
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp

from tools.loadtest.network import QueueRef, SiteRef

# Production sits behind a proxy that says the request came over HTTPS (else: redirect).
PROXY = {"X-Forwarded-Proto": "https"}
# What a display is told of a call: the ticket's id and recall count (devices/display.html).
ANNOUNCED = re.compile(r'data-announce="([0-9a-f-]{36}):0"')
CONNECTS_AT_ONCE = 50
CONNECT_TRIES = 3
DISPLAY_WAIT_SECONDS = 10.0


@dataclass
class Run:
    """What one phase's requests did."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: Counter = field(default_factory=Counter)  # HTTP status (or exception name) → count
    wall: float = 0.0
    ids: list[str] = field(default_factory=list)  # tickets called (agents)
    web_cpu: float = 0.0  # CPU seconds the web processes and the worker spent on the phase
    worker_cpu: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


def percentile(values: list[float], pct: int) -> float:
    """In milliseconds; NaN when nothing was measured."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1] * 1000


def session() -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=0)  # one connection per client, as real devices
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30))


def api(base: str, slug: str) -> str:
    return f"{base}/api/v1/tenants/{slug}"


def auth(token: str) -> dict[str, str]:
    return {**PROXY, "Authorization": f"Token {token}"}


async def post(http: aiohttp.ClientSession, url: str, token: str, body: dict):
    """(status, JSON body or None, seconds)."""
    start = time.perf_counter()
    try:
        async with http.post(url, json=body, headers=auth(token)) as response:
            data = await response.json() if response.content_type == "application/json" else None
            return response.status, data, time.perf_counter() - start
    except (TimeoutError, aiohttp.ClientError) as error:
        return type(error).__name__, None, time.perf_counter() - start


# --- kiosks -----------------------------------------------------------------------------------


async def issue_tickets(
    urls: list[str], targets: list[QueueRef], count: int, clients: int, seconds: float
) -> Run:
    """`clients` kiosks share `count` tickets, ticket i on targets[i % len(targets)]."""
    run, numbers = Run(), iter(range(count))
    deadline = time.monotonic() + seconds

    async def kiosk(c: int, http: aiohttp.ClientSession) -> None:
        base = urls[c % len(urls)]
        for i in numbers:  # one iterator shared by every kiosk: each ticket is issued once
            if time.monotonic() > deadline:
                return
            queue = targets[i % len(targets)]
            body = {"queue": queue.queue_id, "channel": "kiosk"}
            status, _, seconds_taken = await post(
                http, f"{api(base, queue.slug)}/tickets/", queue.token, body
            )
            if status == 201:
                run.latencies.append(seconds_taken)
            else:
                run.errors[status] += 1

    async with session() as http:
        start = time.perf_counter()
        await asyncio.gather(*(kiosk(c, http) for c in range(clients)))
        run.wall = time.perf_counter() - start
    return run


# --- agents -----------------------------------------------------------------------------------


async def serve_queue(urls: list[str], slug: str, tokens: list[str], seconds: float) -> Run:
    """Each agent in a closed loop: call next, close, again, until the queue is empty (404) or
    the deadline. Only call-next is timed, from request to response."""
    run = Run()
    deadline = time.monotonic() + seconds

    async def agent(c: int, token: str, http: aiohttp.ClientSession) -> None:
        base = api(urls[c % len(urls)], slug)
        while time.monotonic() < deadline:
            status, ticket, taken = await post(http, f"{base}/agents/call-next/", token, {})
            if status == 404:
                return  # nothing left to call
            if status != 200 or ticket is None:
                run.errors[status] += 1
                if status == 400:
                    return  # refused (the agent still holds a ticket): this agent stops
                await asyncio.sleep(0.05)
                continue
            run.latencies.append(taken)
            run.ids.append(ticket["id"])
            if not await close(http, f"{base}/tickets/{ticket['id']}/close/", token, run):
                return

    async with session() as http:
        start = time.perf_counter()
        await asyncio.gather(*(agent(c, token, http) for c, token in enumerate(tokens)))
        run.wall = time.perf_counter() - start
    return run


async def close(http: aiohttp.ClientSession, url: str, token: str, run: Run) -> bool:
    """Close the agent's ticket, trying again a few times (a 503 leaves it called)."""
    for attempt in range(3):
        status, _, _ = await post(http, url, token, {})
        if status == 200:
            return True
        run.errors[f"close {status}"] += 1
        await asyncio.sleep(0.1 * (attempt + 1))
    return False


# --- displays ---------------------------------------------------------------------------------


def socket_url(base: str, slug: str, secret: str) -> str:
    return f"{base.replace('http://', 'ws://')}/ws/tenants/{slug}/live/display/{secret}/"


class Displays:
    """Display sockets, each noting when it heard each call announced."""

    def __init__(self, http: aiohttp.ClientSession, urls: list[str]) -> None:
        self.http, self.urls = http, urls
        self.sockets: list[aiohttp.ClientWebSocketResponse] = []
        self.readers: list[asyncio.Task] = []
        self.heard: dict[str, dict[int, float]] = {}  # ticket id → display number → epoch s
        self.by_site: Counter = Counter()  # site id → displays connected
        self.refusals: Counter = Counter()  # attempts that failed, by error
        self.failed = 0  # displays that never connected

    async def connect(self, pairs: list[tuple[SiteRef, str]]) -> None:
        gate = asyncio.Semaphore(CONNECTS_AT_ONCE)

        async def one(n: int, site: SiteRef, secret: str) -> None:
            base = self.urls[n % len(self.urls)]
            async with gate:
                ws = await self.open(socket_url(base, site.slug, secret), origin=base)
            if ws is None:
                return
            number = len(self.sockets)
            self.sockets.append(ws)
            self.by_site[site.site_id] += 1
            self.readers.append(asyncio.create_task(self.listen(number, ws)))

        await asyncio.gather(*(one(n, site, secret) for n, (site, secret) in enumerate(pairs)))

    async def open(self, url: str, origin: str) -> aiohttp.ClientWebSocketResponse | None:
        """Connect as a display page does: a refused or timed-out handshake (daphne drops a
        socket not accepted within 5 s) is tried again after a pause, up to CONNECT_TRIES."""
        for attempt in range(CONNECT_TRIES):
            try:
                return await self.http.ws_connect(url, origin=origin, max_msg_size=0)
            except (TimeoutError, aiohttp.ClientError) as error:
                self.refusals[type(error).__name__] += 1
                await asyncio.sleep(0.5 * (attempt + 1))
        self.failed += 1
        return None

    async def listen(self, number: int, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            now = time.time()
            for ticket_id in ANNOUNCED.findall(message.data):
                self.heard.setdefault(ticket_id, {}).setdefault(number, now)

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        self.sockets, self.readers, self.by_site = [], [], Counter()

    async def last_heard(self, ticket_id: str, site_id: str) -> tuple[float | None, int]:
        """When the last display of the site heard the call (None if one never did within
        DISPLAY_WAIT_SECONDS), and how many displays heard it."""
        deadline = time.monotonic() + DISPLAY_WAIT_SECONDS
        wanted = self.by_site[site_id]
        while time.monotonic() < deadline:
            heard = self.heard.get(ticket_id, {})
            if len(heard) >= wanted:
                return max(heard.values()), len(heard)
            await asyncio.sleep(0.002)
        return None, len(self.heard.get(ticket_id, {}))


@dataclass
class Fanout:
    latencies: list[float] = field(default_factory=list)  # called_at → last display, seconds
    calls: int = 0
    missed: int = 0  # display × call pairs that never heard the call
    failed_connects: int = 0
    retried_connects: int = 0
    bytes_per_socket: float = 0.0


async def display_fanout(
    urls: list[str],
    sites: list[SiteRef],
    pairs: list[tuple[SiteRef, str]],
    rounds: int,
    rss: Callable[[], int],
) -> Fanout:
    """Connect the displays, then `rounds` times have every site's caller call next at once:
    the time from the ticket's called_at (taken in the engine's transaction, just before its
    commit) to the moment the last of that site's displays hears it."""
    result = Fanout()
    async with session() as http:
        displays = Displays(http, urls)
        before = rss()
        await displays.connect(pairs)
        await asyncio.sleep(2)  # let the servers settle their buffers
        connected = len(displays.sockets)
        result.bytes_per_socket = (rss() - before) / connected if connected else 0.0
        result.failed_connects = displays.failed
        result.retried_connects = sum(displays.refusals.values())
        try:
            for _ in range(rounds):
                calls = [call_at(http, urls, n, site, displays) for n, site in enumerate(sites)]
                for outcome in await asyncio.gather(*calls):
                    if outcome is None:
                        continue
                    latency, missed = outcome
                    result.calls += 1
                    result.missed += missed
                    if latency is not None:
                        result.latencies.append(latency)
                await asyncio.sleep(0.2)
        finally:
            await displays.close()
    return result


async def call_at(http, urls: list[str], n: int, site: SiteRef, displays: Displays):
    """One call at the site, timed to its last display; then the ticket is closed."""
    if not displays.by_site[site.site_id]:
        return None
    base = api(urls[n % len(urls)], site.slug)
    status, ticket, _ = await post(http, f"{base}/agents/call-next/", site.caller_token, {})
    if status != 200 or ticket is None:
        raise RuntimeError(f"the caller of {site.slug} could not call: {status}")
    called = datetime.fromisoformat(ticket["called_at"]).timestamp()
    last, heard = await displays.last_heard(ticket["id"], site.site_id)
    await post(http, f"{base}/tickets/{ticket['id']}/close/", site.caller_token, {})
    missed = displays.by_site[site.site_id] - heard
    return (None if last is None else last - called), missed


# --- soak -------------------------------------------------------------------------------------


@dataclass
class Soak:
    samples: list[tuple[float, int]] = field(default_factory=list)  # (seconds, RSS bytes)
    cycles: int = 0
    connections: int = 0
    failed: int = 0
    retried: int = 0


async def soak(
    urls: list[str], pairs: list[tuple[SiteRef, str]], seconds: float, rss: Callable[[], int]
) -> Soak:
    """Connect the displays, hold them a moment, disconnect them, again and again for
    `seconds`; the servers' memory is sampled at the start, the middle and the end."""
    result = Soak(samples=[(0.0, rss())])
    start = time.monotonic()
    async with session() as http:
        while time.monotonic() - start < seconds:
            displays = Displays(http, urls)
            await displays.connect(pairs)
            await asyncio.sleep(0.2)
            result.connections += len(displays.sockets)
            result.failed += displays.failed
            result.retried += sum(displays.refusals.values())
            await displays.close()
            result.cycles += 1
            elapsed = time.monotonic() - start
            if len(result.samples) == 1 and elapsed >= seconds / 2:
                result.samples.append((elapsed, rss()))
    await asyncio.sleep(1)  # let the last disconnections finish
    result.samples.append((time.monotonic() - start, rss()))
    return result
