"""Agent performance in the reports: figures computed by hand on a small day of tickets, a
constant number of queries, the sortable table and its CSV file."""

import csv
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import Role
from smartqueue.dashboard.reports import Filters, agent_performance, sorted_agents
from smartqueue.feedback.services import record_feedback
from smartqueue.queues import clock, services
from smartqueue.queues.models import Ticket
from tests.factories import make_agent, make_counter, make_queue, make_site, make_user

MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("Africa/Dakar"))
DAY = Filters(start=MONDAY.date(), end=MONDAY.date())


def at(minutes: float):
    return clock.frozen_at(MONDAY + timedelta(minutes=minutes))


def serve(agent, *, call: float, start: float, end: float, transfer_to=None) -> Ticket:
    with at(call):
        ticket = services.call_next(by=agent)
    with at(start):
        services.start_service(ticket=ticket, by=agent)
    with at(end):
        if transfer_to is not None:
            return services.transfer_ticket(ticket=ticket, target_queue=transfer_to, by=agent)
        return services.close_ticket(ticket=ticket, by=agent)


@pytest.fixture
def day(alpha):
    """Awa (counter on the first queue) and Binta (on the second):
    - Awa serves t1 in 4 min (1 → 5) and hands t2 over to the second queue after 2 min (7 → 9);
    - Binta serves t2's second leg in 4 min (11 → 15); t3 does not come (called at 16).
    Feedback: t1 5/5 (Awa's), t2's leg 3/5 (Binta's)."""
    site = make_site()
    first, second = make_queue(site, letter="A"), make_queue(site, letter="B")
    awa = make_agent(make_counter(site, [first]))
    binta = make_agent(make_counter(site, [second]))
    for person, name in ((awa, "Awa"), (binta, "Binta")):
        person.user.first_name, person.user.last_name = name, "Ndiaye"
        person.user.save()
    for second_, queue in enumerate((first, first, second)):
        with clock.frozen_at(MONDAY - timedelta(minutes=1) + timedelta(seconds=second_)):
            services.create_ticket(queue=queue)
    t1 = serve(awa, call=0, start=1, end=5)
    serve(awa, call=6, start=7, end=9, transfer_to=second)
    leg = serve(binta, call=10, start=11, end=15)
    with at(16):
        absent = services.call_next(by=binta)
    with at(17):
        services.mark_no_show(ticket=absent, by=binta)
    record_feedback(ticket=t1, csat=5, nps=10)
    record_feedback(ticket=leg, csat=3, nps=7)
    return {"awa": awa, "binta": binta, "second": second, "site": site}


def test_each_agents_figures_follow_the_definitions(day):
    awa, binta = agent_performance(DAY.tickets())
    assert awa["name"] == "Awa Ndiaye" and binta["name"] == "Binta Ndiaye"
    # Awa: one served, two legs handled (240 s and the transferred leg's 120 s).
    assert (awa["served"], awa["handled"], awa["handling_avg"]) == (1, 2, 180)
    assert awa["per_hour"] == 10.0  # 1 served in 360 s of service
    assert (awa["no_show"], awa["csat"]) == (0, 1.0)
    # Binta: the second leg only (240 s), and the customer who did not come.
    assert (binta["served"], binta["handled"], binta["handling_avg"]) == (1, 1, 240)
    assert binta["per_hour"] == 15.0  # 1 served in 240 s
    assert (binta["no_show"], binta["csat"]) == (1, 0.0)


def test_the_table_sorts_on_any_column_with_blanks_last(day):
    rows = agent_performance(DAY.tickets())
    assert [r["name"] for r in sorted_agents(rows, "-handling_avg")][0] == "Binta Ndiaye"
    assert [r["name"] for r in sorted_agents(rows, "per_hour")][0] == "Awa Ndiaye"
    blank = {**rows[0], "name": "Zoé", "csat": None}
    assert sorted_agents([blank, *rows], "-csat")[-1]["name"] == "Zoé"
    assert sorted_agents(rows, "drop table")[0]["name"] == "Awa Ndiaye"


def test_the_agents_take_two_queries_whatever_their_number(day):
    with CaptureQueriesContext(connection) as few:
        agent_performance(DAY.tickets())
    queue = make_queue(day["site"])
    for n in range(6):
        agent = make_agent(make_counter(day["site"], [queue]))
        with at(20 + n):
            services.create_ticket(queue=queue)
            services.close_ticket(ticket=services.call_next(by=agent), by=agent)
    with CaptureQueriesContext(connection) as many:
        rows = agent_performance(DAY.tickets())
    assert len(rows) == 8
    assert len(few.captured_queries) == len(many.captured_queries) == 2


def test_the_page_shows_the_sorted_table_and_its_csv(client, day, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    period = f"start={MONDAY.date()}&end={MONDAY.date()}"
    page = client.get(f"/t/alpha/reports/?{period}&sort=-no_show").content.decode()
    table = page[page.index('data-testid="agent-performance"') :]
    assert table.index("Binta Ndiaye") < table.index("Awa Ndiaye")
    assert 'aria-sort="descending"' in table and "heure de service" in page
    assert "10,0" in table and "15,0" in table and "4 min" in table
    response = client.get(f"/t/alpha/reports/?{period}&format=csv&table=agents")
    assert response["Content-Disposition"].endswith('agents-2026-11-16-2026-11-16.csv"')
    lines = list(csv.reader(b"".join(response.streaming_content).decode().splitlines()))
    assert lines[0] == [
        "agent_id",
        "name",
        "served",
        "handled",
        "per_hour",
        "handling_avg",
        "no_show",
        "csat",
    ]
    assert lines[1][1:] == ["Awa Ndiaye", "1", "2", "10.0", "180", "0", "1.0"]
    assert lines[2][1:] == ["Binta Ndiaye", "1", "1", "15.0", "240", "1", "0.0"]
