"""Sockets that can no longer hear anything are closed, so their pages say so.

With Redis away a page's socket stays open to daphne but no push can reach it: the page would
show a stale state as if live. One task per process pings Redis every second; when it stops
answering, every socket of the process that listens to a group ends as a server error (close
code 1011, which clients, htmx's ws extension included, retry; daphne allows no other retry
code). Pages show their offline badge and retry; their reconnection fails until Redis answers
(the channel layer cannot subscribe), then succeeds, and a reconnected page re-syncs over HTTP."""

import asyncio
import contextlib
import logging
import weakref

from smartqueue.core.redis_client import UNREACHABLE, async_client

logger = logging.getLogger(__name__)
PING_EVERY_SECONDS = 1.0


class LayerLost(Exception):
    """The channel layer stopped answering: nothing can reach this socket any more."""


class Watchdog:
    def __init__(self) -> None:
        self.sockets: weakref.WeakSet = weakref.WeakSet()
        self._task: asyncio.Task | None = None

    def watch(self, consumer) -> None:
        """Called by a consumer that accepted its socket, in its application's task."""
        consumer.application_task = asyncio.current_task()
        self.sockets.add(consumer)
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._run())

    def forget(self, consumer) -> None:
        self.sockets.discard(consumer)

    async def _run(self) -> None:
        client = async_client()
        try:
            while self.sockets:
                if not await answers(client):
                    await self.close_all()
                await asyncio.sleep(PING_EVERY_SECONDS)
        finally:
            await client.aclose()

    async def close_all(self) -> None:
        sockets = list(self.sockets)
        logger.warning("Redis unreachable: closing %d live sockets", len(sockets))
        for consumer in sockets:
            self.forget(consumer)
            consumer.layer_lost = True
            consumer.application_task.cancel()  # WatchedSocket turns it into LayerLost


async def answers(client) -> bool:
    try:
        return bool(await client.ping())
    except UNREACHABLE:
        return False


class WatchedSocket:
    """Mixin for consumers that call watchdog.watch once accepted."""

    layer_lost = False
    group: str | None = None

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)  # type: ignore[misc]
        except asyncio.CancelledError:
            if not self.layer_lost:
                raise
            if self.group:
                await leave_group(self, self.group)
            raise LayerLost from None  # daphne closes the socket with 1011


async def leave_group(consumer, group: str) -> None:
    """group_discard, which fails while Redis is away; the layer forgets the channel anyway."""
    watchdog.forget(consumer)
    with contextlib.suppress(*UNREACHABLE):
        await consumer.channel_layer.group_discard(group, consumer.channel_name)


watchdog = Watchdog()
