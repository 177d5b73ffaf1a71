"""The API answers 401 (no credentials), 403 (not a member / no scope), 404 (unknown tenant)."""

import random

import pytest

from smartqueue.accounts.models import ApiToken, Role, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _, key = ApiToken.objects.issue(user)
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_anonymous_gets_401(client, tenants):
    response = client.get("/api/v1/tenants/alpha/sites/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_bad_token_gets_401(client, tenants):
    response = client.get("/api/v1/tenants/alpha/sites/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_member_of_another_tenant_gets_403(client, tenants):
    user = make_user(tenant=tenants.beta, role=Role.ADMIN)
    response = client.get("/api/v1/tenants/alpha/sites/", **auth(user))
    assert response.status_code == 403
    assert response.json() == {"detail": "Vous n'êtes pas membre de ce tenant."}


def test_a_member_gets_the_paginated_list(client, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.AGENT)
    response = client.get("/api/v1/tenants/alpha/sites/", **auth(user))
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_an_unknown_tenant_gets_404(client, tenants):
    user = make_user(tenant=tenants.alpha)
    response = client.get("/api/v1/tenants/nowhere/sites/", **auth(user))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_login_gives_a_token_that_opens_me(client, tenants):
    user = make_user(password="Long-enough-2026")
    response = client.post(
        "/api/v1/auth/",
        {"email": user.email, "password": "Long-enough-2026"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["email"] == user.email


def test_login_with_a_wrong_password_is_a_400_without_a_token(client, tenants):
    user = make_user(password="Long-enough-2026")
    response = client.post(
        "/api/v1/auth/", {"email": user.email, "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_logout_revokes_the_token(client, tenants):
    user = make_user(tenant=tenants.alpha)
    headers = auth(user)
    assert client.post("/api/v1/auth/logout/", **headers).status_code == 200
    assert client.get("/api/v1/auth/me/", **headers).status_code == 401


def test_malformed_json_is_a_400(client, tenants):
    response = client.post("/api/v1/auth/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_repeated_failed_logins_get_429_even_with_the_right_password(client, tenants):
    client.defaults["REMOTE_ADDR"] = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.9"
    # An address of its own: the limits live in Redis, across runs, per address.
    email = f"throttled-{random.randint(0, 10**9)}@people.test"
    user = User.objects.create_user(email=email, password="Long-enough-2026")
    wrong = {"email": user.email, "password": "wrong"}
    for _ in range(5):
        response = client.post("/api/v1/auth/", wrong, content_type="application/json")
        assert response.status_code == 400
    right = {"email": user.email, "password": "Long-enough-2026"}
    response = client.post("/api/v1/auth/", right, content_type="application/json")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_nul_character_is_refused_anywhere(client, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    headers = auth(user)
    path = "/api/v1/tenants/alpha/customers/"
    assert client.get(path, {"search": "a\x00b"}, **headers).status_code == 400
    body = {"first_name": "Awa", "metadata": {"note": ["x\x00"]}}
    response = client.post(path, body, content_type="application/json", **headers)
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


def test_a_wrong_method_says_which_are_allowed(client, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    response = client.delete("/api/v1/tenants/alpha/sites/", **auth(user))
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
