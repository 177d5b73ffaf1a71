"""A customer switches the kiosk to Wolof or English, takes a ticket, and the phone page
follows that language."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import PHONE, open_page

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("link", "question", "phone_words"),
    [
        ("Wolof", "Lan nga ñëwal ?", "Xaar bi"),
        ("English", "What are you here for?", "Estimated wait"),
    ],
)
def test_kiosk_and_ticket_page_in_the_chosen_language(
    browser, live_server_url, branch, link, question, phone_words
):
    kiosk = open_page(browser, f"{live_server_url}/t/alpha/kiosk/{branch.kiosk.secret}/")
    kiosk.get_by_role("link", name=link).click()
    expect(kiosk.get_by_role("heading", name=question)).to_be_visible()
    expect(kiosk.locator("body[data-live=online]")).to_be_attached()  # its scripts have run
    kiosk.get_by_role("button", name=branch.withdrawals.service.name).click()
    kiosk.get_by_test_id("take-ticket").click()
    url = kiosk.get_by_test_id("kiosk-ticket").get_attribute("data-ticket-url")
    phone = open_page(browser, url, viewport=PHONE)
    expect(phone.locator("#ticket-status")).to_contain_text(phone_words)
