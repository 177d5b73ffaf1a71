"""Feedback through the API (list: read:feedback, record: manage:ticket) and messages to
customers through the outbox (send:notification), once per Idempotency-Key."""

import pytest
from django.db import connection

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.notifications.models import Notification
from smartqueue.queues import services
from smartqueue.queues.models import Customer
from tests.factories import make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tenants/alpha"


def token(role=Role.MANAGER) -> str:
    return "Token " + ApiToken.objects.issue(make_user(tenant=connection.tenant, role=role))[1]


def post(client, path, body, key, **headers):
    return client.post(
        BASE + path, body, content_type="application/json", HTTP_AUTHORIZATION=key, **headers
    )


@pytest.fixture
def served(desk):
    queue, _, agent = desk
    services.create_ticket(queue=queue)
    return services.close_ticket(ticket=services.call_next(by=agent, queue=queue), by=agent)


def test_feedback_is_recorded_once_and_listed(client, served):
    key = token()
    made = post(client, "/feedback/", {"ticket": str(served.pk), "csat": 4, "nps": 9}, key)
    assert made.status_code == 201
    assert made.json()["category"] == "promoter" and made.json()["agent"] == str(served.agent_id)
    again = post(client, "/feedback/", {"ticket": str(served.pk), "csat": 1}, key)
    assert again.status_code == 400 and "error" in again.json()
    listed = client.get(f"{BASE}/feedback/?ticket={served.pk}", HTTP_AUTHORIZATION=key).json()
    assert [row["csat"] for row in listed["results"]] == [4]


def test_feedback_on_a_waiting_ticket_or_out_of_range_is_a_400(client, desk):
    waiting = services.create_ticket(queue=desk[0])
    key = token()
    refused = post(client, "/feedback/", {"ticket": str(waiting.pk), "csat": 5}, key)
    assert refused.status_code == 400 and "error" in refused.json()
    assert post(client, "/feedback/", {"ticket": str(waiting.pk), "csat": 6}, key).json() == {
        "csat": ["Assurez-vous que cette valeur est inférieure ou égale à 5."]
    }


def test_agents_neither_read_nor_record_feedback(client, served):
    key = token(Role.AGENT)
    assert client.get(f"{BASE}/feedback/", HTTP_AUTHORIZATION=key).status_code == 403
    body = {"ticket": str(served.pk), "csat": 5}
    assert post(client, "/feedback/", body, key).status_code == 403


@pytest.fixture
def customer(alpha):
    return Customer.objects.create(first_name="Awa", phone="+221771234567", notify_sms=True)


def test_a_message_is_sent_once_per_idempotency_key(
    client, customer, django_capture_on_commit_callbacks
):
    key = token()
    body = {"customer": str(customer.pk), "body": "Votre dossier est prêt."}
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, "/notifications/", body, key, HTTP_IDEMPOTENCY_KEY="order-42")
        again = post(client, "/notifications/", body, key, HTTP_IDEMPOTENCY_KEY="order-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    (row,) = Notification.objects.filter(customer=customer)
    assert (row.channel, row.recipient, row.body) == ("sms", "+221771234567", body["body"])
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT  # the outbox delivered it after commit
    other = post(client, "/notifications/", body, key, HTTP_IDEMPOTENCY_KEY="order-43")
    assert other.status_code == 201
    assert Notification.objects.filter(customer=customer).count() == 2


def test_a_channel_the_customer_refused_is_a_400_and_nothing_is_written(client, customer):
    body = {"customer": str(customer.pk), "body": "Bonjour", "channel": "email"}
    response = post(client, "/notifications/", body, token(), HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 400 and "error" in response.json()
    assert not Notification.objects.exists()


def test_a_message_needs_a_key_and_the_scope(client, customer):
    body = {"customer": str(customer.pk), "body": "Bonjour"}
    missing = post(client, "/notifications/", body, token())
    assert missing.status_code == 400 and "Idempotency-Key" in str(missing.json())
    refused = post(client, "/notifications/", body, token(Role.AGENT), HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 403
    assert not Notification.objects.exists()
