"""A sequence number per site, on every message pushed to its pages: a page that sees a gap
(the channel layer dropped a message, or it reconnected) re-renders over HTTP.

Redis keeps it across processes when REDIS_URL is set; the in-memory layer lives in one process,
so a counter in that process is enough."""

import itertools
import logging
import threading
from functools import cache

import redis
from django.conf import settings

logger = logging.getLogger(__name__)
_counters: dict[str, itertools.count] = {}
_last: dict[str, int] = {}
_lock = threading.Lock()


@cache
def redis_client():
    if not settings.REDIS_URL:
        return None
    # Fail fast when Redis is away: a page render must not wait for it.
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)


def key(schema: str, site_id) -> str:
    return f"smartqueue:live-seq:{schema}:{site_id}"


def next_seq(schema: str, site_id) -> int:
    client = redis_client()
    if client is not None:
        return int(client.incr(key(schema, site_id)))
    with _lock:
        name = key(schema, site_id)
        value = next(_counters.setdefault(name, itertools.count(1)))
        _last[name] = value
        return value


def current_seq(schema: str, site_id) -> int:
    """The number a page rendered now starts from. With Redis away, 0: the page still renders
    from PostgreSQL, and the first message after Redis returns is a gap, so it re-syncs."""
    client = redis_client()
    if client is not None:
        try:
            return int(client.get(key(schema, site_id)) or 0)
        except (redis.ConnectionError, redis.TimeoutError):
            logger.warning("live sequence unknown: Redis unreachable")
            return 0
    with _lock:
        return _last.get(key(schema, site_id), 0)
