"""Estimated wait: from the live service rate (recent service times of this queue and the
agents now serving it), never a constant; shown to customers as a rounded-up range."""

import math
from statistics import median

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from smartqueue.queues.models import AgentProfile, Queue, Ticket

RECENT = 20
FALLBACK_SERVICE_SECONDS = 300  # until the queue has served anybody today


def typical_service_seconds(queue: Queue) -> float:
    durations = (
        Ticket.objects.filter(queue=queue, outcome=Ticket.Outcome.SERVED, ended_at__isnull=False)
        .annotate(started=Coalesce("service_started_at", "called_at"))
        .annotate(duration=F("ended_at") - F("started"))
        .order_by("-ended_at")
        .values_list("duration", flat=True)[:RECENT]
    )
    seconds = [d.total_seconds() for d in durations if d is not None]
    return median(seconds) if seconds else FALLBACK_SERVICE_SECONDS


def agents_serving(queue: Queue) -> int:
    working = (AgentProfile.Status.AVAILABLE, AgentProfile.Status.BUSY)
    count = AgentProfile.objects.filter(
        counter__queues=queue, current_status__in=working, counter__is_active=True
    ).count()
    return max(count, 1)


def estimated_wait_seconds(queue: Queue, position: int) -> int:
    """Position 1 is next: they wait about one service time shared by the agents serving."""
    return math.ceil(position / agents_serving(queue) * typical_service_seconds(queue))


def wait_range(seconds: int) -> str:
    """A rounded-up range in five-minute steps ("10–15 min"), never false precision."""
    if seconds < 60:
        return _("moins d'une minute")
    if seconds < 300:
        return _("moins de 5 min")
    low = seconds // 300 * 5
    return _("%(low)s–%(high)s min") % {"low": low, "high": low + 5}
