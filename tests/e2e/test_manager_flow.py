"""A manager sets up a service, a queue and a counter; an agent serves a kiosk ticket; the
customer rates it; the open dashboard and the report show it all without a reload."""

import re

import pytest
from playwright.sync_api import expect

from smartqueue.accounts.models import Role
from smartqueue.devices.models import Kiosk
from tests.e2e.pages import PHONE, open_page
from tests.factories import make_site, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def branch(committed):
    site = make_site(name="Agence Thiès")
    return {
        "site": site,
        "kiosk": Kiosk.objects.create(site=site, name="Borne"),
        "manager": make_user(tenant=committed, role=Role.MANAGER),
        "agent": make_user(tenant=committed, role=Role.AGENT),
    }


def field(page, label: str):
    """Crispy marks required labels with an asterisk: "Nom*"."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def fill_settings(page, url: str, fields: dict, selects: dict, checks: tuple = ()):
    page.goto(url)
    for label, value in fields.items():
        field(page, label).fill(value)
    for label, option in selects.items():
        field(page, label).select_option(label=option)
    for label in checks:
        field(page, label).check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_setup_service_feedback_and_dashboard(browser, live_server_url, branch, shots):
    base = f"{live_server_url}/t/alpha"
    manager = open_page(browser, f"{base}/dashboard/", user=branch["manager"])
    settings = manager.context.new_page()
    fill_settings(
        settings, f"{base}/settings/services/new/", {"Nom": "Dépôt", "Lettre des tickets": "D"}, {}
    )
    fill_settings(
        settings,
        f"{base}/settings/queues/new/",
        {"Nom": "File Dépôt"},
        {"Site": "Agence Thiès", "Service": "Dépôt"},
    )
    fill_settings(
        settings,
        f"{base}/settings/counters/new/",
        {"Nom": "Guichet 5"},
        {"Site": "Agence Thiès"},
        ("File Dépôt",),
    )
    settings.screenshot(path=shots / "settings.png", full_page=True)

    agent = open_page(browser, f"{base}/counter/", user=branch["agent"], live=False)
    agent.get_by_label("Guichet", exact=True).select_option(label="Agence Thiès · Guichet 5")
    agent.get_by_role("button", name="Disponible").click()
    expect(agent.locator("body[data-live=online]")).to_be_attached()  # reloaded, connected
    kiosk = open_page(browser, f"{base}/kiosk/{branch['kiosk'].secret}/")
    kiosk.get_by_role("button", name="Dépôt").click()
    kiosk.get_by_test_id("take-ticket").click()
    ticket_url = kiosk.get_by_test_id("kiosk-ticket").get_attribute("data-ticket-url")

    # The dashboard was opened before the service existed; it has never been reloaded.
    expect(manager.get_by_test_id("kpi-waiting")).to_have_text("1", timeout=3000)

    agent.get_by_role("button", name="Appeler le suivant").click()
    agent.get_by_role("button", name="Commencer").click()
    agent.get_by_role("button", name="Clore").click()
    expect(manager.get_by_test_id("kpi-served")).to_have_text("1", timeout=3000)

    phone = open_page(browser, ticket_url, viewport=PHONE)
    phone.get_by_label("5").check()
    phone.get_by_label("Recommanderiez-vous cette agence à un proche ? (0 à 10)").select_option("9")
    phone.get_by_role("button", name="Envoyer mon avis").click()
    expect(phone.get_by_test_id("feedback-thanks")).to_be_visible()
    phone.screenshot(path=shots / "phone.png", full_page=True)

    expect(manager.get_by_test_id("kpi-csat")).to_have_text("100 %", timeout=3000)
    manager.screenshot(path=shots / "dashboard.png", full_page=True)
    report = manager.context.new_page()
    report.goto(f"{base}/reports/")
    expect(report.get_by_test_id("report-created")).to_have_text("1")
    expect(report.get_by_test_id("report-feedback")).to_contain_text("100 %")
