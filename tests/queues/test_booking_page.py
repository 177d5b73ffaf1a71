"""The public booking page: no login, a free slot, a code; full slots and bad input refused."""

import html
import uuid
from datetime import timedelta

import pytest
from django.test import Client

from smartqueue.queues import booking_views, clock
from smartqueue.queues.models import Appointment, Customer, OpeningHours
from smartqueue.queues.slots import slots_of_day
from tests.factories import make_queue, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A fresh address per test: bookings are limited per address and hour, and the counters
    outlive a test run (Redis)."""
    return Client(REMOTE_ADDR=f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}")


@pytest.fixture
def queue(alpha):
    queue = make_queue()
    for weekday in range(7):  # open all day, every day: the test runs whenever it runs
        OpeningHours.objects.create(
            site=queue.site, weekday=weekday, opens_at="00:00", closes_at="23:59"
        )
    return queue


def next_free(queue):
    today = clock.now().astimezone(queue.site.zone).date() + timedelta(days=1)
    return slots_of_day(queue.site, queue.service, today)[0]


def test_a_customer_books_a_slot_and_gets_a_code_then_cancels(client, queue):
    page = client.get(f"/t/alpha/book/?site={queue.site.pk}&service={queue.service.pk}")
    assert page.status_code == 200 and queue.service.name in page.content.decode()
    slot = next_free(queue)
    response = client.post(
        "/t/alpha/book/",
        {
            "site": queue.site.pk,
            "service": queue.service.pk,
            "day": slot.starts_at.date().isoformat(),
            "starts_at": slot.key,
            "name": "Awa Ndiaye",
            "phone": "77 123 45 67",
        },
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{appointment.pk}/")
    assert appointment.starts_at == slot.starts_at
    awa = Customer.objects.get()
    assert (awa.phone, awa.notify_sms, awa.first_name) == ("+221771234567", True, "Awa")
    confirmation = client.get(response["Location"]).content.decode()
    assert appointment.code in confirmation and "<svg" in confirmation
    client.post(f"/t/alpha/book/{appointment.pk}/cancel/")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert "Rendez-vous annulé" in client.get(response["Location"]).content.decode()


def test_a_full_slot_and_missing_contact_are_refused_on_the_page(client, queue):
    slot = next_free(queue)
    form = {
        "site": queue.site.pk,
        "service": queue.service.pk,
        "starts_at": slot.key,
        "name": "Awa",
        "email": "awa@example.sn",
    }
    assert client.post("/t/alpha/book/", form).status_code == 302
    full = client.post("/t/alpha/book/", form).content.decode()
    assert "complet" in full
    someone_else = client.post("/t/alpha/book/", {**form, "email": "ali@example.sn"})
    assert "complet" in someone_else.content.decode()
    assert Customer.objects.count() == 1  # no record left behind by the refused booking
    nothing = client.post("/t/alpha/book/", {**form, "email": ""}).content.decode()
    assert "téléphone ou un e-mail" in nothing
    odd = client.post("/t/alpha/book/", {**form, "starts_at": "not a time"}).content.decode()
    assert "Choisissez un créneau" in odd
    assert Appointment.objects.count() == 1


def test_a_booking_attaches_to_a_known_customer_and_never_changes_their_record(client, queue):
    awa = Customer.objects.create(
        first_name="Awa", phone="+221771234567", email="awa@example.sn", notify_email=True
    )
    slot = next_free(queue)
    form = {
        "site": queue.site.pk,
        "service": queue.service.pk,
        "starts_at": slot.key,
        "name": "Un Inconnu",
        "phone": "77 123 45 67",
        "email": "stranger@example.com",
        "lang": "en",
    }
    assert client.post("/t/alpha/book/", form).status_code == 302
    assert Appointment.objects.get().customer == awa and Customer.objects.count() == 1
    awa.refresh_from_db()
    assert (awa.first_name, awa.last_name, awa.email) == ("Awa", "", "awa@example.sn")
    assert (awa.notify_sms, awa.notify_email, awa.language) == (False, True, "fr")


def test_bookings_from_one_address_are_limited_per_hour(client, queue, monkeypatch):
    monkeypatch.setattr(booking_views, "BOOKINGS_PER_HOUR", 3)
    here, elsewhere = (f"2001:db8::{uuid.uuid4().hex[:4]}:{n}" for n in (1, 2))  # fresh counters
    slots = slots_of_day(queue.site, queue.service, next_free(queue).starts_at.date())
    form = {"site": queue.site.pk, "service": queue.service.pk, "name": "Awa"}
    for n, slot in enumerate(slots[:3]):
        booked = client.post(
            "/t/alpha/book/",
            {**form, "starts_at": slot.key, "email": f"p{n}@example.sn"},
            REMOTE_ADDR=here,
        )
        assert booked.status_code == 302
    fourth = {**form, "starts_at": slots[3].key, "email": "p4@example.sn"}
    refused = client.post("/t/alpha/book/", fourth, REMOTE_ADDR=here)
    assert refused.status_code == 429 and "Trop de réservations" in refused.content.decode()
    assert Appointment.objects.count() == 3
    assert client.post("/t/alpha/book/", fourth, REMOTE_ADDR=elsewhere).status_code == 302


def test_another_tenants_booking_page_is_not_found(client, queue, beta):
    slot = next_free(queue)
    client.post(
        "/t/alpha/book/",
        {
            "site": queue.site.pk,
            "service": queue.service.pk,
            "starts_at": slot.key,
            "name": "Awa",
            "email": "awa@example.sn",
        },
    )
    appointment = Appointment.objects.get()
    assert client.get(f"/t/beta/book/{appointment.pk}/").status_code == 404
    assert client.get("/t/alpha/book/not-an-id/").status_code == 404


def test_without_a_day_the_page_opens_on_the_first_day_with_a_free_slot(client, alpha):
    queue = make_queue()  # default hours: Monday to Friday, 9:00 to 17:00
    page = client.get(f"/t/alpha/book/?site={queue.site.pk}&service={queue.service.pk}")
    assert 'name="starts_at"' in page.content.decode()  # never an empty weekend or evening


@pytest.mark.parametrize(
    ("lang", "heading", "refusal"),
    [
        ("wo", "Jël rendez-vous", "Waxtu bii fees na"),
        ("en", "Book an appointment", "This slot is full"),
    ],
)
def test_the_booking_page_speaks_the_chosen_language(client, queue, lang, heading, refusal):
    chosen = f"?lang={lang}&site={queue.site.pk}&service={queue.service.pk}"
    page = html.unescape(client.get(f"/t/alpha/book/{chosen}").content.decode())
    assert heading in page and f'<html lang="{lang}">' in page
    slot = next_free(queue)
    if lang == "wo":  # Django has no Wolof: the day names are ours
        day = {0: "Altine", 1: "Talaata", 2: "Àllarba", 3: "Alxamis", 4: "Àjjuma", 5: "Gaawu"}
        assert day.get(slot.starts_at.astimezone(queue.site.zone).weekday(), "Dibéer") in page
    form = {
        "lang": lang,
        "site": queue.site.pk,
        "service": queue.service.pk,
        "starts_at": slot.key,
        "name": "Awa",
        "email": "awa@example.sn",
    }
    booked = client.post("/t/alpha/book/", form)
    assert Customer.objects.get().language == lang
    assert f'lang="{lang}"' in client.get(booked["Location"]).content.decode()
    full = html.unescape(client.post("/t/alpha/book/", form).content.decode())
    assert refusal in full


def test_slots_show_in_the_sites_time(client, alpha):
    queue = make_queue(make_site(timezone="Asia/Tokyo"))  # far from UTC, whatever the machine
    for weekday in range(7):
        OpeningHours.objects.create(
            site=queue.site, weekday=weekday, opens_at="09:00", closes_at="09:30"
        )
    tomorrow = clock.now().astimezone(queue.site.zone).date() + timedelta(days=1)
    chosen = f"?site={queue.site.pk}&service={queue.service.pk}&day={tomorrow.isoformat()}"
    page = client.get(f"/t/alpha/book/{chosen}").content.decode()
    assert ">09:00<" in page and ">00:00<" not in page


def test_the_booking_page_names_services_in_the_customers_language(client, queue):
    queue.service.name_en = "Cash withdrawal"
    queue.service.save()
    page = client.get(f"/t/alpha/book/?lang=en&site={queue.site.pk}").content.decode()
    assert ">Cash withdrawal</option>" in page
    french = client.get(f"/t/alpha/book/?lang=fr&site={queue.site.pk}").content.decode()
    assert f">{queue.service.name}</option>" in french and "Cash withdrawal" not in french
    appointment = Appointment.objects.create(
        service=queue.service,
        site=queue.site,
        starts_at=next_free(queue).starts_at,
        ends_at=next_free(queue).starts_at + timedelta(minutes=15),
    )
    confirmation = client.get(f"/t/alpha/book/{appointment.pk}/?lang=en").content.decode()
    assert "Cash withdrawal" in confirmation
