"""The documented flows under real threads (committed rows, one connection per thread)."""

from smartqueue.errors import NotFound
from smartqueue.queues import services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile
from tests.factories import make_queue, make_user
from tests.threads import in_threads


def test_agents_without_counters_calling_at_once_each_get_a_distinct_ticket(committed):
    queue = make_queue()
    for _ in range(30):
        services.create_ticket(queue=queue)
    agents = []
    for _ in range(6):
        user = make_user(tenant=committed)
        AgentProfile.objects.create(user_id=user.pk, current_status="available")
        agents.append(Actor(user=user, label=user.email))

    def serve_until_empty(agent):
        served = []
        while True:
            try:
                ticket = services.call_next(by=agent, queue=queue)
            except NotFound:
                return served
            served.append(ticket.number)
            services.close_ticket(ticket=ticket, by=agent)

    results = in_threads(committed, lambda i: serve_until_empty(agents[i]), len(agents))
    numbers = [number for result in results for number in result]
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 31)]  # none skipped, none twice


def test_long_bookings_overlapping_one_slot_at_once_take_its_last_place_once(committed):
    from datetime import UTC, datetime

    from smartqueue.errors import DomainError
    from smartqueue.queues import appointments, clock
    from smartqueue.queues.history import SYSTEM
    from smartqueue.queues.models import Appointment

    queue = make_queue()
    monday = datetime(2031, 3, 3, tzinfo=UTC)

    def book(i):
        # Each overlaps the 10:15 slot: 10:00–10:30, 10:15–10:45, 10:00–10:45…
        start = monday.replace(hour=10, minute=15 * (i % 2))
        end = start.replace(minute=start.minute + 30)
        with clock.frozen_at(monday):
            return appointments.book_appointment(
                service=queue.service, starts_at=start, ends_at=end, by=SYSTEM
            )

    results = in_threads(committed, book, 8)
    booked = [r for r in results if isinstance(r, Appointment)]
    assert len(booked) == 1, results
    assert all(isinstance(r, DomainError) for r in results if r not in booked)
