"""Signing out closes the staff sockets opened with that sign-in: a signed-out tab must not go
on hearing the waiting lists (customers' names) over a socket opened before."""

import logging

from smartqueue.live.dispatcher import dispatcher
from smartqueue.live.groups import session_group

logger = logging.getLogger(__name__)


def close_staff_sockets(sender, request, user, **kwargs) -> None:
    """user_logged_out runs before the session is flushed: its key still names the group."""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    if session is None or not key:
        return
    # The page reloads as soon as it hears this: the sign-in must be gone by then, so the
    # session ends here rather than a moment later in logout() (which flushes it again, a no-op).
    session.flush()
    try:
        dispatcher.send_message(session_group(key), {"type": "live.signed_out"})
    except Exception:  # signing out must work even with the channel layer away
        logger.exception("could not close the live sockets of a signed-out session")
