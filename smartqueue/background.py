"""Work handed off after commit so the caller (an agent's click) never waits for Redis: one
thread per process runs the calls in the order they were handed, and a failing call never
stops the ones after it. What must not be lost is in PostgreSQL already; this only delivers."""

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


class Handoff:
    def __init__(self, name: str) -> None:
        self.name = name
        self._calls: queue.Queue[tuple[Callable[..., Any], tuple]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def put(self, call: Callable[..., Any], *args: Any) -> None:
        self._ensure_thread()
        self._calls.put((call, args))

    def flush(self, timeout: float = 10) -> None:
        """Wait until every handed call has run (tests, management commands)."""
        deadline = time.monotonic() + timeout
        while self._calls.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _ensure_thread(self) -> None:
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            call, args = self._calls.get()
            try:
                call(*args)
            except Exception:
                logger.exception("%s failed in %s", getattr(call, "__name__", call), self.name)
            finally:
                self._calls.task_done()


after_commit = Handoff("after-commit")
