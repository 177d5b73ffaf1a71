"""Opening pages in their own browser contexts, signed in or not, and waiting for their socket."""

import time

from django.test import Client
from playwright.sync_api import Browser, Page, expect

PHONE = {"width": 390, "height": 800}


def open_page(
    browser: Browser, url: str, *, user=None, viewport=None, live=True, audit=False
) -> Page:
    """`audit`: the test injects its own checker script, which our CSP would refuse, and the
    page is still (reduced motion): a call's blinking would be measured half faded."""
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 800},
        bypass_csp=audit,
        reduced_motion="reduce" if audit else None,
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies(
            [{"name": "sessionid", "value": cookie.value, "domain": "127.0.0.1", "path": "/"}]
        )
    page = context.new_page()
    page.goto(url)
    if live:
        expect(page.locator("body[data-live=online]")).to_be_attached(timeout=5000)
    return page


def display_url(server: str, display) -> str:
    return f"{server}/t/alpha/display/{display.secret}/"


def counter_url(server: str) -> str:
    return f"{server}/t/alpha/counter/"


# Zones whose local hour is (hours east of UTC) away from Dakar's; one of them is mid-day now.
ZONES = {"Africa/Dakar": 0, "Asia/Tokyo": 9, "America/Bogota": -5}


def open_all_day(site) -> None:
    """The site takes bookings all day every day, in a zone where it is not near midnight now:
    past 23:45 local a day open until 23:59 has no slot left, whenever the test happens to run."""
    from datetime import UTC, datetime, time

    from smartqueue.queues.models import OpeningHours

    hour = datetime.now(UTC).hour
    site.timezone = next(zone for zone, east in ZONES.items() if 3 <= (hour + east) % 24 <= 20)
    site.save(update_fields=["timezone"])
    for weekday in range(7):
        OpeningHours.objects.create(
            site=site, weekday=weekday, opens_at=time(0), closes_at=time(23, 59)
        )


def wait_until(page: Page, expression: str, *, timeout: float = 1.0) -> None:
    """Poll `expression` in the page until it is true. Not wait_for_function: after a first
    false answer it re-evaluates the text with eval(), which the pages' CSP refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(20)
