"""The outbox: notification rows in PostgreSQL are the truth, Huey only carries reminders.

A row is written once per key (a second planning of the same event writes nothing); a worker
claims it for a short lease before sending, so two tasks for one row send it once; a worker
killed mid-send lets the lease expire and the sweeper sends the row again."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from smartqueue.notifications.backends import DeliveryError, backend_for
from smartqueue.notifications.endpoint_health import note_failure, note_success
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
    """Take the row for one send, if it is due and nobody holds it. `interrupted` on the row
    says an earlier holder's lease ran out: a worker died while sending it, perhaps after the
    provider took it."""
    now = clock.now()
    found = (
        Notification.objects.filter(
            pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .values("claimed_until")
        .first()
    )
    if found is None:
        return None
    previous = found["claimed_until"]
    # Compare-and-set on the lease just read: of two workers, one takes it.
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, claimed_until=previous
    ).update(claimed_until=now + lease())
    if not claimed:
        return None
    notification = Notification.objects.select_related("endpoint").get(pk=notification_id)
    notification.interrupted = previous is not None
    return notification


def send(notification: Notification) -> float | None:
    """Send a claimed row and record the outcome; returns the delay before a retry, if any."""
    backend = backend_for(notification.channel)
    try:
        found = taken_already(backend, notification)
    except DeliveryError as error:
        return ask_again_later(notification, str(error))
    try:
        provider_id = found or backend.send(notification)
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
        note_success(notification.endpoint)
    return None


def taken_already(backend, notification: Notification) -> str:
    """After an interrupted send, the provider's id of the message if it took it then: asked
    before sending again, so the customer gets it once. Backends that cannot be asked (email)
    send again; webhook receivers de-duplicate on the event id."""
    if not notification.interrupted or not hasattr(backend, "find_sent"):
        return ""
    return backend.find_sent(notification)


def ask_again_later(notification: Notification, reason: str) -> float:
    """The provider could not say whether it took the cut send: nothing is sent now, and the
    lease is left run out rather than cleared, so the next claim asks again."""
    delay = BACKOFF_SECONDS["customer"][0]
    now = clock.now()
    Notification.objects.filter(pk=notification.pk).update(
        last_error=reason[:500], claimed_until=now, next_attempt_at=now + timedelta(seconds=delay)
    )
    return delay


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
