"""What the lobby display and the kiosk show."""

from django.db.models import Count

from smartqueue.queues import clock
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
    # Counted from the waiting tickets (a partial index), not by joining a year of history.
    waiting = dict(
        Ticket.objects.filter(queue__in=queues, status=Ticket.Status.WAITING)
        .values("queue_id")
        .annotate(n=Count("id"))
        .values_list("queue_id", "n")
    )
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
