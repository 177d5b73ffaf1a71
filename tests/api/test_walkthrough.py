"""The whole of seeds/smartqueue-api.md, walked as an integrator's client would: every step
checks the status code and the shape of the answer."""

import pytest

from smartqueue.accounts.models import Role
from smartqueue.queues.models import AuditLog, Ticket
from tests.conftest import PASSWORD
from tests.factories import make_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/tenants/alpha"
TICKET_FIELDS = {"id", "number", "queue", "status", "channel", "priority", "customer"}


class Client:
    """A JSON client holding its token, as the seeds' mobile app does."""

    def __init__(self, client, token: str = ""):
        self.client, self.token = client, token

    def call(self, method: str, path: str, body: dict | None = None, status: int = 200):
        headers = {"HTTP_AUTHORIZATION": f"Token {self.token}"} if self.token else {}
        send = getattr(self.client, method)
        if method == "get":
            response = send(path, body or {}, **headers)
        else:
            response = send(path, body or {}, content_type="application/json", **headers)
        assert response.status_code == status, (path, response.status_code, response.content)
        return response.json()

    def get(self, path, params=None, status=200):
        return self.call("get", path, params, status)

    def post(self, path, body=None, status=200):
        return self.call("post", path, body, status)


def login(client, email: str, password: str = PASSWORD) -> Client:
    answer = Client(client).post("/api/v1/auth/", {"email": email, "password": password})
    assert set(answer["user"]) == {"id", "email", "first_name", "last_name"}
    return Client(client, answer["token"])


def test_an_integrator_walks_the_whole_document(client, tenants):
    admin = login(client, "admin@alpha.test")
    assert admin.get("/api/v1/auth/me/")["email"] == "admin@alpha.test"
    assert admin.get("/api/v1/health/")["status"] == "ok"

    site = admin.post(
        f"{BASE}/sites/",
        {
            "name": "Agence Dakar",
            "slug": "agence-dakar",
            "address": "Avenue Leopold Senghor",
            "city": "Dakar",
            "country": "SN",
            "latitude": 14.6928,
            "longitude": -17.4467,
            "phone": "+221 33 123 45 67",
            "timezone": "Africa/Dakar",
        },
        status=201,
    )
    assert site["latitude"] == 14.6928 and site["is_active"] is True
    assert admin.get(f"{BASE}/sites/")["count"] == 1

    service = admin.post(
        f"{BASE}/queues/services/",
        {
            "name": "Ouverture de compte",
            "sla_seconds": 600,
            "priority_rules": {},
            "is_active": True,
        },
        status=201,
    )
    assert service["letter"] == "A" and service["sla_seconds"] == 600
    other = admin.post(f"{BASE}/queues/services/", {"name": "Retrait"}, status=201)
    assert other["letter"] == "B"

    queue = admin.post(
        f"{BASE}/queues/",
        {"site": site["id"], "service": service["id"], "algorithm": "fifo"},
        status=201,
    )
    assert queue["name"] == "File Ouverture de compte" and queue["status"] == "active"
    second = admin.post(
        f"{BASE}/queues/",
        {"site": site["id"], "service": other["id"], "name": "Retraits", "algorithm": "priority"},
        status=201,
    )
    listed = admin.get(f"{BASE}/queues/", {"algorithm": "priority"})
    assert [q["id"] for q in listed["results"]] == [second["id"]]
    counter = admin.post(
        f"{BASE}/counters/",
        {"site": site["id"], "name": "Guichet 1", "queues": [queue["id"], second["id"]]},
        status=201,
    )

    customer = admin.post(
        f"{BASE}/customers/",
        {
            "first_name": "Amadou",
            "last_name": "Diallo",
            "email": "amadou.diallo@example.com",
            "phone": "+221771234567",
            "language": "fr",
            "notify_sms": True,
            "notify_email": False,
            "notify_whatsapp": False,
        },
        status=201,
    )
    assert customer["notify_sms"] is True and customer["is_active"] is True
    found = admin.get(f"{BASE}/customers/", {"search": "diallo"})
    assert [c["id"] for c in found["results"]] == [customer["id"]]

    first = admin.post(
        f"{BASE}/tickets/",
        {"queue": queue["id"], "customer": customer["id"], "channel": "web", "priority": 0},
        status=201,
    )
    assert TICKET_FIELDS <= set(first) and first["number"] == "A001"
    assert first["status"] == "en_attente" and first["customer_phone"] == "+221771234567"
    walk_in = admin.post(
        f"{BASE}/tickets/",
        {"queue": queue["id"], "customer_name": "John Doe", "customer_phone": "+221771234568"},
        status=201,
    )
    assert walk_in["number"] == "A002" and walk_in["customer"] is None

    # An agent of the tenant sits at the counter and works through both tickets.
    user = make_user(tenant=tenants.alpha, role=Role.AGENT, password=PASSWORD)
    agent = login(client, user.email)
    assert agent.get(f"{BASE}/agents/")["current_status"] == "offline"
    status = agent.post(
        f"{BASE}/agents/set-status/", {"status": "available", "counter_id": counter["id"]}
    )
    assert status["current_status"] == "available" and status["counter"] == counter["id"]

    called = agent.post(f"{BASE}/agents/call-next/", {"queue_id": queue["id"]})
    assert called["id"] == first["id"] and called["status"] == "appele"
    busy = agent.post(f"{BASE}/agents/call-next/", {"queue_id": queue["id"]}, status=400)
    assert "A001" in busy["error"]
    assert agent.get(f"{BASE}/agents/")["current_status"] == "busy"

    started = agent.post(f"{BASE}/tickets/{first['id']}/start_service/")
    assert started["status"] == "en_service" and started["service_started_at"]
    paused = agent.post(f"{BASE}/tickets/{first['id']}/pause/", {"reason": "Missing documents"})
    assert paused["status"] == "pause" and paused["pause_reason"] == "Missing documents"
    resumed = agent.post(f"{BASE}/tickets/{first['id']}/resume/")
    assert resumed["status"] == "en_service"
    moved = agent.post(
        f"{BASE}/tickets/{first['id']}/transfer/",
        {"target_queue_id": second["id"], "reason": "Client misdirected"},
    )
    assert moved["number"] == "A001" and moved["queue"] == second["id"]
    assert moved["transferred_from"] == first["id"] and moved["status"] == "en_attente"

    called = agent.post(f"{BASE}/agents/call-next/", {})
    assert called["id"] == moved["id"]  # arrived first, across the counter's queues
    assert agent.post(f"{BASE}/tickets/{called['id']}/close/")["status"] == "clos"

    again = agent.post(f"{BASE}/agents/call-next/", {"queue_id": queue["id"]})
    assert again["id"] == walk_in["id"]
    no_show = agent.post(f"{BASE}/tickets/{walk_in['id']}/mark_no_show/")
    assert no_show["status"] == "no_show"
    empty = agent.post(f"{BASE}/agents/call-next/", {"queue_id": queue["id"]}, status=404)
    assert empty == {"detail": "Aucun ticket en attente."}

    stats = admin.get(f"{BASE}/queues/{queue['id']}/stats/")
    assert stats["queue_id"] == queue["id"] and stats["queue_name"] == queue["name"]
    for field in ("waiting_count", "called_count", "in_service_count", "total_active"):
        assert stats[field] == 0
    assert isinstance(stats["avg_wait_seconds"], int) and stats["no_show_count"] == 1

    paused_queue = admin.post(f"{BASE}/queues/{queue['id']}/set_status/", {"status": "paused"})
    assert paused_queue["status"] == "paused"
    refused = admin.post(f"{BASE}/tickets/", {"queue": queue["id"]}, status=400)
    assert "ne prend pas de nouveaux tickets" in refused["error"]

    closed = admin.get(f"{BASE}/tickets/", {"status": "clos"})
    assert [t["id"] for t in closed["results"]] == [moved["id"]]
    assert admin.get(f"{BASE}/tickets/{first['id']}/")["status"] == "transfere"

    appointment = admin.post(
        f"{BASE}/tickets/appointments/",
        {
            "service": service["id"],
            "customer": customer["id"],
            "starts_at": "2099-10-05T14:00:00Z",
            "ends_at": "2099-10-05T14:15:00Z",
            "metadata": {"notes": "Client VIP"},
        },
        status=201,
    )
    assert appointment["status"] == "scheduled" and appointment["site"] == site["id"]
    assert appointment["metadata"] == {"notes": "Client VIP"} and len(appointment["code"]) == 6
    listed = admin.get(f"{BASE}/tickets/appointments/", {"service": service["id"]})
    assert [a["id"] for a in listed["results"]] == [appointment["id"]]

    assert admin.post("/api/v1/auth/logout/") == {"detail": "Déconnecté."}
    assert admin.get("/api/v1/auth/me/", status=401) == {"detail": "Invalid token."}


def test_every_write_is_audited_with_its_actor(client, tenants, alpha):
    admin = login(client, "admin@alpha.test")
    site = admin.post(f"{BASE}/sites/", {"name": "Thiès", "slug": "thies"}, status=201)
    entry = AuditLog.objects.get(action="site.created", object_id=site["id"])
    assert entry.actor_label == "admin@alpha.test"


def test_field_errors_name_the_field_and_change_nothing(client, tenants, alpha):
    admin = login(client, "admin@alpha.test")
    errors = admin.post(
        f"{BASE}/sites/", {"name": "", "slug": "x", "timezone": "Mars/Olympus"}, status=400
    )
    assert set(errors) == {"name", "timezone"}
    assert all(isinstance(messages, list) and messages for messages in errors.values())
    bad = admin.post(f"{BASE}/tickets/", {"queue": "not-a-uuid"}, status=400)
    assert list(bad) == ["queue"]
    assert admin.get(f"{BASE}/sites/")["count"] == 0
    assert not Ticket.objects.exists()


def test_business_errors_use_the_error_key(client, tenants, alpha):
    admin = login(client, "admin@alpha.test")
    assert admin.post(f"{BASE}/agents/set-status/", {}, status=400) == {
        "error": "status est requis"
    }
    answer = admin.post(f"{BASE}/tickets/00000000-0000-0000-0000-000000000000/close/", status=404)
    assert answer == {"detail": "Not found."}
    transfer = admin.post(
        f"{BASE}/tickets/00000000-0000-0000-0000-000000000000/transfer/", status=404
    )
    assert transfer == {"detail": "Not found."}


def test_an_agent_cannot_create_a_site_but_reads_them(client, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.AGENT, password=PASSWORD)
    agent = login(client, user.email)
    denied = agent.post(f"{BASE}/sites/", {"name": "X", "slug": "x"}, status=403)
    assert denied == {"detail": "You do not have permission to perform this action."}
    assert agent.get(f"{BASE}/sites/")["results"] == []


def test_the_legacy_header_names_the_tenant(client, tenants):
    admin = login(client, "admin@alpha.test")
    headers = {"HTTP_AUTHORIZATION": f"Token {admin.token}", "HTTP_X_TENANT": "alpha"}
    assert client.get("/api/v1/sites/", **headers).json()["count"] == 0
    assert client.get(f"{BASE}/sites/", **headers).status_code == 200
    mismatch = client.get("/api/v1/tenants/beta/sites/", **headers)
    assert mismatch.status_code == 400
    foreign = client.get("/api/v1/sites/", **{**headers, "HTTP_X_TENANT": "beta"})
    assert foreign.status_code == 403
    missing = client.get("/api/v1/sites/", HTTP_AUTHORIZATION=f"Token {admin.token}")
    assert missing.status_code == 400 and "X-Tenant" in missing.json()["detail"]


def test_pagination_follows_next_links(client, tenants):
    admin = login(client, "admin@alpha.test")
    for index in range(5):
        admin.post(f"{BASE}/queues/services/", {"name": f"Service {index}"}, status=201)
    page = admin.get(f"{BASE}/queues/services/", {"page_size": 2})
    seen = []
    while True:
        seen += [service["name"] for service in page["results"]]
        if page["next"] is None:
            break
        page = admin.get(page["next"].replace("http://testserver", ""))
    assert seen == [f"Service {index}" for index in range(5)]
    assert page["count"] == 5 and page["previous"] is not None
    too_big = admin.get(f"{BASE}/queues/services/", {"page_size": 1000})
    assert len(too_big["results"]) == 5
    assert admin.get(f"{BASE}/queues/services/", {"page": 9}, status=404)
    assert admin.get(f"{BASE}/queues/services/", {"page": "x"}, status=400)


def test_platform_staff_create_tenants_members_only_see_theirs(client, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.ADMIN, password=PASSWORD)
    member = login(client, user.email)
    assert [t["slug"] for t in member.get("/api/v1/tenants/")["results"]] == ["alpha"]
    assert member.get(f"/api/v1/tenants/{tenants.beta.pk}/", status=404)
    assert member.get(f"/api/v1/tenants/{tenants.alpha.pk}/")["slug"] == "alpha"
    assert member.post("/api/v1/tenants/", {"name": "X", "slug": "x"}, status=403)


def test_admins_register_webhooks_agents_may_not(client, tenants):
    admin = login(client, "admin@alpha.test")
    refused = admin.post(
        f"{BASE}/webhooks/", {"url": "http://x.test/", "events": ["ticket.called"]}, status=400
    )
    assert list(refused) == ["url"]
    hook = admin.post(
        f"{BASE}/webhooks/",
        {"url": "https://hooks.example.com/sq", "events": ["ticket.called", "ticket.closed"]},
        status=201,
    )
    assert hook["is_active"] is True and len(hook["secret"]) == 64
    changed = admin.call("patch", f"{BASE}/webhooks/{hook['id']}/", {"is_active": False})
    assert changed["is_active"] is False and changed["events"] == ["ticket.called", "ticket.closed"]
    user = make_user(tenant=tenants.alpha, role=Role.MANAGER, password=PASSWORD)
    manager = login(client, user.email)
    assert manager.get(f"{BASE}/webhooks/", status=403)
    response = client.delete(
        f"{BASE}/webhooks/{hook['id']}/", HTTP_AUTHORIZATION=f"Token {admin.token}"
    )
    assert response.status_code == 204
    assert admin.get(f"{BASE}/webhooks/")["count"] == 0


def test_free_slots_of_a_day_then_a_booking_takes_one(client, tenants, alpha):
    from tests.factories import make_queue

    queue = make_queue()
    admin = login(client, "admin@alpha.test")
    path = f"{BASE}/tickets/appointments/slots/"
    query = {"site": str(queue.site_id), "service": str(queue.service_id), "day": "2099-10-05"}
    day = admin.get(path, query)
    assert len(day["slots"]) == 32 and day["slots"][0]["starts_at"] == "2099-10-05T09:00:00+00:00"
    first = day["slots"][0]
    admin.post(
        f"{BASE}/tickets/appointments/",
        {"service": query["service"], "starts_at": first["starts_at"], "ends_at": first["ends_at"]},
        status=201,
    )
    assert admin.get(path, query)["slots"][0]["free"] == 0
    assert admin.get(path, {**query, "day": "2099-10-04"})["slots"] == []  # a Sunday
    assert list(admin.get(path, {**query, "day": "nope"}, status=400)) == ["day"]
    assert list(admin.get(path, {**query, "site": "x"}, status=400)) == ["site"]
