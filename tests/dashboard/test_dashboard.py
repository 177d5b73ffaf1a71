"""The manager's live dashboard: managers and admins only; the day's figures per site."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import Role
from smartqueue.queues import clock, services
from tests.factories import make_agent, make_counter, make_queue, make_user

NINE = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Africa/Dakar"))


@pytest.fixture
def branch(alpha):
    queue = make_queue(letter="R", sla_seconds=600)
    agent = make_agent(make_counter(queue.site, [queue], name="Guichet 4"))
    return queue, agent


def open_dashboard(client, tenant, role=Role.MANAGER, query=""):
    client.force_login(make_user(tenant=tenant, role=role))
    return client.get(f"/t/alpha/dashboard/{query}")


def test_agents_cannot_open_the_dashboard(client, branch, tenants):
    assert open_dashboard(client, tenants.alpha, Role.AGENT).status_code == 403


def test_members_of_another_tenant_cannot_either(client, branch, tenants):
    assert open_dashboard(client, tenants.beta, Role.ADMIN).status_code == 403


def test_the_dashboard_shows_the_day_agents_and_tickets_past_their_sla(client, branch, tenants):
    queue, agent = branch
    with clock.frozen_at(NINE):
        late = services.create_ticket(queue=queue)
    with clock.frozen_at(NINE + timedelta(minutes=5)):
        services.close_ticket(ticket=services.call_next(by=agent), by=agent)
        services.create_ticket(queue=queue)
    with clock.frozen_at(NINE + timedelta(minutes=12)):
        services.create_ticket(queue=queue)
    with clock.frozen_at(NINE + timedelta(minutes=20)):
        response = open_dashboard(client, tenants.alpha)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'data-testid="kpi-waiting">2<' in page and 'data-testid="kpi-served">1<' in page
    assert "Guichet 4" in page and "Disponible" in page
    assert late.number not in page  # served after 5 minutes: within its SLA
    assert "R002" in page and "attend depuis 15 min" in page  # past its 10 minutes
    assert "R003" not in page  # 8 minutes: not yet


def test_the_board_fragment_takes_the_same_queries_for_few_or_many_tickets(client, branch, tenants):
    queue, _ = branch
    client.force_login(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    url = f"/t/alpha/dashboard/?site={queue.site_id}&fragment=board"
    services.create_ticket(queue=queue)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(200):
        services.create_ticket(queue=queue)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_paused_agent_shows_the_reason_of_their_break(client, branch, tenants):
    _, agent = branch
    services.take_break(by=agent, reason="other", note="Réunion d'équipe")
    page = html.unescape(open_dashboard(client, tenants.alpha).content.decode())
    assert "En pause" in page and "Autre : Réunion d'équipe" in page
