"""Admins edit what customers read and where webhooks go; managers do not see these pages."""

import json

import pytest

from smartqueue.accounts.models import Role
from smartqueue.notifications.models import NotificationTemplate, WebhookEndpoint
from smartqueue.queues.models import AuditLog
from tests.factories import make_user


@pytest.fixture
def admin(alpha, client, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    client.force_login(user)
    return user


def test_managers_cannot_open_the_message_or_webhook_pages(alpha, client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    assert client.get("/t/alpha/settings/notifications/").status_code == 403
    assert client.post("/t/alpha/settings/webhooks/new/", {}).status_code == 403
    page = client.get("/t/alpha/settings/sites/").content.decode()
    assert "Webhooks" not in page and "Messages aux clients" not in page


def test_an_admin_rewrites_a_template_and_a_broken_one_is_refused(client, admin):
    template = NotificationTemplate.objects.get(event="ticket_called", channel="sms", language="fr")
    path = f"/t/alpha/settings/notifications/{template.pk}/"
    fields = {"event": "ticket_called", "channel": "sms", "language": "fr", "is_active": "on"}
    refused = client.post(path, {**fields, "body": "Ticket {{ ticket_numbre }}"})
    assert "Variables inconnues : ticket_numbre" in refused.content.decode()
    broken = client.post(path, {**fields, "body": "Ticket {% if %}"})
    assert "Modèle invalide" in broken.content.decode()
    saved = client.post(
        path, {**fields, "body": "{{ ticket_number }} : guichet {{ counter_name }}"}
    )
    assert saved.status_code == 302
    template.refresh_from_db()
    assert template.body == "{{ ticket_number }} : guichet {{ counter_name }}"
    assert AuditLog.objects.filter(action="notificationtemplate.updated").exists()


def test_an_admin_adds_a_webhook_on_https_only(client, admin):
    form = {"url": "http://example.com/hooks", "events": ["ticket.called"], "is_active": "on"}
    refused = client.post("/t/alpha/settings/webhooks/new/", form)
    assert "https://" in refused.content.decode() and not WebhookEndpoint.objects.exists()
    form["url"] = "https://example.com/hooks"
    assert client.post("/t/alpha/settings/webhooks/new/", form).status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["ticket.called"] and len(endpoint.secret) == 64
    assert endpoint.secret in client.get("/t/alpha/settings/webhooks/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://localhost:8443/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.1.10/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://0.0.0.0/hooks",
    ],
)
def test_a_webhook_to_an_internal_address_is_refused(client, admin, url):
    form = {"url": url, "events": ["ticket.called"], "is_active": "on"}
    refused = client.post("/t/alpha/settings/webhooks/new/", form)
    assert "réseau interne" in refused.content.decode() and not WebhookEndpoint.objects.exists()


def test_the_audit_trail_never_shows_a_webhook_secret(client, admin):
    form = {"url": "https://example.com/hooks", "events": ["ticket.called"], "is_active": "on"}
    client.post("/t/alpha/settings/webhooks/new/", form)
    secret = WebhookEndpoint.objects.get().secret
    row = AuditLog.objects.get(action="webhookendpoint.created")
    assert secret not in json.dumps(row.after) and row.after["secret"] == "…" + secret[-4:]
    assert secret not in client.get("/t/alpha/audit/").content.decode()
