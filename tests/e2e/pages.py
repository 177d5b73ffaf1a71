"""Opening pages in their own browser contexts, signed in or not, and waiting for their socket."""

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
