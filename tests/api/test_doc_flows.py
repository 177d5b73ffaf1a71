"""The flows of seeds/smartqueue-api.md work as written (issue #21): each test's request body is
the document's example, the ids swapped in."""

import pytest
from django.db import connection

from smartqueue.accounts.models import Role
from smartqueue.devices.selectors import display_board
from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile, Ticket
from tests.api.test_walkthrough import BASE, login
from tests.conftest import PASSWORD
from tests.factories import make_counter, make_queue, make_user

pytestmark = pytest.mark.django_db


def agent_without_counter(client, tenants, **profile):
    user = make_user(tenant=tenants.alpha, role=Role.AGENT, password=PASSWORD)
    user.first_name, user.last_name = "Awa", "Ndiaye"
    user.save()
    connection.set_tenant(tenants.alpha)
    AgentProfile.objects.create(user_id=user.pk, **profile)
    return user, login(client, user.email)


# --- 1. call next as documented ---------------------------------------------------------------


def test_call_next_as_documented_works_for_an_agent_without_a_counter(client, tenants, alpha):
    queue = make_queue()
    waiting = services.create_ticket(queue=queue, customer_name="John Doe")
    user, agent = agent_without_counter(client, tenants, desk_name="Bureau 3")

    status = agent.post(f"{BASE}/agents/set-status/", {"status": "available"})
    assert status["current_status"] == "available" and status["counter"] is None
    called = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)})

    assert called["id"] == str(waiting.pk) and called["status"] == "appele"
    assert called["counter"] is None
    connection.set_tenant(tenants.alpha)
    ticket = Ticket.objects.get(pk=waiting.pk)
    assert ticket.agent_id == user.pk
    board = display_board(queue.site)
    assert [(call.number, call.desk) for call in board["current"]] == [("A001", "Bureau 3")]
    busy = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)}, status=400)
    assert "A001" in busy["error"]


def test_without_a_desk_name_the_display_shows_the_agents_name(client, tenants, alpha):
    queue = make_queue()
    services.create_ticket(queue=queue)
    _, agent = agent_without_counter(client, tenants, current_status="available")
    agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)})
    connection.set_tenant(tenants.alpha)
    assert [call.desk for call in display_board(queue.site)["current"]] == ["Awa Ndiaye"]


def test_without_a_counter_the_queue_must_be_named_and_open(client, tenants, alpha):
    queue = make_queue(status="closed")
    _, agent = agent_without_counter(client, tenants, current_status="available")
    unnamed = agent.post(f"{BASE}/agents/call-next/", {}, status=400)
    assert "queue_id" in unnamed["error"]
    closed = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)}, status=400)
    assert "fermée" in closed["error"]


def test_a_counter_set_with_set_status_is_still_used(client, tenants, alpha):
    queue = make_queue()
    counter = make_counter(queue.site, [queue], name="Guichet 4")
    services.create_ticket(queue=queue)
    _, agent = agent_without_counter(client, tenants)
    agent.post(f"{BASE}/agents/set-status/", {"status": "available", "counter_id": str(counter.pk)})
    called = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)})
    assert called["counter"] == str(counter.pk)
