"""Device heartbeat needs no job: a display or kiosk is online while its last sign of life is
less than two minutes old, computed when the page is read (nothing to sweep, nothing stale)."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from smartqueue.accounts.models import Role
from smartqueue.devices.models import Display, Kiosk
from tests.factories import make_site, make_user


@pytest.fixture
def manager(alpha, client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    return client


def badges(client, section: str) -> dict[str, str]:
    """Each device's name and the state its row shows."""
    page = client.get(f"/t/alpha/settings/{section}/").content.decode()
    rows = page.split('data-testid="settings-item"')[1:]
    found = {}
    for row in rows:
        name = re.search(r'fw-semibold" href="[^"]+">([^<]+)</a>', row).group(1)
        found[html.unescape(name)] = "en ligne" if ">en ligne<" in row else "hors ligne"
    return found


@pytest.mark.parametrize("model, section", [(Display, "displays"), (Kiosk, "kiosks")])
def test_a_device_unseen_for_two_minutes_is_offline(manager, model, section):
    site, now = make_site(), timezone.now()
    model.objects.create(site=site, name="Vu à l'instant", last_seen_at=now - timedelta(seconds=5))
    model.objects.create(
        site=site, name="Vu il y a 1 min 50", last_seen_at=now - timedelta(seconds=110)
    )
    model.objects.create(
        site=site, name="Vu il y a 2 min 10", last_seen_at=now - timedelta(seconds=130)
    )
    model.objects.create(site=site, name="Jamais vu")
    assert badges(manager, section) == {
        "Vu à l'instant": "en ligne",
        "Vu il y a 1 min 50": "en ligne",
        "Vu il y a 2 min 10": "hors ligne",
        "Jamais vu": "hors ligne",
    }
