"""What the lobby display and the kiosk show."""

from dataclasses import dataclass

from django.db.models import Count

from smartqueue.queues import clock
from smartqueue.queues.estimates import newcomer_waits
from smartqueue.queues.models import Queue, Site, Ticket

CALLS_SHOWN = 7


def display_board(site: Site) -> dict:
    """Latest calls of the local day (the first one is "now calling") and who waits where."""
    queues = list(
        Queue.objects.filter(site=site)
        .exclude(status=Queue.Status.CLOSED)
        .select_related("service")
        .order_by("service__name")
    )
    waiting = waiting_counts(queues)
    today = clock.now().astimezone(site.zone).date()
    calls = list(
        Ticket.objects.filter(queue__site=site, business_day=today, called_at__isnull=False)
        .exclude(status=Ticket.Status.NO_SHOW)
        .select_related("counter")
        .order_by("-last_announced_at", "-called_at")[:CALLS_SHOWN]
    )
    return {
        "site": site,
        "queues": [(queue, waiting.get(queue.pk, 0)) for queue in queues],
        "current": calls[:1],
        "recent": calls[1:],
    }


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
