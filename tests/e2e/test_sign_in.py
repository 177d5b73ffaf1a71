"""Signing in through the real page, in Chromium, against daphne."""

import pytest
from playwright.sync_api import Page, expect

from smartqueue.accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.e2e
PASSWORD = "Guichet-Dakar-2026"


@pytest.fixture
def member(committed, tenants):
    return make_user(tenant=tenants.alpha, role=Role.AGENT, password=PASSWORD)


def sign_in(page: Page, url: str, email: str, password: str) -> None:
    page.goto(url + "/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_a_member_signs_in_and_lands_on_the_tenant_home(page, live_server_url, member, shots):
    page.goto(live_server_url + "/accounts/login/")
    page.screenshot(path=shots / "login.png", full_page=True)
    sign_in(page, live_server_url, member.email, PASSWORD)
    expect(page).to_have_url(live_server_url + "/t/alpha/")
    expect(page.get_by_test_id("tenant-home")).to_have_text("Alpha Bank")
    page.screenshot(path=shots / "tenant-home.png", full_page=True)


def test_the_same_member_gets_403_on_another_tenant(page, live_server_url, member, shots):
    sign_in(page, live_server_url, member.email, PASSWORD)
    expect(page).to_have_url(live_server_url + "/t/alpha/")
    response = page.goto(live_server_url + "/t/beta/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="403")).to_be_visible()
    page.screenshot(path=shots / "forbidden.png", full_page=True)


def test_a_wrong_password_shows_an_error_that_does_not_reveal_the_email(
    page, live_server_url, member, shots
):
    sign_in(page, live_server_url, member.email, "not-the-password")
    error = page.locator(".alert-danger, .alert-block").first
    expect(error).to_be_visible()
    known_email_message = error.inner_text()
    page.screenshot(path=shots / "wrong-password.png", full_page=True)
    expect(page).to_have_url(live_server_url + "/accounts/login/")

    sign_in(page, live_server_url, "nobody-here@people.test", "not-the-password")
    unknown_email_message = page.locator(".alert-danger, .alert-block").first.inner_text()
    assert known_email_message == unknown_email_message
    assert "nobody-here" not in unknown_email_message
