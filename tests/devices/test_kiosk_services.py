"""The kiosk's service buttons: the people waiting and the wait a newcomer would be quoted (a
rounded-up range, or "no agent" when nobody serves), in a fixed number of queries however many
services; and each service's name in the customer's language, French when none was given."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.accounts.models import Role
from smartqueue.devices.models import Display, Kiosk
from smartqueue.devices.selectors import kiosk_services
from smartqueue.queues import clock, services
from smartqueue.queues.estimates import estimated_wait_seconds
from smartqueue.queues.models import Service
from tests.factories import make_agent, make_counter, make_queue, make_site, make_user

NOW = datetime.now(ZoneInfo("Africa/Dakar")).replace(microsecond=0) - timedelta(hours=1)


def serve_one(queue, agent, minutes: float, start: datetime) -> datetime:
    with clock.frozen_at(start):
        services.create_ticket(queue=queue)
        ticket = services.call_next(by=agent)
    end = start + timedelta(minutes=minutes)
    with clock.frozen_at(end):
        services.close_ticket(ticket=ticket, by=agent)
    return end


def busy_queue(site, letter: str, *, minutes: float = 4, waiting: int = 2):
    """A queue whose only agent served two customers in `minutes` each, now holds a third,
    and `waiting` more wait behind."""
    queue = make_queue(site, letter=letter)
    agent = make_agent(make_counter(site, [queue]))
    moment = serve_one(queue, agent, minutes, NOW - timedelta(minutes=30))
    serve_one(queue, agent, minutes, moment)
    with clock.frozen_at(NOW):
        services.create_ticket(queue=queue)
        services.call_next(by=agent)
        for _ in range(waiting):
            services.create_ticket(queue=queue)
    return queue


def kiosk_page(client, kiosk, lang="fr", fragment=False) -> str:
    query = f"?lang={lang}" + ("&fragment=services" if fragment else "")
    with clock.frozen_at(NOW):
        return client.get(f"/t/alpha/kiosk/{kiosk.secret}/{query}").content.decode()


def test_a_button_shows_the_people_waiting_and_a_rounded_up_wait(alpha, client):
    site = make_site()
    busy_queue(site, "R", minutes=4, waiting=2)
    page = kiosk_page(client, Kiosk.objects.create(site=site, name="Borne"))
    # third in line behind a busy agent: 2.5 services of 4 minutes = 10 minutes, said as a range
    assert "2 personnes en attente" in page
    assert "Attente : 10–15 min" in page


def test_a_service_nobody_serves_says_so_instead_of_an_estimate(alpha, client):
    site = make_site()
    make_queue(site, letter="N")  # no counter, no agent
    kiosk = Kiosk.objects.create(site=site, name="Borne", language="en")
    page = kiosk_page(client, kiosk, lang="en")
    assert "Nobody waiting" in page and "No agent serving" in page
    assert "Wait:" not in page


def test_the_buttons_quote_what_the_engine_would_quote_a_newcomer(alpha):
    site = make_site()
    queues = [busy_queue(site, "R", minutes=4, waiting=2), busy_queue(site, "C", minutes=9)]
    shared = make_queue(site, letter="S")
    make_agent(make_counter(site, [shared, queues[0]]))  # a free agent, shared with R
    with clock.frozen_at(NOW):
        shown = {s.queue.pk: (s.waiting, s.wait_seconds) for s in kiosk_services(site)}
        for queue in [*queues, shared]:
            waiting = shown[queue.pk][0]
            assert shown[queue.pk][1] == estimated_wait_seconds(queue, waiting + 1)
    assert shown[queues[0].pk][0] == 2 and shown[shared.pk] == (0, 0)


def test_the_buttons_cost_the_same_queries_for_one_service_or_five(alpha, client):
    small, large = make_site(), make_site()
    busy_queue(small, "A")
    for letter in "BCDEF":
        busy_queue(large, letter)
    counts = []
    for site in (small, large):
        kiosk = Kiosk.objects.create(site=site, name="Borne")
        with CaptureQueriesContext(connection) as queries:
            page = kiosk_page(client, kiosk, fragment=True)
        assert page.count("Attente : ") == len(kiosk_services(site))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with CaptureQueriesContext(connection) as queries, clock.frozen_at(NOW):
        kiosk_services(large)
    assert len(queries) == 4  # queues, waiting counts, agents, recent service times


def test_a_service_name_falls_back_to_french():
    service = Service(name="Retrait", name_en="Withdrawal", name_wo="")
    assert service.name_in("en") == "Withdrawal"
    assert service.name_in("wo") == "Retrait" and service.name_in("fr") == "Retrait"
    assert service.name_in(None) == "Retrait" and service.name_in("in") == "Retrait"


def test_customers_read_the_service_name_in_their_language(alpha, client):
    site = make_site()
    queue = make_queue(site, letter="R")
    queue.service.name, queue.service.name_en, queue.service.name_wo = "Retrait", "Cash", "Génne"
    queue.service.save()
    kiosk = Kiosk.objects.create(site=site, name="Borne")
    assert ">Génne<" in kiosk_page(client, kiosk, lang="wo")
    assert ">Cash<" in kiosk_page(client, kiosk, lang="en")
    assert ">Retrait<" in kiosk_page(client, kiosk, lang="fr")
    ticket = services.create_ticket(queue=queue)
    assert "Cash" in client.get(f"/t/alpha/ticket/{ticket.pk}/?lang=en").content.decode()
    display = Display.objects.create(site=site, name="Écran", language="wo")
    assert ">Génne<" in client.get(f"/t/alpha/display/{display.secret}/").content.decode()


def test_a_manager_names_a_service_in_english_and_wolof(alpha, client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    service = make_queue(letter="R").service
    form = client.get(f"/t/alpha/settings/services/{service.pk}/").content.decode()
    assert 'name="name_en"' in form and 'name="name_wo"' in form
    fields = {
        "name": "Retrait",
        "name_en": "Cash withdrawal",
        "name_wo": "Génne xaalis",
        "letter": "R",
        "sla_seconds": 600,
        "no_show_after_seconds": 180,
        "approaching_position": 3,
        "slot_minutes": 15,
        "slot_capacity": 1,
        "checkin_before_minutes": 30,
        "late_after_minutes": 15,
        "reminder_minutes": 60,
        "is_active": "on",
    }
    response = client.post(f"/t/alpha/settings/services/{service.pk}/", fields)
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name_en, service.name_wo) == ("Cash withdrawal", "Génne xaalis")


@pytest.mark.parametrize("language", ["fr", "en", "wo"])
def test_the_kiosk_keypads_are_labelled_in_every_language(alpha, client, language):
    kiosk = Kiosk.objects.create(site=make_site(), name="Borne")
    page = kiosk_page(client, kiosk, lang=language)
    assert page.count('data-keypad="delete"') == 2 and page.count('data-keypad="clear"') == 2
    labels = {"fr": "Effacer le dernier caractère", "en": "Delete the last character"}
    assert labels.get(language, "Far araf bu mujj bi") in page
