"""Device links: long random secrets, found without comparing the secret in SQL (the whole is
compared in constant time), and revoked by renewing them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import Role
from smartqueue.devices.models import LOOKUP_CHARS, Display, Kiosk, with_secret
from smartqueue.live.consumers import group_for
from tests.factories import make_site, make_user


@pytest.fixture
def display(alpha):
    return Display.objects.create(site=make_site(), name="Écran")


def test_secrets_are_long_random_and_url_safe(alpha):
    site = make_site()
    secrets = {Display.objects.create(site=site, name=f"É{n}").secret for n in range(5)}
    secrets |= {Kiosk.objects.create(site=site, name=f"B{n}").secret for n in range(5)}
    assert len(secrets) == 10
    for secret in secrets:
        assert len(secret) >= 32 and secret.replace("-", "").replace("_", "").isalnum()


def test_only_the_whole_secret_opens_the_display(client, display):
    assert client.get(f"/t/alpha/display/{display.secret}/").status_code == 200
    near_miss = display.secret[:-1] + ("A" if display.secret[-1] != "A" else "B")
    assert client.get(f"/t/alpha/display/{near_miss}/").status_code == 404
    assert client.get(f"/t/alpha/display/{display.secret[:LOOKUP_CHARS]}/").status_code == 404
    assert client.get(f"/t/alpha/display/{display.secret}x/").status_code == 404


def test_sql_never_compares_the_whole_secret(display):
    with CaptureQueriesContext(connection) as queries:
        assert with_secret(Display, display.secret) == display
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "LIKE" in sql  # the first characters (escaped for LIKE: `_` is a secret's letter)
    assert display.secret[LOOKUP_CHARS:] not in sql  # the rest: hmac.compare_digest


def test_a_deactivated_device_is_refused(display):
    Display.objects.filter(pk=display.pk).update(is_active=False)
    assert with_secret(Display, display.secret) is None


def test_a_renewed_secret_revokes_the_old_link_for_page_and_socket(client, display, tenants):
    old = display.secret
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    assert client.post(f"/t/alpha/settings/displays/{display.pk}/secret/").status_code == 302
    display.refresh_from_db()
    assert display.secret != old and len(display.secret) >= 32
    assert client.get(f"/t/alpha/display/{old}/").status_code == 404
    assert group_for("alpha", "display", old, None, "fr") == (None, 4404)
    assert group_for("alpha", "display", display.secret, None, "fr")[0] is not None
