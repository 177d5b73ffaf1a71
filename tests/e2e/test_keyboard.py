"""Everything on the counter and settings pages is reached with Tab alone, and the counter's
main action works from the keyboard: Enter or Space on the focused button, or the shortcut."""

import pytest
from playwright.sync_api import expect

from smartqueue.accounts.models import Role
from smartqueue.queues import services
from smartqueue.queues.models import Ticket
from tests.e2e.pages import counter_url, open_page
from tests.factories import make_user

pytestmark = pytest.mark.e2e

INTERACTIVE = "a[href], button, input:not([type=hidden]), select, textarea, summary"
MARK_INTERACTIVE = """(selector) => {
  const seen = [];
  document.querySelectorAll(selector).forEach((el, i) => {
    const radioNotChosen = el.type === "radio" && !el.checked;  // arrows move within a group
    if (el.disabled || radioNotChosen || !el.checkVisibility({visibilityProperty: true})) return;
    el.dataset.tabCheck = String(i);
    seen.push(String(i));
  });
  return seen;
}"""
FOCUSED = "() => document.activeElement && document.activeElement.dataset.tabCheck || null"
DESCRIBE = "(el) => (el.getAttribute('aria-label') || el.textContent || el.name || el.id).trim()"


def unreachable_by_tab(page, tries: int = 3) -> list[str]:
    """The visible controls Tab never lands on, going twice round the page. A live update can
    redraw part of the page meanwhile (the desk after a call): then the check starts again on
    the page as it is now."""
    marked = page.evaluate(MARK_INTERACTIVE, INTERACTIVE)
    reached = set()
    for _ in range(2 * len(marked) + 5):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(FOCUSED))
    missed = [page.locator(f'[data-tab-check="{mark}"]') for mark in marked if mark not in reached]
    if tries > 1 and any(locator.count() == 0 for locator in missed):
        return unreachable_by_tab(page, tries - 1)
    return [locator.evaluate(DESCRIBE) for locator in missed]


def tab_to(page, name: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(":focus").filter(has_text=name).count():
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_the_counter_is_worked_from_the_keyboard(browser, live_server_url, branch):
    first, second, third = (services.create_ticket(queue=branch.withdrawals) for _ in range(3))
    page = open_page(browser, counter_url(live_server_url), user=branch.agents[0].user)
    assert unreachable_by_tab(page) == []

    tab_to(page, "Appeler le suivant")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("current-number")).to_have_text(first.number)
    assert unreachable_by_tab(page) == []  # the called ticket's actions too

    tab_to(page, "Clore")
    page.keyboard.press("Space")  # the focused button, not the Space shortcut (call next)
    expect(page.get_by_role("button", name="Appeler le suivant")).to_be_visible()
    first.refresh_from_db()
    assert first.status == Ticket.Status.CLOSED

    page.locator("body").click(position={"x": 5, "y": 5})  # focus on nothing in particular
    page.keyboard.press("Space")  # the shortcut
    expect(page.get_by_test_id("current-number")).to_have_text(second.number)
    page.keyboard.press("c")
    expect(page.get_by_role("button", name="Appeler le suivant")).to_be_visible()

    page.get_by_label("Raccourcis clavier (Espace, S, R, C, X)").uncheck()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Space")  # switched off: nothing happens
    page.reload()  # and the choice is kept
    expect(page.locator("body[data-live=online]")).to_be_attached()
    expect(page.get_by_label("Raccourcis clavier (Espace, S, R, C, X)")).not_to_be_checked()
    third.refresh_from_db()
    assert third.status == Ticket.Status.WAITING


def test_every_control_of_the_settings_pages_is_reached_with_tab(
    browser, live_server_url, branch, committed
):
    manager = make_user(tenant=committed, role=Role.MANAGER)
    base = f"{live_server_url}/t/alpha/settings"
    found = {}
    for path in ("queues/", "kiosks/", f"counters/{branch.agents[0].counter.pk}/", "hours/new/"):
        page = open_page(browser, f"{base}/{path}", user=manager, live=False)
        found[path] = unreachable_by_tab(page)
    assert found == {path: [] for path in found}
