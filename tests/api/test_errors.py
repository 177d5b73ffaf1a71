"""Invalid fields are reported in the words (and the language) of Django's forms, as before the
API moved to pydantic schemas, and each model's choices are documented as its own."""

import pytest

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.api.api import api
from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile
from tests.factories import make_agent, make_counter, make_queue, make_user

pytestmark = pytest.mark.django_db


def test_field_errors_speak_french(client, tenants, alpha):
    queue = make_queue()
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    response = client.post(
        "/api/v1/tenants/alpha/tickets/",
        {"queue": str(queue.pk), "priority": 12, "channel": "fax", "customer_name": ["a"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400
    assert response.json() == {
        "priority": ["Assurez-vous que cette valeur est inférieure ou égale à 9."],
        "channel": [
            "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
        ],
        "customer_name": ["Saisissez un texte, pas une liste ni un objet."],
    }


def test_each_model_documents_its_own_statuses():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert schemas["QueueOut"]["properties"]["status"]["enum"] == ["active", "paused", "closed"]
    assert "en_attente" in schemas["TicketOut"]["properties"]["status"]["enum"]
    assert schemas["AgentOut"]["properties"]["current_status"]["enum"][0] == "available"


def test_an_action_without_a_body_still_refuses_one_that_is_not_json(client, tenants, alpha):
    ticket = services.create_ticket(queue=make_queue(), customer_name="Awa")
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    response = client.post(
        f"/api/v1/tenants/alpha/tickets/{ticket.pk}/cancel/",
        "cancel it",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 415
    ticket.refresh_from_db()
    assert ticket.status == "en_attente"


def test_a_service_is_named_in_each_language_through_the_api(client, tenants, alpha):
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    auth = {"HTTP_AUTHORIZATION": f"Token {key}", "content_type": "application/json"}
    body = {"name": "Retrait", "name_en": "Withdrawal", "name_wo": "Génne xaalis"}
    created = client.post("/api/v1/tenants/alpha/queues/services/", body, **auth)
    assert created.status_code == 201, created.json()
    service = client.get(f"/api/v1/tenants/alpha/queues/services/{created.json()['id']}/", **auth)
    assert (service.json()["name_en"], service.json()["name_wo"]) == ("Withdrawal", "Génne xaalis")
    refused = client.post(
        "/api/v1/tenants/alpha/queues/services/", {**body, "name_en": "x" * 201}, **auth
    )
    assert refused.status_code == 400 and "name_en" in refused.json()


def test_a_services_phone_rule_and_an_agents_desk_name_are_in_the_api(client, tenants, alpha):
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha, role=Role.ADMIN))
    auth = {"HTTP_AUTHORIZATION": f"Token {key}", "content_type": "application/json"}
    body = {"name": "Famille", "phone_limit": "off"}
    created = client.post("/api/v1/tenants/alpha/queues/services/", body, **auth)
    assert created.status_code == 201, created.json()
    assert created.json()["phone_limit"] == "off"
    wrong = client.post(
        "/api/v1/tenants/alpha/queues/services/", {**body, "phone_limit": "x"}, **auth
    )
    assert wrong.status_code == 400 and "phone_limit" in wrong.json()
    desk = make_agent(make_counter(make_queue().site, []))
    AgentProfile.objects.filter(user_id=desk.user.pk).update(desk_name="Bureau 4")
    _, agent_key = ApiToken.objects.issue(desk.user)
    me = client.get("/api/v1/tenants/alpha/agents/", HTTP_AUTHORIZATION=f"Token {agent_key}")
    assert me.status_code == 200, me.json()
    assert me.json()["desk_name"] == "Bureau 4"
