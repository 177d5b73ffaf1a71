"""Reads of the engine: stats, positions, estimates, history. Nothing here writes."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    Min,
    Q,
    Window,
)
from django.db.models.functions import RowNumber

from smartqueue.queues import clock
from smartqueue.queues.estimates import (
    FALLBACK_SERVICE_SECONDS,
    moving_average,
    recent_service_seconds_by_service,
    staffing_by_queue,
    wait_if_served,
    wait_with,
)
from smartqueue.queues.expressions import SLA, WAIT
from smartqueue.queues.models import AgentProfile, Queue, Ticket, TicketEvent
from smartqueue.queues.numbering import business_day
from smartqueue.queues.ordering import waiting_in_order, waiting_order

Status = Ticket.Status


@dataclass
class QueueStats:
    queue_id: str
    queue_name: str
    status: str
    waiting_count: int = 0
    called_count: int = 0
    in_service_count: int = 0
    paused_count: int = 0
    total_active: int = 0
    avg_wait_seconds: int = 0
    longest_wait_seconds: int = 0
    served_today: int = 0
    served_within_sla_share: float | None = None
    no_show_count: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def today_filter(queues: list[Queue], now: datetime) -> Q:
    """Tickets of each queue's local business day (sites may sit in different zones)."""
    by_day: dict[date, list] = {}
    for queue in queues:
        by_day.setdefault(business_day(queue, now), []).append(queue.pk)
    condition = Q(pk__in=[])
    for day, ids in by_day.items():
        condition |= Q(queue_id__in=ids, business_day=day)
    return condition


def queue_stats(queues) -> dict:
    """Stats of many queues in one query on tickets (plus the one that loads the queues)."""
    queues = list(Queue.objects.filter(pk__in=[q.pk for q in queues]).select_related("site"))
    now = clock.now()
    today = today_filter(queues, now)
    served = today & Q(outcome=Ticket.Outcome.SERVED)
    rows = (
        Ticket.objects.filter(queue__in=queues)
        .filter(Q(status__in=Ticket.OPEN) | today)
        .values("queue_id")
        .annotate(
            waiting=Count("id", filter=Q(status=Status.WAITING)),
            called=Count("id", filter=Q(status=Status.CALLED)),
            in_service=Count("id", filter=Q(status=Status.IN_SERVICE)),
            paused=Count("id", filter=Q(status=Status.PAUSED)),
            oldest_waiting=Min("created_at", filter=Q(status=Status.WAITING)),
            avg_wait=Avg(WAIT, filter=today & Q(called_at__isnull=False)),
            served=Count("id", filter=served),
            within_sla=Count("id", filter=served & Q(called_at__lte=F("created_at") + SLA)),
            no_shows=Count("id", filter=today & Q(outcome=Ticket.Outcome.NO_SHOW)),
        )
    )
    found = {row["queue_id"]: row for row in rows}
    return {queue.pk: stats_of(queue, found.get(queue.pk), now) for queue in queues}


def stats_of(queue: Queue, row: Mapping[str, Any] | None, now: datetime) -> QueueStats:
    stats = QueueStats(queue_id=str(queue.pk), queue_name=queue.name, status=queue.status)
    if row is None:
        return stats
    stats.waiting_count = row["waiting"]
    stats.called_count = row["called"]
    stats.in_service_count = row["in_service"]
    stats.paused_count = row["paused"]
    stats.total_active = row["waiting"] + row["called"] + row["in_service"]
    stats.avg_wait_seconds = round(row["avg_wait"].total_seconds()) if row["avg_wait"] else 0
    if row["oldest_waiting"]:
        stats.longest_wait_seconds = max(0, round((now - row["oldest_waiting"]).total_seconds()))
    stats.served_today = row["served"]
    if row["served"]:
        stats.served_within_sla_share = round(row["within_sla"] / row["served"], 3)
    stats.no_show_count = row["no_shows"]
    return stats


def position_in_queue(ticket: Ticket) -> int | None:
    """1 for the next to be called; None once the ticket is no longer waiting."""
    if ticket.status != Status.WAITING:
        return None
    ids = list(waiting_in_order(ticket.queue).values_list("id", flat=True))
    return ids.index(ticket.pk) + 1 if ticket.pk in ids else None


def ticket_history(ticket: Ticket) -> list[TicketEvent]:
    """The whole visit: this leg and the legs it was transferred from, oldest first."""
    legs = [ticket.pk]
    previous = ticket.transferred_from_id
    while previous is not None:
        legs.append(previous)
        previous = (
            Ticket.objects.filter(pk=previous).values_list("transferred_from_id", flat=True).first()
        )
    return list(
        TicketEvent.objects.filter(ticket_id__in=legs)
        .select_related("queue", "counter")
        .order_by("at", "id")
    )


WAITING_SHOWN = 50


@dataclass
class WaitingList:
    queue: Queue
    tickets: list[Ticket]
    count: int
    newcomer_wait_seconds: int | None = 0  # what a newcomer would be told; None: nobody serves

    @property
    def more(self) -> int:
        return self.count - len(self.tickets)


def waiting_lists(queues: list[Queue], limit: int = WAITING_SHOWN) -> list[WaitingList]:
    """The first tickets of each queue in calling order, and the wait a newcomer would be
    quoted: three queries per queue, whatever the number waiting, plus one for the counts."""
    queues = list(queues)
    counts = dict(
        Ticket.objects.filter(queue__in=queues, status=Status.WAITING)
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
    now = clock.now()
    return [
        WaitingList(
            queue=queue,
            tickets=with_waits(
                waiting_in_order(queue).select_related("customer")[:limit], queue, now
            ),
            count=counts.get(queue.pk, 0),
            newcomer_wait_seconds=wait_if_served(queue, counts.get(queue.pk, 0) + 1),
        )
        for queue in queues
    ]


def with_waits(tickets, queue: Queue, now: datetime) -> list[Ticket]:
    """Each ticket with how long it has waited (`waited_seconds`, from its creation as in the
    SLA measure) and whether that is past its service's SLA (`past_sla`); the page keeps both
    ticking (counter.js)."""
    found = list(tickets)
    for ticket in found:
        waited = max(0, int((now - ticket.created_at).total_seconds()))
        ticket.waited_seconds = waited  # type: ignore[attr-defined]
        ticket.past_sla = waited > queue.service.sla_seconds  # type: ignore[attr-defined]
    return found


def latest_leg(ticket: Ticket) -> Ticket:
    """A customer's link keeps working after transfers: follow them to the current leg."""
    while True:
        following = Ticket.objects.filter(transferred_from=ticket).select_related("queue").first()
        if following is None:
            return ticket
        ticket = following


def desk_state(user_id) -> str:
    """What an agent's desk shows, in a few characters: their counter first, then their state
    and their tickets. Every counter tab of theirs compares it with its own and redraws (or,
    at another counter, reloads) when it differs: a tab left open follows the agent live."""
    seat = AgentProfile.objects.filter(user_id=user_id).values_list(
        "counter_id", "current_status", "break_reason", "auto_call"
    )
    counter_id, status, reason, auto_call = seat.first() or (None, "", "", False)
    held = (
        Ticket.objects.filter(agent_id=user_id, status__in=(*Ticket.ACTIVE, Status.PAUSED))
        .order_by("pk")
        .values_list("pk", "status", "recall_count")
    )
    tickets = ",".join(f"{pk}:{state}:{recalls}" for pk, state, recalls in held)
    return f"{counter_id or ''}|{status}:{reason}|{tickets}|{'auto' if auto_call else ''}"


@dataclass(frozen=True)
class Placement:
    position: int | None = None  # 1: the next to be called
    estimated_call_at: datetime | None = None  # None: not waiting, or nobody serves the queue


def placements(tickets) -> dict[Any, Placement]:
    """Where each waiting ticket stands in its queue and when it should be called, for a page
    of tickets of any queues: a fixed number of queries whatever the number of tickets (one for
    the queues, one per calling order among them, two for the estimates). Others: nothing."""
    waiting = [ticket for ticket in tickets if ticket.status == Status.WAITING]
    found: dict[Any, Placement] = {ticket.pk: Placement() for ticket in tickets}
    if not waiting:
        return found
    queues = {
        queue.pk: queue
        for queue in Queue.objects.filter(pk__in={t.queue_id for t in waiting}).select_related(
            "service"
        )
    }
    now = clock.now()
    positions = positions_of([t.pk for t in waiting], list(queues.values()), now)
    staff = staffing_by_queue(list(queues.values()))
    times = recent_service_seconds_by_service(list({q.service_id for q in queues.values()}))
    for ticket in waiting:
        position = positions.get(ticket.pk)
        if position is None:
            continue
        queue = queues[ticket.queue_id]
        seconds = times[queue.service_id]
        typical = moving_average(seconds) if seconds else FALLBACK_SERVICE_SECONDS
        staffed = staff[queue.pk]
        call_at = (
            now + timedelta(seconds=wait_with(staffed, typical, position))
            if staffed.agents
            else None
        )
        found[ticket.pk] = Placement(position=position, estimated_call_at=call_at)
    return found


def positions_of(ids: list, queues: list[Queue], now: datetime) -> dict[Any, int]:
    """Positions of these waiting tickets: queues sharing a calling order (algorithm and, for
    "sla", the priority step) are numbered together, each in its own partition."""
    by_order: dict[tuple, list[Queue]] = {}
    for queue in queues:
        step = queue.service.priority_step_seconds if queue.algorithm == Queue.Algorithm.SLA else 0
        by_order.setdefault((queue.algorithm, step), []).append(queue)
    found: dict[Any, int] = {}
    wanted = set(ids)
    for same in by_order.values():
        rows = (
            Ticket.objects.filter(queue__in=same, status=Status.WAITING)
            .annotate(
                position=Window(
                    RowNumber(), partition_by=[F("queue_id")], order_by=waiting_order(same[0], now)
                )
            )
            .values_list("pk", "position")
        )
        # Every waiting ticket of these queues is numbered (a WHERE on the ids would number
        # only them): rows of two columns, a queue's waiting line.
        found.update((pk, position) for pk, position in rows if pk in wanted)
    return found
