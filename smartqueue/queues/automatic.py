"""The engine's automatic steps, run by the periodic jobs (smartqueue/jobs) inside one tenant's
schema: a call nobody answered becomes a no-show, the day's left-over tickets close at the
site's closing time, and customers' names and phone numbers go once the retention period ends.

Same rules as services.py: each change runs in a transaction, writes history and audit (actor:
the system) and publishes its event after commit. Each step is a sweeper: it looks for all the
work due, so a run that is lost or late is caught up by the next one.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from smartqueue.errors import DomainError, NotFound
from smartqueue.queues import clock, events, services
from smartqueue.queues.expressions import interval_seconds
from smartqueue.queues.history import SYSTEM
from smartqueue.queues.models import AuditLog, Queue, Site, Ticket, TicketEvent
from smartqueue.queues.steps import free_agent, ticket_event

Status = Ticket.Status


# --- no-show after the recall timeout ------------------------------------------------------


def overdue_calls(now: datetime) -> QuerySet[Ticket]:
    """Called tickets whose last call or recall is older than their service's timeout."""
    announced = Coalesce("last_announced_at", "called_at")
    deadline = announced + interval_seconds(F("queue__service__no_show_after_seconds"))
    return (
        Ticket.objects.filter(status=Status.CALLED)
        .alias(deadline=deadline)
        .filter(deadline__lte=now)
    )


def expire_unanswered_calls(now: datetime) -> list[Ticket]:
    """Every overdue call becomes a no-show, one short transaction each."""
    expired = [expire_call(pk, now) for pk in overdue_calls(now).values_list("pk", flat=True)]
    return [ticket for ticket in expired if ticket is not None]


def expire_call(pk, now: datetime) -> Ticket | None:
    """The same transition as services.mark_no_show, for the system: the holder is freed.

    SKIP LOCKED: a ticket the agent is starting (or recalling) right now is locked by them, so it
    is left alone and their step wins; the conditions are checked again under the lock, so a
    ticket started or recalled meanwhile is not touched either."""
    with transaction.atomic():
        ticket = (
            overdue_calls(now)
            .filter(pk=pk)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("queue__site", "queue__service")
            .first()
        )
        if ticket is None:
            return None
        holder = ticket.agent  # read before the leg ends; freed below
        freed = services.end_leg(
            ticket,
            Status.NO_SHOW,
            Ticket.Outcome.NO_SHOW,
            by=SYSTEM,
            kind=TicketEvent.Kind.NO_SHOW,
            note="pas de réponse à l'appel",
        )
        if holder is not None:
            freed += free_agent(holder)
        events.publish_all([*freed, ticket_event("ticket.no_show", ticket)])
    return ticket


# --- end of day ----------------------------------------------------------------------------

PAUSED_LOOKBACK_DAYS = 7


def left_over(site: Site, now: datetime) -> QuerySet[Ticket]:
    """Waiting or paused tickets the site's day is over for: those of earlier local days, and
    once the local closing time has passed, today's taken before it (a ticket taken after
    closing, for a late service, is left until its day is over).

    This runs every minute for every site, over a table that keeps years of tickets: waiting
    ones are found through their partial index, paused ones (no index of their own) among the
    last days' tickets of the site's queues (index by queue and day)."""
    local = now.astimezone(site.zone)
    today = local.date()
    over = Q(business_day__lt=today)
    if local.time() >= site.closing_time:
        closing = datetime.combine(today, site.closing_time, tzinfo=site.zone)
        over |= Q(business_day=today, created_at__lt=closing)
    recent = today - timedelta(days=PAUSED_LOOKBACK_DAYS)
    waiting = Q(status=Status.WAITING) | Q(status=Status.PAUSED, business_day__gte=recent)
    queues = list(Queue.objects.filter(site=site).values_list("pk", flat=True))
    return Ticket.objects.filter(waiting, over, queue_id__in=queues)


def close_day(site: Site, now: datetime) -> list[Ticket]:
    """At the site's closing time, cancel what is left (end_of_day "expire"); "keep" leaves the
    tickets for the next day. Each goes through services.cancel_ticket (history, audit, event);
    a ticket an agent calls or resumes at that very moment stays theirs."""
    if site.end_of_day != Site.EndOfDay.EXPIRE:
        return []
    closed = []
    for ticket in list(left_over(site, now)):
        try:
            closed.append(services.cancel_ticket(ticket=ticket, by=SYSTEM))
        except (DomainError, NotFound):  # called, resumed or gone meanwhile
            continue
    return closed


# --- retention -----------------------------------------------------------------------------


def erase_personal_data(before: datetime) -> int:
    """Blank customers' names and phone numbers on tickets ended before `before`. Everything
    the statistics read (times, outcomes, queues, agents) stays; one audit entry says how many
    tickets were erased. Returns that number."""
    with transaction.atomic():
        named = Q(customer_name__gt="") | Q(customer_phone__gt="")
        erased = Ticket.objects.filter(named, ended_at__lt=before).update(
            customer_name="", customer_phone=""
        )
        if erased:
            AuditLog.objects.create(
                at=clock.now(),
                actor_label=SYSTEM.label,
                action="ticket.personal_data_erased",
                object_type="ticket",
                object_id="*",
                before={"ended_before": before.isoformat()},
                after={"tickets": erased},
            )
    return erased
