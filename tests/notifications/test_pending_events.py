"""Engine events are kept in PostgreSQL, in the engine's own transaction, until planned: an
event whose task was lost (the web process killed after the commit, a worker killed while
planning, Redis away) is planned by the sweeper, once."""

from datetime import timedelta

import pytest
from django.db import connection, transaction

from smartqueue.notifications import outbox, tasks
from smartqueue.notifications.models import Notification, PendingEvent
from smartqueue.queues import clock, services
from smartqueue.queues.models import Customer
from tests.factories import make_queue

pytestmark = pytest.mark.django_db


def sms_customer() -> Customer:
    return Customer.objects.create(first_name="Awa", phone="+221771234567", notify_sms=True)


def test_an_engine_event_is_kept_with_the_change_and_dropped_with_its_rollback(alpha):
    queue = make_queue()
    ticket = services.create_ticket(queue=queue)
    kept = PendingEvent.objects.get()
    assert kept.name == "ticket.created" and kept.data["ticket_id"] == str(ticket.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_ticket(queue=queue)
        raise RuntimeError("the caller's transaction fails")
    assert PendingEvent.objects.count() == 1


def test_planning_deletes_the_pending_event_and_a_second_planning_does_nothing(alpha):
    ticket = services.create_ticket(queue=make_queue(), customer=sms_customer())
    kept = PendingEvent.objects.get()
    schema = connection.schema_name
    assert tasks.plan_event.call_local(schema, kept.name, kept.data, str(kept.pk)) == 1
    assert not PendingEvent.objects.exists()
    assert tasks.plan_event.call_local(schema, kept.name, kept.data, str(kept.pk)) == 0
    assert Notification.objects.filter(ticket=ticket).count() == 1


def test_the_sweeper_plans_and_sends_a_lost_event_once(alpha, twilio):
    ticket = services.create_ticket(queue=make_queue(), customer=sms_customer())  # no task ran
    schema = connection.schema_name
    tasks.sweep.call_local(schema)
    assert PendingEvent.objects.count() == 1  # young: its task may still come
    with clock.frozen_at(clock.now() + outbox.lease() + timedelta(seconds=1)):
        tasks.sweep.call_local(schema)
        tasks.sweep.call_local(schema)
    assert not PendingEvent.objects.exists()
    row = Notification.objects.get(ticket=ticket)
    assert row.status == Notification.Status.SENT and len(twilio.received) == 1
