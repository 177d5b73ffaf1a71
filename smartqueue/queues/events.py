"""Domain events: every change of the engine hands one event, after commit, to `broadcast`.

Live pages, the JSON WebSockets and notification jobs subscribe here; the engine knows none of
them. Subscribers run outside the transaction, so a slow or failing one never blocks a call.
"""

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import connection, transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    name: str  # "ticket.called", "agent.status_updated", "queue.status_updated", ...
    schema_name: str
    data: dict[str, Any] = field(default_factory=dict)
    id: uuid.UUID = field(default_factory=uuid.uuid4, compare=False)


Subscriber = Callable[[DomainEvent], None]
Recorder = Callable[[Sequence[DomainEvent]], None]
_subscribers: list[Subscriber] = []
# Called inside the engine's transaction: what must survive a crash between the commit and the
# subscribers (the notifications' pending events) is written with the change itself, the
# events of one step together (a call next makes two).
_recorders: list[Recorder] = []


def record_with(recorder: Recorder) -> Recorder:
    if recorder not in _recorders:
        _recorders.append(recorder)
    return recorder


def subscribe(subscriber: Subscriber) -> Subscriber:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def event(name: str, **data: Any) -> DomainEvent:
    """An event of the current tenant, to publish."""
    schema_name = getattr(connection, "schema_name", "public")
    return DomainEvent(name=name, schema_name=schema_name, data=data)


def publish(name: str, **data: Any) -> None:
    publish_all([event(name, **data)])


def publish_all(batch: Sequence[DomainEvent]) -> None:
    """Queue the events for after the current transaction commits (dropped on rollback)."""
    for recorder in _recorders:
        recorder(batch)
    for each in batch:
        transaction.on_commit(partial(broadcast, each))


def broadcast(event: DomainEvent) -> None:
    for subscriber in list(_subscribers):
        try:
            subscriber(event)
        except Exception:  # one broken subscriber must not hide the event from the others
            logger.exception("subscriber %r failed on %s", subscriber, event.name)
