"""The one way to reach Redis outside the channel layer, Huey and the cache backends: clients
that fail fast (a page or a request never waits on Redis), and what "unreachable" means."""

from functools import cache

import redis
import redis.asyncio as aioredis
from django.conf import settings

# Refused, timed out, or the socket went away mid-command (a restart).
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError, OSError)
FAIL_FAST_SECONDS = 0.5


@cache
def client() -> redis.Redis:
    """Shared by the threads of a process (its pool is thread-safe)."""
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=FAIL_FAST_SECONDS,
        socket_timeout=FAIL_FAST_SECONDS,
    )


def async_client() -> aioredis.Redis:
    """A new one for each event loop (asyncio clients belong to the loop that made them)."""
    return aioredis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=FAIL_FAST_SECONDS,
        socket_timeout=FAIL_FAST_SECONDS,
    )
