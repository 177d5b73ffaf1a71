"""The customer's ticket page: position and wait, called at which counter, cancel; it follows
the ticket through transfers; an unknown or foreign id is a 404."""

import html

import pytest

from smartqueue.queues import services
from smartqueue.queues.models import Ticket
from tests.factories import make_agent, make_counter, make_queue

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def line(alpha):
    queue = make_queue(letter="R")
    agent = make_agent(make_counter(queue.site, [queue], name="Guichet 3"))
    return queue, agent


def page(client, ticket, query="") -> str:
    response = client.get(f"/t/alpha/ticket/{ticket.pk}/{query}", **HTMX if query else {})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_waiting_customer_sees_position_and_a_wait_range(client, line):
    queue, _ = line
    services.create_ticket(queue=queue)
    mine = services.create_ticket(queue=queue)
    text = page(client, mine)
    assert "R002" in text and "Position 2" in text and "Attente estimée" in text


def test_a_called_customer_sees_the_counter(client, line):
    queue, agent = line
    mine = services.create_ticket(queue=queue)
    services.call_next(by=agent)
    assert "Vous êtes appelé au Guichet 3 !" in page(client, mine, "?fragment=status")


def test_a_customer_cancels_from_the_page(client, line):
    queue, _ = line
    mine = services.create_ticket(queue=queue)
    response = client.post(f"/t/alpha/ticket/{mine.pk}/cancel/", **HTMX)
    assert "Ticket annulé." in html.unescape(response.content.decode())
    mine.refresh_from_db()
    assert mine.outcome == Ticket.Outcome.CANCELLED


def test_cancelling_a_called_ticket_is_refused_with_a_message(client, line):
    queue, agent = line
    mine = services.create_ticket(queue=queue)
    services.call_next(by=agent)
    response = client.post(f"/t/alpha/ticket/{mine.pk}/cancel/", **HTMX)
    assert response.status_code == 200
    assert "Impossible d’annuler le ticket R001" in html.unescape(response.content.decode())


def test_the_page_follows_a_transfer_and_asks_the_browser_to_reload(client, line):
    queue, agent = line
    target = make_queue(queue.site, letter="C")
    mine = services.create_ticket(queue=queue)
    services.transfer_ticket(ticket=services.call_next(by=agent), target_queue=target, by=agent)
    response = client.get(f"/t/alpha/ticket/{mine.pk}/?fragment=status&leg={mine.pk}", **HTMX)
    assert response["HX-Refresh"] == "true"
    assert target.service.name in html.unescape(response.content.decode())


def test_unknown_malformed_and_foreign_ids_are_404(client, line, beta):
    queue, _ = line
    mine = services.create_ticket(queue=queue)
    assert client.get("/t/alpha/ticket/not-a-uuid/").status_code == 404
    assert client.get("/t/alpha/ticket/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"/t/beta/ticket/{mine.pk}/").status_code == 404
    assert client.post(f"/t/beta/ticket/{mine.pk}/cancel/").status_code == 404


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Estimated wait"), ("wo", "Xaar bi"), ("fr", "Attente estimée"), ("xx", "Attente")],
)
def test_the_page_speaks_the_language_of_its_link(client, line, lang, words):
    mine = services.create_ticket(queue=line[0])
    assert words in page(client, mine, f"?lang={lang}")
