"""Steps shared by the engine's transitions (services.py, calling.py and the automatic
jobs): locks, checks, the agent's state, the events. Nothing outside the engine imports these."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from smartqueue.errors import DomainError, NotFound
from smartqueue.queues import clock, events
from smartqueue.queues.history import Actor
from smartqueue.queues.models import (
    AgentProfile,
    Counter,
    Ticket,
)

Status = Ticket.Status


class AgentBusy(DomainError):
    """The agent still holds a called or in-service ticket: recall or finish it first."""

    def __init__(self, ticket: Ticket):
        super().__init__(
            _(
                "Vous avez déjà le ticket %(number)s en cours : "
                "rappelez-le ou terminez-le avant d'appeler le suivant."
            )
            % {"number": ticket.number}
        )
        self.ticket = ticket


def locked(ticket: Ticket) -> Ticket:
    try:
        return (
            Ticket.objects.select_for_update()
            .select_related("queue__site", "queue__service")
            .get(pk=ticket.pk)
        )
    except Ticket.DoesNotExist:
        raise NotFound(_("Ticket introuvable.")) from None


def require_status(ticket: Ticket, allowed, action: str) -> None:
    allowed = (allowed,) if isinstance(allowed, str) else allowed
    if ticket.status not in allowed:
        raise DomainError(  # `action` says it whole in each language: « d’annuler »
            _("Impossible %(action)s le ticket %(number)s : il est « %(status)s ».")
            % {
                "action": action,
                "number": ticket.number,
                "status": Ticket.Status(ticket.status).label.lower(),
            }
        )


def require_holder(ticket: Ticket, by: Actor) -> None:
    if by.user is None or ticket.agent_id != by.user_id:
        raise DomainError(
            _("Le ticket %(number)s est tenu par un autre agent.") % {"number": ticket.number}
        )


def locked_profile(user) -> AgentProfile:
    """The agent's row, locked, with their counter and the ticket they hold (`held_id`,
    `held_number`), all in one statement: this runs on every call."""
    if user is None:
        raise DomainError(_("Seul un agent connecté peut faire cela."))
    held = Ticket.objects.filter(agent_id=OuterRef("user_id"), status__in=Ticket.ACTIVE)
    profiles = (
        AgentProfile.objects.select_for_update(of=("self",))
        .select_related("counter")
        .annotate(
            held_id=Subquery(held.values("id")[:1]),
            held_number=Subquery(held.values("number")[:1]),
        )
    )
    try:
        profile, created = profiles.get_or_create(user_id=user.pk)
    except IntegrityError:  # created by a concurrent first call: it exists now
        profile, created = profiles.get(user_id=user.pk), False
    if created:
        profile.held_id = profile.held_number = None  # type: ignore[attr-defined]
    return profile


def held_ticket(profile: AgentProfile) -> Ticket | None:
    """The ticket read with the locked profile (see locked_profile), as a light Ticket."""
    held_id = getattr(profile, "held_id", None)
    return Ticket(id=held_id, number=profile.held_number) if held_id else None  # type: ignore[attr-defined]


@contextmanager
def one_ticket_per_agent(user) -> Iterator[None]:
    """Two presses at the same instant both read "holds nothing" (the held ticket is read with
    the profile, before its lock is granted); the database's unique index lets only one claim
    through, and the other hears the same AgentBusy as a late press."""
    try:
        yield
    except IntegrityError as error:
        held = Ticket.objects.filter(agent_id=getattr(user, "pk", None), status__in=Ticket.ACTIVE)
        winner = held.first()
        if "one_active_ticket_per_agent" not in str(error) or winner is None:
            raise
        raise AgentBusy(winner) from None


def require_free(profile: AgentProfile) -> AgentProfile:
    held = held_ticket(profile)
    if held is not None:
        raise AgentBusy(held)
    return profile


def require_counter(profile: AgentProfile) -> Counter:
    if profile.counter is None or not profile.counter.is_active:
        raise DomainError(_("Choisissez d'abord votre guichet."))
    return profile.counter


def set_profile_status(profile: AgentProfile, status: str) -> None:
    changed = profile.current_status != status
    profile.current_status = status
    profile.status_updated_at = clock.now()
    profile.save(update_fields=["current_status", "status_updated_at", "counter"])
    if changed:
        events.publish(
            "agent.status_updated",
            agent_id=str(profile.pk),
            user_id=str(profile.user_id),
            status=status,
            counter_id=str(profile.counter_id) if profile.counter_id else None,
            updated_at=profile.status_updated_at.isoformat(),
        )


def free_agent(user) -> None:
    profile = locked_profile(user)
    if profile.current_status == AgentProfile.Status.BUSY:
        set_profile_status(profile, AgentProfile.Status.AVAILABLE)


def publish_ticket(name: str, ticket: Ticket, **extra) -> None:
    events.publish(
        name,
        ticket_id=str(ticket.pk),
        number=ticket.number,
        status=ticket.status,
        queue_id=str(ticket.queue_id),
        site_id=str(ticket.queue.site_id),
        counter_id=str(ticket.counter_id) if ticket.counter_id else None,
        recall_count=ticket.recall_count,
        **extra,
    )
