"""axe-core (vendored) on the pages people use all day: no serious or critical violation."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from smartqueue.accounts.models import Role
from smartqueue.queues import services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile
from tests.e2e.pages import PHONE, counter_url, display_url, open_all_day, open_page
from tests.factories import make_user

pytestmark = pytest.mark.e2e
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def audited(browser, url: str, **options):
    return open_page(browser, url, audit=True, **options)


def test_the_screens_have_no_serious_accessibility_violation(
    browser, live_server_url, branch, committed
):
    ticket = services.create_ticket(queue=branch.withdrawals, customer_name="Awa")
    services.create_ticket(queue=branch.withdrawals, customer_name="Moussa")
    called_by = branch.agents[1].user
    services.call_next(by=Actor(user=called_by, label=called_by.email))
    manager = make_user(tenant=committed, role=Role.MANAGER)
    base = f"{live_server_url}/t/alpha"
    pages = {
        "counter": audited(browser, counter_url(live_server_url), user=branch.agents[0].user),
        "counter, a ticket called": audited(browser, counter_url(live_server_url), user=called_by),
        "display": audited(browser, display_url(live_server_url, branch.displays[0])),
        "kiosk": audited(browser, f"{base}/kiosk/{branch.kiosk.secret}/"),
        "ticket": audited(browser, f"{base}/ticket/{ticket.pk}/", viewport=PHONE),
        "dashboard": audited(browser, f"{base}/dashboard/", user=manager),
    }
    found = {name: serious_violations(page) for name, page in pages.items()}
    assert found == {name: [] for name in pages}


def test_booking_and_its_confirmation_have_no_serious_accessibility_violation(
    browser, live_server_url, branch
):
    open_all_day(branch.site)  # slots to choose from whenever the test runs
    page = audited(browser, f"{live_server_url}/t/alpha/book/", viewport=PHONE, live=False)
    page.get_by_label("Agence").select_option(label=branch.site.name)
    page.get_by_label("Service").select_option(label=branch.advice.service.name)
    expect(page.get_by_label("Votre nom")).to_be_visible()  # the whole form is shown
    found = {"booking": serious_violations(page)}
    page.get_by_test_id("slots").locator("label").last.click()  # never one about to end
    page.get_by_label("Votre nom").fill("Awa Ndiaye")
    page.get_by_label("Téléphone (SMS)").fill("77 123 45 67")
    page.get_by_test_id("book").click()
    expect(page.get_by_test_id("booking-code")).to_be_visible()
    found["confirmation"] = serious_violations(page)
    assert found == {"booking": [], "confirmation": []}


def test_the_settings_pages_have_no_serious_accessibility_violation(
    browser, live_server_url, branch, committed
):
    admin = make_user(tenant=committed, role=Role.ADMIN)
    base = f"{live_server_url}/t/alpha/settings"
    pages = {
        name: audited(browser, f"{base}/{path}", user=admin, live=False)
        for name, path in [
            ("queues", "queues/"),
            ("counter form", f"counters/{branch.agents[0].counter.pk}/"),
            ("service form", "services/new/"),
            ("kiosks", "kiosks/"),
            ("template form", "notifications/new/"),
        ]
    }
    pages["staff"] = audited(browser, f"{live_server_url}/t/alpha/staff/", user=admin, live=False)
    pages["reports"] = audited(
        browser, f"{live_server_url}/t/alpha/reports/", user=admin, live=False
    )
    found = {name: serious_violations(page) for name, page in pages.items()}
    assert found == {name: [] for name in pages}


def test_the_counter_dialogs_and_countdown_have_no_serious_accessibility_violation(
    browser, live_server_url, branch
):
    services.create_ticket(queue=branch.withdrawals, customer_name="Awa")
    AgentProfile.objects.filter(user_id=branch.agents[0].user.pk).update(auto_call=True)
    page = audited(browser, counter_url(live_server_url), user=branch.agents[0].user)
    page.get_by_role("button", name="Arrêter").click()  # the countdown stays, stopped
    found = {"countdown": serious_violations(page)}
    page.get_by_role("button", name="Appeler R001 avant son tour").click()
    found["chosen call"] = serious_violations(page)
    page.get_by_role("dialog").get_by_role("button", name="Annuler").click()
    page.get_by_role("button", name="En pause").click()
    found["break"] = serious_violations(page)
    assert found == {name: [] for name in found}
