"""Integrators' webhooks: a signed body per event, de-duplicated by its id, retried through the
outbox; an endpoint failing for a day is switched off and the admins are told."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import connection

from smartqueue.notifications import tasks
from smartqueue.notifications.models import Notification, WebhookEndpoint
from smartqueue.notifications.planning import plan
from smartqueue.queues import clock, services
from tests.factories import make_queue
from tests.fakes import WebhookReceiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(alpha, settings):
    settings.ALLOW_PRIVATE_ADDRESSES = True  # the receiver listens on the loopback
    endpoint = WebhookEndpoint.objects.create(
        url="http://placeholder", events=["ticket.created", "appointment.*"]
    )
    with WebhookReceiver(endpoint.secret) as server:
        endpoint.url = server.url + "/hooks/"
        endpoint.save()
        yield endpoint, server


def deliver_all() -> None:
    for row in Notification.objects.filter(status="pending"):
        tasks.deliver.call_local(connection.schema_name, str(row.pk))


def test_a_chosen_event_arrives_signed_once(receiver):
    endpoint, server = receiver
    ticket = services.create_ticket(queue=make_queue())
    data = {"ticket_id": str(ticket.pk), "number": ticket.number, "status": ticket.status}
    plan("ticket.created", data)
    plan("ticket.created", data)  # the same event planned again writes nothing
    plan("ticket.called", data)  # not chosen by this endpoint
    deliver_all()
    assert len(server.received) == 1
    received = server.received[0]
    assert received["valid"] is True
    assert received["body"]["event"] == "ticket.created" and received["body"]["data"] == data
    assert received["event_id"] == received["body"]["id"]
    assert Notification.objects.get(endpoint=endpoint).status == "sent"


def test_a_wildcard_chooses_a_family_of_events(receiver):
    endpoint, server = receiver
    plan("appointment.created", {"appointment_id": "x"})
    deliver_all()
    assert [r["body"]["event"] for r in server.received] == ["appointment.created"]


def test_a_receiver_that_checks_the_signature_refuses_a_wrong_secret(receiver):
    endpoint, server = receiver
    server.secret = "another secret"
    plan("ticket.created", {"ticket_id": None, "number": "A001"})
    deliver_all()
    row = Notification.objects.get(endpoint=endpoint)
    assert server.received[0]["valid"] is False
    assert row.status == "pending" and "HTTP 401" in row.last_error  # retried later


def test_an_endpoint_failing_for_a_day_is_switched_off_and_admins_told(receiver):
    endpoint, server = receiver
    server.failures_left = 1000
    plan("ticket.created", {"ticket_id": None, "number": "A001"})
    row = Notification.objects.get(endpoint=endpoint)
    start = clock.now()
    with clock.frozen_at(start):
        tasks.deliver.call_local(connection.schema_name, str(row.pk))
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failing_since == start
    later = start + timedelta(days=1, minutes=1)
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=later)
    with clock.frozen_at(later):
        tasks.deliver.call_local(connection.schema_name, str(row.pk))
    endpoint.refresh_from_db()
    row.refresh_from_db()
    assert not endpoint.is_active and row.status == "failed"
    assert mail.outbox and "désactivé" in mail.outbox[-1].subject
    assert mail.outbox[-1].to == ["admin@alpha.test"]


def test_an_endpoint_leading_inside_is_refused_at_delivery(receiver, settings):
    """Saved when its name pointed outside, or before the check existed: each delivery checks
    the address again, and nothing reaches the internal receiver."""
    endpoint, server = receiver
    settings.ALLOW_PRIVATE_ADDRESSES = False
    plan("ticket.created", {"ticket_id": None, "number": "A001"})
    deliver_all()
    row = Notification.objects.get(endpoint=endpoint)
    assert server.received == [] and "adresse interne" in row.last_error


class Redirector(BaseHTTPRequestHandler):
    def do_POST(self):
        self.send_response(307)
        self.send_header("Location", self.server.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_is_never_followed(receiver):
    endpoint, server = receiver
    redirector = ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    redirector.target = endpoint.url  # where an attacker would send us: inside
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        endpoint.url = f"http://127.0.0.1:{redirector.server_port}/hooks/"
        endpoint.save()
        plan("ticket.created", {"ticket_id": None, "number": "A001"})
        deliver_all()
    finally:
        redirector.shutdown()
        redirector.server_close()
    row = Notification.objects.get(endpoint=endpoint)
    assert server.received == [] and "redirection non suivie" in row.last_error
