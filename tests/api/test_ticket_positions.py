"""Waiting tickets carry their position (1: next) and estimated call time in the API's ticket
JSON; other tickets carry nulls. The list places a page in the same number of queries for 3
waiting tickets or 40, in queues of different calling orders."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.queues import services
from smartqueue.queues.models import Queue
from tests.factories import make_agent, make_counter, make_queue, make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/tenants/alpha"


@pytest.fixture
def key(alpha):
    return "Token " + ApiToken.objects.issue(make_user(tenant=alpha, role=Role.ADMIN))[1]


def get(client, key, path):
    response = client.get(BASE + path, HTTP_AUTHORIZATION=key)
    assert response.status_code == 200, response.content
    return response.json()


def in_seconds(moment: str) -> float:
    return (datetime.fromisoformat(moment) - timezone.now()).total_seconds()


def test_waiting_tickets_are_placed_and_estimated(client, key, desk):
    queue, _, agent = desk  # one agent, free: the first is called at once
    tickets = [services.create_ticket(queue=queue) for _ in range(4)]
    services.call_next(by=agent, queue=queue)  # the first is called: the agent is now busy
    listed = get(client, key, f"/tickets/?queue={queue.pk}")["results"]
    by_id = {row["id"]: row for row in listed}
    called = by_id[str(tickets[0].pk)]
    assert (called["position"], called["estimated_call_at"]) == (None, None)
    assert [by_id[str(t.pk)]["position"] for t in tickets[1:]] == [1, 2, 3]
    # No service time yet: 300 s each (estimates.py); the first waits half a service.
    waits = [in_seconds(by_id[str(t.pk)]["estimated_call_at"]) for t in tickets[1:]]
    for wait, expected in zip(waits, (150, 450, 750), strict=True):
        assert expected - 30 < wait <= expected + 1
    detail = get(client, key, f"/tickets/{tickets[2].pk}/")
    assert detail["position"] == 2
    assert abs(in_seconds(detail["estimated_call_at"]) - waits[1]) < 5


def test_a_new_ticket_is_placed_in_the_answer(client, key, desk):
    queue = desk[0]
    services.create_ticket(queue=queue)
    made = client.post(
        f"{BASE}/tickets/",
        {"queue": str(queue.pk)},
        content_type="application/json",
        HTTP_AUTHORIZATION=key,
    ).json()
    assert made["position"] == 2 and made["estimated_call_at"] is not None


def test_nobody_serving_means_no_estimate_but_a_position(client, key, alpha):
    queue = make_queue(algorithm=Queue.Algorithm.PRIORITY)
    low = services.create_ticket(queue=queue)
    high = services.create_ticket(queue=queue, priority=5)
    rows = {r["id"]: r for r in get(client, key, f"/tickets/?queue={queue.pk}")["results"]}
    assert rows[str(high.pk)]["position"] == 1 and rows[str(low.pk)]["position"] == 2
    assert rows[str(low.pk)]["estimated_call_at"] is None


def queries_for(client, key) -> int:
    with CaptureQueriesContext(connection) as captured:
        body = get(client, key, "/tickets/?page_size=100")
    assert all(row["position"] for row in body["results"])
    return len(captured.captured_queries)


def test_forty_waiting_tickets_cost_the_queries_of_three(client, key, alpha):
    fifo, priority = make_queue(), make_queue(algorithm=Queue.Algorithm.PRIORITY)
    sla = make_queue(algorithm=Queue.Algorithm.SLA)
    make_agent(make_counter(fifo.site, [fifo]))
    for queue in (fifo, priority, sla):
        services.create_ticket(queue=queue)
    few = queries_for(client, key)
    for n in range(37):
        services.create_ticket(queue=(fifo, priority, sla)[n % 3], priority=n % 4)
    assert queries_for(client, key) == few
