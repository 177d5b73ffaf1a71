"""Huey tasks of the notifications. Each takes the tenant's schema and enters it itself; the
periodic ones fan out over the tenants. Only one consumer runs periodic tasks (Procfile)."""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django_tenants.utils import schema_context
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smartqueue.jobs.tenants import fan_out
from smartqueue.notifications import outbox
from smartqueue.notifications.models import Notification
from smartqueue.queues import clock

KEEP_NOTIFICATIONS = timedelta(days=90)


@db_task()
def plan_event(schema_name: str, name: str, data: dict, pending_id: str | None = None) -> int:
    """Write the rows the event calls for, then send them once they are committed."""
    from smartqueue.notifications.planning import plan_pending

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


@db_periodic_task(crontab(minute="*"))
def sweep_all() -> None:
    fan_out(sweep)


@db_task()
def sweep(schema_name: str) -> int:
    """Plan the events whose task was lost, send again what a killed worker or a lost task
    left behind."""
    from smartqueue.notifications.planning import lost_events

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
    from smartqueue.notifications.planning import appointment_reminders

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
