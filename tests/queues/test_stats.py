"""Queue stats: the documented fields plus today's measures, in a constant number of queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartqueue.queues import clock, services
from smartqueue.queues.demo import load_demo_data
from smartqueue.queues.models import Queue, Ticket
from smartqueue.queues.selectors import queue_stats
from tests.factories import make_agent, make_counter, make_queue

DAKAR = ZoneInfo("Africa/Dakar")
MORNING = datetime(2026, 11, 20, 9, 0, tzinfo=DAKAR)


def at(minutes: int):
    return clock.frozen_at(MORNING + timedelta(minutes=minutes))


@pytest.fixture
def morning(alpha):
    """Three tickets at 9:00; one served within the 10 min SLA, one after, one no-show;
    two more waiting since 9:20 and 9:25; looked at 9:30."""
    queue = make_queue(sla_seconds=600)
    agent = make_agent(make_counter(queue.site, [queue]))
    with at(0):
        for _ in range(3):
            services.create_ticket(queue=queue)
    with at(5):  # waited 5 min: within SLA
        services.close_ticket(ticket=services.call_next(by=agent), by=agent)
    with at(15):  # waited 15 min: past SLA
        services.close_ticket(ticket=services.call_next(by=agent), by=agent)
    with at(16):  # waited 16 min
        services.mark_no_show(ticket=services.call_next(by=agent), by=agent)
    with at(20):
        services.create_ticket(queue=queue)
    with at(25):
        services.create_ticket(queue=queue)
    return queue


def test_stats_give_the_documented_fields_and_todays_measures(morning):
    with at(30):
        stats = queue_stats([morning])[morning.pk]
    assert stats.waiting_count == 2 and stats.called_count == 0 and stats.in_service_count == 0
    assert stats.total_active == 2
    assert stats.avg_wait_seconds == (5 + 15 + 16) * 60 // 3
    assert stats.longest_wait_seconds == 10 * 60
    assert stats.served_today == 2 and stats.served_within_sla_share == 0.5
    assert stats.no_show_count == 1
    assert set(stats.as_dict()) >= {
        "queue_id",
        "queue_name",
        "status",
        "waiting_count",
        "called_count",
        "in_service_count",
        "total_active",
        "avg_wait_seconds",
    }


def test_yesterdays_tickets_do_not_count_today_but_open_ones_still_wait(morning):
    with at(24 * 60 + 30):
        stats = queue_stats([morning])[morning.pk]
    assert stats.served_today == 0 and stats.no_show_count == 0 and stats.avg_wait_seconds == 0
    assert stats.waiting_count == 2


def test_stats_take_the_same_number_of_queries_for_one_queue_or_many(alpha):
    queues = [make_queue(letter="A") for _ in range(5)]
    for queue in queues:
        for _ in range(3):
            services.create_ticket(queue=queue)
    with CaptureQueriesContext(connection) as one:
        queue_stats(queues[:1])
    with CaptureQueriesContext(connection) as five:
        stats = queue_stats(queues)
    assert len(one.captured_queries) == len(five.captured_queries) == 2
    assert [s.waiting_count for s in stats.values()] == [3] * 5


def test_demo_data_gives_a_morning_with_people_served_and_waiting(alpha):
    noon = MORNING + timedelta(hours=3)
    lines = list(load_demo_data(alpha, until=noon))
    assert any("agent1@alpha.com" in line for line in lines)
    assert Queue.objects.count() == 3
    with clock.frozen_at(noon):
        stats = queue_stats(Queue.objects.all())
    assert sum(s.served_today for s in stats.values()) > 20
    assert sum(s.waiting_count for s in stats.values()) > 0
    assert Ticket.objects.filter(status=Ticket.Status.NO_SHOW).exists()
