"""After being served, the ticket page asks for an opinion: once, and only then."""

import html

import pytest

from smartqueue.accounts.models import Role
from smartqueue.feedback.models import Feedback
from smartqueue.queues import services
from tests.factories import make_agent, make_counter, make_queue, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def served(alpha):
    queue = make_queue(letter="R")
    agent = make_agent(make_counter(queue.site, [queue]))
    ticket = services.create_ticket(queue=queue)
    services.close_ticket(ticket=services.call_next(by=agent), by=agent)
    return ticket, agent


def answer(client, ticket, **data):
    response = client.post(f"/t/alpha/ticket/{ticket.pk}/feedback/", data, **HTMX)
    return html.unescape(response.content.decode())


def test_a_served_customer_rates_once(client, served):
    ticket, agent = served
    assert "Envoyer mon avis" in client.get(f"/t/alpha/ticket/{ticket.pk}/").content.decode()
    page = answer(client, ticket, csat=5, nps=10, comment="Très rapide")
    assert "Merci pour votre avis." in page
    feedback = Feedback.objects.get()
    assert (feedback.csat, feedback.nps, feedback.category) == (5, 10, "promoter")
    assert feedback.agent_id == agent.user.pk and feedback.service_id == ticket.queue.service_id
    assert "déjà donné votre avis" in answer(client, ticket, csat=1)
    assert Feedback.objects.count() == 1


def test_a_waiting_customer_cannot_rate(client, alpha):
    ticket = services.create_ticket(queue=make_queue())
    assert "après avoir été servi" in answer(client, ticket, csat=4)
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("data", [{}, {"csat": 9}, {"csat": "x"}, {"csat": 3, "nps": 11}])
def test_bad_answers_are_refused_on_the_form(client, served, data):
    page = answer(client, served[0], **data)
    assert "is-invalid" in page or "invalid-feedback" in page
    assert not Feedback.objects.exists()


def test_nps_categories():
    assert [Feedback(nps=n).category for n in (0, 6, 7, 8, 9, 10, None)] == [
        "detractor",
        "detractor",
        "passive",
        "passive",
        "promoter",
        "promoter",
        None,
    ]


def test_the_dashboard_shows_todays_csat(client, served, tenants):
    ticket, _ = served
    answer(client, ticket, csat=4)
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    page = client.get("/t/alpha/dashboard/").content.decode()
    assert 'data-testid="kpi-csat">100 %' in page
