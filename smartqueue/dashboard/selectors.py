"""What a manager sees of a site, live: queues, agents, tickets past their SLA."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    Q,
)

from smartqueue.feedback.models import Feedback
from smartqueue.queues import clock
from smartqueue.queues.expressions import SLA
from smartqueue.queues.models import AgentProfile, Appointment, Queue, Site, Ticket
from smartqueue.queues.selectors import QueueStats, queue_stats

PAST_SLA_SHOWN = 10


@dataclass
class AgentRow:
    profile: AgentProfile
    ticket: Ticket | None


@dataclass
class SiteDashboard:
    site: Site
    queues: list[tuple[Queue, QueueStats]]
    agents: list[AgentRow]
    past_sla: list[tuple[Ticket, int]]  # with seconds waited so far
    past_sla_count: int
    csat: float | None  # share of today's answers rating 4 or 5
    appointments: dict  # today's appointments at the site by status

    @property
    def sla_alerts(self) -> list[dict]:
        """Queues whose longest current wait is past their service's SLA, the furthest past
        first: the board's alert (it refreshes with the board)."""
        alerts = [
            {
                "queue": queue,
                "waited": stats.longest_wait_seconds,
                "over": stats.longest_wait_seconds - queue.service.sla_seconds,
            }
            for queue, stats in self.queues
            if stats.waiting_count and stats.longest_wait_seconds > queue.service.sla_seconds
        ]
        return sorted(alerts, key=lambda alert: -alert["over"])

    @property
    def totals(self) -> dict:
        stats = [s for _, s in self.queues]
        served = sum(s.served_today for s in stats)
        within = sum((s.served_within_sla_share or 0) * s.served_today for s in stats)
        called = served + sum(s.no_show_count for s in stats)
        return {
            "waiting": sum(s.waiting_count for s in stats),
            "in_service": sum(s.in_service_count + s.called_count for s in stats),
            "longest_wait": max((s.longest_wait_seconds for s in stats), default=0),
            "served": served,
            "within_sla": round(within / served, 3) if served else None,
            "no_show_rate": round(sum(s.no_show_count for s in stats) / called, 3)
            if called
            else None,
            "avg_wait": weighted_average_wait(stats),
        }


def weighted_average_wait(stats: list[QueueStats]) -> int:
    weight = sum(s.served_today + s.no_show_count for s in stats)
    if not weight:
        return 0
    return round(
        sum(s.avg_wait_seconds * (s.served_today + s.no_show_count) for s in stats) / weight
    )


def site_dashboard(site: Site) -> SiteDashboard:
    queues = list(Queue.objects.filter(site=site).select_related("service", "site"))
    stats = queue_stats(queues)
    return SiteDashboard(
        site=site,
        queues=[(queue, stats[queue.pk]) for queue in queues],
        agents=agent_rows(site),
        past_sla=[(t, waited(t)) for t in past_sla(site)[:PAST_SLA_SHOWN]],
        past_sla_count=past_sla(site).count(),
        csat=csat_today(site),
        appointments=appointments_today(site),
    )


def appointments_today(site: Site) -> dict:
    """Today's appointments (local day): booked, arrived, missed; one query."""
    today = clock.now().astimezone(site.zone).date()
    start = datetime.combine(today, time(0), tzinfo=site.zone)
    rows = Appointment.objects.filter(
        site=site, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
    ).aggregate(
        booked=Count("id", filter=~Q(status=Appointment.Status.CANCELLED)),
        checked_in=Count("id", filter=Q(status=Appointment.Status.CHECKED_IN)),
        no_show=Count("id", filter=Q(status=Appointment.Status.NO_SHOW)),
    )
    return rows


def csat_today(site: Site) -> float | None:
    """CSAT = share of answers 4–5 on 1–5, over the site's local day."""
    today = clock.now().astimezone(site.zone).date()
    answers = Feedback.objects.filter(ticket__queue__site=site, ticket__business_day=today)
    counts = answers.aggregate(all=Count("id"), happy=Count("id", filter=Q(csat__gte=4)))
    return round(counts["happy"] / counts["all"], 3) if counts["all"] else None


def agent_rows(site: Site) -> list[AgentRow]:
    profiles = list(
        AgentProfile.objects.filter(counter__site=site)
        .select_related("counter", "user")
        .order_by("counter__name")
    )
    held = {
        ticket.agent_id: ticket
        for ticket in Ticket.objects.filter(
            queue__site=site, status__in=Ticket.ACTIVE
        ).select_related("queue")
    }
    return [AgentRow(profile=p, ticket=held.get(p.user_id)) for p in profiles]


def waited(ticket: Ticket) -> int:
    return round((clock.now() - ticket.created_at).total_seconds())


def past_sla(site: Site):
    """Waiting tickets whose wait already exceeds their service's SLA, longest first."""
    now = clock.now()
    return (
        Ticket.objects.filter(queue__site=site, status=Ticket.Status.WAITING)
        .filter(created_at__lt=ExpressionWrapper(now - SLA, output_field=DateTimeField()))
        .select_related("queue")
        .order_by("created_at")
    )


def active_sites():
    """Sites with how many people wait there now, for the site picker."""
    waiting = Count("queues__tickets", filter=Q(queues__tickets__status=Ticket.Status.WAITING))
    return Site.objects.filter(is_active=True).annotate(waiting=waiting).order_by("name")
