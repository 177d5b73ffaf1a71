"""CORS per organisation: the origins an admin lists in the organisation's settings may call
that tenant's API from a browser; other origins, and other tenants' paths, get no CORS header."""

import pytest

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.tenants.models import Tenant
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SHOP = "https://rdv.alpha.example"
PREFLIGHT = {"HTTP_ORIGIN": SHOP, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}


@pytest.fixture
def allowed(tenants):
    Tenant.objects.filter(slug="alpha").update(api_origins=[SHOP, "http://localhost:3000"])


def token_of(tenant, role=Role.ADMIN) -> str:
    return "Token " + ApiToken.objects.issue(make_user(tenant=tenant, role=role))[1]


def test_a_preflight_from_an_allowed_origin_gets_the_cors_headers(client, allowed):
    response = client.options(
        "/api/v1/tenants/alpha/tickets/",
        **PREFLIGHT,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_from_another_origin_gets_none(client, allowed):
    response = client.options(
        "/api/v1/tenants/alpha/tickets/",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response.status_code == 200
    assert not [name for name in response.headers if name.startswith("Access-Control")]


def test_an_origin_of_alpha_is_not_one_of_beta(client, allowed):
    response = client.options("/api/v1/tenants/beta/tickets/", **PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in response


def test_a_token_request_from_an_allowed_origin_can_be_read(client, tenants, allowed):
    response = client.get(
        "/api/v1/tenants/alpha/sites/",
        HTTP_ORIGIN=SHOP,
        HTTP_AUTHORIZATION=token_of(tenants.alpha),
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "X-RateLimit-Remaining" in response["Access-Control-Expose-Headers"]


def test_without_origins_nothing_is_allowed(client, tenants):
    response = client.get(
        "/api/v1/tenants/alpha/sites/",
        HTTP_ORIGIN=SHOP,
        HTTP_AUTHORIZATION=token_of(tenants.alpha),
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_an_admin_lists_the_origins_in_the_organisation_settings(client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    page = "/t/alpha/settings/organisation/"
    assert client.get(page).status_code == 200
    response = client.post(page, {"api_origins": f"  {SHOP.upper()}\n\nhttp://localhost:3000\n"})
    assert response.status_code == 302
    assert Tenant.objects.get(slug="alpha").api_origins == [SHOP, "http://localhost:3000"]


@pytest.mark.parametrize(
    "bad",
    ["rdv.alpha.example", "https://rdv.alpha.example/", "ftp://x.example", "https://x.example:99999",
     "https://x.example/path", "*"],
)  # fmt: skip
def test_an_origin_that_is_not_scheme_host_port_is_refused(client, tenants, bad):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    response = client.post("/t/alpha/settings/organisation/", {"api_origins": bad})
    assert response.status_code == 200
    assert "api_origins" in response.context["form"].errors
    assert Tenant.objects.get(slug="alpha").api_origins == []


def test_managers_do_not_edit_the_organisation(client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    response = client.post("/t/alpha/settings/organisation/", {"api_origins": SHOP})
    assert response.status_code == 403
    assert Tenant.objects.get(slug="alpha").api_origins == []
