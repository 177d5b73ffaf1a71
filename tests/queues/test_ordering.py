"""Who is called next: the order inside a queue by its algorithm, the choice between a
counter's queues (deadline first, ageing so none starves), transfers, and queue states."""

from datetime import timedelta

import pytest

from smartqueue.errors import DomainError, NotFound
from smartqueue.queues import clock, services
from smartqueue.queues.history import SYSTEM
from smartqueue.queues.models import Queue
from smartqueue.queues.ordering import PASSED_OVER_LIMIT
from tests.factories import make_agent, make_counter, make_queue, make_site

FIFO, PRIORITY, SLA = Queue.Algorithm.FIFO, Queue.Algorithm.PRIORITY, Queue.Algorithm.SLA


@pytest.fixture
def base():
    """An hour ago: arrivals are set relative to it, calls happen now."""
    return clock.now() - timedelta(hours=1)


def arrive(queue, at, *, priority: int = 0, name: str = ""):
    with clock.frozen_at(at):
        return services.create_ticket(queue=queue, priority=priority, customer_name=name)


def serve(agent, *, queue=None):
    """Call the next ticket and close it at once: the agent is free for the next call."""
    ticket = services.call_next(by=agent, queue=queue)
    services.close_ticket(ticket=ticket, by=agent)
    return ticket


def names_called(agent, count: int, *, queue=None) -> list[str]:
    return [serve(agent, queue=queue).customer_name for _ in range(count)]


def desk(*queues):
    counter = make_counter(queues[0].site, list(queues))
    return make_agent(counter)


def test_fifo_calls_by_arrival_not_by_creation_or_number(alpha, base):
    queue = make_queue(algorithm=FIFO)
    arrive(queue, base + timedelta(minutes=2), name="third")
    arrive(queue, base, name="first")
    arrive(queue, base + timedelta(minutes=1), name="second")
    assert names_called(desk(queue), 3) == ["first", "second", "third"]


def test_priority_calls_the_highest_priority_first_then_by_arrival(alpha, base):
    queue = make_queue(algorithm=PRIORITY)
    arrive(queue, base, priority=0, name="p0 early")
    arrive(queue, base + timedelta(minutes=1), priority=2, name="p2 early")
    arrive(queue, base + timedelta(minutes=2), priority=1, name="p1")
    arrive(queue, base + timedelta(minutes=3), priority=2, name="p2 late")
    assert names_called(desk(queue), 4) == ["p2 early", "p2 late", "p1", "p0 early"]


def test_sla_calls_the_earliest_due_with_priority_as_credit_of_waiting(alpha, base):
    queue = make_queue(algorithm=SLA, step_seconds=300)
    arrive(queue, base, priority=0, name="old p0")  # due at base
    arrive(queue, base + timedelta(seconds=500), priority=2, name="p2 within credit")  # base-100
    arrive(queue, base + timedelta(seconds=700), priority=2, name="p2 beyond credit")  # base+100
    arrive(queue, base + timedelta(seconds=50), priority=0, name="young p0")  # base+50
    order = names_called(desk(queue), 4)
    assert order == ["p2 within credit", "old p0", "young p0", "p2 beyond credit"]


def test_a_counter_calls_the_head_with_the_earliest_sla_deadline_across_its_queues(alpha, base):
    site = make_site()
    slow = make_queue(site, letter="A", sla_seconds=600)
    urgent = make_queue(site, letter="B", sla_seconds=120)
    arrive(slow, base, name="slow head")  # deadline base+600
    arrive(urgent, base + timedelta(seconds=300), name="urgent head")  # deadline base+420
    assert names_called(desk(slow, urgent), 2) == ["urgent head", "slow head"]


def test_a_quiet_queue_is_served_after_exactly_the_passed_over_limit(alpha, base):
    site = make_site()
    busy = make_queue(site, letter="A", sla_seconds=60)
    quiet = make_queue(site, letter="B", sla_seconds=3600)
    for i in range(50):
        arrive(busy, base + timedelta(seconds=i), name=f"busy {i}")
    arrive(quiet, base, name="quiet")  # its deadline is after every busy one
    order = names_called(desk(busy, quiet), PASSED_OVER_LIMIT + 2)
    assert order.index("quiet") == PASSED_OVER_LIMIT  # passed over that many times, no more
    assert order[PASSED_OVER_LIMIT + 1] == f"busy {PASSED_OVER_LIMIT}"


def test_ageing_keeps_serving_a_quiet_queue_that_refills(alpha, base):
    site = make_site()
    busy = make_queue(site, letter="A", sla_seconds=60)
    quiet = make_queue(site, letter="B", sla_seconds=3600)
    for i in range(30):
        arrive(busy, base + timedelta(seconds=i), name="busy")
    agent = desk(busy, quiet)
    for _ in range(3):
        arrive(quiet, base, name="quiet")
        order = names_called(agent, PASSED_OVER_LIMIT + 1)
        assert order == ["busy"] * PASSED_OVER_LIMIT + ["quiet"]


def transfer_setup(base):
    site = make_site()
    source = make_queue(site, letter="A")
    target = make_queue(site, letter="B")
    arrive(target, base, name="before")
    moved = arrive(source, base + timedelta(minutes=1), name="moved")
    arrive(target, base + timedelta(minutes=2), name="after")
    agent = desk(source, target)
    called = services.call_next(by=agent, queue=source)
    assert called.pk == moved.pk
    return target, agent, called


def test_a_transfer_keeps_the_number_and_the_place_by_arrival(alpha, base):
    target, agent, called = transfer_setup(base)
    leg = services.transfer_ticket(ticket=called, target_queue=target, by=agent)
    assert leg.number == called.number == "A001"
    calls = [serve(agent, queue=target) for _ in range(3)]
    assert [t.customer_name for t in calls] == ["before", "moved", "after"]
    assert calls[1].pk == leg.pk and calls[1].number == "A001"


def test_a_transfer_to_the_back_goes_behind_later_arrivals(alpha, base):
    target, agent, called = transfer_setup(base)
    leg = services.transfer_ticket(ticket=called, target_queue=target, by=agent, to_back=True)
    calls = [serve(agent, queue=target) for _ in range(3)]
    assert [t.customer_name for t in calls] == ["before", "after", "moved"]
    assert calls[2].pk == leg.pk and calls[2].number == "A001"


def test_calling_from_a_queue_the_counter_does_not_serve_is_refused(alpha):
    site = make_site()
    served, other = make_queue(site, letter="A"), make_queue(site, letter="B")
    services.create_ticket(queue=other)
    agent = desk(served)
    with pytest.raises(DomainError, match="ne sert pas") as refused:
        services.call_next(by=agent, queue=other)
    assert type(refused.value) is DomainError  # not NotFound: the ticket exists


def test_a_closed_queue_is_not_called(alpha):
    queue = make_queue()
    services.create_ticket(queue=queue)
    services.set_queue_status(queue=queue, status=Queue.Status.CLOSED, by=SYSTEM)
    with pytest.raises(NotFound):
        services.call_next(by=desk(queue))


def test_a_paused_queue_still_gets_its_waiting_tickets_called(alpha):
    queue = make_queue()
    waiting = services.create_ticket(queue=queue)
    services.set_queue_status(queue=queue, status=Queue.Status.PAUSED, by=SYSTEM)
    assert services.call_next(by=desk(queue)).pk == waiting.pk


def test_a_counter_skips_its_closed_queue_and_calls_from_the_open_one(alpha, base):
    site = make_site()
    closed, open_ = make_queue(site, letter="A"), make_queue(site, letter="B")
    arrive(closed, base, name="in closed")
    arrive(open_, base + timedelta(minutes=5), name="in open")
    services.set_queue_status(queue=closed, status=Queue.Status.CLOSED, by=SYSTEM)
    agent = desk(closed, open_)
    assert names_called(agent, 1) == ["in open"]
    with pytest.raises(NotFound):
        services.call_next(by=agent)
