"""Staff pages as served: the dashboard live (tabs, no stray out-of-band fragments), the staff
navigation, the settings index, readable audit and reports."""

import pytest
from playwright.sync_api import expect

from smartqueue.accounts.models import Role
from smartqueue.queues import services
from tests.e2e.pages import PHONE, open_page, wait_until
from tests.factories import make_queue, make_site, make_user

pytestmark = pytest.mark.e2e
STAFF = {"width": 1366, "height": 768}

COUNT_OOB_ERRORS = """() => { window.oobErrors = 0; window.messages = 0;
  document.body.addEventListener("htmx:oobErrorNoTarget", () => window.oobErrors++);
  document.body.addEventListener("htmx:wsAfterMessage", () => window.messages++); }"""


def test_live_updates_reach_dashboard_and_ticket_page_without_stray_fragments(
    browser, live_server_url, committed
):
    first, second = make_site(name="Agence Plateau"), make_site(name="Agence Yoff")
    here, there = make_queue(first, letter="A"), make_queue(second, letter="B")
    ticket = services.create_ticket(queue=here)
    manager = make_user(tenant=committed, role=Role.MANAGER)
    base = f"{live_server_url}/t/alpha"
    dashboard = open_page(
        browser, f"{base}/dashboard/?site={first.pk}", user=manager, viewport=STAFF
    )
    phone = open_page(browser, f"{base}/ticket/{ticket.pk}/", viewport=PHONE)
    for page in (dashboard, phone):
        page.evaluate(COUNT_OOB_ERRORS)
    yoff = dashboard.get_by_role("link", name="Agence Yoff")
    expect(yoff.locator(".badge")).to_have_text("0")

    for _ in range(3):
        services.create_ticket(queue=here)
        services.create_ticket(queue=there)

    expect(dashboard.get_by_test_id("kpi-waiting")).to_have_text("4", timeout=3000)
    expect(yoff.locator(".badge")).to_have_text("3", timeout=3000)
    expect(dashboard.get_by_role("link", name="Agence Plateau").locator(".badge")).to_have_text("4")
    wait_until(phone, "window.messages >= 1", timeout=3)
    dashboard.screenshot(path="/tmp/h3-dashboard-live.png")
    assert dashboard.evaluate("window.messages") > 0
    assert dashboard.evaluate("window.oobErrors") == 0
    assert phone.evaluate("window.oobErrors") == 0


def test_past_sla_list_pages_through_every_late_ticket(browser, live_server_url, committed):
    from datetime import timedelta

    from smartqueue.queues.models import Ticket

    site = make_site(name="Agence Plateau")
    queue = make_queue(site, letter="A", sla_seconds=60)
    late = [services.create_ticket(queue=queue) for _ in range(62)]
    Ticket.objects.filter(pk__in=[t.pk for t in late]).update(
        created_at=late[0].created_at - timedelta(hours=1)
    )
    manager = make_user(tenant=committed, role=Role.MANAGER)
    base = f"{live_server_url}/t/alpha"
    page = open_page(browser, f"{base}/dashboard/?site={site.pk}", user=manager, viewport=STAFF)
    icons = []
    page.on("response", lambda r: icons.append(r.status) if "favicon" in r.url else None)
    page.get_by_test_id("past-sla-all").click()
    expect(page.get_by_test_id("past-sla-rows").locator("li")).to_have_count(50)
    page.screenshot(path="/tmp/h3-past-sla.png")
    page.get_by_role("link", name="Suivante").click()
    expect(page.get_by_test_id("past-sla-rows").locator("li")).to_have_count(12)
    assert icons and all(status == 200 for status in icons)


NAV_BY_ROLE = {
    Role.AGENT: ["Guichet"],
    Role.MANAGER: ["Guichet", "Tableau de bord", "Rapports", "Réglages", "Équipe"],
    Role.ADMIN: ["Guichet", "Tableau de bord", "Rapports", "Réglages", "Équipe", "Journal d'audit"],
}


@pytest.mark.parametrize("role", list(NAV_BY_ROLE))
def test_staff_pages_reach_each_other_through_the_navigation(
    browser, live_server_url, committed, role
):
    make_site(name="Agence Plateau")
    user = make_user(tenant=committed, role=role)
    page = open_page(browser, f"{live_server_url}/t/alpha/", user=user, viewport=STAFF, live=False)
    nav = page.get_by_test_id("staff-nav")
    expect(nav.get_by_role("link")).to_have_text(NAV_BY_ROLE[role])
    for name in NAV_BY_ROLE[role][1:]:
        page.get_by_test_id("staff-nav").get_by_role("link", name=name).click()
        current = page.get_by_test_id("staff-nav").locator("[aria-current=page]")
        expect(current).to_have_text(name)
        assert page.title() != "404"
    if role != Role.AGENT:
        page.get_by_test_id("staff-nav").get_by_role("link", name="Réglages").click()
        sections = page.get_by_test_id("settings-sections")
        expect(sections.get_by_role("link", name="Sites")).to_be_visible()
        expect(sections.get_by_role("link", name="Webhooks")).to_have_count(
            1 if role == Role.ADMIN else 0
        )
        page.screenshot(path=f"/tmp/h3-settings-{role}.png")


KIOSK = {"width": 1080, "height": 1920}


def test_a_wrong_number_at_the_kiosk_keeps_the_service_and_says_why_by_the_field(
    browser, live_server_url, committed
):
    from smartqueue.devices.models import Kiosk

    queue = make_queue(make_site(name="Agence Plateau"), letter="A")
    kiosk = Kiosk.objects.create(site=queue.site, name="Borne")
    page = open_page(browser, f"{live_server_url}/t/alpha/kiosk/{kiosk.secret}/", viewport=KIOSK)
    page.get_by_role("button", name=queue.service.name).click()
    page.get_by_label("Votre numéro (facultatif) pour être prévenu").fill("12")
    page.get_by_test_id("take-ticket").click()
    expect(page.get_by_test_id("phone-error")).not_to_be_empty()
    expect(page.locator("#chosen-name")).to_have_text(queue.service.name)
    expect(page.get_by_test_id("take-ticket")).to_be_visible()
    page.screenshot(path="/tmp/h3-kiosk-phone-error.png")
    page.get_by_label("Votre numéro (facultatif) pour être prévenu").fill("77 123 45 67")
    page.get_by_test_id("take-ticket").click()
    expect(page.get_by_test_id("kiosk-number")).to_have_text("A001")

    kiosk.is_active = False
    kiosk.save(update_fields=["is_active"])
    answer = page.goto(f"{live_server_url}/t/alpha/kiosk/{kiosk.secret}/")
    assert answer.status == 410
    expect(page.get_by_test_id("device-unavailable")).to_contain_text("désactivée")
    page.screenshot(path="/tmp/h3-kiosk-deactivated.png")
