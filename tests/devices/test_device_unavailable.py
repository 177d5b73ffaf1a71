"""A device whose link no longer opens shows a page the lobby can read, in its own language."""

from smartqueue.devices.models import Display, Kiosk
from tests.factories import make_site


def test_a_deactivated_display_says_so_in_its_language_with_410(client, alpha):
    display = Display.objects.create(site=make_site(), name="Hall", language="en", is_active=False)
    answer = client.get(f"/t/alpha/display/{display.secret}/")
    assert answer.status_code == 410
    page = answer.content.decode()
    assert 'data-testid="device-unavailable"' in page and "Hall" in page
    assert "deactivated" in page and "renew" in page


def test_a_deactivated_kiosk_says_so_in_french_by_default(client, alpha):
    kiosk = Kiosk.objects.create(site=make_site(), name="Entrée", is_active=False)
    answer = client.get(f"/t/alpha/kiosk/{kiosk.secret}/")
    assert answer.status_code == 410
    assert "La borne « Entrée » est désactivée." in answer.content.decode()


def test_an_unknown_link_is_a_friendly_404(client, alpha):
    answer = client.get("/t/alpha/kiosk/not-a-secret-at-all-not-at-all/")
    assert answer.status_code == 404
    assert "Ce lien ne fonctionne plus." in answer.content.decode()
