"""The queue engine: the only code that changes tickets, agents' states and queues' states.

Every function takes keyword arguments, runs in one transaction, checks the transition (a broken
rule raises DomainError with a message for people), writes history and audit, and publishes one
domain event after commit.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smartqueue.errors import DomainError, NotFound
from smartqueue.queues import clock, events
from smartqueue.queues.calling import claim_first, queues_to_call
from smartqueue.queues.history import SYSTEM, Actor, audit, record, snapshot
from smartqueue.queues.models import (
    AgentProfile,
    Counter,
    Customer,
    Queue,
    Service,
    Ticket,
    TicketEvent,
)
from smartqueue.queues.numbering import business_day, insert_numbered
from smartqueue.queues.steps import (
    AgentBusy,  # noqa: F401  (callers catch it as services.AgentBusy)
    CounterTaken,
    desk_of,
    end_and_free,
    free_agent,
    held_ticket,
    lock_queue,
    locked,
    locked_profile,
    note_profile_status,
    one_ticket_per_agent,
    profile_status_event,
    publish_profile_status,
    publish_ticket,
    require_counter,
    require_free,
    require_holder,
    require_on_duty,
    require_seat_free,
    require_status,
    seated_counter,
    set_profile_status,
    ticket_event,
)

Status = Ticket.Status
Kind = TicketEvent.Kind


# --- tickets -------------------------------------------------------------------------------


def create_ticket(
    *,
    queue: Queue,
    by: Actor = SYSTEM,
    channel: str = Ticket.Channel.WEB,
    priority: int = 0,
    customer: Customer | None = None,
    customer_name: str = "",
    customer_phone: str = "",
    appointment_at: datetime | None = None,
) -> Ticket:
    """`appointment_at`: the slot of a checked-in appointment (appointments.check_in)."""
    if channel not in Ticket.Channel.values:
        raise DomainError(_("Canal inconnu : %(channel)s.") % {"channel": channel})
    if not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 9:
        raise DomainError(_("La priorité est un entier de 0 à 9."))
    phone = customer_phone or (customer.phone if customer else "")
    now = clock.now()
    ticket = Ticket(
        queue=queue,
        business_day=business_day(queue, now),
        customer=customer,
        customer_name=customer_name or (str(customer) if customer else ""),
        customer_phone=phone,
        channel=channel,
        priority=priority,
        created_at=now,
        arrived_at=now,
        appointment_at=appointment_at,
    )
    with transaction.atomic():
        if phone and phone_limit_applies(queue.service, channel, by):
            # under the queue's lock, so two kiosks cannot both pass the check
            refuse_second_waiting_ticket(lock_queue(queue), phone)
        if insert_numbered(ticket, by=by) is None:
            raise closed_to_new_tickets(queue)
        publish_ticket("ticket.created", ticket)
    return ticket


def closed_to_new_tickets(queue: Queue) -> DomainError:
    """Why the queue took no ticket: it is gone, or paused or closed."""
    found = Queue.objects.filter(pk=queue.pk).first()
    if found is None:
        return NotFound(_("File introuvable."))
    return DomainError(
        _("La file « %(queue)s » ne prend pas de nouveaux tickets.") % {"queue": found.name}
    )


# Where customers take a ticket themselves (`sms` and `ussd` once those channels exist).
SELF_SERVICE_CHANNELS = frozenset({"kiosk", "web", "qr", "whatsapp", "sms", "ussd"})


def phone_limit_applies(service: Service, channel: str, by: Actor) -> bool:
    """The service's rule (Service.phone_limit): by default a customer taking a ticket
    themselves (a self-service channel, no staff or integrator signed in behind it) holds one
    waiting ticket per phone; staff may queue a family sharing one phone."""
    if service.phone_limit == Service.PhoneLimit.OFF:
        return False
    if service.phone_limit == Service.PhoneLimit.ALWAYS:
        return True
    return channel in SELF_SERVICE_CHANNELS and by.user is None


def refuse_second_waiting_ticket(queue: Queue, phone: str) -> None:
    """One phone number holds at most one waiting ticket per queue."""
    held = Ticket.objects.filter(queue=queue, customer_phone=phone, status=Status.WAITING).first()
    if held is not None:
        raise DomainError(
            _("Ce numéro a déjà le ticket %(number)s en attente dans cette file.")
            % {"number": held.number}
        )


def call_next(*, by: Actor, queue: Queue | None = None) -> Ticket:
    """Claim the next waiting ticket for the agent, from `queue` or across the counter's. An
    agent without a counter (the API's) calls from `queue` to their own desk: the display
    says their desk name (`desk` in the event)."""
    with one_ticket_per_agent(by.user), transaction.atomic():
        profile = require_free(locked_profile(by.user, served=True))
        counter = require_on_duty(profile, seated_counter(profile))
        queues = queues_to_call(counter, profile.served, queue)  # type: ignore[attr-defined]
        was = profile.current_status
        ticket = claim_first(counter, queues, profile=profile, by=by)  # also marks them busy
        if ticket is None:
            raise NotFound(_("Aucun ticket en attente."))
        note_profile_status(profile, AgentProfile.Status.BUSY, at=ticket.called_at)
        changed = [profile_status_event(profile)] if was != AgentProfile.Status.BUSY else []
        desk = {} if counter is not None else {"desk": desk_of(profile, by.user)}
        events.publish_all([*changed, ticket_event("ticket.called", ticket, **desk)])
    return ticket


CALL_REASON_LENGTH = 120


def call_ticket(*, ticket: Ticket, by: Actor, reason: str) -> Ticket:
    """Call this waiting ticket out of turn (someone who cannot stand, an appointment…): the
    agent says why, and the reason stays in its history and audit. The ticket's row lock
    settles two agents choosing it at once: the second hears who was quicker."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Dites pourquoi vous appelez ce ticket avant son tour."))
    if len(reason) > CALL_REASON_LENGTH:
        raise DomainError(
            _("Le motif tient en %(n)s caractères au plus.") % {"n": CALL_REASON_LENGTH}
        )
    with one_ticket_per_agent(by.user), transaction.atomic():
        profile = require_free(locked_profile(by.user, served=True))
        counter = require_on_duty(profile, require_counter(profile))
        ticket = locked(ticket)  # a second agent waits here, then reads the winner's change
        require_still_waiting(ticket)
        queues_to_call(counter, profile.served, ticket.queue)  # type: ignore[attr-defined]
        before = snapshot(ticket)
        was = profile.current_status
        now = clock.now()
        ticket.status, ticket.agent_id, ticket.counter = Status.CALLED, by.user_id, counter
        ticket.called_at = ticket.last_announced_at = now
        ticket.save(update_fields=["status", "agent", "counter", "called_at", "last_announced_at"])
        note_profile_status(profile, AgentProfile.Status.BUSY, at=now)
        profile.save(update_fields=["current_status", "status_updated_at"])
        record(ticket, Kind.CALLED, by=by, before=before, note=f"appelé avant son tour : {reason}")
        changed = [profile_status_event(profile)] if was != AgentProfile.Status.BUSY else []
        events.publish_all([*changed, ticket_event("ticket.called", ticket)])
    return ticket


def require_still_waiting(ticket: Ticket) -> None:
    if ticket.status in (Status.CALLED, Status.IN_SERVICE):
        raise DomainError(
            _("Le ticket %(number)s vient d'être appelé par un autre agent.")
            % {"number": ticket.number}
        )
    require_status(ticket, Status.WAITING, _("d'appeler"))


def recall(*, ticket: Ticket, by: Actor) -> Ticket:
    """Announce the called ticket again; a no-show who turns up is called back the same way."""
    with one_ticket_per_agent(by.user), transaction.atomic():
        ticket = locked(ticket)
        if ticket.status == Status.NO_SHOW:
            return recall_no_show(ticket, by=by)
        require_status(ticket, Status.CALLED, _("de rappeler"))
        require_holder(ticket, by)
        before = snapshot(ticket)
        ticket.recall_count += 1
        ticket.last_announced_at = clock.now()
        ticket.save(update_fields=["recall_count", "last_announced_at"])
        record(ticket, Kind.RECALLED, by=by, before=before)
        publish_ticket("ticket.recalled", ticket)
    return ticket


def recall_no_show(ticket: Ticket, *, by: Actor) -> Ticket:
    profile = require_free(locked_profile(by.user))
    counter = require_counter(profile)
    if ticket.business_day != business_day(ticket.queue, clock.now()):
        raise DomainError(
            _("Le ticket %(number)s date d'un autre jour.") % {"number": ticket.number}
        )
    before = snapshot(ticket)
    now = clock.now()
    ticket.status, ticket.outcome, ticket.ended_at = Status.CALLED, "", None
    ticket.agent_id, ticket.counter = by.user_id, counter
    ticket.called_at = ticket.last_announced_at = now
    ticket.recall_count += 1
    ticket.save()
    set_profile_status(profile, AgentProfile.Status.BUSY)
    record(ticket, Kind.RECALLED, by=by, before=before, note="absent rappelé")
    publish_ticket("ticket.recalled", ticket)
    return ticket


def start_service(*, ticket: Ticket, by: Actor) -> Ticket:
    with transaction.atomic():
        ticket = locked(ticket)
        require_status(ticket, Status.CALLED, _("de commencer le service de"))
        require_holder(ticket, by)
        before = snapshot(ticket)
        ticket.status = Status.IN_SERVICE
        ticket.service_started_at = clock.now()
        ticket.save(update_fields=["status", "service_started_at"])
        record(ticket, Kind.SERVICE_STARTED, by=by, before=before)
        publish_ticket("ticket.service_started", ticket)
    return ticket


def close_ticket(*, ticket: Ticket, by: Actor) -> Ticket:
    with transaction.atomic():
        ticket = locked(ticket)
        require_status(ticket, (Status.CALLED, Status.IN_SERVICE), _("de clore"))
        require_holder(ticket, by)
        freed = end_leg(ticket, Status.CLOSED, Ticket.Outcome.SERVED, by=by, kind=Kind.CLOSED)
        events.publish_all([*freed, ticket_event("ticket.closed", ticket)])
    return ticket


def mark_no_show(*, ticket: Ticket, by: Actor) -> Ticket:
    with transaction.atomic():
        ticket = locked(ticket)
        require_status(ticket, Status.CALLED, _("de déclarer absent"))
        require_holder(ticket, by)
        freed = end_leg(ticket, Status.NO_SHOW, Ticket.Outcome.NO_SHOW, by=by, kind=Kind.NO_SHOW)
        events.publish_all([*freed, ticket_event("ticket.no_show", ticket)])
    return ticket


def end_leg(
    ticket: Ticket, status: str, outcome: str, *, by: Actor, kind: str, note: str = ""
) -> list[events.DomainEvent]:
    """The agent is done with this ticket: it leaves their hands and they are free again.
    Returns the agent's status event, for the caller to publish with the ticket's."""
    before = snapshot(ticket)
    ticket.status, ticket.outcome, ticket.ended_at = status, outcome, clock.now()
    freed = end_and_free(ticket, kind=kind, by=by, before=before, note=note)
    return [profile_status_event(freed)] if freed is not None else []


def transfer_ticket(
    *, ticket: Ticket, target_queue: Queue, by: Actor, reason: str = "", to_back: bool = False
) -> Ticket:
    """End this leg and put the customer, same number, in another queue: in their original
    place by arrival, or at the back if the agent says so. Returns the new leg."""
    with transaction.atomic():
        ticket = locked(ticket)
        require_status(ticket, (Status.CALLED, Status.IN_SERVICE), _("de transférer"))
        require_holder(ticket, by)
        target = lock_queue(target_queue)
        if target.pk == ticket.queue_id:
            raise DomainError(_("Le ticket est déjà dans cette file."))
        if target.status == Queue.Status.CLOSED:
            raise DomainError(_("La file « %(queue)s » est fermée.") % {"queue": target.name})
        note = f"vers {target.name}" + (f" : {reason}" if reason else "")
        freed = end_leg(
            ticket,
            Status.TRANSFERRED,
            Ticket.Outcome.TRANSFERRED,
            by=by,
            kind=Kind.TRANSFERRED,
            note=note,
        )
        leg = next_leg(ticket, target, reason=reason, to_back=to_back)
        record(leg, Kind.CREATED, by=by, note=f"transféré depuis {ticket.queue.name}")
        moved = ticket_event(
            "ticket.transferred",
            leg,
            from_queue_id=str(ticket.queue_id),
            previous_ticket_id=str(ticket.pk),
        )
        events.publish_all([*freed, moved])
    return leg


def next_leg(ticket: Ticket, target: Queue, *, reason: str, to_back: bool) -> Ticket:
    now = clock.now()
    return Ticket.objects.create(
        queue=target,
        number=ticket.number,
        business_day=ticket.business_day,
        customer_id=ticket.customer_id,
        customer_name=ticket.customer_name,
        customer_phone=ticket.customer_phone,
        channel=ticket.channel,
        priority=ticket.priority,
        created_at=now,
        arrived_at=now if to_back else ticket.arrived_at,
        appointment_at=None if to_back else ticket.appointment_at,
        transferred_from=ticket,
        transfer_reason=reason[:300],
    )


def pause_ticket(*, ticket: Ticket, by: Actor, reason: str = "") -> Ticket:
    """Set the ticket aside (missing documents…): the agent is free to call the next one."""
    with transaction.atomic():
        ticket = locked(ticket)
        require_status(ticket, (Status.CALLED, Status.IN_SERVICE), _("de mettre en pause"))
        require_holder(ticket, by)
        before = snapshot(ticket)
        ticket.status, ticket.paused_at = Status.PAUSED, clock.now()
        ticket.pause_reason = reason[:300]
        ticket.save(update_fields=["status", "paused_at", "pause_reason"])
        record(ticket, Kind.PAUSED, by=by, before=before, note=reason)
        events.publish_all([*free_agent(by.user), ticket_event("ticket.paused", ticket)])
    return ticket


def resume_ticket(*, ticket: Ticket, by: Actor) -> Ticket:
    """The customer is back: service goes on with the agent who resumes it."""
    with one_ticket_per_agent(by.user), transaction.atomic():
        ticket = locked(ticket)
        require_status(ticket, Status.PAUSED, _("de reprendre"))
        profile = require_free(locked_profile(by.user))
        counter = require_counter(profile)
        before = snapshot(ticket)
        ticket.status, ticket.paused_at = Status.IN_SERVICE, None
        ticket.agent_id, ticket.counter = by.user_id, counter
        ticket.service_started_at = ticket.service_started_at or clock.now()
        ticket.save()
        set_profile_status(profile, AgentProfile.Status.BUSY)
        record(ticket, Kind.RESUMED, by=by, before=before)
        publish_ticket("ticket.resumed", ticket)
    return ticket


def cancel_ticket(*, ticket: Ticket, by: Actor = SYSTEM) -> Ticket:
    """The customer gives up (ticket page, SMS): only before being called."""
    with transaction.atomic():
        ticket = locked(ticket)
        require_status(ticket, (Status.WAITING, Status.PAUSED), _("d’annuler"))
        before = snapshot(ticket)
        ticket.status, ticket.outcome = Status.CLOSED, Ticket.Outcome.CANCELLED
        ticket.ended_at = clock.now()
        ticket.save(update_fields=["status", "outcome", "ended_at"])
        record(ticket, Kind.CANCELLED, by=by, before=before)
        publish_ticket("ticket.cancelled", ticket)
    return ticket


# --- agents and queues ---------------------------------------------------------------------


def take_break(
    *, by: Actor, reason: str, note: str = "", counter: Counter | None = None
) -> AgentProfile:
    """Pause with a reason from the list (the counter page asks for one): "other" needs a few
    words. The reason stays on the profile while paused and in the audit of the change."""
    note = (note or "").strip()
    if reason not in AgentProfile.BreakReason.values:
        raise DomainError(_("Choisissez le motif de la pause."))
    if reason == AgentProfile.BreakReason.OTHER and not note:
        raise DomainError(_("Précisez le motif de la pause."))
    if len(note) > BREAK_NOTE_LENGTH:
        raise DomainError(
            _("Le motif tient en %(n)s caractères au plus.") % {"n": BREAK_NOTE_LENGTH}
        )
    return set_agent_status(
        by=by, status=AgentProfile.Status.PAUSED, counter=counter, on_break=(reason, note)
    )


BREAK_NOTE_LENGTH = 120
PROFILE_AUDITED = ("current_status", "counter_id", "break_reason", "break_note")


def set_agent_status(
    *,
    by: Actor,
    status: str,
    counter: Counter | None = None,
    on_break: tuple[str, str] = ("", ""),
) -> AgentProfile:
    """The agent's own state and, if given, the counter they sit at. `on_break`: the reason
    and note of a pause (see take_break)."""
    if status not in AgentProfile.Status.values:
        raise DomainError(
            _("Statut inconnu : %(status)s. Valeurs possibles : %(values)s")
            % {"status": status, "values": ", ".join(AgentProfile.Status.values)}
        )
    try:
        with transaction.atomic():
            return change_agent_status(by, status, counter, on_break)
    except IntegrityError as error:  # sat down at the same instant as another agent
        if "one_agent_per_counter" not in str(error):
            raise
        seat = counter or Counter.objects.filter(agents__user_id=by.user_id).first()
        raise CounterTaken(seat) from None


def change_agent_status(
    by: Actor, status: str, counter: Counter | None, on_break: tuple[str, str]
) -> AgentProfile:
    """set_agent_status, inside its transaction."""
    profile = locked_profile(by.user)
    leaving = status in (AgentProfile.Status.PAUSED, AgentProfile.Status.OFFLINE)
    moving = counter is not None and counter.pk != profile.counter_id
    held = held_ticket(profile)
    if held is not None and (leaving or moving):
        raise DomainError(
            _("Terminez ou transférez d'abord le ticket %(number)s.") % {"number": held.number}
        )
    if counter is not None and not counter.is_active:
        raise DomainError(_("Le guichet « %(counter)s » est fermé.") % {"counter": counter.name})
    seat = counter or profile.counter
    if seat is not None and status != AgentProfile.Status.OFFLINE:
        require_seat_free(seat, profile)
    before = snapshot(profile, PROFILE_AUDITED)
    was = profile.current_status, profile.break_reason, profile.break_note
    if counter is not None:
        profile.counter = counter
    set_profile_status(profile, status, on_break=on_break)
    same = was == (profile.current_status, profile.break_reason, profile.break_note)
    if (moving and was[0] == status) or (was[0] == status and not same):
        publish_profile_status(profile)  # same state, another desk or reason: tabs must know
    audit(
        by=by,
        action="agent.status_updated",
        obj=profile,
        before=before,
        after=snapshot(profile, PROFILE_AUDITED),
    )
    return profile


def set_auto_call(*, by: Actor, on: bool) -> AgentProfile:
    """The agent's choice, kept on their profile: when free, the next ticket is called for them
    after a countdown the page shows (counter.js), never while paused."""
    with transaction.atomic():
        profile = locked_profile(by.user)
        before = snapshot(profile, ("auto_call",))
        profile.auto_call = bool(on)
        profile.save(update_fields=["auto_call"])
        audit(
            by=by,
            action="agent.auto_call_updated",
            obj=profile,
            before=before,
            after=snapshot(profile, ("auto_call",)),
        )
        publish_profile_status(profile)  # the agent's other tabs redraw their desk
    return profile


def set_queue_status(*, queue: Queue, status: str, by: Actor) -> Queue:
    if status not in Queue.Status.values:
        raise DomainError(
            _("Statut inconnu : %(status)s. Valeurs possibles : %(values)s")
            % {"status": status, "values": ", ".join(Queue.Status.values)}
        )
    with transaction.atomic():
        queue = Queue.objects.select_for_update().get(pk=queue.pk)
        before = snapshot(queue, ("status",))
        queue.status = status
        queue.save(update_fields=["status"])
        audit(
            by=by,
            action="queue.status_updated",
            obj=queue,
            before=before,
            after=snapshot(queue, ("status",)),
        )
        events.publish(
            "queue.status_updated",
            queue_id=str(queue.pk),
            site_id=str(queue.site_id),
            status=status,
        )
    return queue


# --- shared steps --------------------------------------------------------------------------
