"""Settings pages: managers and admins create and edit sites, services, queues, counters and
devices; every change is audited; queue status and device links go through their own buttons."""

from datetime import UTC

import pytest

from smartqueue.accounts.models import Role
from smartqueue.devices.models import Display
from smartqueue.queues.models import AuditLog, Counter, Queue, Service, Site
from tests.factories import make_queue, make_site, make_user


@pytest.fixture
def manager(alpha, client, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.MANAGER)
    client.force_login(user)
    return user


def test_agents_cannot_open_settings(alpha, client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.AGENT))
    assert client.get("/t/alpha/settings/services/").status_code == 403
    assert client.post("/t/alpha/settings/services/new/", {"name": "X"}).status_code == 403


def test_a_manager_sets_up_a_service_a_queue_and_a_counter(client, manager):
    site = make_site()
    response = client.post(
        "/t/alpha/settings/services/new/",
        {
            "name": "Transfert d'argent",
            "letter": "T",
            "sla_seconds": 420,
            "no_show_after_seconds": 120,
            "approaching_position": 2,
            "slot_minutes": 20,
            "slot_capacity": 2,
            "checkin_before_minutes": 30,
            "late_after_minutes": 10,
            "reminder_minutes": 60,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(name="Transfert d'argent")
    client.post(
        "/t/alpha/settings/queues/new/",
        {"site": site.pk, "service": service.pk, "name": "File Transfert", "algorithm": "fifo"},
    )
    queue = Queue.objects.get(name="File Transfert")
    client.post(
        "/t/alpha/settings/counters/new/",
        {"site": site.pk, "name": "Guichet 9", "queues": [queue.pk], "is_active": "on"},
    )
    counter = Counter.objects.get(name="Guichet 9")
    assert list(counter.queues.all()) == [queue]
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"service.created", "queue.created", "counter.created"} <= actions
    page = client.get("/t/alpha/settings/counters/").content.decode()
    assert "Guichet 9" in page and "File Transfert" in page


def test_bad_input_is_shown_on_the_form_and_saves_nothing(client, manager):
    response = client.post("/t/alpha/settings/services/new/", {"name": "", "letter": "a1"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Service.objects.exists()


def test_a_counter_serves_only_queues_of_its_own_site(client, manager):
    here, elsewhere = make_site(), make_site()
    queue = make_queue(elsewhere)
    response = client.post(
        "/t/alpha/settings/counters/new/", {"site": here.pk, "name": "G1", "queues": [queue.pk]}
    )
    assert "ne sert que des files de son site" in response.content.decode()
    assert not Counter.objects.exists()


def test_queue_status_changes_go_through_the_engine(client, manager):
    queue = make_queue()
    client.post(f"/t/alpha/settings/queues/{queue.pk}/status/", {"status": "paused"})
    queue.refresh_from_db()
    assert queue.status == Queue.Status.PAUSED
    assert AuditLog.objects.filter(action="queue.status_updated").exists()


def test_a_new_device_link_retires_the_old_one(client, manager):
    display = Display.objects.create(site=make_site(), name="Écran")
    old = display.secret
    client.post(f"/t/alpha/settings/displays/{display.pk}/secret/")
    display.refresh_from_db()
    assert display.secret != old
    assert client.get(f"/t/alpha/display/{old}/").status_code == 404
    assert client.get(f"/t/alpha/display/{display.secret}/").status_code == 200
    link = client.get(f"/t/alpha/settings/displays/{display.pk}/link/").content.decode()
    assert display.secret in link and "<svg" in link


def test_unknown_sections_and_ids_are_404(client, manager):
    assert client.get("/t/alpha/settings/everything/").status_code == 404
    assert client.get("/t/alpha/settings/sites/not-an-id/").status_code == 404
    site = make_site()
    assert client.get(f"/t/alpha/settings/sites/{site.pk}/").status_code == 200


def test_settings_of_another_tenant_are_out_of_reach(client, alpha, tenants):
    site = make_site()
    client.force_login(make_user(tenant=tenants.beta, role=Role.ADMIN))
    assert client.get("/t/alpha/settings/sites/").status_code == 403
    assert client.get(f"/t/beta/settings/sites/{site.pk}/").status_code == 404
    assert Site.objects.count() == 1


def test_the_audit_trail_is_for_admins_and_filters(client, alpha, tenants):
    from smartqueue.queues import services
    from smartqueue.queues.history import Actor

    admin = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    queue = make_queue()
    services.create_ticket(queue=queue, by=Actor(user=admin, label=admin.email))
    services.set_queue_status(queue=queue, status="paused", by=Actor(user=admin, label="x@y.z"))
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    assert client.get("/t/alpha/audit/").status_code == 403
    client.force_login(admin)
    page = client.get("/t/alpha/audit/?action=queue").content.decode()
    assert page.count('data-testid="audit-row"') == 1 and "queue.status_updated" in page
    assert client.get("/t/alpha/audit/?since=garbage&page=zz").status_code == 200


def test_an_admin_sets_booking_hours_and_a_closed_day(alpha, client, tenants):
    from smartqueue.queues.models import Holiday, OpeningHours

    client.force_login(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    site = make_site()
    backwards = client.post(
        "/t/alpha/settings/hours/new/",
        {"site": site.pk, "weekday": 5, "opens_at": "13:00", "closes_at": "09:00"},
    )
    assert "La fermeture doit suivre" in backwards.content.decode()
    saturday = {"site": site.pk, "weekday": 5, "opens_at": "09:00", "closes_at": "13:00"}
    assert client.post("/t/alpha/settings/hours/new/", saturday).status_code == 302
    hours = OpeningHours.objects.get()
    assert client.get(f"/t/alpha/settings/hours/{hours.pk}/").status_code == 200
    tabaski = {"site": site.pk, "day": "2031-03-28", "name": "Tabaski"}
    assert client.post("/t/alpha/settings/holidays/new/", tabaski).status_code == 302
    assert Holiday.objects.get().name == "Tabaski"


def test_the_audit_trail_shows_the_organisations_time(client, alpha, tenants):
    from smartqueue.queues import services
    from smartqueue.queues.history import Actor

    admin = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    queue = make_queue(make_site(timezone="Asia/Tokyo"))
    services.set_queue_status(queue=queue, status="paused", by=Actor(user=admin, label="x@y.z"))
    at = AuditLog.objects.get(action="queue.status_updated").at
    client.force_login(admin)
    page = client.get("/t/alpha/audit/").content.decode()
    assert "(Asia/Tokyo)" in page
    assert f"{at.astimezone(queue.site.zone):%d/%m/%Y %H:%M:%S}" in page
    make_site(timezone="Europe/Paris")  # two zones: UTC, said so
    page = client.get("/t/alpha/audit/").content.decode()
    assert "(UTC)" in page and f"{at.astimezone(UTC):%d/%m/%Y %H:%M:%S}" in page
