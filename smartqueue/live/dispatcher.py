"""Hands engine events to the pages, off the request: the agent's click never waits for
rendering, and a burst of events for one site is rendered once.

One thread per process takes events in order, renders each site's fragments once per batch and
group_sends them through the Redis channel layer, from an event loop of its own."""

import asyncio
import logging
import queue
import threading
import time

from channels.layers import get_channel_layer
from django.db import connection
from redis.exceptions import ConnectionError as RedisConnectionError

from smartqueue.queues.events import DomainEvent

AGENT_ONLY = ("agent.status_updated",)  # no site: only the agent's own counter tabs hear it
logger = logging.getLogger(__name__)
BATCH_WINDOW_SECONDS = 0.1


class Dispatcher:
    def __init__(self) -> None:
        self._events: queue.Queue[DomainEvent] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self._own_loops = threading.local()  # a loop runs in one thread at a time

    def submit(self, event: DomainEvent) -> None:
        if not event.data.get("site_id") and event.name not in AGENT_ONLY:
            return  # nothing on a page depends on it
        self._ensure_thread()
        self._events.put(event)

    def flush(self, timeout: float = 10) -> None:
        """Wait until every submitted event has been delivered (tests, management commands)."""
        deadline = time.monotonic() + timeout
        while self._events.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _ensure_thread(self) -> None:
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="live-dispatch", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            batch = [self._events.get()]
            # Let a burst gather: one render for all of it, still far within the second a
            # display has to show a call.
            time.sleep(BATCH_WINDOW_SECONDS)
            while True:
                try:
                    batch.append(self._events.get_nowait())
                except queue.Empty:
                    break
            try:
                self.deliver(batch)
            except Exception:  # a page can re-sync; the dispatcher must keep going
                logger.exception("live delivery failed for %d events", len(batch))
                connection.close()
            finally:
                for _ in batch:
                    self._events.task_done()

    def deliver(self, batch: list[DomainEvent]) -> None:
        from smartqueue.live.render import desk_messages, site_messages

        if get_channel_layer() is None:
            return

        by_site: dict[tuple[str, str], list[DomainEvent]] = {}
        by_schema: dict[str, list[DomainEvent]] = {}
        for event in batch:
            by_schema.setdefault(event.schema_name, []).append(event)
            if event.data.get("site_id"):
                by_site.setdefault((event.schema_name, event.data["site_id"]), []).append(event)
        for (schema, site_id), events in by_site.items():
            for group, html in site_messages(schema, site_id, events):
                self.send(group, html)
        for schema, events in by_schema.items():
            for group, html in desk_messages(schema, events):
                self.send(group, html)

    def send(self, group: str, html: str) -> None:
        self.send_message(group, {"type": "live.html", "html": html})

    def send_message(self, group: str, message: dict) -> None:
        """Any message to a group, from any thread that runs no event loop (the API's sockets use
        it too, from their own thread)."""
        layer = get_channel_layer()
        if layer is None:
            return
        own = getattr(self._own_loops, "loop", None)
        if own is None:
            own = self._own_loops.loop = asyncio.new_event_loop()
        try:
            own.run_until_complete(layer.group_send(group, message))
        except RedisConnectionError:
            # After a Redis restart the first write goes to a connection the server has
            # dropped; the pool connects afresh on the next try. Still down: it raises.
            own.run_until_complete(layer.group_send(group, message))


dispatcher = Dispatcher()
