"""Steps shared by the engine's transitions (services.py, calling.py and the automatic
jobs): locks, checks, the agent's state, the events. Nothing outside the engine imports these."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from smartqueue.errors import DomainError, NotFound
from smartqueue.queues import clock, events, rows
from smartqueue.queues.history import Actor, record_rows
from smartqueue.queues.models import (
    AgentProfile,
    Counter,
    Queue,
    Service,
    Site,
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


class CounterTaken(DomainError):
    """Another agent already sits at this counter."""

    def __init__(self, counter: Counter | None):
        name = counter.name if counter is not None else ""
        super().__init__(
            _(
                "Le guichet « %(counter)s » est déjà occupé par un autre agent : "
                "choisissez-en un autre."
            )
            % {"counter": name}
        )


def locked(ticket: Ticket) -> Ticket:
    """The ticket, locked, with its queue, site and service: every step starts here."""
    with connection.cursor() as cursor:
        cursor.execute(LOCKED_TICKET_SQL, [ticket.pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("Ticket introuvable."))
    ticket_values, queue_values, site_values, service_values, __ = rows.split(
        row, Ticket, Queue, Site, Service
    )
    found = rows.build(Ticket, ticket_values)
    found.queue = queue_from(queue_values, site_values, service_values)
    return found


def queue_from(queue_values, site_values, service_values) -> Queue:
    """A queue with its site and service, from the slices of a joined row."""
    queue = rows.build(Queue, queue_values)
    queue.site = rows.build(Site, site_values)
    queue.service = rows.build(Service, service_values)
    return queue


QUEUE_COLUMNS = f"""{rows.columns(Queue, "q")}, {rows.columns(Site, "w")},
       {rows.columns(Service, "s")}"""
QUEUE_JOINS = """JOIN queues_site w ON w.id = q.site_id
  JOIN queues_service s ON s.id = q.service_id"""


def lock_queue(queue: Queue) -> Queue:
    """Read the queue's state under lock: a concurrent pause or close waits for this ticket.
    Tickets of one queue are serialised by their number row anyway, so this costs nothing."""
    with connection.cursor() as cursor:
        cursor.execute(LOCKED_QUEUE_SQL, [queue.pk])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("File introuvable."))
    return queue_from(*rows.split(row, Queue, Site, Service)[:3])


LOCKED_QUEUE_SQL = f"""
SELECT {QUEUE_COLUMNS}
  FROM queues_queue q
  {QUEUE_JOINS}
 WHERE q.id = %s
   FOR NO KEY UPDATE OF q
"""


LOCKED_TICKET_SQL = f"""
SELECT {rows.columns(Ticket, "t")}, {QUEUE_COLUMNS}
  FROM queues_ticket t
  JOIN queues_queue q ON q.id = t.queue_id
  {QUEUE_JOINS}
 WHERE t.id = %s
   FOR UPDATE OF t
"""


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


def locked_profile(user, *, served: bool = False) -> AgentProfile:
    """The agent's row, locked, with their counter and the ticket they hold (`held_id`,
    `held_number`), all in one statement: this runs on every call. With `served`, the same
    statement also reads the counter's open queues (`served`, see served_queues)."""
    if user is None:
        raise DomainError(_("Seul un agent connecté peut faire cela."))
    profile = read_locked_profile(user.pk, served=served)
    if profile is None:
        try:
            with transaction.atomic():
                AgentProfile.objects.create(user_id=user.pk)
        except IntegrityError:  # created by a concurrent first call: it exists now
            pass
        profile = read_locked_profile(user.pk, served=served)
    assert profile is not None
    return profile


def read_locked_profile(user_id, *, served: bool) -> AgentProfile | None:
    sql, params = LOCKED_PROFILE_SQL, [*Ticket.ACTIVE, user_id]
    if served:
        sql, params = LOCKED_DESK_SQL, [*params, Queue.Status.CLOSED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not found:
        return None
    profile_values, counter_values, (held_id, held_number, *__) = rows.split(
        found[0], AgentProfile, Counter
    )
    profile = rows.build(AgentProfile, profile_values)
    profile.counter = rows.build(Counter, counter_values) if counter_values[0] else None
    profile.held_id, profile.held_number = held_id, held_number  # type: ignore[attr-defined]
    if served:
        profile.served = served_queues(found)  # type: ignore[attr-defined]
    return profile


def served_queues(found: list[tuple]) -> list[Queue]:
    """The open queues of the desk's rows (none: a row of NULLs), site and service loaded,
    each with `passed_over` (how many calls of the counter went elsewhere meanwhile)."""
    queues = []
    for row in found:
        __, __, queue_part = rows.split(row, AgentProfile, Counter)
        queue_values, site_values, service_values, (passed_over,) = rows.split(
            queue_part[2:], Queue, Site, Service
        )
        if queue_values[0] is None:
            continue
        queue = queue_from(queue_values, site_values, service_values)
        queue.passed_over = passed_over  # type: ignore[attr-defined]
        queues.append(queue)
    return queues


ACTIVE_PLACES = ", ".join(["%s"] * len(Ticket.ACTIVE))
LOCKED_PROFILE_SQL = f"""
SELECT {rows.columns(AgentProfile, "p")}, {rows.columns(Counter, "c")}, held.id, held.number
  FROM queues_agentprofile p
  LEFT JOIN queues_counter c ON c.id = p.counter_id
  LEFT JOIN LATERAL (
      SELECT t.id, t.number FROM queues_ticket t
       WHERE t.agent_id = p.user_id AND t.status IN ({ACTIVE_PLACES}) LIMIT 1
  ) held ON true
 WHERE p.user_id = %s
   FOR UPDATE OF p
"""
# The same and a row per open queue of the counter, by site and name (one row of NULLs if none).
LOCKED_DESK_SQL = f"""
WITH desk AS ({LOCKED_PROFILE_SQL})
SELECT desk.*, {QUEUE_COLUMNS}, cq.passed_over
  FROM desk
  LEFT JOIN (queues_counterqueue cq
             JOIN queues_queue q ON q.id = cq.queue_id AND q.status <> %s
             {QUEUE_JOINS}) ON cq.counter_id = desk.counter_id
 ORDER BY w.name, q.name
"""


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


def seated_counter(profile: AgentProfile) -> Counter | None:
    """The counter the agent sits at, or None: an agent without one calls from a queue they
    name, to their own desk (desk_of). A closed counter is refused, as before."""
    if profile.counter is None:
        return None
    return require_counter(profile)


def desk_of(profile: AgentProfile, user) -> str:
    """Where a counterless agent's customers go: their desk name, else their own name."""
    return profile.desk_name or user.get_full_name() or user.email


def require_on_duty(profile: AgentProfile, counter: Counter | None) -> Counter | None:
    """A paused agent calls nobody (the Space key included). An offline one may (the API's
    agents never say they are available) unless somebody else sits at that counter now."""
    if profile.current_status == AgentProfile.Status.PAUSED:
        raise DomainError(
            _("Vous êtes en pause : choisissez « Disponible » avant d'appeler le suivant.")
        )
    if profile.current_status == AgentProfile.Status.OFFLINE and counter is not None:
        require_seat_free(counter, profile)
    return counter


def require_seat_free(counter: Counter, profile: AgentProfile) -> None:
    """Another agent (not offline) at this counter: refused. The database's constraint
    (one_agent_per_counter) settles two agents who sit down at the same instant."""
    taken = (
        AgentProfile.objects.filter(counter=counter)
        .exclude(current_status=AgentProfile.Status.OFFLINE)
        .exclude(pk=profile.pk)
        .exists()
    )
    if taken:
        raise CounterTaken(counter)


def set_profile_status(
    profile: AgentProfile, status: str, *, on_break: tuple[str, str] = ("", "")
) -> None:
    """`on_break`: the reason and note of a pause, kept while paused (see take_break)."""
    now = clock.now()
    changed = profile.current_status != status
    note_profile_status(profile, status, at=now)
    if status == AgentProfile.Status.PAUSED and any(on_break):
        profile.break_reason, profile.break_note = on_break
    profile.save(
        update_fields=[
            "current_status",
            "status_updated_at",
            "counter",
            "break_reason",
            "break_note",
        ]
    )
    if changed:
        publish_profile_status(profile)


def note_profile_status(profile: AgentProfile, status: str, *, at) -> None:
    """The profile in memory as a statement left it (call next writes it with the claim).
    Leaving a pause forgets its reason."""
    profile.current_status = status
    profile.status_updated_at = at
    if status != AgentProfile.Status.PAUSED:
        profile.break_reason = profile.break_note = ""


def publish_profile_status(profile: AgentProfile) -> None:
    events.publish_all([profile_status_event(profile)])


def profile_status_event(profile: AgentProfile) -> events.DomainEvent:
    return events.event(
        "agent.status_updated",
        agent_id=str(profile.pk),
        user_id=str(profile.user_id),
        status=profile.current_status,
        counter_id=str(profile.counter_id) if profile.counter_id else None,
        updated_at=profile.status_updated_at.isoformat() if profile.status_updated_at else None,
    )


def free_agent(user) -> list[events.DomainEvent]:
    """A busy agent is available again once their ticket leaves their hands (one statement).
    Returns their status event (none if they were not busy), to publish with the ticket's:
    a step's events are recorded together."""
    with connection.cursor() as cursor:
        cursor.execute(FREE_AGENT_SQL, [AgentProfile.Status.AVAILABLE, clock.now(), user.pk])
        row = cursor.fetchone()
    return [] if row is None else [profile_status_event(rows.build(AgentProfile, row))]


FREE_AGENT_SQL = f"""
UPDATE queues_agentprofile p SET current_status = %s, status_updated_at = %s
 WHERE p.user_id = %s AND p.current_status = '{AgentProfile.Status.BUSY}'
RETURNING {rows.columns(AgentProfile, "p")}
"""


def end_and_free(
    ticket: Ticket, *, kind: str, by: Actor, before: dict, note: str
) -> AgentProfile | None:
    """One statement: write the ticket's end (status, outcome, ended_at as set on `ticket`),
    its history and audit, and free the agent who asks if they were busy (their profile as
    it is now, else None). Closing runs on every customer served."""
    history, history_params = record_rows(kind, source="ended", by=by, before=before, note=note)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH ended AS (
                UPDATE queues_ticket SET status = %s, outcome = %s, ended_at = %s
                 WHERE id = %s
                RETURNING *
            ), freed AS ({FREE_AGENT_SQL}), {history}
            SELECT * FROM freed
            """,
            [
                *(ticket.status, ticket.outcome, ticket.ended_at, ticket.pk),
                *(AgentProfile.Status.AVAILABLE, ticket.ended_at, by.user_id),
                *history_params,
            ],
        )
        row = cursor.fetchone()
    return rows.build(AgentProfile, row) if row is not None else None


def publish_ticket(name: str, ticket: Ticket, **extra) -> None:
    events.publish_all([ticket_event(name, ticket, **extra)])


def ticket_event(name: str, ticket: Ticket, **extra) -> events.DomainEvent:
    return events.event(
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
