"""Reports: the measures of docs/measures.md over a period, in a constant number of queries, and a
streamed CSV export."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import Role
from smartqueue.dashboard.reports import Filters, build_report
from smartqueue.feedback.services import record_feedback
from smartqueue.queues import clock, services
from tests.factories import make_agent, make_counter, make_queue, make_user

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Africa/Dakar"))


def at(minutes: int):
    return clock.frozen_at(MONDAY + timedelta(minutes=minutes))


@pytest.fixture
def monday(alpha):
    """Four tickets: waits 2, 4 and 20 minutes (SLA 10), one no-show, one cancelled."""
    queue = make_queue(sla_seconds=600)
    agent = make_agent(make_counter(queue.site, [queue]))
    tickets = []
    for second in range(5):  # one second apart: the calling order is the arrival order
        with clock.frozen_at(MONDAY + timedelta(seconds=second)):
            tickets.append(services.create_ticket(queue=queue))
    for minute, outcome in ((2, "close"), (4, "close"), (20, "close"), (21, "no_show")):
        with at(minute):
            called = services.call_next(by=agent)
            services.start_service(ticket=called, by=agent) if outcome == "close" else None
        with at(minute + 1):
            if outcome == "close":
                services.close_ticket(ticket=called, by=agent)
            else:
                services.mark_no_show(ticket=called, by=agent)
    with at(30):
        services.cancel_ticket(ticket=tickets[4])
    for ticket in tickets:
        ticket.refresh_from_db()
    record_feedback(ticket=tickets[0], csat=5, nps=10)
    record_feedback(ticket=tickets[1], csat=2, nps=3)
    return queue


def test_the_measures_follow_their_definitions(monday):
    report = build_report(Filters(start=MONDAY.date(), end=MONDAY.date()))
    f = report.figures
    assert (f["created"], f["called"], f["served"], f["no_show"], f["cancelled"]) == (5, 4, 3, 1, 1)
    assert f["within_sla_share"] == round(2 / 3, 3)
    assert f["no_show_rate"] == 0.25 and f["cancel_rate"] == 0.2
    assert f["wait_median"] == (239 + 1198) / 2 and round(f["service_avg"]) == 60
    assert report.heatmap == {(1, 9): 5}  # Monday, 9 h, local time
    assert report.feedback["csat"] == 0.5 and report.feedback["nps"] == 0
    [by_service] = report.scores["service"]
    assert (by_service["answers"], by_service["csat"], by_service["nps"]) == (2, 0.5, 0)
    assert [row["answers"] for row in report.scores["agent"]] == [2]


def test_the_report_takes_the_same_queries_for_any_number_of_tickets(monday):
    period = Filters(start=MONDAY.date(), end=MONDAY.date())
    with CaptureQueriesContext(connection) as few:
        build_report(period)
    with at(40):
        for _ in range(300):
            services.create_ticket(queue=monday)
    with CaptureQueriesContext(connection) as many:
        build_report(period)
    # 6 for the figures, charts and feedback, 2 for the agents' table
    assert len(few.captured_queries) == len(many.captured_queries) == 8


def test_the_page_and_its_csv(client, monday, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    day = MONDAY.date().isoformat()
    page = client.get(f"/t/alpha/reports/?start={day}&end={day}").content.decode()
    assert 'data-testid="report-created">5<' in page and 'data-testid="chart-heatmap"' in page
    response = client.get(f"/t/alpha/reports/?start={day}&end={day}&format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("number,business_day") and len(lines) == 6


def test_a_bad_period_is_a_message_and_agents_get_403(client, monday, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    response = client.get("/t/alpha/reports/?start=2026-12-01&end=2026-01-01")
    assert response.status_code == 400 and "période" in response.content.decode()
    assert client.get("/t/alpha/reports/?start=nope").status_code == 400
    client.force_login(make_user(tenant=tenants.alpha, role=Role.AGENT))
    assert client.get("/t/alpha/reports/").status_code == 403


def test_agents_are_named_by_their_name_and_by_email_only_without_one(monday):
    from smartqueue.feedback.models import Feedback

    named = Feedback.objects.first().agent
    named.first_name, named.last_name = "Fatou", "Diop"
    named.save()
    period = Filters(start=MONDAY.date(), end=MONDAY.date())
    assert [row["name"] for row in build_report(period).scores["agent"]] == ["Fatou Diop"]
    named.first_name = named.last_name = ""
    named.save()
    assert [row["name"] for row in build_report(period).scores["agent"]] == [named.email]
