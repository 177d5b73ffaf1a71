"""Who is called next: the order inside a queue, and the choice between a counter's queues.

Inside a queue: fifo by arrival; priority by priority then arrival; sla by due time, where each
priority level counts as `step_seconds` of waiting already done.
Between queues: the head whose SLA deadline comes first, except that a queue passed over
PASSED_OVER_LIMIT times in a row is served next (ageing), so a quiet queue never starves.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)

from smartqueue.queues import clock
from smartqueue.queues.expressions import interval_seconds
from smartqueue.queues.models import Queue, Ticket

PASSED_OVER_LIMIT = 3


def priority_credit(step_seconds: int):
    return interval_seconds(F("priority") * step_seconds)


def waiting_order(queue: Queue, now: datetime | None = None) -> list:
    """ORDER BY terms for the waiting tickets of one queue: checked-in appointments whose slot
    has begun first (by slot), then the queue's algorithm; id breaks ties."""
    return [*appointments_first(now or clock.now()), *algorithm_order(queue), "id"]


def appointments_first(now: datetime) -> list:
    slot_begun = Q(appointment_at__isnull=False, appointment_at__lte=now)
    first = Case(When(slot_begun, then=Value(0)), default=Value(1), output_field=IntegerField())
    by_slot = Case(When(slot_begun, then=F("appointment_at")), output_field=DateTimeField())
    return [first.asc(), by_slot.asc(nulls_last=True)]


def algorithm_order(queue: Queue) -> list:
    if queue.algorithm == Queue.Algorithm.PRIORITY:
        return ["-priority", "arrived_at"]
    if queue.algorithm == Queue.Algorithm.SLA:
        step = queue.service.priority_step_seconds
        due = ExpressionWrapper(
            F("arrived_at") - priority_credit(step), output_field=DateTimeField()
        )
        return [due.asc()]
    return ["arrived_at"]


def waiting_in_order(queue: Queue, now: datetime | None = None):
    return Ticket.objects.filter(queue_id=queue.id, status=Ticket.Status.WAITING).order_by(
        *waiting_order(queue, now)
    )


@dataclass(frozen=True)
class Head:
    """The first waiting ticket of one of the counter's queues."""

    queue: Queue
    arrived_at: datetime
    priority: int
    passed_over: int
    appointment_due: bool = False

    @property
    def deadline(self) -> datetime:
        service = self.queue.service
        credit = self.priority * service.priority_step_seconds
        return self.arrived_at + timedelta(seconds=service.sla_seconds - credit)


def preference(heads: list[Head]) -> list[Head]:
    """The order in which to try the queues: starving ones first, then by deadline."""

    def key(head: Head):
        starving = head.passed_over >= PASSED_OVER_LIMIT
        return (
            not head.appointment_due,  # a customer whose slot has begun is never kept waiting
            not starving,
            -head.passed_over if starving else 0,
            head.deadline,
        )

    return sorted(heads, key=key)
