"""The four screens together, live: kiosk, lobby display, counter and the customer's phone, in
several browser contexts at once against daphne."""

import pytest
from playwright.sync_api import Page, expect

from smartqueue.queues import services
from smartqueue.queues.history import Actor
from tests.e2e.pages import PHONE, counter_url, display_url, open_page, wait_until

pytestmark = pytest.mark.e2e
SCRIPT = "<script>window.pwned=1</script>"


def take_ticket_at_kiosk(kiosk: Page, service_letter_name: str) -> str:
    kiosk.get_by_role("button", name=service_letter_name).click()
    kiosk.get_by_test_id("take-ticket").click()
    expect(kiosk.get_by_test_id("kiosk-number")).to_be_visible()
    return kiosk.get_by_test_id("kiosk-ticket").get_attribute("data-ticket-url")


def test_a_kiosk_ticket_called_at_a_counter_reaches_display_and_phone_within_a_second(
    browser, live_server_url, branch, shots
):
    display = open_page(browser, display_url(live_server_url, branch.displays[0]))
    kiosk = open_page(browser, f"{live_server_url}/t/alpha/kiosk/{branch.kiosk.secret}/")
    letter = branch.withdrawals.service.letter
    expect(display.get_by_test_id(f"display-waiting-{letter}")).to_have_text("0")

    ticket_url = take_ticket_at_kiosk(kiosk, branch.withdrawals.service.name)
    kiosk.screenshot(path=shots / "kiosk-ticket.png")
    expect(display.get_by_test_id(f"display-waiting-{letter}")).to_have_text("1", timeout=1000)

    phone = open_page(browser, ticket_url, viewport=PHONE)
    expect(phone.get_by_test_id("ticket-state")).to_have_text("Position 1")
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    agent.get_by_role("button", name="Appeler le suivant").click()

    expect(agent.get_by_test_id("current-number")).to_have_text("R001", timeout=1000)
    now_calling = display.get_by_test_id("now-calling")
    expect(now_calling).to_contain_text("R001", timeout=1000)
    expect(now_calling).to_contain_text("Guichet 1")
    wait_until(display, "window.smartqueueAnnouncements.queued.length === 1")
    expect(phone.get_by_test_id("ticket-state")).to_contain_text("Guichet 1", timeout=1000)
    expect(display.get_by_test_id(f"display-waiting-{letter}")).to_have_text("0")
    for name, page in (("display", display), ("agent", agent), ("phone", phone)):
        page.screenshot(path=shots / f"{name}.png")


def test_two_agents_calling_at_once_get_different_tickets_and_both_displays_show_both(
    browser, live_server_url, branch, shots
):
    for _ in range(3):
        services.create_ticket(queue=branch.withdrawals)
    displays = [open_page(browser, display_url(live_server_url, d)) for d in branch.displays]
    agents = [
        open_page(browser, counter_url(live_server_url), user=agent.user) for agent in branch.agents
    ]
    for agent in agents:  # both clicks are in flight together
        agent.evaluate("document.querySelector('[data-shortcut=call]').click()")

    numbers = []
    for agent in agents:
        number = agent.get_by_test_id("current-number")
        expect(number).to_be_visible(timeout=2000)
        numbers.append(number.inner_text())
    assert sorted(numbers) == ["R001", "R002"]
    for display in displays:
        board = display.locator("#display-board")
        for number in numbers:
            expect(board).to_contain_text(number, timeout=1000)
        wait_until(display, "window.smartqueueAnnouncements.queued.length === 2")
    displays[0].screenshot(path=shots / "display.png")


def test_a_display_survives_a_server_restart_and_shows_the_true_state(
    browser, own_server, branch, shots
):
    display = open_page(browser, display_url(own_server.url, branch.displays[0]))
    own_server.stop()
    expect(display.locator("#live-status")).to_be_visible(timeout=10000)
    display.screenshot(path=shots / "offline.png")

    # Meanwhile the branch goes on (through the engine, as the API or a job would).
    agent = Actor(user=branch.agents[1].user)
    services.create_ticket(queue=branch.advice)
    services.call_next(by=agent)

    own_server.start()
    expect(display.locator("body[data-live=online]")).to_be_attached(timeout=20000)
    expect(display.get_by_test_id("now-calling")).to_contain_text("C001", timeout=5000)
    expect(display.get_by_test_id("now-calling")).to_contain_text("Guichet 2")
    expect(display.locator("#live-status")).to_be_hidden()
    display.screenshot(path=shots / "back.png")


def test_a_display_link_with_a_wrong_secret_is_404(browser, live_server_url, branch):
    page = browser.new_page()
    response = page.goto(f"{live_server_url}/t/alpha/display/not-the-secret/")
    assert response is not None and response.status == 404
    response = page.goto(f"{live_server_url}/t/beta/display/{branch.displays[0].secret}/")
    assert response is not None and response.status == 404  # another tenant's link


def test_customer_names_with_markup_are_shown_as_text_on_load_and_live(
    browser, live_server_url, branch
):
    first = services.create_ticket(queue=branch.withdrawals, customer_name=SCRIPT)
    services.create_ticket(queue=branch.withdrawals, customer_name=SCRIPT + "<b>2</b>")
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    display = open_page(browser, display_url(live_server_url, branch.displays[0]))
    phone = open_page(browser, f"{live_server_url}/t/alpha/ticket/{first.pk}/", viewport=PHONE)
    waiting = agent.locator(f"#waiting-{branch.withdrawals.pk}")
    expect(waiting.get_by_text(SCRIPT, exact=True)).to_be_visible()

    agent.get_by_role("button", name="Appeler le suivant").click()
    expect(agent.get_by_test_id("current-ticket")).to_contain_text(SCRIPT)
    # The list below was pushed over the socket after the call: escaped there too.
    expect(waiting.get_by_test_id("waiting-count")).to_have_text("1", timeout=2000)
    expect(waiting.get_by_text(SCRIPT + "<b>2</b>")).to_be_visible()
    for page in (agent, display, phone):
        assert page.evaluate("window.pwned") is None


# A response rendered at the next sequence number, settled before that number's message.
RESPONSE_AHEAD = """() => {
  window.resyncs = 0;
  document.body.addEventListener("live:resync", () => window.resyncs++);
  const seq = document.getElementById("live-seq");
  seq.dataset.seq = String(Number(seq.dataset.seq) + 1);
  document.body.dispatchEvent(new CustomEvent("htmx:afterSettle", {bubbles: true}));
}"""


def test_a_message_the_page_is_already_past_is_applied_without_a_resync(
    browser, live_server_url, branch
):
    """The counter's own call: its response can read the sequence number the dispatcher has
    just taken, before that number's message arrives. That message is no gap: a re-sync would
    redraw the desk and drop the call's notice."""
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    agent.evaluate(RESPONSE_AHEAD)
    ticket = services.create_ticket(queue=branch.withdrawals)  # its message takes that number
    expect(agent.locator(f"#waiting-{branch.withdrawals.pk}")).to_contain_text(ticket.number)
    assert agent.evaluate("window.resyncs") == 0
