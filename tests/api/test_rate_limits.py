"""Per-token rate limits: every token answer says where the token stands; past the limit, 429."""

import time

import pytest
from django.core.cache import cache

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.api.limits import parse_rate
from tests.factories import make_user

pytestmark = pytest.mark.django_db
SITES = "/api/v1/tenants/alpha/sites/"


@pytest.fixture
def token(tenants):
    return "Token " + ApiToken.objects.issue(make_user(tenant=tenants.alpha, role=Role.ADMIN))[1]


def test_each_token_answer_carries_its_counts(client, settings, token):
    settings.API_RATE_LIMIT = "5/minute"
    first = client.get(SITES, HTTP_AUTHORIZATION=token)
    second = client.get(SITES, HTTP_AUTHORIZATION=token)
    assert first.status_code == second.status_code == 200
    assert (first["X-RateLimit-Limit"], first["X-RateLimit-Remaining"]) == ("5", "4")
    assert second["X-RateLimit-Remaining"] == "3"
    reset = int(first["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 60


def test_past_the_limit_a_429_with_retry_after(client, settings, token, tenants):
    settings.API_RATE_LIMIT = "3/minute"
    answers = [client.get(SITES, HTTP_AUTHORIZATION=token) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert set(refused.json()) == {"detail"}
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["X-RateLimit-Remaining"] == "0"
    # Another token is counted apart; the session (our own pages) is not counted at all.
    other = "Token " + ApiToken.objects.issue(make_user(tenant=tenants.alpha, role=Role.ADMIN))[1]
    assert client.get(SITES, HTTP_AUTHORIZATION=other).status_code == 200
    client.force_login(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    page = client.get(SITES)
    assert page.status_code == 200 and "X-RateLimit-Limit" not in page


def test_with_redis_away_nobody_is_limited(client, settings, token, monkeypatch):
    settings.API_RATE_LIMIT = "1/minute"

    def away(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(cache._cache, "get_client", away)
    answers = [client.get(SITES, HTTP_AUTHORIZATION=token) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]


def test_the_limit_reads_as_written():
    assert parse_rate("600/minute") == (600, 60)
    assert parse_rate("10/seconds") == (10, 1)
    assert parse_rate("5000/hour") == (5000, 3600)
