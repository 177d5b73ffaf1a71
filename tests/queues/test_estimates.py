"""The estimated wait follows the live service rate: the service's recent service times (a
moving average), the agents now serving the queue, and the free ones who call at once; in the
same two queries however long the queue and its history."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from smartqueue.queues import clock, services
from smartqueue.queues.estimates import (
    FALLBACK_SERVICE_SECONDS,
    estimated_wait_seconds,
    moving_average,
    wait_range,
)
from smartqueue.queues.models import AgentProfile, Queue
from tests.factories import make_agent, make_counter, make_queue

MORNING = datetime(2025, 3, 4, 9, 0, tzinfo=ZoneInfo("Africa/Dakar"))


@pytest.fixture
def queue(alpha) -> Queue:
    return make_queue(letter="C")


def seat(queue: Queue, agents: int = 1):
    return [make_agent(make_counter(queue.site, [queue])) for _ in range(agents)]


def serve(queue: Queue, agent, minutes: float, start: datetime) -> datetime:
    """One customer served by `agent` from `start`, through the engine; returns the end."""
    with clock.frozen_at(start):
        services.create_ticket(queue=queue)
        ticket = services.call_next(by=agent)
    end = start + timedelta(minutes=minutes)
    with clock.frozen_at(end):
        services.close_ticket(ticket=ticket, by=agent)
    return end


def history(queue: Queue, agent, minutes: list[float], start: datetime = MORNING) -> datetime:
    moment = start
    for duration in minutes:
        moment = serve(queue, agent, duration, moment)
    return moment


def busy_with_waiting(queue: Queue, agents, waiting: int, at: datetime) -> None:
    """Every agent holds a customer, and `waiting` more wait behind them."""
    with clock.frozen_at(at):
        for agent in agents:
            services.create_ticket(queue=queue)
            services.call_next(by=agent)
        for _ in range(waiting):
            services.create_ticket(queue=queue)


def estimate(queue: Queue, position: int, at: datetime) -> int:
    with clock.frozen_at(at):
        return estimated_wait_seconds(queue, position)


def test_the_estimate_is_the_recent_service_time_shared_by_the_agents(queue):
    (agent,) = seat(queue)
    now = history(queue, agent, [4, 4, 4, 4])
    busy_with_waiting(queue, [agent], waiting=3, at=now)
    # 3rd in line behind a busy agent: half a service, then two more, of 4 minutes each
    assert estimate(queue, 3, now) == 2.5 * 240


def test_the_estimate_follows_a_slowing_pace_within_a_few_tickets(queue):
    (agent,) = seat(queue)
    now = history(queue, agent, [4] * 10)
    before = estimate(queue, 2, now)
    now = history(queue, agent, [12, 12, 12], start=now)
    after = estimate(queue, 2, now)
    # three slow services already weigh more than ten quick ones, not yet the whole truth
    assert 1.5 * before < after < 3 * before


def test_more_agents_serving_shorten_the_wait(queue):
    first, second = seat(queue, 2)
    now = history(queue, first, [5, 5, 5])
    with clock.frozen_at(now):
        services.set_agent_status(by=second, status=AgentProfile.Status.PAUSED)
    busy_with_waiting(queue, [first], waiting=4, at=now)
    alone = estimate(queue, 3, now)
    with clock.frozen_at(now):
        services.set_agent_status(by=second, status=AgentProfile.Status.AVAILABLE)
        services.call_next(by=second)
    assert alone == 2.5 * 300
    assert estimate(queue, 3, now) == alone / 2


def test_a_free_agent_calls_the_first_in_line_at_once(queue):
    (agent,) = seat(queue)
    now = history(queue, agent, [4, 4])
    with clock.frozen_at(now):
        services.create_ticket(queue=queue)
        services.create_ticket(queue=queue)
    assert estimate(queue, 1, now) == 0
    assert estimate(queue, 2, now) == 0.5 * 240  # behind the first, now at the counter


def test_paused_agents_and_closed_counters_serve_nobody(queue):
    working, paused, closed = seat(queue, 3)
    now = history(queue, working, [4, 4])
    with clock.frozen_at(now):
        services.set_agent_status(by=paused, status=AgentProfile.Status.PAUSED)
    profile = AgentProfile.objects.get(user_id=closed.user_id)
    profile.counter.is_active = False
    profile.counter.save()
    busy_with_waiting(queue, [working], waiting=2, at=now)
    assert estimate(queue, 2, now) == 1.5 * 240


def test_an_agent_whose_counter_serves_two_queues_gives_each_half_their_time(queue):
    other = make_queue(queue.site, letter="D")
    own, shared = seat(queue), make_agent(make_counter(queue.site, [queue, other]))
    now = history(queue, own[0], [4, 4])
    busy_with_waiting(queue, [*own, shared], waiting=2, at=now)
    assert estimate(queue, 2, now) == pytest.approx(1.5 * 240 / 1.5, abs=1)


def test_the_same_service_at_another_branch_lends_its_pace(queue):
    elsewhere = Queue.objects.create(
        site=make_queue().site, service=queue.service, name="Autre agence"
    )
    far_agent = make_agent(make_counter(elsewhere.site, [elsewhere]))
    now = history(elsewhere, far_agent, [6, 6])
    (agent,) = seat(queue)
    busy_with_waiting(queue, [agent], waiting=1, at=now)
    assert estimate(queue, 1, now) == 0.5 * 360


def test_without_recent_services_the_fallback_pace_is_used(queue):
    (agent,) = seat(queue)
    old = history(queue, agent, [20])  # a week and more ago: today's pace is another matter
    now = old + timedelta(days=8)
    busy_with_waiting(queue, [agent], waiting=1, at=now)
    assert estimate(queue, 1, now) == 0.5 * FALLBACK_SERVICE_SECONDS


def test_the_moving_average_weighs_recent_services_more():
    assert moving_average([100.0, 100.0]) == 100
    assert 100 < moving_average([200.0, 100.0, 100.0]) < 200
    assert moving_average([200.0, 100.0]) > moving_average([100.0, 200.0])


def test_two_queries_however_long_the_queue_and_its_history(queue, django_assert_num_queries):
    agents = seat(queue, 3)
    now = history(queue, agents[0], [3, 4, 5])
    busy_with_waiting(queue, agents[:2], waiting=2, at=now)
    with django_assert_num_queries(2):
        estimate(queue, 2, now)
    now = history(queue, agents[2], [4] * 40, start=now)
    busy_with_waiting(queue, agents[2:], waiting=30, at=now)
    with django_assert_num_queries(2):
        estimate(queue, 30, now)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(30, "moins d'une minute"), (200, "moins de 5 min"), (300, "5–10 min"), (1799, "25–30 min")],
)
def test_customers_see_a_rounded_up_range(seconds, shown):
    assert wait_range(seconds) == shown
