"""The OpenAPI document describes every API route, and the running API answers as it says.

The first tests read Django's URL patterns: a new endpoint without its description fails them.
The fuzz (schemathesis) sends generated requests, valid and invalid, to every operation as an
admin of tenant alpha and checks each answer: never a 5xx, only documented statuses and content
types, bodies matching their schemas.
"""

import os
import re
import uuid
from types import SimpleNamespace

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.api.api import api
from smartqueue.notifications.models import WebhookEndpoint
from smartqueue.queues import services
from smartqueue.queues.models import Customer
from tests.e2e.conftest import RESULTS, ROOT, server_env
from tests.factories import make_counter, make_queue, make_site, make_user, wipe_tenant_data
from tests.servers import Server

API_ROOT = "api/v1/"


def openapi_document() -> dict:
    return api.get_openapi_schema()


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def api_routes() -> list[str]:
    """Every route under /api/v1/ as an OpenAPI path ("/api/v1/tenants/{tenant_slug}/sites/"),
    the legacy namespace (same views, tenant in the X-Tenant header) left out."""

    def walk(patterns, prefix: str):
        for entry in patterns:
            assert isinstance(entry.pattern, RoutePattern), f"not a path(): {entry.pattern}"
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.namespace != "legacy":
                    yield from walk(entry.url_patterns, route)
            else:
                assert isinstance(entry, URLPattern)
                yield route

    routes = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry.pattern, RoutePattern) and str(entry.pattern).startswith(API_ROOT):
            routes += [CONVERTER.sub(r"{\1}", route) for route in walk([entry], "/")]
    return routes


def concrete(path: str) -> str:
    """A URL of that route: tenant alpha, any id (the method check comes before the lookup)."""
    return path.replace("{tenant_slug}", "alpha").replace("{pk}", str(uuid.uuid4()))


def test_the_walk_finds_the_api():
    routes = api_routes()
    assert "/api/v1/auth/" in routes
    assert "/api/v1/tenants/{tenant_slug}/tickets/{pk}/transfer/" in routes
    assert not any(route.startswith("/api/v1/sites/") for route in routes)  # legacy


def test_every_route_is_documented_and_nothing_else():
    documented = set(openapi_document()["paths"])
    routes = api_routes()
    assert len(routes) == len(set(routes)), "a route is declared twice"
    assert sorted(set(routes) - documented) == [], "routes missing from the OpenAPI document"
    assert sorted(documented - set(routes)) == [], "documented paths that no route serves"


@pytest.mark.django_db
def test_each_route_documents_exactly_the_methods_its_view_accepts(client, tenants):
    """Views answer 405 before anything else (authentication included) to other methods."""
    paths = openapi_document()["paths"]
    wrong = {}
    for route in api_routes():
        url = concrete(route)
        accepted = {m for m in METHODS if client.generic(m, url).status_code != 405}
        documented = {m.upper() for m in paths.get(route, {}) if m.upper() in METHODS}
        if accepted != documented:
            wrong[route] = {"accepted": sorted(accepted), "documented": sorted(documented)}
    assert wrong == {}


def test_the_document_and_the_docs_page_are_served(client):
    for url in ("/api/v1/schema/", "/api/schema/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json()["openapi"].startswith("3.")
    for url in ("/api/v1/docs/", "/api/docs/"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "api/swagger-ui/swagger-ui-bundle.js" in html
        assert "api/swagger-init.js" in html
        assert 'data-schema-url="/api/v1/schema/"' in html
        assert "<script>" not in html  # the CSP runs no inline script
    for name in ("swagger-ui/swagger-ui.css", "swagger-ui/swagger-ui-bundle.js", "swagger-init.js"):
        assert finders.find(f"api/{name}"), name


def test_every_reference_resolves():
    document = openapi_document()

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for target in set(refs(document)):
        _, kind, name = target.rsplit("/", 2)
        assert name in document["components"][kind], target


# --- what the fuzz found ---------------------------------------------------------------------


@pytest.fixture
def admin_headers(committed, tenants):
    admin = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    _, token = ApiToken.objects.issue(admin)
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("tickets/appointments/", {"starts_at": "2030-01-01T09:00:00Z", "ends_at": [1]}),
        ("sites/", {"name": "Agence", "slug": "agence", "closing_time": 18}),
    ],
)
def test_a_date_or_time_that_is_not_a_string_is_a_400(client, admin_headers, path, body):
    if path == "tickets/appointments/":
        body = {"service": str(make_queue(make_site()).service_id), **body}
    response = client.post(
        f"/api/v1/tenants/alpha/{path}", body, content_type="application/json", **admin_headers
    )
    assert response.status_code == 400
    assert set(response.json()) & {"ends_at", "closing_time"}


def test_a_nul_character_in_metadata_is_a_400(client, admin_headers):
    response = client.post(
        "/api/v1/tenants/alpha/customers/",
        {"first_name": "Awa", "metadata": {"note": "a\x00b"}},
        content_type="application/json",
        **admin_headers,
    )
    assert response.status_code == 400


# --- the fuzz --------------------------------------------------------------------------------

# SQ_FUZZ_EXAMPLES=60 makes a deep run: that many random examples per operation and the
# coverage phase (thousands of requests, minutes). The default run is small and the same each time.
DEEP = int(os.environ.get("SQ_FUZZ_EXAMPLES", "0"))

# Detail routes get the id of a real row (made by `rows`), so that the views behind are reached.
ROW_OF_PATH = {
    re.compile(r"/sites/\{pk\}/$"): "site",
    re.compile(r"/queues/services/\{pk\}/$"): "service",
    re.compile(r"/queues/\{pk\}/"): "queue",
    re.compile(r"/customers/\{pk\}/$"): "customer",
    re.compile(r"/tickets/\{pk\}/"): "ticket",
    re.compile(r"/webhooks/\{pk\}/$"): "webhook",
    re.compile(r"^/api/v1/tenants/\{pk\}/$"): "tenant",
}

# Loaded when pytest collects this file: GET /api/v1/schema/ through the app (no database).
fuzzed = (
    schemathesis.openapi.from_wsgi(
        "/api/v1/schema/",
        get_wsgi_application(),
        config=schemathesis.Config.from_dict(
            {
                "parameters": {"path.tenant_slug": "alpha", "header.X-Tenant": "alpha"},
                # Its hundreds of cases per operation take minutes: only in a deep run.
                "phases": {"coverage": {"enabled": DEEP > 0}},
            }
        ),
    )
    # Creates a PostgreSQL schema per tenant: slow, and needs a staff caller anyway.
    .exclude(method="POST", path="/api/v1/tenants/")
    # Would revoke the token every other request uses.
    .exclude(method="POST", path="/api/v1/auth/logout/")
)


@pytest.fixture(scope="module", autouse=True)
def unlimited():
    """Hundreds of requests with one token within a minute: the limit has its own tests."""
    with override_settings(API_RATE_LIMIT="1000000/minute"):
        yield


@pytest.fixture(scope="module")
def rows(tenants, django_db_blocker):
    """An admin of alpha with a token, and a site, service, queue, counter, waiting ticket,
    customer and (switched off) webhook endpoint, committed once for all the operations, as the
    `committed` fixture does for one test (it would cost a wipe per operation); wiped after."""
    with django_db_blocker.unblock():
        connection.set_tenant(tenants.alpha)
        try:
            admin = make_user(tenant=tenants.alpha, role=Role.ADMIN)
            _, token = ApiToken.objects.issue(admin)
            site = make_site()
            queue = make_queue(site)
            make_counter(site, [queue])
            ticket = services.create_ticket(queue=queue, customer_name="Awa")
            customer = Customer.objects.create(first_name="Awa", phone="+221771234567")
            webhook = WebhookEndpoint.objects.create(
                url="https://hooks.example.com/sq", events=["ticket.created"], is_active=False
            )
            ids = {
                "webhook": webhook.pk,
                "site": site.pk,
                "service": queue.service_id,
                "queue": queue.pk,
                "ticket": ticket.pk,
                "customer": customer.pk,
                "tenant": tenants.alpha.pk,
            }
            yield SimpleNamespace(token=token, ids={name: str(pk) for name, pk in ids.items()})
        finally:
            connection.set_tenant(tenants.alpha)
            WebhookEndpoint.objects.all().delete()  # not among the tables wipe_tenant_data empties
            wipe_tenant_data(tenants)
            connection.set_schema_to_public()


@fuzzed.parametrize()
@settings(
    max_examples=DEEP or 6,  # 6 per operation: about 300 requests, 15 to 30 seconds
    deadline=None,
    database=None,  # no example database (Hypothesis still caches constants in .hypothesis/)
    derandomize=not DEEP,  # the same requests on every run: a failure here is never a fluke
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented(case, rows):
    prepare(case, rows)
    case.call_and_validate(
        environ_base={"REMOTE_ADDR": "127.0.0.1"},  # allauth's sign-in limits key on the IP
        checks=CHECKS,
    )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def prepare(case, rows) -> None:
    """The admin's token, and real rows behind detail routes."""
    # Endpoints the fuzz made or switched on would send events to the addresses it made up.
    WebhookEndpoint.objects.filter(is_active=True).update(is_active=False)
    # Generated extra headers may include Host: Django's own 400 (DisallowedHost), not the API's.
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "host"}
    case.headers = {**headers, "Authorization": f"Token {rows.token}"}
    for pattern, row in ROW_OF_PATH.items():
        if pattern.search(case.path):
            case.path_parameters = {**(case.path_parameters or {}), "pk": rows.ids[row]}
    if case.path.endswith("/appointments/slots/"):
        case.query = {
            **(case.query or {}),
            "site": rows.ids["site"],
            "service": rows.ids["service"],
        }


# The same fuzz through daphne, as served: its streaming, threads and connection handling.
served = (
    schemathesis.openapi.from_dict(
        openapi_document(),
        config=schemathesis.Config.from_dict(
            {
                "parameters": {"path.tenant_slug": "alpha", "header.X-Tenant": "alpha"},
                "phases": {"coverage": {"enabled": DEEP > 0}},
            }
        ),
    )
    .exclude(method="POST", path="/api/v1/tenants/")
    .exclude(method="POST", path="/api/v1/auth/logout/")
)


@pytest.fixture(scope="module")
def daphne_url(tenants, django_db_blocker):
    """daphne on the test database, as served in production (DEBUG off)."""
    RESULTS.mkdir(exist_ok=True)
    env = {
        **server_env(django_db_blocker),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SMARTQUEUE_API_RATE_LIMIT": "1000000/minute",
    }
    server = Server(env, ROOT, RESULTS / "daphne-fuzz.log").start()
    try:
        yield server.url
    finally:
        server.stop()


@served.parametrize()
@settings(
    max_examples=DEEP or 3,
    deadline=None,
    database=None,
    derandomize=not DEEP,
    suppress_health_check=list(HealthCheck),
)
def test_the_served_api_answers_as_documented(case, rows, daphne_url):
    prepare(case, rows)
    case.call_and_validate(base_url=daphne_url, checks=CHECKS, timeout=10)
