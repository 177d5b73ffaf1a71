"""The kiosk: only open services, phone numbers read in the site's country, one waiting ticket
per phone and queue, and a kiosk that submits too fast is slowed down, never crashed."""

import html

import pytest
from django.core.cache import cache

from smartqueue.devices.models import Display, Kiosk
from smartqueue.queues.models import Customer, Queue, Ticket
from tests.factories import make_queue, make_site


@pytest.fixture
def kiosk(alpha):
    site = make_site()
    queue = make_queue(site, letter="R")
    kiosk = Kiosk.objects.create(site=site, name="Borne")
    cache.delete_many([f"kiosk:{kiosk.pk}:burst"])
    return kiosk, queue


def take(client, kiosk, queue, **fields):
    cache.delete(f"kiosk:{kiosk.pk}:burst")  # each test ticket is a separate, unhurried tap
    data = {"queue": str(queue.pk), "lang": "fr", **fields}
    return client.post(f"/t/alpha/kiosk/{kiosk.secret}/ticket/", data, HTTP_HX_REQUEST="true")


def test_the_kiosk_offers_only_open_services(client, kiosk):
    device, queue = kiosk
    paused = make_queue(device.site, letter="P", status=Queue.Status.PAUSED)
    page = client.get(f"/t/alpha/kiosk/{device.secret}/").content.decode()
    assert queue.service.name in page and paused.service.name not in page
    response = take(client, device, paused)
    assert response.status_code == 400 and "pas ouvert" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_ticket_comes_with_position_wait_and_a_qr_code_to_the_ticket_page(client, kiosk):
    device, queue = kiosk
    response = take(client, device, queue)
    page = response.content.decode()
    ticket = Ticket.objects.get()
    assert response.status_code == 200
    assert ticket.number in page and "Position 1" in page and "<svg" in page
    assert f"/t/alpha/ticket/{ticket.pk}/" in page
    assert ticket.channel == "kiosk"


def test_a_local_phone_number_is_read_in_the_sites_country(client, kiosk):
    device, queue = kiosk
    take(client, device, queue, phone="77 123 45 67", notify="whatsapp")
    ticket = Ticket.objects.get()
    assert ticket.customer_phone == "+221771234567"
    assert Customer.objects.get(phone="+221771234567").notify_whatsapp


def test_the_kiosk_attaches_a_known_number_and_never_changes_its_customer(client, kiosk):
    device, queue = kiosk
    awa = Customer.objects.create(phone="+221771234567", notify_sms=True, is_active=False)
    take(client, device, queue, phone="77 123 45 67", notify="whatsapp")
    assert Ticket.objects.get().customer == awa and Customer.objects.count() == 1
    awa.refresh_from_db()
    assert (awa.notify_sms, awa.notify_whatsapp, awa.is_active) == (True, False, False)


def test_an_invalid_phone_number_is_refused_with_a_message(client, kiosk):
    device, queue = kiosk
    response = take(client, device, queue, phone="12")
    assert response.status_code == 400
    assert "pas valide" in response.content.decode()
    assert not Ticket.objects.exists() and not Customer.objects.exists()


def test_one_phone_number_cannot_hold_two_waiting_tickets_in_one_queue(client, kiosk):
    device, queue = kiosk
    assert take(client, device, queue, phone="+221 77 123 45 67").status_code == 200
    response = take(client, device, queue, phone="771234567")
    assert response.status_code == 400
    assert "déjà le ticket R001" in response.content.decode()
    assert Ticket.objects.count() == 1


def test_a_kiosk_that_submits_too_fast_is_slowed_down(client, kiosk):
    device, queue = kiosk
    assert take(client, device, queue).status_code == 200
    data = {"queue": str(queue.pk), "lang": "fr"}
    too_soon = client.post(f"/t/alpha/kiosk/{device.secret}/ticket/", data)
    assert too_soon.status_code == 429
    assert "Un instant" in too_soon.content.decode()
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_service_id_is_a_message_not_a_500(client, kiosk, value):
    device, _ = kiosk
    cache.delete(f"kiosk:{device.pk}:burst")
    response = client.post(f"/t/alpha/kiosk/{device.secret}/ticket/", {"queue": value})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_device_links_are_secret_and_belong_to_their_tenant(client, kiosk, beta):
    device, _ = kiosk
    display = Display.objects.create(site=device.site, name="Écran")
    assert client.get(f"/t/alpha/kiosk/{device.secret}/").status_code == 200
    assert client.get(f"/t/alpha/display/{display.secret}/").status_code == 200
    assert client.get("/t/alpha/kiosk/wrong/").status_code == 404
    assert client.get("/t/alpha/display/wrong/").status_code == 404
    assert client.get(f"/t/beta/kiosk/{device.secret}/").status_code == 404
    assert client.get(f"/t/beta/display/{display.secret}/").status_code == 404
    assert client.post(f"/t/beta/display/{display.secret}/heartbeat/").status_code == 404


def test_the_display_heartbeat_records_when_the_screen_was_last_seen(client, kiosk):
    display = Display.objects.create(site=kiosk[0].site, name="Écran")
    assert client.post(f"/t/alpha/display/{display.secret}/heartbeat/").status_code == 204
    display.refresh_from_db()
    assert display.last_seen_at is not None


def test_the_kiosk_heartbeat_too_and_nothing_else_has_one(client, kiosk):
    device, _ = kiosk
    assert client.post(f"/t/alpha/kiosk/{device.secret}/heartbeat/").status_code == 204
    device.refresh_from_db()
    assert device.last_seen_at is not None
    assert client.post(f"/t/alpha/kiosk/{device.secret}/heartbeat/x/").status_code == 404
    assert client.post(f"/t/alpha/ticket/{device.secret}/heartbeat/").status_code == 404
    assert client.get(f"/t/alpha/kiosk/{device.secret}/heartbeat/").status_code == 405


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("fr", "Pour quel service venez-vous ?"),
        ("en", "What are you here for?"),
        ("wo", "Lan nga ñëwal ?"),
    ],
)
def test_the_kiosk_speaks_the_language_each_customer_chooses(client, kiosk, language, question):
    device, _ = kiosk
    page = client.get(f"/t/alpha/kiosk/{device.secret}/?lang={language}").content.decode()
    assert question in html.unescape(page) and f'<html lang="{language}">' in page


def test_kiosk_errors_come_in_the_customers_language(client, kiosk):
    device, queue = kiosk
    response = take(client, device, queue, phone="12", lang="en")
    assert "This phone number is not valid." in html.unescape(response.content.decode())
