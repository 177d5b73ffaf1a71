"""The lobby display's "now calling": a slot per counter with a called or in-service ticket,
emptied by a no-show or a transfer, and calls made while the screen was offline announced once
it is back. Driven against daphne, looked at full HD."""

import pytest
from playwright.sync_api import expect

from smartqueue.queues import services
from smartqueue.queues.history import Actor
from tests.e2e.pages import display_url, open_page, wait_until

pytestmark = pytest.mark.e2e
FULL_HD = {"width": 1920, "height": 1080}


def test_each_counter_keeps_its_slot_until_a_no_show_or_a_transfer_takes_it_away(
    browser, live_server_url, branch
):
    for _ in range(3):
        services.create_ticket(queue=branch.withdrawals)
    display = open_page(browser, display_url(live_server_url, branch.displays[0]), viewport=FULL_HD)
    first, second = (Actor(user=agent.user) for agent in branch.agents)
    one = services.call_next(by=first)
    two = services.call_next(by=second)

    slots = display.get_by_test_id("now-calling")
    expect(slots).to_have_count(2, timeout=2000)
    expect(slots.nth(0)).to_contain_text(two.number)  # the latest call on top
    expect(slots.nth(0)).to_contain_text("Guichet 2")
    expect(slots.filter(has_text="Guichet 1")).to_contain_text(one.number)
    wait_until(display, "window.smartqueueAnnouncements.queued.length === 2")
    display.screenshot(path="/tmp/h2-display-two-calls.png")

    services.mark_no_show(ticket=one, by=first)
    expect(slots).to_have_count(1, timeout=2000)
    expect(slots).to_contain_text(two.number)
    expect(slots).not_to_contain_text(one.number)

    services.transfer_ticket(ticket=two, target_queue=branch.advice, by=second)
    expect(slots).to_have_count(0, timeout=2000)
    expect(display.locator(".call-empty")).to_be_visible()
    # The earlier calls stay in the history below, not in "now calling".
    expect(display.locator(".recent-calls")).to_contain_text(two.number)
    display.screenshot(path="/tmp/h2-display-after-transfer.png")


def test_a_call_made_while_the_display_was_offline_is_announced_once_it_is_back(
    browser, own_server, branch
):
    services.create_ticket(queue=branch.withdrawals)
    services.call_next(by=Actor(user=branch.agents[0].user))  # before the screen opened
    display = open_page(browser, display_url(own_server.url, branch.displays[0]), viewport=FULL_HD)
    expect(display.get_by_test_id("now-calling")).to_contain_text("R001")
    own_server.stop()
    expect(display.locator("#live-status")).to_be_visible(timeout=10000)

    services.create_ticket(queue=branch.advice)
    called = services.call_next(by=Actor(user=branch.agents[1].user))

    own_server.start()
    expect(display.locator("body[data-live=online]")).to_be_attached(timeout=20000)
    expect(display.get_by_test_id("now-calling")).to_have_count(2, timeout=5000)
    key = f"{called.pk}:0"
    wait_until(display, f"window.smartqueueAnnouncements.queued.includes('{key}')", timeout=5)
    # Said once, and the call already on screen when it opened is not news.
    assert display.evaluate("window.smartqueueAnnouncements.queued") == [key]
    display.screenshot(path="/tmp/h2-display-back-online.png")
