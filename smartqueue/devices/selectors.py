"""What the lobby display and the kiosk show."""

from dataclasses import dataclass

from django.db.models import Count

from smartqueue.queues import clock
from smartqueue.queues.estimates import newcomer_waits
from smartqueue.queues.models import AgentProfile, Queue, Site, Ticket

CALLS_SHOWN = 7  # "now calling" and the last calls together
NOW_CALLING_SHOWN = 6  # slots of "now calling": a counter each


def display_board(site: Site, shown: list[str] | None = None) -> dict:
    """Who is called now (a slot per counter), the last calls of the local day before them,
    and who waits where. `shown`: the queues a screen is limited to (Display.queues), calls and
    counts alike; empty or None, all of the site's."""
    chosen = Queue.objects.filter(site=site)
    if shown:
        chosen = chosen.filter(pk__in=shown)
    queues = list(
        chosen.exclude(status=Queue.Status.CLOSED)
        .select_related("service")
        .order_by("service__name")
    )
    waiting = waiting_counts(queues)
    today = clock.now().astimezone(site.zone).date()
    calls = Ticket.objects.filter(queue__site=site, business_day=today, called_at__isnull=False)
    if shown:
        calls = calls.filter(queue_id__in=shown)
    current = now_calling(calls)
    recent = list(
        calls.exclude(pk__in=[ticket.pk for ticket in current])
        .exclude(status=Ticket.Status.NO_SHOW)
        .select_related("counter")
        .order_by("-last_announced_at", "-called_at")[: max(CALLS_SHOWN - len(current), 0)]
    )
    with_desks([*current, *recent])
    return {
        "site": site,
        "queues": [(queue, waiting.get(queue.pk, 0)) for queue in queues],
        "current": current,
        "recent": recent,
    }


def with_desks(tickets: list[Ticket]) -> None:
    """Set `desk` on each call: its counter's name, or for an agent who called without a
    counter (the API's) their desk name, else their own name (one query for all of them)."""
    agent_ids = {t.agent_id for t in tickets if t.counter_id is None and t.agent_id is not None}
    profiles = AgentProfile.objects.filter(user_id__in=agent_ids).select_related("user")
    desks = {profile.user_id: profile.desk_label for profile in profiles} if agent_ids else {}
    for ticket in tickets:
        counter = ticket.counter if ticket.counter_id else None
        ticket.desk = counter.name if counter else desks.get(ticket.agent_id, "")  # type: ignore[attr-defined,arg-type]


def now_calling(calls) -> list[Ticket]:
    """One slot per counter (or per agent without one) whose ticket is still called or in
    service, latest call first: a no-show, a transfer or a close leaves "now calling" at once,
    and two calls at the same moment both stay in it."""
    active = (
        calls.filter(status__in=(Ticket.Status.CALLED, Ticket.Status.IN_SERVICE))
        .exclude(counter=None, agent=None)
        .select_related("counter")
        .order_by("-last_announced_at", "-called_at")
    )
    by_counter: dict = {}
    for ticket in active[:NOW_CALLING_SHOWN]:
        by_counter.setdefault(ticket.counter_id or ("agent", ticket.agent_id), ticket)
    return list(by_counter.values())


def open_queues(site: Site) -> list[Queue]:
    """The kiosk offers only queues that take new tickets."""
    return list(
        Queue.objects.filter(site=site, status=Queue.Status.ACTIVE, service__is_active=True)
        .select_related("service", "site")
        .order_by("service__name")
    )


def waiting_counts(queues: list[Queue]) -> dict:
    """Tickets waiting per queue id, counted from the waiting tickets (a partial index), not by
    joining a year of history."""
    return dict(
        Ticket.objects.filter(queue__in=queues, status=Ticket.Status.WAITING)
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )


@dataclass(frozen=True)
class KioskService:
    queue: Queue
    waiting: int
    wait_seconds: int | None  # what a newcomer would be quoted; None: nobody serves it now


def kiosk_services(site: Site) -> list[KioskService]:
    """The kiosk's buttons: each open service with the people waiting and the wait a newcomer
    would be quoted. Four queries however many services (the kiosk refreshes on every event)."""
    queues = open_queues(site)
    waiting = waiting_counts(queues)
    waits = newcomer_waits(queues, waiting)
    return [KioskService(queue, waiting.get(queue.pk, 0), waits[queue.pk]) for queue in queues]
