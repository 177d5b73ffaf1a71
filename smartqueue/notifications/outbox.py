"""The outbox: notification rows in PostgreSQL are the truth, Huey only carries reminders.

A row is written once per key (a second planning of the same event writes nothing); a worker
claims it for a short lease before sending, so two tasks for one row send it once; a worker
killed mid-send lets the lease expire and the sweeper sends the row again."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from smartqueue.notifications.backends import DeliveryError, backend_for
from smartqueue.notifications.models import Channel, Notification
from smartqueue.queues import clock

# Customers' messages are worth little late; webhooks keep trying for about a day.
BACKOFF_SECONDS = {
    "customer": (30, 120, 600, 1800),
    Channel.WEBHOOK: (30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600),
}


def lease() -> timedelta:
    """How long a send holds its row: longer than any send takes, short enough that what a
    killed worker held is sent again soon (the sweeper runs every minute)."""
    return timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


def add(key: str, **fields) -> Notification | None:
    """The row for this key, or None if it was already written (by an earlier run)."""
    now = clock.now()
    try:
        with transaction.atomic():
            return Notification.objects.create(
                key=key[:200], created_at=now, next_attempt_at=now, **fields
            )
    except IntegrityError:
        return None


def claim(notification_id) -> Notification | None:
    """Take the row for one send, if it is due and nobody holds it."""
    now = clock.now()
    claimed = (
        Notification.objects.filter(
            pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + lease())
    )
    if not claimed:
        return None
    return Notification.objects.select_related("endpoint").get(pk=notification_id)


def send(notification: Notification) -> float | None:
    """Send a claimed row and record the outcome; returns the delay before a retry, if any."""
    try:
        provider_id = backend_for(notification.channel).send(notification)
    except DeliveryError as error:
        return failed(notification, str(error), permanent=error.permanent)
    except Exception as error:  # an unexpected failure is a failure, not a lost message
        return failed(notification, f"{error.__class__.__name__}: {error}", permanent=False)
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        provider_id=provider_id[:100],
        attempts=notification.attempts + 1,
        sent_at=clock.now(),
        claimed_until=None,
        last_error="",
    )
    if notification.endpoint is not None:
        from smartqueue.notifications.webhooks import note_success

        note_success(notification.endpoint)
    return None


def failed(notification: Notification, reason: str, *, permanent: bool) -> float | None:
    attempts = notification.attempts + 1
    delays = BACKOFF_SECONDS.get(notification.channel, BACKOFF_SECONDS["customer"])
    give_up = permanent or attempts > len(delays)
    delay = None if give_up else delays[attempts - 1]
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.FAILED if give_up else Notification.Status.PENDING,
        attempts=attempts,
        last_error=reason[:500],
        claimed_until=None,
        next_attempt_at=clock.now() + timedelta(seconds=delay or 0),
    )
    if notification.endpoint is not None:
        from smartqueue.notifications.webhooks import note_failure

        note_failure(notification.endpoint)
    return delay


def due_ids(limit: int = 500) -> list:
    """Rows whose time has come and that nobody holds: lost tasks, or retries."""
    now = clock.now()
    return list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
