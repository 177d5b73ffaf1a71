"""Call next: which of the counter's queues, which ticket, claimed in one statement. The order
itself is ordering.py's."""

import uuid
from datetime import UTC, datetime
from functools import lru_cache

from django.db.models import F
from django.utils.translation import gettext as _

from smartqueue.errors import DomainError
from smartqueue.queues import clock
from smartqueue.queues.history import Actor
from smartqueue.queues.models import (
    Counter,
    CounterQueue,
    Queue,
    Service,
    Ticket,
)
from smartqueue.queues.ordering import Head, preference, waiting_in_order
from smartqueue.queues.steps import Status

PROBE = uuid.UUID(int=0)  # stands for the queue id while the claim's SQL is written once
PROBE_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # and this for the moment of the call


def queues_to_call(counter: Counter, queue: Queue | None) -> list[Queue]:
    served = list(
        counter.queues.exclude(status=Queue.Status.CLOSED).select_related("service", "site")
    )
    if queue is None:
        return served
    for candidate in served:
        if candidate.pk == queue.pk:
            return [candidate]
    raise DomainError(
        _("Le guichet « %(counter)s » ne sert pas la file « %(queue)s ».")
        % {"counter": counter.name, "queue": queue.name}
    )


def claim_first(counter: Counter, queues: list[Queue], *, by: Actor) -> Ticket | None:
    """Try the queues in order of preference; SKIP LOCKED means nobody waits for anybody."""
    heads = waiting_heads(counter, queues)
    for head in preference(heads):
        ticket = claim(head.queue, counter=counter, by=by)
        if ticket is not None:
            note_passed_over(counter, chosen=head.queue, others=[h.queue for h in heads])
            return ticket
    return None


def waiting_heads(counter: Counter, queues: list[Queue]) -> list[Head]:
    if len(queues) == 1:  # nothing to choose: no ageing bookkeeping either
        queue = queues[0]
        return [Head(queue=queue, arrived_at=clock.now(), priority=0, passed_over=0)]
    passed_over = dict(
        CounterQueue.objects.filter(counter=counter).values_list("queue_id", "passed_over")
    )
    now = clock.now()
    heads = []
    for queue in queues:
        first = waiting_in_order(queue, now).values("arrived_at", "priority", "appointment_at")
        head = first.first()
        if head is not None:
            slot = head.pop("appointment_at")
            due = slot is not None and slot <= now
            heads.append(
                Head(
                    queue=queue,
                    passed_over=passed_over.get(queue.pk, 0),
                    appointment_due=due,
                    **head,
                )
            )
    return heads


def claim(queue: Queue, *, counter: Counter, by: Actor) -> Ticket | None:
    """One statement: lock the first waiting ticket nobody else is claiming, and take it."""
    subquery, params = claim_subquery(queue)
    now = clock.now()
    claimed = list(
        Ticket.objects.raw(
            f"""
            UPDATE queues_ticket
               SET status = %s, agent_id = %s, counter_id = %s,
                   called_at = %s, last_announced_at = %s
             WHERE id = ({subquery}) AND status = %s
            RETURNING *
            """,
            [Status.CALLED, by.user_id, counter.pk, now, now, *params, Status.WAITING],
        )
    )
    if not claimed:
        return None
    claimed[0].queue = queue  # already loaded: events and callers need its site and service
    return claimed[0]


@lru_cache(maxsize=32)
def claim_subquery_for(algorithm: str, step_seconds: int) -> tuple[str, tuple]:
    """The ORM writes the claim's ORDER BY once per algorithm (the rule stays in ordering.py);
    each call only swaps in its queue id."""
    probe = Queue(id=PROBE, algorithm=algorithm)
    probe.service = Service(priority_rules={"step_seconds": step_seconds})
    waiting = waiting_in_order(probe, PROBE_TIME)
    candidate = waiting.select_for_update(skip_locked=True).values("id")[:1]
    return candidate.query.sql_with_params()


def claim_subquery(queue: Queue) -> tuple[str, list]:
    sql, params = claim_subquery_for(queue.algorithm, queue.service.priority_step_seconds)
    swapped = {PROBE: queue.pk, PROBE_TIME: clock.now()}
    return sql, [swapped.get(value, value) for value in params]


def note_passed_over(counter: Counter, *, chosen: Queue, others: list[Queue]) -> None:
    skipped = [queue.pk for queue in others if queue.pk != chosen.pk]
    if not skipped:
        return
    CounterQueue.objects.filter(counter=counter, queue=chosen).update(passed_over=0)
    rows = CounterQueue.objects.filter(counter=counter, queue_id__in=skipped)
    rows.update(passed_over=F("passed_over") + 1)
