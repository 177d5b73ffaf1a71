"""With Redis away, the cache (rate limits only) forgives: people still sign in and take
tickets (the limits simply do not count meanwhile)."""

from django.core.cache import cache

from smartqueue.devices.models import Kiosk
from smartqueue.queues.models import Ticket
from tests.factories import make_queue, make_site, make_user

DEAD_REDIS = {
    "default": {
        "BACKEND": "smartqueue.cache.ForgivingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
PASSWORD = "Long-enough-2026"


def test_sign_in_works_while_redis_is_away(client, settings, tenants, db):
    settings.CACHES = DEAD_REDIS
    user = make_user(tenant=tenants.alpha, password=PASSWORD)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_the_kiosk_issues_tickets_while_redis_is_away(client, settings, alpha):
    settings.CACHES = DEAD_REDIS
    site = make_site()
    queue = make_queue(site)
    kiosk = Kiosk.objects.create(site=site, name="Borne")
    for _ in range(2):
        response = client.post(f"/t/alpha/kiosk/{kiosk.secret}/ticket/", {"queue": queue.pk})
        assert response.status_code == 200
    assert Ticket.objects.count() == 2
    assert cache.get("anything", "missing") == "missing"
