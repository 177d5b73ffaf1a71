"""The engine under real concurrency: threads with their own connections to PostgreSQL, on
committed rows. Claims never collide or skip, numbers never repeat or leave a gap, an agent
never holds two tickets, and a closed queue takes no ticket once the close commits."""

import threading
import time
from collections import Counter as Tally
from datetime import timedelta

from django.db import connection, transaction

from smartqueue.errors import DomainError, NotFound
from smartqueue.queues import clock, services
from smartqueue.queues.history import SYSTEM
from smartqueue.queues.models import Queue, QueueDay, Ticket
from tests.factories import make_agent, make_counter, make_queue
from tests.threads import JOIN_SECONDS, in_threads


def failures(results: list) -> list[Exception]:
    return [result for result in results if isinstance(result, Exception)]


def serve_until_empty(agent, queue) -> tuple[list, int]:
    """Call next, close, again, until told nothing waits: the ids in the order this agent got
    them, and how many tickets still looked waiting right after that answer."""
    called = []
    while True:
        try:
            ticket = services.call_next(by=agent)
        except NotFound:
            return called, waiting_count(queue)
        called.append(ticket.pk)
        services.close_ticket(ticket=ticket, by=agent)


def waiting_count(queue) -> int:
    return Ticket.objects.filter(queue=queue, status=Ticket.Status.WAITING).count()


def waiting_line(queue, size: int) -> list:
    """`size` tickets one millisecond apart, in one transaction: their ids in arrival order."""
    start = clock.now() - timedelta(hours=1)
    with transaction.atomic():
        return [arriving_at(queue, start + timedelta(milliseconds=i)).pk for i in range(size)]


def arriving_at(queue, moment):
    with clock.frozen_at(moment):
        return services.create_ticket(queue=queue)


def test_twenty_agents_call_a_thousand_tickets_each_exactly_once_in_arrival_order(committed):
    queue = make_queue()
    agents = [make_agent(make_counter(queue.site, [queue])) for _ in range(20)]
    arrival = {pk: rank for rank, pk in enumerate(waiting_line(queue, 1000))}

    results = in_threads(committed, lambda i: serve_until_empty(agents[i], queue), len(agents))

    assert failures(results) == []
    calls = [pk for called, _ in results for pk in called]
    assert len(calls) == len(set(calls)) == 1000  # nobody got a ticket twice
    assert set(calls) == set(arrival)  # nobody skipped one
    assert waiting_count(queue) == 0
    for called, left_when_told_empty in results:
        ranks = [arrival[pk] for pk in called]
        assert ranks == sorted(ranks)  # each agent moves forward in the line, never back
        # "Nothing waiting" is only said when the rest are being claimed by the others.
        assert left_when_told_empty < len(agents)


def test_two_hundred_concurrent_tickets_get_distinct_gap_free_numbers(committed):
    queue = make_queue()

    today = clock.now()  # one business day for all, even if the test straddles midnight

    def ten_tickets(_):
        return [arriving_at(queue, today).number for _ in range(10)]

    results = in_threads(committed, ten_tickets, 20)

    assert failures(results) == []
    numbers = sorted(number for batch in results for number in batch)
    assert numbers == [f"A{n:03d}" for n in range(1, 201)]
    assert QueueDay.objects.get(queue=queue).last_number == 200


def test_twenty_kiosks_giving_the_same_phone_at_once_issue_one_ticket(committed):
    queue = make_queue()

    def take(_):
        return services.create_ticket(queue=queue, customer_phone="+221771234567")

    results = in_threads(committed, take, 20)

    kinds = Tally(type(result).__name__ for result in results)
    assert kinds == {"Ticket": 1, "DomainError": 19}, results
    assert all("déjà le ticket A001" in error.message for error in failures(results))
    assert QueueDay.objects.get(queue=queue).last_number == 1  # refused ones took no number


def test_an_agent_pressing_call_next_twice_at_once_gets_one_ticket(committed):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    for _ in range(20):
        services.create_ticket(queue=queue)
    for _ in range(10):  # ten double presses, to give the race its chances
        results = in_threads(committed, lambda _: services.call_next(by=agent), 2)
        kinds = Tally(type(result).__name__ for result in results)
        assert kinds == {"Ticket": 1, "AgentBusy": 1}, results
        busy = next(r for r in results if isinstance(r, services.AgentBusy))
        ticket = next(r for r in results if isinstance(r, Ticket))
        assert busy.status == 400 and busy.ticket.pk == ticket.pk
        services.close_ticket(ticket=ticket, by=agent)
    assert waiting_count(queue) == 10


def blocked(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


def test_a_ticket_asked_while_the_queue_closes_is_refused_once_the_close_commits(committed):
    queue = make_queue()
    creator: dict = {"connected": threading.Event()}

    def create():
        connection.set_tenant(committed)
        try:
            connection.ensure_connection()
            creator["pid"] = connection.connection.info.backend_pid
            creator["connected"].set()
            creator["result"] = services.create_ticket(queue=queue)
        except Exception as error:
            creator["result"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=create)
    with transaction.atomic():  # the close is made but not committed yet
        services.set_queue_status(queue=queue, status=Queue.Status.CLOSED, by=SYSTEM)
        thread.start()
        assert creator["connected"].wait(10)
        deadline = time.monotonic() + 10
        while thread.is_alive() and not blocked(creator["pid"]) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert blocked(creator["pid"]), creator.get("result")  # it waits for the close
    thread.join(10)

    assert type(creator["result"]) is DomainError
    assert "ne prend pas" in creator["result"].message
    assert not Ticket.objects.filter(queue=queue).exists()


def test_kiosks_creating_while_the_queue_closes_stop_at_the_close(committed):
    queue = make_queue()
    today = clock.now()

    def create_until_refused(_):
        numbers = []
        while True:
            try:
                numbers.append(arriving_at(queue, today).number)
            except DomainError as refused:
                return numbers, refused

    results: list = []
    kiosks = threading.Thread(
        target=lambda: results.extend(in_threads(committed, create_until_refused, 10))
    )
    kiosks.start()
    while kiosks.is_alive() and Ticket.objects.filter(queue=queue).count() < 50:
        time.sleep(0.005)
    services.set_queue_status(queue=queue, status=Queue.Status.CLOSED, by=SYSTEM)
    at_close = Ticket.objects.filter(queue=queue).count()
    kiosks.join(JOIN_SECONDS)

    assert failures(results) == []
    assert Ticket.objects.filter(queue=queue).count() == at_close  # none after the commit
    numbers = sorted(number for created, _ in results for number in created)
    assert numbers == [f"A{n:03d}" for n in range(1, at_close + 1)]
