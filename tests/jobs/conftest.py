from datetime import UTC, datetime, timedelta

import pytest

from smartqueue.queues import clock, events, services
from tests.factories import make_agent, make_counter, make_queue

# A weekday morning in January (Paris is UTC+1, Dakar UTC+0).
T0 = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def at(moment: datetime, **delta):
    """The engine's clock frozen `delta` after `moment`."""
    return clock.frozen_at(moment + timedelta(**delta))


@pytest.fixture
def desk(alpha):
    """A queue, a counter serving it and an agent seated there."""
    queue = make_queue(letter="A")
    counter = make_counter(queue.site, [queue])
    return queue, counter, make_agent(counter)


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    seen: list[events.DomainEvent] = []
    events.subscribe(seen.append)
    yield seen
    events.unsubscribe(seen.append)


def called_at(desk, moment: datetime):
    """A ticket taken and called by the desk's agent at `moment`."""
    queue, _, agent = desk
    with clock.frozen_at(moment):
        services.create_ticket(queue=queue)
        return services.call_next(by=agent)
