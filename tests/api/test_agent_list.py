"""GET /agents/all/: managers and admins see every agent with status, counter and current
ticket, in the same number of queries for 2 agents or 20; agents keep GET /agents/ (themselves)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.queues import services
from tests.factories import make_agent, make_counter, make_user

pytestmark = pytest.mark.django_db
ALL = "/api/v1/tenants/alpha/agents/all/?page_size=100"


def token(user) -> str:
    return "Token " + ApiToken.objects.issue(user)[1]


def seat_agents(queue, count: int) -> list:
    return [make_agent(make_counter(queue.site, [queue])) for _ in range(count)]


def test_a_manager_sees_every_agent_and_their_ticket(client, desk):
    queue, counter, agent = desk
    ticket = services.create_ticket(queue=queue, customer_name="Awa")
    services.call_next(by=agent, queue=queue)
    manager = make_user(tenant=connection.tenant, role=Role.MANAGER)
    response = client.get(ALL, HTTP_AUTHORIZATION=token(manager))
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["user"] == str(agent.user.pk) and row["email"] == agent.user.email
    assert (row["counter"], row["counter_name"]) == (str(counter.pk), counter.name)
    assert row["current_status"] == "busy"
    assert row["current_ticket"] == {
        "id": str(ticket.pk),
        "number": ticket.number,
        "status": "appele",
        "queue": str(queue.pk),
    }


def test_an_idle_agent_has_no_current_ticket(client, desk):
    admin = make_user(tenant=connection.tenant, role=Role.ADMIN)
    (row,) = client.get(ALL, HTTP_AUTHORIZATION=token(admin)).json()["results"]
    assert row["current_ticket"] is None and row["current_status"] == "available"


def test_an_agent_sees_only_themselves(client, desk):
    _, _, agent = desk
    seat_agents(desk[0], 2)
    headers = {"HTTP_AUTHORIZATION": token(agent.user)}
    refused = client.get(ALL, **headers)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    me = client.get("/api/v1/tenants/alpha/agents/", **headers).json()
    assert me["user"] == str(agent.user.pk)


def test_agents_of_another_tenant_are_not_listed(client, desk, tenants):
    queue, _, _ = desk
    make_agent(make_counter(queue.site, [queue]), tenant=tenants.beta)  # no longer alpha's
    admin = make_user(tenant=connection.tenant, role=Role.ADMIN)
    assert client.get(ALL, HTTP_AUTHORIZATION=token(admin)).json()["count"] == 1


def queries_for(client, key: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(ALL, HTTP_AUTHORIZATION=key)
    assert response.status_code == 200
    return len(captured.captured_queries), response.json()["count"]


def test_twenty_agents_cost_the_queries_of_two(client, desk):
    queue = desk[0]
    key = token(make_user(tenant=connection.tenant, role=Role.MANAGER))
    seat_agents(queue, 1)
    services.create_ticket(queue=queue)
    services.call_next(by=desk[2], queue=queue)
    few, small = queries_for(client, key)
    for agent in seat_agents(queue, 18):
        services.create_ticket(queue=queue)
        services.call_next(by=agent, queue=queue)
    many, large = queries_for(client, key)
    assert (small, large) == (2, 20)
    assert many == few
