"""The flows of seeds/smartqueue-api.md work as written (issue #21): each test's request body is
the document's example, the ids swapped in."""

import pytest
from django.db import connection

from smartqueue.accounts.models import Role
from smartqueue.devices.selectors import display_board
from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile, Ticket
from tests.api.test_walkthrough import BASE, login
from tests.conftest import PASSWORD
from tests.factories import make_counter, make_queue, make_user

pytestmark = pytest.mark.django_db


def agent_without_counter(client, tenants, **profile):
    user = make_user(tenant=tenants.alpha, role=Role.AGENT, password=PASSWORD)
    user.first_name, user.last_name = "Awa", "Ndiaye"
    user.save()
    connection.set_tenant(tenants.alpha)
    AgentProfile.objects.create(user_id=user.pk, **profile)
    return user, login(client, user.email)


# --- 1. call next as documented ---------------------------------------------------------------


def test_call_next_as_documented_works_for_an_agent_without_a_counter(client, tenants, alpha):
    queue = make_queue()
    waiting = services.create_ticket(queue=queue, customer_name="John Doe")
    user, agent = agent_without_counter(client, tenants, desk_name="Bureau 3")

    status = agent.post(f"{BASE}/agents/set-status/", {"status": "available"})
    assert status["current_status"] == "available" and status["counter"] is None
    called = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)})

    assert called["id"] == str(waiting.pk) and called["status"] == "appele"
    assert called["counter"] is None
    connection.set_tenant(tenants.alpha)
    ticket = Ticket.objects.get(pk=waiting.pk)
    assert ticket.agent_id == user.pk
    board = display_board(queue.site)
    assert [(call.number, call.desk) for call in board["current"]] == [("A001", "Bureau 3")]
    busy = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)}, status=400)
    assert "A001" in busy["error"]


def test_without_a_desk_name_the_display_shows_the_agents_name(client, tenants, alpha):
    queue = make_queue()
    services.create_ticket(queue=queue)
    _, agent = agent_without_counter(client, tenants, current_status="available")
    agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)})
    connection.set_tenant(tenants.alpha)
    assert [call.desk for call in display_board(queue.site)["current"]] == ["Awa Ndiaye"]


def test_without_a_counter_the_queue_must_be_named_and_open(client, tenants, alpha):
    queue = make_queue(status="closed")
    _, agent = agent_without_counter(client, tenants, current_status="available")
    unnamed = agent.post(f"{BASE}/agents/call-next/", {}, status=400)
    assert unnamed["error"] == "Choisissez d'abord votre guichet."  # or name the queue
    closed = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)}, status=400)
    assert "fermée" in closed["error"]


def test_a_counter_set_with_set_status_is_still_used(client, tenants, alpha):
    queue = make_queue()
    counter = make_counter(queue.site, [queue], name="Guichet 4")
    services.create_ticket(queue=queue)
    _, agent = agent_without_counter(client, tenants)
    agent.post(f"{BASE}/agents/set-status/", {"status": "available", "counter_id": str(counter.pk)})
    called = agent.post(f"{BASE}/agents/call-next/", {"queue_id": str(queue.pk)})
    assert called["counter"] == str(counter.pk)


# --- 2. several queues per site and service ---------------------------------------------------


def test_a_fast_lane_and_a_vip_queue_for_one_service_at_one_site(client, tenants, alpha):
    from smartqueue.dashboard.forms import QueueForm

    queue = make_queue()
    admin = login(client, "admin@alpha.test")
    site, service = str(queue.site_id), str(queue.service_id)
    fast = admin.post(
        f"{BASE}/queues/",
        {"site": site, "service": service, "name": "Voie rapide", "algorithm": "fifo"},
        status=201,
    )
    vip = admin.post(
        f"{BASE}/queues/", {"site": site, "service": service, "name": "VIP"}, status=201
    )
    assert fast["service"] == vip["service"] == service
    again = admin.post(
        f"{BASE}/queues/", {"site": site, "service": service, "name": "VIP"}, status=400
    )
    assert again == {"non_field_errors": ["Une file porte déjà ce nom dans cette agence."]}
    form = QueueForm(data={"site": site, "service": service, "name": "VIP", "algorithm": "fifo"})
    assert not form.is_valid()
    assert form.errors["__all__"] == ["Une file porte déjà ce nom dans cette agence."]


# --- 5. one waiting ticket per phone: a per-service rule for self-service -------------------


def test_an_integrator_queues_a_family_sharing_one_phone(client, tenants, alpha):
    queue = make_queue()
    admin = login(client, "admin@alpha.test")
    for name in ("John Doe", "Jane Doe"):
        admin.post(
            f"{BASE}/tickets/",
            {
                "queue": str(queue.pk),
                "channel": "web",
                "priority": 0,
                "customer_name": name,
                "customer_phone": "+221771234567",
            },
            status=201,
        )
    assert Ticket.objects.filter(queue=queue, customer_phone="+221771234567").count() == 2


def test_self_service_keeps_one_waiting_ticket_per_phone_unless_the_service_says(alpha):
    from smartqueue.errors import DomainError
    from smartqueue.queues.history import SYSTEM
    from smartqueue.queues.models import Service

    queue = make_queue()
    kiosk = {"queue": queue, "by": SYSTEM, "channel": "kiosk", "customer_phone": "+221770000001"}
    services.create_ticket(**kiosk)
    with pytest.raises(DomainError, match="déjà le ticket A001"):
        services.create_ticket(**kiosk)
    Service.objects.filter(pk=queue.service_id).update(phone_limit="off")
    queue.service.refresh_from_db()
    assert services.create_ticket(**kiosk).number == "A002"


def test_a_service_may_hold_staff_to_one_ticket_per_phone_too(client, tenants, alpha):
    from smartqueue.queues.models import Service

    queue = make_queue()
    Service.objects.filter(pk=queue.service_id).update(phone_limit="always")
    admin = login(client, "admin@alpha.test")
    body = {"queue": str(queue.pk), "customer_phone": "+221771234567"}
    admin.post(f"{BASE}/tickets/", body, status=201)
    refused = admin.post(f"{BASE}/tickets/", body, status=400)
    assert "déjà le ticket A001" in refused["error"]


# --- 3. appointments of any length within opening hours ---------------------------------------


def test_the_documents_appointment_is_booked_as_written(client, tenants, alpha):
    from datetime import UTC, datetime, time

    from smartqueue.queues import clock
    from smartqueue.queues.models import Customer, OpeningHours

    queue = make_queue()  # Dakar: UTC all year
    OpeningHours.objects.create(site=queue.site, weekday=6, opens_at=time(9), closes_at=time(18))
    customer = Customer.objects.create(first_name="Amadou", phone="+221771234567")
    admin = login(client, "admin@alpha.test")
    body = {
        "service": str(queue.service_id),
        "customer": str(customer.pk),
        "starts_at": "2025-10-05T14:00:00Z",
        "ends_at": "2025-10-05T14:30:00Z",
        "metadata": {"notes": "Client VIP"},
    }
    with clock.frozen_at(datetime(2025, 10, 1, tzinfo=UTC)):
        booked = admin.post(f"{BASE}/tickets/appointments/", body, status=201)
        assert booked["ends_at"].startswith("2025-10-05T14:30")
        # Thirty minutes: both quarter-hour slots it overlaps are full now (capacity 1).
        overlapping = {
            **body,
            "starts_at": "2025-10-05T14:15:00Z",
            "ends_at": "2025-10-05T14:45:00Z",
        }
        full = admin.post(f"{BASE}/tickets/appointments/", overlapping, status=400)
        assert "complet" in full["error"]
        late = {**body, "starts_at": "2025-10-05T17:30:00Z", "ends_at": "2025-10-05T18:30:00Z"}
        refused = admin.post(f"{BASE}/tickets/appointments/", late, status=400)
        assert "heures d'ouverture" in refused["error"]


# --- 6. clear messages instead of Django's defaults --------------------------------------------


def test_duplicates_are_refused_in_plain_words(client, tenants, alpha):
    admin = login(client, "admin@alpha.test")
    site = admin.post(
        f"{BASE}/sites/", {"name": "Agence Dakar", "slug": "agence-dakar"}, status=201
    )
    again = admin.post(f"{BASE}/sites/", {"name": "Autre", "slug": "agence-dakar"}, status=400)
    assert again == {"slug": ["Une agence porte déjà cet identifiant (slug)."]}
    counter = {"site": site["id"], "name": "Guichet 1", "queues": []}
    admin.post(f"{BASE}/counters/", counter, status=201)
    twice = admin.post(f"{BASE}/counters/", counter, status=400)
    assert twice == {"non_field_errors": ["Un guichet porte déjà ce nom dans cette agence."]}
