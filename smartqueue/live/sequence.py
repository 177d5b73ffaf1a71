"""A sequence number per site, on every message pushed to its pages: a page that sees a gap
(the channel layer dropped a message, or it reconnected) re-renders over HTTP.

Redis keeps it, so every web process counts on the same number."""

import logging
from typing import cast

from smartqueue.core.redis_client import UNREACHABLE, client

logger = logging.getLogger(__name__)


def key(schema: str, site_id) -> str:
    return f"smartqueue:live-seq:{schema}:{site_id}"


def next_seq(schema: str, site_id) -> int:
    return int(cast(int, client().incr(key(schema, site_id))))


def current_seq(schema: str, site_id) -> int:
    """The number a page rendered now starts from. With Redis away, 0: the page still renders
    from PostgreSQL, and the first message after Redis returns is a gap, so it re-syncs."""
    try:
        return int(cast(bytes | None, client().get(key(schema, site_id))) or 0)
    except UNREACHABLE:
        logger.warning("live sequence unknown: Redis unreachable")
        return 0
