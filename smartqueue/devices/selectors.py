"""What the lobby display and the kiosk show."""

from django.db.models import Count, Q

from smartqueue.queues import clock
from smartqueue.queues.models import Queue, Site, Ticket

CALLS_SHOWN = 7


def display_board(site: Site) -> dict:
    """Latest calls of the local day (the first one is "now calling") and who waits where."""
    queues = list(
        Queue.objects.filter(site=site)
        .exclude(status=Queue.Status.CLOSED)
        .select_related("service")
        .annotate(waiting=Count("tickets", filter=Q(tickets__status=Ticket.Status.WAITING)))
        .order_by("service__name")
    )
    today = clock.now().astimezone(site.zone).date()
    calls = list(
        Ticket.objects.filter(queue__site=site, business_day=today, called_at__isnull=False)
        .exclude(status=Ticket.Status.NO_SHOW)
        .select_related("counter")
        .order_by("-last_announced_at", "-called_at")[:CALLS_SHOWN]
    )
    return {"site": site, "queues": queues, "current": calls[:1], "recent": calls[1:]}


def open_queues(site: Site) -> list[Queue]:
    """The kiosk offers only queues that take new tickets."""
    return list(
        Queue.objects.filter(site=site, status=Queue.Status.ACTIVE, service__is_active=True)
        .select_related("service", "site")
        .order_by("service__name")
    )
