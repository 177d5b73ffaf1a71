"""The ticket list costs the same number of queries for 10 tickets or 10,000."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.queues.models import Ticket
from tests.factories import make_queue, make_user

pytestmark = pytest.mark.django_db


def add_tickets(queue, count: int, start: int = 0) -> None:
    """Rows written directly: this is setup for a read, not a walk through the engine."""
    now = timezone.now()
    Ticket.objects.bulk_create(
        [
            Ticket(
                queue=queue,
                number=f"H{start + i:05d}",
                business_day=now.date() - timedelta(days=1 + i % 30),
                created_at=now - timedelta(minutes=i),
                arrived_at=now - timedelta(minutes=i),
                status=Ticket.Status.CLOSED,
                outcome=Ticket.Outcome.SERVED,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )


def queries_for(client, path: str, token: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_AUTHORIZATION=token)
    assert response.status_code == 200
    return len(captured.captured_queries), response.json()


def test_ten_thousand_tickets_cost_the_queries_of_ten(client, tenants, alpha):
    queue = make_queue()
    token = "Token " + ApiToken.objects.issue(make_user(tenant=alpha, role=Role.ADMIN))[1]
    path = f"/api/v1/tenants/alpha/tickets/?page_size=100&queue={queue.pk}"
    add_tickets(queue, 10)
    few, small = queries_for(client, path, token)
    add_tickets(queue, 9_990, start=10)
    many, large = queries_for(client, path, token)
    assert (small["count"], large["count"]) == (10, 10_000)
    assert len(large["results"]) == 100 and large["next"]
    assert many == few
