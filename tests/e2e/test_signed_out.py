"""A counter tab whose sign-in has ended: its next click goes to the sign-in page (not into
the desk), and its socket stops bringing customers' names."""

import re

import pytest
from playwright.sync_api import expect

from smartqueue.queues import services
from tests.e2e.pages import counter_url, open_page

pytestmark = pytest.mark.e2e
SIGN_IN = re.compile(r"/accounts/login/\?next=/t/alpha/counter/$")


def test_a_click_after_the_session_ended_takes_the_whole_page_to_sign_in(
    browser, live_server_url, branch
):
    services.create_ticket(queue=branch.withdrawals)
    agent = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    agent.context.clear_cookies(name="sessionid")  # signed out elsewhere, or expired

    agent.get_by_role("button", name="Appeler le suivant").click()

    expect(agent).to_have_url(SIGN_IN)
    expect(agent.locator("#desk")).to_have_count(0)  # no sign-in page inside the desk
    expect(agent.locator("input[type=password]")).to_have_count(1)


def test_signing_out_in_one_tab_stops_the_other_tab_hearing_the_waiting_list(
    browser, live_server_url, branch
):
    first = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    second = first.context.new_page()
    second.goto(counter_url(live_server_url))
    expect(second.locator("body[data-live=online]")).to_be_attached(timeout=5000)

    second.get_by_role("button", name="Se déconnecter").click()
    expect(second).to_have_url(re.compile(r"/accounts/login/"))

    expect(first).to_have_url(SIGN_IN, timeout=3000)
    services.create_ticket(queue=branch.withdrawals, customer_name="Awa Secrète")
    first.wait_for_timeout(500)  # time for a push, which must not come
    expect(first.get_by_text("Awa Secrète")).to_have_count(0)
