"""Periodic jobs of the queue engine (Huey). Only one consumer runs periodic tasks (Procfile):
each periodic task fans out to one task per active tenant, which takes the schema name and
enters that schema itself. Every job is a sweeper over the database, so a task lost with a
killed worker (Huey acknowledges nothing) is caught up by the next run.

- every minute: calls nobody answered become no-shows; sites past their closing time close
  their left-over tickets; appointments not checked in by the end of their slot are missed;
- every night: customers' names and phone numbers on tickets older than the tenant's
  retention period are erased.

Device heartbeat needs no job: a display or kiosk is online when its `last_seen_at` is less
than two minutes old, computed when read (dashboard settings list).

Tasks return nothing: Huey would keep every returned value in its result store.
"""

import logging
from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from smartqueue.jobs import presence  # noqa: F401 (a consumer announces itself)
from smartqueue.jobs.tenants import fan_out, tenant_schema
from smartqueue.notifications import sla_alerts
from smartqueue.notifications.tasks import deliver
from smartqueue.queues import appointments, automatic, clock
from smartqueue.queues.models import Site

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def every_minute() -> None:
    fan_out(expire_calls)
    fan_out(end_days)
    fan_out(mark_missed_appointments)
    fan_out(check_sla)


@db_periodic_task(crontab(minute="40", hour="2"))
def every_night() -> None:
    fan_out(apply_retention)


@db_task()
def expire_calls(schema_name: str) -> None:
    with tenant_schema(schema_name) as tenant:
        if tenant is None:
            return
        expired = automatic.expire_unanswered_calls(clock.now())
    if expired:
        logger.info("%s: %d unanswered call(s) marked no-show", schema_name, len(expired))


@db_task()
def end_days(schema_name: str) -> None:
    with tenant_schema(schema_name) as tenant:
        if tenant is None:
            return
        now = clock.now()
        closing = Site.objects.filter(end_of_day=Site.EndOfDay.EXPIRE)
        closed = sum(len(automatic.close_day(site, now)) for site in closing)
    if closed:
        logger.info("%s: %d left-over ticket(s) closed at end of day", schema_name, closed)


@db_task()
def mark_missed_appointments(schema_name: str) -> None:
    with tenant_schema(schema_name) as tenant:
        if tenant is None:
            return
        missed = appointments.mark_missed(clock.now())
    if missed:
        logger.info("%s: %d appointment(s) missed", schema_name, len(missed))


@db_task()
def check_sla(schema_name: str) -> None:
    with tenant_schema(schema_name) as tenant:
        if tenant is None:
            return
        messages = sla_alerts.check_breaches(tenant, clock.now())
    for notification in messages:  # the sweeper sends them too if this hand-off is lost
        deliver(schema_name, str(notification.pk))
    if messages:
        logger.info("%s: %d SLA alert message(s)", schema_name, len(messages))


@db_task()
def apply_retention(schema_name: str) -> None:
    with tenant_schema(schema_name) as tenant:
        if tenant is None:
            return
        before = clock.now() - timedelta(days=tenant.retention_days)
        erased = automatic.erase_personal_data(before)
    if erased:
        logger.info("%s: personal data erased on %d ticket(s)", schema_name, erased)
