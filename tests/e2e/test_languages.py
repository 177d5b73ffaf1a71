"""A customer switches the kiosk to Wolof or English, takes a ticket, and the phone page
follows that language; the booking page speaks Wolof; a staff member switches to English."""

import pytest
from playwright.sync_api import expect

from smartqueue.queues import services
from smartqueue.queues.history import Actor
from tests.e2e.pages import PHONE, counter_url, display_url, open_all_day, open_page

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


def test_a_staff_member_reads_english_and_the_kiosk_keeps_its_own_language(
    browser, live_server_url, branch, shots
):
    services.create_ticket(queue=branch.withdrawals)
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    expect(agent.locator("html")).to_have_attribute("lang", "fr")  # whatever the browser says
    agent.get_by_test_id("language-switcher").get_by_role("button", name="English").click()
    expect(agent.locator("html")).to_have_attribute("lang", "en")
    agent.get_by_role("button", name="Call next").click()
    # The desk in English (the notice above it can be gone already: a re-sync redraws the desk)
    expect(agent.get_by_test_id("current-ticket")).to_contain_text("Called")
    expect(agent.get_by_role("button", name="Close")).to_be_visible()
    # the waiting list pushed over the socket after the call is in English too
    expect(agent.locator(f"#waiting-{branch.withdrawals.pk}")).to_contain_text("Nobody is waiting")
    agent.screenshot(path=shots / "counter-english.png")

    kiosk = agent.context.new_page()  # same browser, so the same language cookie
    kiosk.goto(f"{live_server_url}/t/alpha/kiosk/{branch.kiosk.secret}/")
    expect(kiosk.get_by_role("heading", name="Pour quel service venez-vous ?")).to_be_visible()

    agent.get_by_test_id("language-switcher").get_by_role("button", name="Français").click()
    expect(agent.get_by_role("button", name="Clore")).to_be_visible()


def test_the_booking_page_in_wolof(browser, live_server_url, branch, shots):
    open_all_day(branch.site)  # slots to choose from whenever the test runs
    phone = open_page(browser, f"{live_server_url}/t/alpha/book/", viewport=PHONE, live=False)
    phone.get_by_test_id("customer-languages").get_by_role("link", name="Wolof").click()
    expect(phone.get_by_role("heading", name="Jël rendez-vous")).to_be_visible()
    phone.get_by_label("Agence").select_option(label=branch.site.name)
    phone.get_by_label("Sarwis").select_option(label=branch.advice.service.name)
    expect(phone.get_by_label("Sa tur")).to_be_visible()
    phone.screenshot(path=shots / "booking-wolof.png", full_page=True)
    phone.get_by_test_id("slots").locator("label").last.click()  # never one about to end
    phone.get_by_label("Sa tur").fill("Awa Ndiaye")
    phone.get_by_label("Telefon (SMS)").fill("77 123 45 67")
    phone.get_by_test_id("book").click()
    expect(phone.get_by_role("heading", name="Sa rendez-vous")).to_be_visible()
    phone.screenshot(path=shots / "booking-confirmation-wolof.png", full_page=True)


def test_a_wolof_display_hears_its_calls_in_wolof(browser, live_server_url, branch):
    display = branch.displays[0]
    display.language = "wo"
    display.save(update_fields=["language"])
    ticket = services.create_ticket(queue=branch.withdrawals)
    screen = open_page(browser, display_url(live_server_url, display))
    agent = branch.agents[0].user
    services.call_next(by=Actor(user=agent, label=agent.email))
    expect(screen.get_by_test_id("now-calling")).to_contain_text(ticket.number)  # pushed
    expect(screen.locator("#display-board")).to_contain_text("Woote bi")
    expect(screen.locator("#display-board")).not_to_contain_text("Appel en cours")
