"""Sign-in, password reset and login rate limits through django-allauth."""

import random

import pytest
from django.core import mail

from smartqueue.accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Long-enough-2026"


@pytest.fixture
def client_ip(client):
    """A fresh address per test, so rate limits of other tests or runs never meet this one."""
    client.defaults["REMOTE_ADDR"] = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.7"
    return client


def test_signing_in_with_email_and_password_opens_the_tenant(client_ip, tenants):
    user = make_user(tenant=tenants.alpha, password=PASSWORD)
    response = client_ip.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client_ip.get(response["Location"])["Location"] == "/t/alpha/"


def test_sign_up_is_closed(client_ip, tenants):
    assert "Inscriptions fermées" in client_ip.get("/accounts/signup/").content.decode()
    client_ip.post(
        "/accounts/signup/",
        {"email": "new@people.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="new@people.test").exists()


def test_password_reset_sends_a_mail_with_a_link(client_ip, tenants):
    user = make_user(password=PASSWORD)
    response = client_ip.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_email_looks_the_same(client_ip, tenants):
    response = client_ip.post("/accounts/password/reset/", {"email": "ghost@people.test"})
    assert response.status_code == 302  # same answer; the mail says no account exists
    assert "/accounts/password/reset/key/" not in (mail.outbox[0].body if mail.outbox else "")


def test_repeated_failed_sign_ins_are_rate_limited(client_ip, tenants):
    user = make_user(password=PASSWORD)
    for _ in range(5):
        client_ip.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    response = client_ip.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client_ip.session
