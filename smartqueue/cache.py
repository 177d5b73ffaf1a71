"""The Redis cache, forgiving: it holds rate-limit counters and nothing that must survive, so
when Redis is away reads miss and writes are dropped instead of failing the request (sign-in,
kiosk tickets). PostgreSQL stays the source of truth."""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from smartqueue.core.redis_client import UNREACHABLE

logger = logging.getLogger(__name__)


def forgiving(name: str, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE:
            logger.warning("cache %s skipped: Redis unreachable", name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    call.__name__ = name
    return call


def default_of(key, default=None, *args, **kwargs):
    return default


class ForgivingRedisCache(RedisCache):
    get = forgiving("get", default_of)
    get_many = forgiving("get_many", {})
    set = forgiving("set", None)
    set_many = forgiving("set_many", [])
    add = forgiving("add", True)  # "added": a limiter without its counters lets people through
    incr = forgiving("incr", 1)
    touch = forgiving("touch", False)
    has_key = forgiving("has_key", False)
    delete = forgiving("delete", False)
    delete_many = forgiving("delete_many", None)


def over_limit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more under `key` in the current fixed window; True once past `limit`. Keys
    carry the schema (django-tenants' make_key); with Redis away nothing is counted."""
    return count_in_window(key, window_seconds)[0] > limit


def count_in_window(key: str, window_seconds: int) -> tuple[int, int]:
    """Count one more under `key` in the current fixed window: (the count so far, when the
    window ends, in Unix seconds). With Redis away every request is the window's first."""
    number = int(time.time() // window_seconds)
    window = f"{key}:{number}"
    cache.add(window, 0, window_seconds + 30)
    return cache.incr(window), (number + 1) * window_seconds
