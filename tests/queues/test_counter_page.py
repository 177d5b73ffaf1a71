"""The counter page: every action goes through the engine; its errors are messages in the
page, never a 500; the page costs the same number of queries for 5 or 500 waiting tickets."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile, Ticket
from tests.factories import make_agent, make_counter, make_queue

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(alpha, client):
    queue = make_queue(letter="R")
    counter = make_counter(queue.site, [queue], name="Guichet 7")
    agent = make_agent(counter)
    client.force_login(agent.user)
    return queue, counter, agent


def act(client, action, **data):
    return client.post(f"/t/alpha/counter/{action}/", data, **HTMX)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_call_next_then_each_step_swaps_the_desk(client, desk):
    queue, _, _ = desk
    services.create_ticket(queue=queue, customer_name="Awa")
    page = act(client, "call").content.decode()
    assert 'id="desk"' in page and "R001" in page and "Awa" in page
    ticket = Ticket.objects.get()
    assert "En service" in text(act(client, "start", ticket=ticket.pk))
    assert "Ticket R001 clos." in text(act(client, "close", ticket=ticket.pk))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED


def test_engine_errors_are_shown_in_the_desk(client, desk):
    response = act(client, "call")
    assert response.status_code == 200
    assert "Aucun ticket en attente." in response.content.decode()


def test_calling_again_while_holding_a_ticket_says_so_and_offers_recall(client, desk):
    queue, _, _ = desk
    services.create_ticket(queue=queue)
    services.create_ticket(queue=queue)
    act(client, "call")
    page = act(client, "call").content.decode()
    assert "Vous avez déjà le ticket R001" in page
    assert 'data-shortcut="recall"' in page
    assert Ticket.objects.filter(status=Ticket.Status.CALLED).count() == 1


@pytest.mark.parametrize("ticket", ["", "nope", "00000000-0000-0000-0000-000000000000"])
def test_a_bad_ticket_id_is_a_message_not_a_500(client, desk, ticket):
    response = act(client, "close", ticket=ticket)
    assert response.status_code == 200
    assert "Ce ticket n'existe plus." in text(response)


def test_an_unknown_action_is_404_and_get_is_refused(client, desk):
    assert act(client, "explode").status_code == 404
    assert client.get("/t/alpha/counter/call/").status_code == 405


def test_a_bad_status_is_a_message(client, desk):
    page = act(client, "status", status="asleep").content.decode()
    assert "Statut inconnu" in page


def test_without_htmx_an_action_redirects_back_to_the_page(client, desk):
    response = client.post("/t/alpha/counter/call/")
    assert response.status_code == 302 and response["Location"] == "/t/alpha/counter/"


def test_the_page_needs_a_member(client, desk, beta):
    client.logout()
    assert client.get("/t/alpha/counter/").status_code == 302
    assert client.post("/t/alpha/counter/call/").status_code == 302


def queries_for_counter_page(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/t/alpha/counter/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_takes_a_constant_number_of_queries(client, desk):
    queue, counter, agent = desk
    other = make_queue(queue.site, letter="C")
    counter.queues.add(other)
    services.create_ticket(queue=queue)
    services.call_next(by=agent)
    for _ in range(5):
        services.create_ticket(queue=queue)
    few = queries_for_counter_page(client)
    for _ in range(495):
        services.create_ticket(queue=queue, customer_name="Client")
    for _ in range(20):
        services.create_ticket(queue=other)
    many = queries_for_counter_page(client)
    assert many == few
    page = client.get("/t/alpha/counter/").content.decode()
    assert "… et 450 autres" in page


def test_a_chosen_ticket_is_called_with_the_reason_picked_or_written(client, desk):
    queue, _, agent = desk
    services.create_ticket(queue=queue)
    chosen = services.create_ticket(queue=queue)

    page = text(act(client, "call-ticket", ticket=chosen.pk, reason="other", reason_note=""))
    assert "Dites pourquoi vous appelez ce ticket avant son tour." in page
    chosen.refresh_from_db()
    assert chosen.status == Ticket.Status.WAITING

    page = text(
        act(client, "call-ticket", ticket=chosen.pk, reason="Rendez-vous", reason_note="9 h")
    )
    assert "Ticket R002 appelé." in page and 'data-testid="service-timer"' in page
    chosen.refresh_from_db()
    assert chosen.status == Ticket.Status.CALLED and chosen.agent_id == agent.user_id
    note = chosen.events.get(kind="called").note
    assert note == "appelé avant son tour : Rendez-vous — 9 h"


def test_the_waiting_list_shows_waits_and_a_call_button_per_ticket(client, desk):
    queue, _, _ = desk
    ticket = services.create_ticket(queue=queue)
    page = client.get("/t/alpha/counter/").content.decode()
    assert f'data-choose-ticket="{ticket.pk}"' in page
    assert 'data-waited="0"' in page and f'data-sla="{queue.service.sla_seconds}"' in page


def test_pausing_from_the_desk_needs_a_reason(client, desk):
    _, _, agent = desk
    page = text(act(client, "status", status="paused", break_reason="other", break_note=""))
    assert "Précisez le motif de la pause." in page
    page = text(act(client, "status", status="paused", break_reason="lunch"))
    profile = AgentProfile.objects.get(user_id=agent.user_id)
    assert (profile.current_status, profile.break_reason) == ("paused", "lunch")
    assert "(Déjeuner)" in text(client.get("/t/alpha/counter/"))


def test_auto_call_is_switched_from_the_desk_and_shown_only_when_available(client, desk):
    _, _, agent = desk
    page = text(act(client, "auto-call", auto_call="on"))
    assert 'id="auto-call"' in page
    assert AgentProfile.objects.get(user_id=agent.user_id).auto_call is True
    act(client, "status", status="paused", break_reason="admin")
    assert 'id="auto-call"' not in text(client.get("/t/alpha/counter/"))
    act(client, "auto-call")
    assert AgentProfile.objects.get(user_id=agent.user_id).auto_call is False
