"""Every endpoint of a tenant is guarded by a scope of smartqueue.accounts.roles, every one of
the 14 scopes guards at least one endpoint, and each endpoint refuses a member whose role lacks
its scope (403, the documented detail). The endpoints come from the API's own routers: a new
one is checked without being listed here."""

import re
import uuid

import pytest

from smartqueue.accounts import roles
from smartqueue.accounts.models import ApiToken, Role
from smartqueue.api.api import api
from smartqueue.api.support import NO_PERMISSION, TokenAuth
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PARAM = re.compile(r"\{(?:\w+:)?(\w+)\}")


def guarded_operations() -> list[tuple[str, str, str]]:
    """(method, concrete path, scope) of every operation of the API."""
    found = []
    for prefix, router in api._routers:
        for route, path_view in router.path_operations.items():
            path = re.sub(r"/+", "/", f"/api/v1/{prefix}/{route}")
            concrete = PARAM.sub(
                lambda m: "alpha" if m[1] == "tenant_slug" else str(uuid.uuid4()), path
            )
            for operation in path_view.operations:
                scopes = [a.scope for a in operation.auth_callbacks if isinstance(a, TokenAuth)]
                for method in operation.methods:
                    found.append((method, concrete, scopes[0] if scopes else None))
    return found


OPERATIONS = guarded_operations()
TENANT_OPERATIONS = [op for op in OPERATIONS if op[1].startswith("/api/v1/tenants/alpha/")]


def test_every_tenant_endpoint_has_a_scope():
    assert TENANT_OPERATIONS
    assert [op for op in TENANT_OPERATIONS if op[2] is None] == []


def test_every_scope_guards_an_endpoint():
    assert len(roles.SCOPES) == 14
    assert {scope for _, _, scope in TENANT_OPERATIONS} == set(roles.SCOPES)


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    TENANT_OPERATIONS,
    ids=[f"{m} {p[22:]}" for m, p, _ in TENANT_OPERATIONS],
)
def test_a_token_without_the_scope_is_refused(client, tenants, monkeypatch, method, path, scope):
    """A role with every scope but this one: refused before anything is read or written."""
    everything_but = dict(roles.ROLE_SCOPES, **{Role.AGENT: frozenset(roles.SCOPES) - {scope}})
    monkeypatch.setattr(roles, "ROLE_SCOPES", everything_but)
    key = ApiToken.objects.issue(make_user(tenant=tenants.alpha, role=Role.AGENT))[1]
    response = client.generic(
        method, path, "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 403, (scope, response.content)
    assert response.json() == {"detail": NO_PERMISSION}
