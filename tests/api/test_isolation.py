"""Tenant isolation of the API, swept over every route: adding an endpoint adds it here.

A member of beta asks for alpha's endpoints, with the ids of alpha's own rows: 403 on every
method. A member of alpha asking with the id of a beta row: 404, the row is not in alpha's
schema. The same through the legacy X-Tenant header."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.notifications.models import WebhookEndpoint
from smartqueue.queues import services
from smartqueue.queues.appointments import book_appointment
from smartqueue.queues.history import SYSTEM
from smartqueue.queues.models import Customer
from tests.factories import make_counter, make_queue, make_user

pytestmark = pytest.mark.django_db
NOT_MEMBER = {"detail": "Vous n'êtes pas membre de ce tenant."}


def api_routes(resolver=None, prefix: str = "", namespace: str = ""):
    """(path template, view, namespace) of every route under /api/v1/, from the resolvers."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        template = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from api_routes(entry, template, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and template.startswith("api/v1/"):
            yield template, entry.callback, namespace


def tenant_routes(legacy: bool):
    routes = [
        (template, view)
        for template, view, namespace in api_routes()
        if (namespace == "legacy") == legacy and (legacy or "<slug:tenant_slug>" in template)
    ]
    assert len(routes) > 20, "the sweep lost its routes"
    return routes


def rows_of(tenant) -> dict[str, str]:
    """One row of each kind in the tenant's schema, by the path segment naming it."""
    connection.set_tenant(tenant)
    queue = make_queue()
    counter = make_counter(queue.site, [queue])
    customer = Customer.objects.create(first_name="Awa", phone="+221770000001")
    ticket = services.create_ticket(queue=queue, customer=customer)
    appointment = book_appointment(
        service=queue.service,
        starts_at=datetime(2099, 10, 5, 10, 0, tzinfo=UTC),  # a Monday at 10:00 in Dakar
        ends_at=datetime(2099, 10, 5, 10, 15, tzinfo=UTC),
        by=SYSTEM,
    )
    webhook = WebhookEndpoint.objects.create(url="https://example.com/", events=["ticket.called"])
    connection.set_schema_to_public()
    return {
        "webhooks": str(webhook.pk),
        "sites": str(queue.site_id),
        "queues/services": str(queue.service_id),
        "queues": str(queue.pk),
        "counters": str(counter.pk),
        "customers": str(customer.pk),
        "tickets/appointments": str(appointment.pk),
        "tickets": str(ticket.pk),
    }


def concrete(template: str, slug: str, rows: dict[str, str]) -> str:
    path = "/" + template.replace("<slug:tenant_slug>", slug)
    if "<str:pk>" not in path:
        return path
    for segment, pk in sorted(rows.items(), key=lambda item: -len(item[0])):
        if f"/{segment}/<str:pk>/" in path:
            return path.replace("<str:pk>", pk)
    raise AssertionError(f"no row for {template}: add one to rows_of()")


def token_of(user) -> str:
    return "Token " + ApiToken.objects.issue(user)[1]


def send(client, method: str, path: str, **headers):
    return getattr(client, method.lower())(path, {}, content_type="application/json", **headers)


@pytest.fixture
def two_tenants(tenants):
    return rows_of(tenants.alpha), rows_of(tenants.beta)


def test_a_member_of_beta_gets_403_on_every_alpha_route(client, tenants, two_tenants):
    alpha_rows, _ = two_tenants
    stranger = token_of(make_user(tenant=tenants.beta, role=Role.ADMIN))
    checked = 0
    for template, view in tenant_routes(legacy=False):
        path = concrete(template, "alpha", alpha_rows)
        for method in view.api_methods:
            response = send(client, method, path, HTTP_AUTHORIZATION=stranger)
            assert (response.status_code, response.json()) == (403, NOT_MEMBER), (method, path)
            checked += 1
    assert checked > 30


def test_the_legacy_header_gives_a_stranger_nothing_either(client, tenants, two_tenants):
    alpha_rows, _ = two_tenants
    stranger = token_of(make_user(tenant=tenants.beta, role=Role.ADMIN))
    for template, view in tenant_routes(legacy=True):
        path = concrete(template, "alpha", alpha_rows)
        for method in view.api_methods:
            response = send(
                client, method, path, HTTP_AUTHORIZATION=stranger, HTTP_X_TENANT="alpha"
            )
            assert (response.status_code, response.json()) == (403, NOT_MEMBER), (method, path)


def test_an_alpha_admin_finds_no_beta_row_through_alpha(client, tenants, two_tenants):
    _, beta_rows = two_tenants
    admin = token_of(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    checked = 0
    for template, view in tenant_routes(legacy=False):
        if "<str:pk>" not in template:
            continue
        path = concrete(template, "alpha", beta_rows)
        for method in view.api_methods:
            response = send(client, method, path, HTTP_AUTHORIZATION=admin)
            assert response.status_code == 404, (method, path, response.content)
            checked += 1
    assert checked > 10
