"""Huey tasks of the notifications. Each takes the tenant's schema and enters it itself; the
periodic ones fan out over the tenants. Only one consumer runs periodic tasks (Procfile)."""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django_tenants.utils import schema_context
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from smartqueue.background import after_commit
from smartqueue.core.redis_client import UNREACHABLE
from smartqueue.jobs.tenants import fan_out
from smartqueue.notifications import outbox
from smartqueue.notifications.models import Notification
from smartqueue.notifications.planning import (
    NOTIFIED,
    appointment_reminders,
    lost_events,
    plan_pending,
)
from smartqueue.queues import clock
from smartqueue.queues.events import DomainEvent

logger = logging.getLogger(__name__)
KEEP_NOTIFICATIONS = timedelta(days=90)


@db_task()
def plan_event(schema_name: str, name: str, data: dict, pending_id: str | None = None) -> int:
    """Write the rows the event calls for, then send them once they are committed."""
    with schema_context(schema_name), transaction.atomic():
        rows = plan_pending(pending_id, name, data)
        for row in rows:
            transaction.on_commit(partial(deliver, schema_name, str(row.pk)))
    return len(rows)


@db_task()
def deliver(schema_name: str, notification_id: str) -> str:
    with schema_context(schema_name):
        notification = outbox.claim(notification_id)
        if notification is None:
            return "skipped"  # sent already, held by another worker, or not due yet
        delay = outbox.send(notification)
    if delay is not None:
        deliver.schedule((schema_name, notification_id), delay=delay)
        return "retry"
    return "done"


def on_event(event: DomainEvent) -> None:
    """Subscriber (after commit, in the caller's thread): hand the event to a task. With a
    broker, the enqueue (a Redis round trip) goes to the after-commit thread; in-process
    (no Redis) the task is the work itself and runs here."""
    if not event.name.startswith(NOTIFIED):
        return
    args = (event.schema_name, event.name, event.data, str(event.id))
    if HUEY.immediate:
        plan_event(*args)
    else:
        after_commit.put(hand_to_worker, *args)


def hand_to_worker(schema_name: str, name: str, data: dict, pending_id: str) -> None:
    """Enqueue the planning; with Redis away, plan here instead (in the after-commit thread):
    the rows are in PostgreSQL, and the sweeper sends them once Redis and a worker are back."""
    try:
        plan_event(schema_name, name, data, pending_id)
    except UNREACHABLE:
        logger.warning("Huey unreachable: %s planned in this process", name)
        try:
            plan_event.call_local(schema_name, name, data, pending_id)
        except UNREACHABLE:
            pass  # the rows are committed; only the enqueue of their sends failed


@db_periodic_task(crontab(minute="*"))
def sweep_all() -> None:
    fan_out(sweep)


@db_task()
def sweep(schema_name: str) -> int:
    """Plan the events whose task was lost, send again what a killed worker or a lost task
    left behind."""
    with schema_context(schema_name):
        lost = lost_events(older_than=outbox.lease())
    for event in lost:
        plan_event.call_local(schema_name, event.name, event.data, str(event.id))
    with schema_context(schema_name):
        due = outbox.due_ids()
    for notification_id in due:
        deliver(schema_name, str(notification_id))
    return len(due)


@db_periodic_task(crontab(minute="*"))
def remind_all() -> None:
    fan_out(remind)


@db_task()
def remind(schema_name: str) -> int:
    """Appointment reminders whose time has come, in this tenant."""
    with schema_context(schema_name), transaction.atomic():
        rows = appointment_reminders(clock.now())
        for row in rows:
            transaction.on_commit(partial(deliver, schema_name, str(row.pk)))
    return len(rows)


@db_periodic_task(crontab(minute="17", hour="3"))
def clean_up_all() -> None:
    fan_out(clean_up)


@db_task()
def clean_up(schema_name: str) -> int:
    with schema_context(schema_name):
        done = (Notification.Status.SENT, Notification.Status.DELIVERED, Notification.Status.FAILED)
        deleted, _ = Notification.objects.filter(
            status__in=done, created_at__lt=clock.now() - KEEP_NOTIFICATIONS
        ).delete()
    return deleted
