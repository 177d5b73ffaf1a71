"""What managers expect of the best systems, as served by daphne: the SLA alert appears on the
open dashboard when a waiting ticket passes its SLA (the minute job's breach refreshes it, no
reload), and the reports show the agents' performance table."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from smartqueue.accounts.models import Role
from smartqueue.jobs.tasks import check_sla
from smartqueue.queues import clock, services
from tests.e2e.pages import open_page
from tests.factories import make_agent, make_counter, make_queue, make_site, make_user

pytestmark = pytest.mark.e2e
STAFF = {"width": 1366, "height": 768}
SLA_SECONDS = 8


def test_the_sla_alert_appears_live_when_a_waiting_ticket_passes_the_sla(
    browser, live_server_url, committed
):
    site = make_site(name="Agence Plateau")
    queue = make_queue(site, letter="A", sla_seconds=SLA_SECONDS)
    make_queue(site, letter="B")  # a queue within its SLA is not named
    ticket = services.create_ticket(queue=queue)
    manager = make_user(tenant=committed, role=Role.MANAGER)
    page = open_page(
        browser,
        f"{live_server_url}/t/alpha/dashboard/?site={site.pk}",
        user=manager,
        viewport=STAFF,
    )
    page.evaluate("window.notReloaded = true")
    expect(page.get_by_test_id("sla-alert")).to_have_count(0)

    passed = ticket.created_at.timestamp() + SLA_SECONDS + 1 - clock.now().timestamp()
    time.sleep(max(passed, 0))
    check_sla(committed.schema_name)  # what the minute job runs for this tenant

    alert = page.get_by_test_id("sla-alert")
    expect(alert).to_be_visible(timeout=5000)
    expect(alert.get_by_test_id("sla-alert-queue")).to_have_count(1)
    expect(alert).to_contain_text(queue.name)
    expect(alert).to_contain_text("dépasse l'objectif de 8 s")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path="/tmp/h5-dashboard-sla-alert.png")


def test_the_reports_show_the_agents_table_sorted_on_request(browser, live_server_url, committed):
    site = make_site(name="Agence Plateau")
    queue = make_queue(site, letter="A")
    agents = [make_agent(make_counter(site, [queue])) for _ in range(3)]
    start = clock.now() - timedelta(hours=2)
    for n, agent in enumerate(agents):  # Awa serves 1 ticket in 4 min, Binta 2, Coumba 3
        agent.user.first_name, agent.user.last_name = ("Awa", "Binta", "Coumba")[n], "Ndiaye"
        agent.user.save()
        for k in range(n + 1):
            minute = 20 * k + n
            with clock.frozen_at(start + timedelta(minutes=minute)):
                services.create_ticket(queue=queue)
                called = services.call_next(by=agent)
            with clock.frozen_at(start + timedelta(minutes=minute + 4)):
                services.close_ticket(ticket=called, by=agent)
    manager = make_user(tenant=committed, role=Role.MANAGER)
    page = open_page(
        browser, f"{live_server_url}/t/alpha/reports/", user=manager, viewport=STAFF, live=False
    )
    table = page.get_by_test_id("agent-performance")
    expect(table.get_by_test_id("agent-row")).to_have_count(3)
    expect(table.get_by_test_id("agent-row").first).to_contain_text("Awa Ndiaye")
    table.get_by_role("link", name="Servis", exact=True).click()
    expect(table.get_by_test_id("agent-row").first).to_contain_text("Coumba Ndiaye")
    expect(table.locator("th[aria-sort=descending]")).to_contain_text("Servis")
    expect(table.get_by_test_id("agent-row").first).to_contain_text("15,0")
    page.screenshot(path="/tmp/h5-reports.png")
    page.get_by_test_id("agent-performance").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/h5-reports-agents.png")
