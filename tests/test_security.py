"""Production settings pass Django's deployment checks; every page carries a strict CSP; htmx
posts need the CSRF token; signing in starts a new session."""

import secrets
import subprocess
import sys

import pytest
from django.test import Client

from smartqueue.security import CONTENT_SECURITY_POLICY
from tests.factories import make_user
from tests.servers import database_url_for_subprocess
from tests.test_boot import ROOT, bare_env

PASSWORD = "Long-enough-2026"


def test_production_settings_pass_check_deploy(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        url = database_url_for_subprocess()
    env = bare_env(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="queue.example.com",
        DATABASE_URL=url,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client, tenants):
    response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_an_htmx_post_without_the_csrf_token_is_refused(tenants):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(tenant=tenants.alpha))
    response = client.post("/t/alpha/counter/call/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403


@pytest.mark.django_db
def test_signing_in_starts_a_new_session(client, tenants):
    user = make_user(tenant=tenants.alpha, password=PASSWORD)
    client.get("/accounts/login/")
    before = client.session.session_key
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.session.session_key != before


def test_the_client_address_is_forwarded_only_by_trusted_proxies(rf, settings):
    """Limits and the audit log read one address: behind TRUSTED_PROXY_COUNT proxies the one
    they saw; without a configured proxy X-Forwarded-For is the client's to forge, never read."""
    from smartqueue.queues.history import Actor
    from smartqueue.security import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.7"
    assert Actor.from_request(request).ip == "203.0.113.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2  # more proxies configured than the header names
    assert client_address(request) is None
