"""Estimated wait: from the live service rate (recent service times of the queue's service and
the agents now serving the queue), never a constant; shown to customers as a rounded-up range.

Two queries whatever the queue's size (kiosk and ticket pages run this on every refresh): one
for the agents, one for the latest service times. `manage.py simulate_day` measures its error
against the waits that actually happen (simulation.py).
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from smartqueue.queues import clock
from smartqueue.queues.models import AgentProfile, CounterQueue, Queue, Ticket

RECENT = 30  # service times read, newest first
DECAY = 0.9  # each older service time weighs 10 % less than the one after it
LOOKBACK = timedelta(days=7)  # older service times say little about today's pace
FALLBACK_SERVICE_SECONDS = 300  # until the service has served anybody this week


@dataclass(frozen=True)
class Staffing:
    agents: int  # available or busy at an active counter of the queue
    share: float  # of their time the queue gets: an agent whose counter serves 2 queues gives ½
    free: int  # available: they call the next ticket without waiting for anyone


WORKING = (AgentProfile.Status.AVAILABLE, AgentProfile.Status.BUSY)


def shared_by():
    """How many open queues the agent's counter serves (a subquery per agent row)."""
    return (
        CounterQueue.objects.filter(counter=OuterRef("counter"))
        .exclude(queue__status=Queue.Status.CLOSED)
        .values("counter")
        .annotate(n=Count("id"))
        .values("n")
    )


def staffing_of(rows: list[tuple[str, int | None]]) -> Staffing:
    return Staffing(
        agents=len(rows),
        share=sum(1 / max(queues or 1, 1) for _, queues in rows),
        free=sum(status == AgentProfile.Status.AVAILABLE for status, _ in rows),
    )


def staffing(queue: Queue) -> Staffing:
    """Who works the queue right now, in one query (a row per agent, a handful). Paused or
    offline agents serve nobody; a counter shares its agent between its open queues."""
    rows = list(
        AgentProfile.objects.filter(
            counter__queues=queue, counter__is_active=True, current_status__in=WORKING
        )
        .annotate(queues=Subquery(shared_by()))
        .values_list("current_status", "queues")
    )
    return staffing_of(rows)


def staffing_by_queue(queues: list[Queue]) -> dict[Any, Staffing]:
    """staffing() of many queues in one query: a row per agent and queue their counter serves."""
    rows: dict[Any, list[tuple[str, int | None]]] = {queue.pk: [] for queue in queues}
    found = (
        AgentProfile.objects.filter(
            counter__queues__in=queues, counter__is_active=True, current_status__in=WORKING
        )
        .annotate(queues=Subquery(shared_by()))
        .values_list("counter__queues", "current_status", "queues")
    )
    for queue_id, status, shared in found:
        rows[queue_id].append((status, shared))
    return {queue_id: staffing_of(agent_rows) for queue_id, agent_rows in rows.items()}


def agents_serving(queue: Queue) -> int:
    """At least one: an empty counter row still gets somebody eventually, and we divide by it."""
    return max(staffing(queue).agents, 1)


# The latest services of each of the service's queues (the served_by_end index, a few rows
# each), then the latest of those: a plain ORDER BY over all its queues would sort a week of
# every branch's tickets on each kiosk page.


def recent_service_seconds(queue: Queue) -> list[float]:
    """How long an agent was taken by each of the service's latest served tickets, newest
    first, across all its queues (the same service takes about as long at every branch, and a
    quiet queue borrows the pace of busy ones). From the call to the close: walking to the
    counter is part of the time a counter stays taken. As of the engine's clock, so that a
    replayed day sees only its own past."""
    return recent_service_seconds_by_service([queue.service_id])[queue.service_id]


# The latest services of each of a service's queues (the served_by_end index, a few rows
# each), then the latest of those: a plain ORDER BY over all its queues would sort a week of
# every branch's tickets on each kiosk page. Many services at once: a kiosk shows them all.
RECENT_BY_SERVICE_SQL = """
SELECT service.id, latest.taken
  FROM unnest(%(services)s::uuid[]) AS service(id)
 CROSS JOIN LATERAL (
       SELECT recent.ended_at, recent.ended_at - recent.called_at AS taken
         FROM queues_queue AS queue
        CROSS JOIN LATERAL (
              SELECT ended_at, called_at
                FROM queues_ticket
               WHERE queue_id = queue.id AND outcome = %(served)s AND called_at IS NOT NULL
                 AND ended_at > %(since)s AND ended_at <= %(now)s
               ORDER BY ended_at DESC
               LIMIT %(recent)s
              ) AS recent
        WHERE queue.service_id = service.id
        ORDER BY recent.ended_at DESC
        LIMIT %(recent)s
       ) AS latest
 ORDER BY service.id, latest.ended_at DESC
"""


def recent_service_seconds_by_service(service_ids: list) -> dict[Any, list[float]]:
    """recent_service_seconds() of many services in one query, each newest first."""
    now = clock.now()
    params: dict[str, Any] = {
        "served": Ticket.Outcome.SERVED.value,
        "since": now - LOOKBACK,
        "now": now,
        "recent": RECENT,
        "services": [str(pk) for pk in service_ids],
    }
    found: dict[Any, list[float]] = {pk: [] for pk in service_ids}
    with connection.cursor() as cursor:
        cursor.execute(RECENT_BY_SERVICE_SQL, params)
        for service_id, taken in cursor.fetchall():
            found[service_id].append(taken.total_seconds())
    return found


def moving_average(newest_first: list[float]) -> float:
    """Exponentially weighted: follows a slowing or quickening pace within a few tickets, while
    one long file does not swing it. A mean, not a median: the queue moves at the mean pace, and
    service times are skewed (a few long ones)."""
    weights = [DECAY**age for age in range(len(newest_first))]
    return sum(w * s for w, s in zip(weights, newest_first, strict=True)) / sum(weights)


def typical_service_seconds(queue: Queue) -> float:
    seconds = recent_service_seconds(queue)
    return moving_average(seconds) if seconds else FALLBACK_SERVICE_SECONDS


def estimated_wait_seconds(queue: Queue, position: int, staff: Staffing | None = None) -> int:
    """Position 1 is next (in the queue's own order, selectors.position_in_queue). The first
    `free` positions are called at once; each later one waits for an agent to finish. The agents
    finish one ticket every service time ÷ their share of it (the pace), and the first of them
    to finish is, on average, half a pace away. Nobody at work: as if one agent were coming
    (what the notification planner needs; what people read says so instead, wait_if_served)."""
    staff = staff or staffing(queue)
    if position <= staff.free:
        return 0  # no need to read the service times
    return wait_with(staff, typical_service_seconds(queue), position)


def wait_with(staff: Staffing, service_seconds: float, position: int) -> int:
    """estimated_wait_seconds() once the staffing and the typical service time are known."""
    behind_busy = position - staff.free
    if behind_busy <= 0:
        return 0
    pace = service_seconds / (staff.share or 1)
    return math.ceil((behind_busy - 0.5) * pace)


def wait_if_served(queue: Queue, position: int) -> int | None:
    """None while no agent works the queue: any figure shown to people would be made up."""
    staff = staffing(queue)
    return estimated_wait_seconds(queue, position, staff) if staff.agents else None


def quoted_wait(queue: Queue, position: int) -> str:
    """What a customer reads after "Attente estimée :"."""
    seconds = wait_if_served(queue, position)
    if seconds is None:
        return _("inconnue, aucun agent ne sert cette file pour l'instant")
    return wait_range(seconds)


def newcomer_waits(queues: list[Queue], waiting: dict) -> dict[Any, int | None]:
    """The wait a customer taking a ticket now would be quoted in each queue (`waiting`: the
    tickets waiting per queue id), in two queries whatever the number of queues. None: nobody
    serves the queue now, so no honest estimate exists."""
    staff = staffing_by_queue(queues)
    times = recent_service_seconds_by_service(list({queue.service_id for queue in queues}))
    waits: dict[Any, int | None] = {}
    for queue in queues:
        seconds = times[queue.service_id]
        typical = moving_average(seconds) if seconds else FALLBACK_SERVICE_SECONDS
        position = waiting.get(queue.pk, 0) + 1
        waits[queue.pk] = (
            wait_with(staff[queue.pk], typical, position) if staff[queue.pk].agents else None
        )
    return waits


def wait_range(seconds: int) -> str:
    """A rounded-up range in five-minute steps ("10–15 min"), never false precision."""
    if seconds < 60:
        return _("moins d'une minute")
    if seconds < 300:
        return _("moins de 5 min")
    low = seconds // 300 * 5
    return _("%(low)s–%(high)s min") % {"low": low, "high": low + 5}
