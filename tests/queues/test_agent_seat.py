"""An agent's seat and state: one agent per counter (also when two sit down at the same
instant), and a paused agent calls nobody."""

import pytest

from smartqueue.errors import DomainError
from smartqueue.queues import services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile, Ticket
from tests.factories import make_agent, make_counter, make_queue, make_user
from tests.threads import in_threads

Seat = AgentProfile.Status


def newcomer(tenant):
    """A member with no seat yet."""
    user = make_user(tenant=tenant)
    return Actor(user=user, label=user.email)


def test_a_second_agent_cannot_sit_at_a_taken_counter(alpha):
    queue = make_queue()
    counter = make_counter(queue.site, [queue], name="Guichet 3")
    make_agent(counter)
    other = newcomer(alpha)

    with pytest.raises(DomainError, match="« Guichet 3 » est déjà occupé"):
        services.set_agent_status(by=other, status=Seat.AVAILABLE, counter=counter)

    assert AgentProfile.objects.filter(counter=counter).count() == 1  # nothing changed
    assert not AgentProfile.objects.filter(user_id=other.user.pk, counter=counter).exists()


def test_an_offline_agent_leaves_the_counter_free_and_cannot_come_back_to_a_taken_one(alpha):
    queue = make_queue()
    counter = make_counter(queue.site, [queue])
    first = make_agent(counter)
    services.set_agent_status(by=first, status=Seat.OFFLINE)
    second = newcomer(alpha)
    services.set_agent_status(by=second, status=Seat.AVAILABLE, counter=counter)

    with pytest.raises(DomainError, match="déjà occupé"):
        services.set_agent_status(by=first, status=Seat.AVAILABLE)
    services.create_ticket(queue=queue)
    with pytest.raises(DomainError, match="déjà occupé"):  # nor call from it while offline
        services.call_next(by=first)
    assert AgentProfile.objects.get(user_id=first.user.pk).current_status == Seat.OFFLINE


def test_two_agents_sitting_down_at_the_same_counter_at_once_only_one_wins(committed):
    queue = make_queue()
    counter = make_counter(queue.site, [queue])
    agents = [newcomer(committed) for _ in range(8)]

    def sit(i):
        return services.set_agent_status(by=agents[i], status=Seat.AVAILABLE, counter=counter)

    results = in_threads(committed, sit, len(agents))

    seated = [result for result in results if isinstance(result, AgentProfile)]
    refused = [result for result in results if isinstance(result, DomainError)]
    assert len(seated) == 1 and len(refused) == len(agents) - 1, results
    assert all("déjà occupé" in error.message for error in refused)
    working = AgentProfile.objects.filter(counter=counter).exclude(current_status=Seat.OFFLINE)
    assert working.count() == 1


def test_a_paused_agent_calls_nobody(alpha):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    ticket = services.create_ticket(queue=queue)
    services.set_agent_status(by=agent, status=Seat.PAUSED)

    with pytest.raises(DomainError, match="Vous êtes en pause"):
        services.call_next(by=agent)

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    assert AgentProfile.objects.get(user_id=agent.user.pk).current_status == Seat.PAUSED
