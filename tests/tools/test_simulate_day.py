"""simulate_day: a seeded branch morning played through the engine, where our estimated wait
must beat the naive one (position × SLA ÷ agents) by 30 % and more."""

from dataclasses import replace

import pytest

from smartqueue.queues.models import AgentProfile, Queue, Ticket, TicketEvent
from tools.simulation import DEFAULT, Scenario, ServicePlan, Shift, simulate

# Two hours at a small branch: three tills, one late, one on a break, one gone after an hour.
SMALL = Scenario(
    arrivals_per_hour=(25, 30),
    services=(ServicePlan("Caisse", "C", 600, Queue.Algorithm.PRIORITY, 1.0, 4.0, 0.55),),
    counters=(("Guichet 1", ("C",)), ("Guichet 2", ("C",)), ("Guichet 3", ("C",))),
    shifts=(
        Shift("Guichet 1"),
        Shift("Guichet 2", start=10, pause=(50, 10)),
        Shift("Guichet 3", start=20, end=80),
    ),
    seed=7,
)


def test_our_estimate_beats_the_naive_one_on_a_seeded_morning(alpha):
    result = simulate(SMALL, alpha)
    assert result.tickets > 30 and result.called == result.tickets
    assert result.mean_wait_minutes > 2  # people did wait: the comparison means something
    assert result.estimate_mae_minutes < 0.7 * result.naive_mae_minutes
    # every ticket went through the engine, from creation to its end
    assert Ticket.objects.count() == result.tickets
    assert not Ticket.objects.filter(status__in=Ticket.OPEN).exists()
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.CALLED).count() == result.tickets
    assert set(AgentProfile.objects.values_list("current_status", flat=True)) == {"offline"}


def test_the_default_scenario_scales_by_agents_and_arrivals():
    assert len(DEFAULT.with_agents(3).shifts) == 3
    bigger = DEFAULT.with_agents(7)
    assert len(bigger.shifts) == 7 and len(bigger.counters) == len(DEFAULT.counters) + 2
    busier = DEFAULT.with_arrivals(2 * sum(DEFAULT.arrivals_per_hour) / 5)
    assert busier.arrivals_per_hour == pytest.approx([2 * r for r in DEFAULT.arrivals_per_hour])
    assert replace(DEFAULT, seed=5).services == DEFAULT.services
