"""Call next: which of the counter's queues, which ticket, claimed in one statement. The order
itself is ordering.py's."""

import uuid
from datetime import UTC, datetime
from functools import lru_cache

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from smartqueue.errors import DomainError
from smartqueue.queues import clock, rows
from smartqueue.queues.history import Actor, record_rows
from smartqueue.queues.models import (
    AgentProfile,
    Counter,
    CounterQueue,
    Queue,
    Service,
    Ticket,
    TicketEvent,
)
from smartqueue.queues.ordering import Head, preference, waiting_in_order
from smartqueue.queues.steps import Status

Kind = TicketEvent.Kind

PROBE = uuid.UUID(int=0)  # stands for the queue id while the claim's SQL is written once
PROBE_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # and this for the moment of the call
TICKET_COLUMNS = rows.columns(Ticket, "claimed")  # read as a plain row: no queryset to build


def queues_to_call(
    counter: Counter | None, served: list[Queue], queue: Queue | None
) -> list[Queue]:
    """The counter's open queues (`served`, read with the locked profile), or only `queue` if
    the agent chose it. An agent without a counter calls from the queue they name."""
    if counter is None:
        return [open_queue(queue)]
    if queue is None:
        return served
    for candidate in served:
        if candidate.pk == queue.pk:
            return [candidate]
    raise DomainError(
        _("Le guichet « %(counter)s » ne sert pas la file « %(queue)s ».")
        % {"counter": counter.name, "queue": queue.name}
    )


def open_queue(queue: Queue | None) -> Queue:
    if queue is None:
        raise DomainError(_("Choisissez d'abord votre guichet."))  # API: or name queue_id
    if queue.status == Queue.Status.CLOSED:
        raise DomainError(_("La file « %(queue)s » est fermée.") % {"queue": queue.name})
    return queue


def claim_first(
    counter: Counter | None, queues: list[Queue], *, profile: AgentProfile, by: Actor
) -> Ticket | None:
    """Try the queues in order of preference; SKIP LOCKED means nobody waits for anybody."""
    heads = waiting_heads(queues)
    for head in preference(heads):
        ticket = claim(head.queue, counter=counter, profile=profile, by=by)
        if ticket is not None:
            note_passed_over(counter, chosen=head.queue, others=[h.queue for h in heads])
            return ticket
    return None


def waiting_heads(queues: list[Queue]) -> list[Head]:
    if len(queues) == 1:  # nothing to choose: no ageing bookkeeping either
        queue = queues[0]
        return [Head(queue=queue, arrived_at=clock.now(), priority=0, passed_over=0)]
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
                    passed_over=queue.passed_over,  # type: ignore[attr-defined]
                    appointment_due=due,
                    **head,
                )
            )
    return heads


def claim(
    queue: Queue, *, counter: Counter | None, profile: AgentProfile, by: Actor
) -> Ticket | None:
    """One statement: lock the first waiting ticket nobody else is claiming, take it, mark the
    agent busy and write the ticket's history and audit."""
    subquery, params = claim_subquery(queue)
    now = clock.now()
    unclaimed = {"status": Status.WAITING, "agent_id": None, "counter_id": None}
    history, history_params = record_rows(Kind.CALLED, source="claimed", by=by, before=unclaimed)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH claimed AS (
                UPDATE queues_ticket
                   SET status = %s, agent_id = %s, counter_id = %s,
                       called_at = %s, last_announced_at = %s
                 WHERE id = ({subquery}) AND status = %s
                RETURNING *
            ), busy AS (
                UPDATE queues_agentprofile SET current_status = %s, status_updated_at = %s
                 WHERE id = %s AND EXISTS (SELECT FROM claimed)
            ), {history}
            SELECT {TICKET_COLUMNS} FROM claimed
            """,
            [
                *(
                    Status.CALLED,
                    by.user_id,
                    counter.pk if counter else None,
                    now,
                    now,
                    *params,
                    Status.WAITING,
                ),
                *(AgentProfile.Status.BUSY, now, profile.pk),
                *history_params,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    ticket = rows.build(Ticket, row)
    ticket.queue = queue  # already loaded: events and callers need its site and service
    return ticket


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


def note_passed_over(counter: Counter | None, *, chosen: Queue, others: list[Queue]) -> None:
    skipped = [queue.pk for queue in others if queue.pk != chosen.pk]
    if counter is None or not skipped:
        return
    CounterQueue.objects.filter(counter=counter, queue=chosen).update(passed_over=0)
    neighbours = CounterQueue.objects.filter(counter=counter, queue_id__in=skipped)
    neighbours.update(passed_over=F("passed_over") + 1)
