"""A running Huey consumer says so in Redis every few seconds, under a key that expires on its
own: the health check can tell that jobs are being taken, not only enqueued."""

import os
import socket
import threading
import time

from huey.contrib.djhuey import HUEY

from smartqueue.core.redis_client import UNREACHABLE, client

KEY_PREFIX = "smartqueue:huey-consumer:"
EVERY_SECONDS = 5
_started = threading.Event()


@HUEY.on_startup()
def announce_this_consumer() -> None:
    """Huey calls this in each worker thread as it starts: one announcer per process."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=keep_announcing, name="huey-presence", daemon=True).start()


def keep_announcing() -> None:
    key = f"{KEY_PREFIX}{socket.gethostname()}:{os.getpid()}"
    connection = client()
    while True:
        try:
            connection.set(key, "1", ex=EVERY_SECONDS * 3)
        except UNREACHABLE:
            pass  # Redis away: the key expires, the health check says so
        time.sleep(EVERY_SECONDS)


def consumers_alive() -> int:
    try:
        return sum(1 for _ in client().scan_iter(match=f"{KEY_PREFIX}*", count=100))
    except UNREACHABLE:
        return 0
