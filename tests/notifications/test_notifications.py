"""Customers hear of their ticket on the channels they chose, once per event, through Twilio's
real protocol (a local server); failures retry, then stop as failed; lost work is swept."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

from smartqueue.notifications import outbox, tasks
from smartqueue.notifications.models import Notification, NotificationTemplate
from smartqueue.notifications.planning import plan
from smartqueue.notifications.views import twilio_signature
from smartqueue.queues import clock, services
from smartqueue.queues.models import Customer
from tests.factories import make_agent, make_counter, make_queue

pytestmark = pytest.mark.django_db
Status = Notification.Status


def customer(**choices) -> Customer:
    fields = {"first_name": "Awa", "phone": "+221771234567", "email": "awa@example.sn"}
    return Customer.objects.create(**{**fields, **choices})


def created_rows(queue, who) -> list[Notification]:
    ticket = services.create_ticket(queue=queue, customer=who)
    plan("ticket.created", {"ticket_id": str(ticket.pk)})
    return list(Notification.objects.filter(ticket=ticket))


def test_every_tenant_starts_with_french_english_and_wolof_templates(alpha):
    templates = NotificationTemplate.objects.all()
    assert templates.count() == 5 * 3 * 3
    assert {t.language for t in templates} == {"fr", "en", "wo"}


def test_the_wolof_migration_adds_only_wolof(alpha):
    NotificationTemplate.objects.filter(language="wo").delete()
    NotificationTemplate.objects.filter(language="fr", event="ticket_called").delete()
    add_wolof = import_module("smartqueue.notifications.migrations.0003_wolof_templates").add_wolof
    add_wolof(django_apps, None)
    assert NotificationTemplate.objects.filter(language="wo").count() == 5 * 3
    assert not NotificationTemplate.objects.filter(language="fr", event="ticket_called").exists()


def test_a_wolof_customer_reads_wolof(alpha):
    queue = make_queue()
    rows = created_rows(queue, customer(notify_sms=True, language="wo"))
    assert rows[0].body.startswith(queue.site.name + " : tike")


def test_only_the_channels_the_customer_chose(alpha):
    queue = make_queue(letter="N")
    rows = created_rows(queue, customer(notify_sms=True))
    assert [(r.channel, r.recipient, r.event) for r in rows] == [
        ("sms", "+221771234567", "ticket_created")
    ]
    assert "N001" in rows[0].body and queue.site.name in rows[0].body
    assert created_rows(queue, customer(phone="+221771234568")) == []
    opted_out = customer(phone="+221771234569", notify_sms=True, is_active=False)
    assert created_rows(queue, opted_out) == []
    both = created_rows(
        queue, customer(phone="+221771234560", notify_whatsapp=True, notify_email=True)
    )
    assert sorted(r.channel for r in both) == ["email", "whatsapp"]


def test_the_customer_reads_their_language_and_a_disabled_template_is_silent(alpha):
    queue = make_queue()
    english = created_rows(queue, customer(notify_sms=True, language="en"))
    assert english[0].body.startswith(queue.site.name + ": ticket")
    NotificationTemplate.objects.filter(event="ticket_created", channel="sms").update(
        is_active=False
    )
    assert created_rows(queue, customer(phone="+221770000002", notify_sms=True)) == []


def test_a_repeated_plan_or_delivery_sends_once(alpha, twilio):
    queue = make_queue()
    ticket = services.create_ticket(queue=queue, customer=customer(notify_sms=True))
    for _ in range(2):
        tasks.plan_event.call_local(
            connection.schema_name, "ticket.created", {"ticket_id": str(ticket.pk)}
        )
    row = Notification.objects.get(ticket=ticket)
    for _ in range(2):
        tasks.deliver.call_local(connection.schema_name, str(row.pk))
    row.refresh_from_db()
    assert len(twilio.received) == 1 and row.status == Status.SENT
    sent = twilio.received[0]["form"]
    assert sent["To"] == "+221771234567" and sent["From"] == "+15005550006"
    assert sent["StatusCallback"] == "https://queue.example.sn/t/alpha/notifications/twilio-status/"
    assert row.provider_id.startswith("SM") and row.attempts == 1


def test_whatsapp_numbers_carry_twilios_prefix(alpha, twilio):
    queue = make_queue()
    row = created_rows(queue, customer(notify_whatsapp=True))[0]
    tasks.deliver.call_local(connection.schema_name, str(row.pk))
    assert twilio.received[0]["form"]["To"] == "whatsapp:+221771234567"


def test_failures_retry_with_back_off_then_stop_as_failed(alpha, twilio):
    twilio.failures_left = 100
    row = created_rows(make_queue(), customer(notify_sms=True))[0]
    moment = clock.now()
    delays = []
    while True:
        with clock.frozen_at(moment):
            tasks.deliver.call_local(connection.schema_name, str(row.pk))
        row.refresh_from_db()
        if row.status == Status.FAILED:
            break
        delays.append(round((row.next_attempt_at - moment).total_seconds()))
        with clock.frozen_at(moment + timedelta(seconds=1)):  # not due yet: nothing happens
            assert outbox.claim(row.pk) is None
        moment = row.next_attempt_at
    assert delays == list(outbox.BACKOFF_SECONDS["customer"])
    assert row.attempts == len(delays) + 1 and "HTTP 500" in row.last_error
    assert len(twilio.received) == row.attempts


def test_a_number_twilio_refuses_fails_at_once_with_its_reason(alpha, twilio):
    row = created_rows(make_queue(), customer(notify_sms=True, phone="+12"))[0]
    tasks.deliver.call_local(connection.schema_name, str(row.pk))
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.attempts == 1
    assert "21211" in row.last_error


def test_the_sweeper_sends_what_a_killed_worker_held(alpha, twilio):
    row = created_rows(make_queue(), customer(notify_sms=True))[0]
    held = outbox.claim(row.pk)  # a worker took it… and died before sending
    assert held is not None
    assert tasks.sweep.call_local(connection.schema_name) == 0  # still leased: left alone
    with clock.frozen_at(clock.now() + outbox.lease() + timedelta(seconds=1)):
        assert tasks.sweep.call_local(connection.schema_name) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT and len(twilio.received) == 1


def test_a_cut_send_twilio_took_is_found_not_sent_again(alpha, twilio):
    row = created_rows(make_queue(), customer(notify_sms=True))[0]
    assert outbox.claim(row.pk).interrupted is False
    outbox.send(Notification.objects.get(pk=row.pk))  # Twilio takes it; the worker "dies"
    Notification.objects.filter(pk=row.pk).update(status=Status.PENDING, claimed_until=clock.now())
    with clock.frozen_at(clock.now() + timedelta(seconds=1)):
        again = outbox.claim(row.pk)
        assert again is not None and again.interrupted
        assert outbox.send(again) is None
    row.refresh_from_db()
    assert row.status == Status.SENT and row.provider_id == twilio.messages[0]["sid"]
    assert len(twilio.received) == 1  # asked Twilio's list, did not post again


def test_a_cut_send_twilio_never_got_is_sent(alpha, twilio):
    row = created_rows(make_queue(), customer(notify_sms=True))[0]
    Notification.objects.filter(pk=row.pk).update(claimed_until=clock.now())  # died before
    with clock.frozen_at(clock.now() + timedelta(seconds=1)):
        outbox.send(outbox.claim(row.pk))
    row.refresh_from_db()
    assert row.status == Status.SENT and len(twilio.received) == 1


def test_when_twilio_cannot_say_the_cut_send_waits_and_is_asked_again(alpha, twilio, settings):
    row = created_rows(make_queue(), customer(notify_sms=True))[0]
    Notification.objects.filter(pk=row.pk).update(claimed_until=clock.now())
    settings.TWILIO_API_URL = "http://127.0.0.1:1"  # nothing listens: the list is unknown
    with clock.frozen_at(clock.now() + timedelta(seconds=1)):
        assert outbox.send(outbox.claim(row.pk)) == outbox.BACKOFF_SECONDS["customer"][0]
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 0 and row.claimed_until
    with clock.frozen_at(clock.now() + timedelta(minutes=5)):
        assert outbox.claim(row.pk).interrupted  # still to be asked before any send


def test_approaching_goes_once_to_each_ticket_reaching_the_threshold(alpha):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    tickets = [
        services.create_ticket(
            queue=queue, customer=customer(phone=f"+22177000001{i}", notify_sms=True)
        )
        for i in range(6)
    ]
    called = services.call_next(by=agent)
    plan("ticket.called", {"ticket_id": str(called.pk)})
    approaching = Notification.objects.filter(event="ticket_approaching")
    assert {n.ticket_id for n in approaching} == {t.pk for t in tickets[1:4]}
    services.close_ticket(ticket=called, by=agent)
    second = services.call_next(by=agent)
    plan("ticket.called", {"ticket_id": str(second.pk)})
    plan("ticket.called", {"ticket_id": str(second.pk)})
    assert {n.ticket_id for n in approaching.all()} == {t.pk for t in tickets[1:5]}
    assert approaching.all().count() == 4  # the first three were not told again
    told = Notification.objects.get(event="ticket_called", ticket=second)
    assert agent_counter_name(agent) in told.body


def agent_counter_name(agent) -> str:
    from smartqueue.queues.models import AgentProfile

    return AgentProfile.objects.get(user_id=agent.user.pk).counter.name


def test_twilios_status_callback_needs_its_signature(alpha, client, twilio):
    row = created_rows(make_queue(), customer(notify_sms=True))[0]
    tasks.deliver.call_local(connection.schema_name, str(row.pk))
    row.refresh_from_db()
    path = "/t/alpha/notifications/twilio-status/"
    params = {"MessageSid": row.provider_id, "MessageStatus": "delivered"}
    forged = client.post(path, params, HTTP_X_TWILIO_SIGNATURE="bm90IGEgc2lnbmF0dXJl")
    assert forged.status_code == 403
    row.refresh_from_db()
    assert row.status == Status.SENT
    signature = twilio_signature("https://queue.example.sn" + path, params, twilio.token)
    assert client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 204
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.delivered_at is not None


def test_periodic_work_acts_on_its_own_tenant_only(tenants, alpha, twilio):
    alpha_row = created_rows(make_queue(), customer(notify_sms=True))[0]
    connection.set_tenant(tenants.beta)
    beta_row = created_rows(make_queue(), customer(notify_sms=True))[0]
    connection.set_tenant(tenants.alpha)
    assert tasks.sweep.call_local(tenants.alpha.schema_name) == 1
    alpha_row.refresh_from_db()
    connection.set_tenant(tenants.beta)
    beta_row.refresh_from_db()
    connection.set_tenant(tenants.alpha)
    assert (alpha_row.status, beta_row.status) == (Status.SENT, Status.PENDING)
    assert [r["form"]["To"] for r in twilio.received] == ["+221771234567"]


def test_an_appointment_reminder_goes_once_when_its_time_comes(alpha):
    from datetime import UTC, datetime

    from smartqueue.notifications.planning import appointment_reminders
    from smartqueue.queues.appointments import book_appointment
    from smartqueue.queues.history import SYSTEM

    queue = make_queue()
    start = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)  # a Monday, 10:00 in Dakar
    with clock.frozen_at(start - timedelta(days=1)):
        booked = book_appointment(
            service=queue.service,
            starts_at=start,
            ends_at=start + timedelta(minutes=15),
            by=SYSTEM,
            customer=customer(notify_sms=True),
        )
    assert appointment_reminders(start - timedelta(minutes=61)) == []
    rows = appointment_reminders(start - timedelta(minutes=59))
    assert [(r.event, r.channel) for r in rows] == [("appointment_reminder", "sms")]
    assert booked.code in rows[0].body and "03/03/2031 10:00" in rows[0].body
    assert appointment_reminders(start - timedelta(minutes=30)) == []
