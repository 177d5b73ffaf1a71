"""A sequence number per site, on every message pushed to its pages: a page that sees a gap
(the channel layer dropped a message, or it reconnected) re-renders over HTTP.

Redis keeps it across processes when REDIS_URL is set; the in-memory layer lives in one process,
so a counter in that process is enough."""

import itertools
import threading
from functools import cache

import redis
from django.conf import settings

_counters: dict[str, itertools.count] = {}
_last: dict[str, int] = {}
_lock = threading.Lock()


@cache
def redis_client():
    return redis.Redis.from_url(settings.REDIS_URL) if settings.REDIS_URL else None


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
    client = redis_client()
    if client is not None:
        return int(client.get(key(schema, site_id)) or 0)
    with _lock:
        return _last.get(key(schema, site_id), 0)
