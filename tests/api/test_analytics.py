"""GET /analytics/: the reports page's figures (docs/measures.md) for a period, in total and per
group, for read:reports tokens; a fixed number of queries whatever the number of groups."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.dashboard.reports import Filters, main_figures
from smartqueue.feedback.services import record_feedback
from smartqueue.queues import services
from tests.factories import make_queue, make_user

pytestmark = pytest.mark.django_db


def token(role=Role.MANAGER) -> str:
    return "Token " + ApiToken.objects.issue(make_user(tenant=connection.tenant, role=role))[1]


@pytest.fixture
def day(desk):
    """Three tickets: one served (rated 5 and 10), one cancelled, one waiting."""
    queue, _, agent = desk
    served = services.create_ticket(queue=queue)
    cancelled = services.create_ticket(queue=queue)
    services.create_ticket(queue=queue)
    called = services.call_next(by=agent, queue=queue)
    services.close_ticket(ticket=called, by=agent)
    services.cancel_ticket(ticket=cancelled, by=agent)
    served.refresh_from_db()
    record_feedback(ticket=served, csat=5, nps=10)
    return served.business_day.isoformat()


def analytics(client, query: str, key: str | None = None):
    return client.get(
        f"/api/v1/tenants/alpha/analytics/?{query}", HTTP_AUTHORIZATION=key or token()
    )


def test_the_totals_are_the_reports_figures(client, desk, day):
    body = analytics(client, f"start={day}&end={day}").json()
    totals = body["totals"]
    assert (totals["created"], totals["called"], totals["served"], totals["cancelled"]) == (
        3,
        1,
        1,
        1,
    )
    assert totals["cancel_rate"] == 0.333 and totals["no_show_rate"] == 0.0
    assert totals["within_sla_share"] == 1.0 and totals["wait_median"] is not None
    assert (totals["answers"], totals["csat"], totals["nps"]) == (1, 1.0, 100)
    period = date.fromisoformat(day)
    page = main_figures(Filters(start=period, end=period).tickets())
    assert {k: totals[k] for k in page if k in totals} == {
        k: pytest.approx(v) for k, v in page.items() if k in totals
    }
    assert body["groups"] == []


def test_figures_by_queue_agent_and_hour(client, desk, day):
    queue, _, agent = desk
    by_queue = analytics(client, f"start={day}&end={day}&group_by=queue").json()["groups"]
    assert [(g["key"], g["label"], g["created"]) for g in by_queue] == [
        (str(queue.pk), queue.name, 3)
    ]
    by_agent = analytics(client, f"start={day}&end={day}&group_by=agent").json()["groups"]
    mine = next(g for g in by_agent if g["key"] == str(agent.user.pk))
    name = f"{agent.user.first_name} {agent.user.last_name}".strip() or agent.user.email
    assert (mine["served"], mine["csat"], mine["label"]) == (1, 1.0, name)
    by_hour = analytics(client, f"start={day}&end={day}&group_by=hour").json()["groups"]
    assert sum(g["created"] for g in by_hour) == 3 and all(0 <= int(g["key"]) < 24 for g in by_hour)
    by_day = analytics(client, f"start={day}&end={day}&group_by=day").json()["groups"]
    assert [(g["key"], g["nps"]) for g in by_day] == [(day, 100)]


def test_filters_narrow_the_tickets(client, desk, day):
    other = make_queue(letter="B")
    services.create_ticket(queue=other)
    assert analytics(client, f"start={day}&end={day}").json()["totals"]["created"] == 4
    narrowed = analytics(client, f"start={day}&end={day}&queue={other.pk}").json()
    assert narrowed["totals"]["created"] == 1 and narrowed["totals"]["csat"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-02-01&end=2026-01-01", "end"),
        ("start=2024-01-01&end=2026-01-01", "end"),
        ("start=2026-01-01&end=2026-01-02&group_by=weekday", "group_by"),
        ("end=2026-01-02", "start"),
    ],
)
def test_a_bad_period_or_grouping_is_a_400(client, alpha, query, field):
    response = analytics(client, query)
    assert response.status_code == 400 and field in response.json()


def test_agents_have_no_analytics(client, alpha):
    response = analytics(client, "start=2026-01-01&end=2026-01-02", token(Role.AGENT))
    assert response.status_code == 403


def test_more_groups_cost_no_more_queries(client, desk, day):
    key = token()

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                analytics(client, f"start={day}&end={day}&group_by=service", key).status_code == 200
            )
        return len(captured.captured_queries)

    few = count()
    for letter in "CDE":
        services.create_ticket(queue=make_queue(letter=letter))
    assert count() == few
