"""Every step of a ticket: legal ones write history and audit and publish one event after
commit; illegal ones raise a domain error with a clear message and change nothing."""

import pytest
from django.db import transaction

from smartqueue.errors import DomainError, NotFound
from smartqueue.queues import services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile, AuditLog, Queue, Ticket, TicketEvent
from tests.factories import make_agent, make_counter, make_queue

Status = Ticket.Status


def called_ticket(desk):
    queue, _, agent = desk
    services.create_ticket(queue=queue)
    return services.call_next(by=agent)


def kinds(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def actions(ticket: Ticket) -> list[str]:
    rows = AuditLog.objects.filter(object_type="ticket", object_id=str(ticket.pk))
    return list(rows.order_by("id").values_list("action", flat=True))


def test_a_full_visit_writes_history_audit_and_one_event_per_step(
    desk, published, django_capture_on_commit_callbacks
):
    queue, counter, agent = desk
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.create_ticket(queue=queue, channel="kiosk")
        ticket = services.call_next(by=agent)
        services.recall(ticket=ticket, by=agent)
        services.start_service(ticket=ticket, by=agent)
        services.pause_ticket(ticket=ticket, by=agent, reason="Pièce manquante")
        services.resume_ticket(ticket=ticket, by=agent)
        ticket = services.close_ticket(ticket=ticket, by=agent)

    assert ticket.number == "A001"
    assert (ticket.status, ticket.outcome) == (Status.CLOSED, Ticket.Outcome.SERVED)
    steps = ["created", "called", "recalled", "service_started", "paused", "resumed", "closed"]
    assert kinds(ticket) == steps
    assert actions(ticket) == [f"ticket.{step}" for step in steps]
    ticket_events = [e.name for e in published if e.name.startswith("ticket.")]
    assert ticket_events == [f"ticket.{step}" for step in steps]
    assert all(e.schema_name == "t_alpha" for e in published)
    audit = AuditLog.objects.filter(action="ticket.called").get()
    assert audit.actor_id == agent.user.pk
    assert (audit.before["status"], audit.after["status"]) == ("en_attente", "appele")


def test_events_are_not_published_when_the_transaction_rolls_back(desk, published):
    queue, _, _ = desk
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.create_ticket(queue=queue)
            raise RuntimeError("the caller failed after the engine")
    assert published == []
    assert not Ticket.objects.exists()


def test_the_agent_is_busy_while_holding_a_ticket_and_available_after(desk):
    ticket = called_ticket(desk)
    agent = desk[2]
    profile = AgentProfile.objects.get(user_id=agent.user.pk)
    assert profile.current_status == AgentProfile.Status.BUSY
    services.mark_no_show(ticket=ticket, by=agent)
    profile.refresh_from_db()
    assert profile.current_status == AgentProfile.Status.AVAILABLE


def test_an_agent_holding_a_ticket_cannot_call_another(desk):
    queue, _, agent = desk
    first = called_ticket(desk)
    services.create_ticket(queue=queue)
    with pytest.raises(services.AgentBusy, match="A001") as error:
        services.call_next(by=agent)
    assert error.value.status == 400 and error.value.ticket.pk == first.pk
    assert Ticket.objects.filter(status=Status.WAITING).count() == 1


def test_calling_an_empty_queue_is_not_found(desk):
    with pytest.raises(NotFound, match="Aucun ticket en attente"):
        services.call_next(by=desk[2])


def test_an_agent_without_a_counter_is_asked_to_choose_one(desk):
    queue, counter, agent = desk
    AgentProfile.objects.filter(user_id=agent.user.pk).update(counter=None)
    services.create_ticket(queue=queue)
    with pytest.raises(DomainError, match="Choisissez d'abord votre guichet"):
        services.call_next(by=agent)


ILLEGAL = [
    # (step, from status, expected words)
    ("start_service", Status.WAITING, "commencer le service"),
    ("close_ticket", Status.WAITING, "clore"),
    ("mark_no_show", Status.IN_SERVICE, "déclarer absent"),
    ("pause_ticket", Status.WAITING, "mettre en pause"),
    ("resume_ticket", Status.IN_SERVICE, "reprendre"),
    ("cancel_ticket", Status.CALLED, "annuler"),
    ("recall", Status.IN_SERVICE, "rappeler"),
    ("start_service", Status.CLOSED, "commencer le service"),
    ("close_ticket", Status.NO_SHOW, "clore"),
]


def ticket_in(desk, status: str) -> Ticket:
    queue, _, agent = desk
    if status == Status.WAITING:
        return services.create_ticket(queue=queue)
    ticket = called_ticket(desk)
    if status == Status.IN_SERVICE:
        return services.start_service(ticket=ticket, by=agent)
    if status == Status.CLOSED:
        return services.close_ticket(ticket=ticket, by=agent)
    if status == Status.NO_SHOW:
        return services.mark_no_show(ticket=ticket, by=agent)
    return ticket


@pytest.mark.parametrize(("step", "status", "words"), ILLEGAL)
def test_each_illegal_transition_has_its_domain_error_and_changes_nothing(
    desk, step, status, words
):
    ticket = ticket_in(desk, status)
    history, audit_rows = kinds(ticket), AuditLog.objects.count()
    with pytest.raises(DomainError, match=words) as error:
        getattr(services, step)(ticket=ticket, by=desk[2])
    assert error.value.status == 400
    assert ticket.number in error.value.message
    ticket.refresh_from_db()
    assert ticket.status == status
    assert kinds(ticket) == history and AuditLog.objects.count() == audit_rows


def test_another_agent_cannot_act_on_a_ticket_they_do_not_hold(desk):
    queue, counter, _ = desk
    ticket = called_ticket(desk)
    other = make_agent(make_counter(queue.site, [queue]))  # at the next desk
    for step in ("start_service", "close_ticket", "mark_no_show", "recall", "pause_ticket"):
        with pytest.raises(DomainError, match="tenu par un autre agent"):
            getattr(services, step)(ticket=ticket, by=other)
    ticket.refresh_from_db()
    assert ticket.status == Status.CALLED


def test_a_customer_cancels_while_waiting(desk):
    ticket = services.create_ticket(queue=desk[0])
    ticket = services.cancel_ticket(ticket=ticket, by=Actor(label="client"))
    assert (ticket.status, ticket.outcome) == (Status.CLOSED, Ticket.Outcome.CANCELLED)
    assert kinds(ticket) == ["created", "cancelled"]


def test_a_no_show_who_turns_up_is_recalled_and_waits_from_the_last_call(desk):
    ticket = called_ticket(desk)
    first_call = ticket.called_at
    ticket = services.mark_no_show(ticket=ticket, by=desk[2])
    ticket = services.recall(ticket=ticket, by=desk[2])
    assert ticket.status == Status.CALLED and ticket.outcome == ""
    assert ticket.recall_count == 1 and ticket.called_at >= first_call
    assert kinds(ticket) == ["created", "called", "no_show", "recalled"]


def test_a_transfer_ends_one_leg_and_starts_another_with_the_same_number(desk):
    queue, counter, agent = desk
    target = make_queue(queue.site, letter="B")
    ticket = services.start_service(ticket=called_ticket(desk), by=agent)
    leg = services.transfer_ticket(ticket=ticket, target_queue=target, by=agent, reason="Conseil")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == (Status.TRANSFERRED, Ticket.Outcome.TRANSFERRED)
    assert (leg.number, leg.queue, leg.status) == ("A001", target, Status.WAITING)
    assert leg.arrived_at == ticket.arrived_at and leg.transferred_from == ticket
    from smartqueue.queues.selectors import ticket_history

    history = [(event.kind, event.queue_id) for event in ticket_history(leg)]
    assert ("transferred", queue.pk) in history and ("created", target.pk) in history
    profile = AgentProfile.objects.get(user_id=agent.user.pk)
    assert profile.current_status == AgentProfile.Status.AVAILABLE


def test_transfer_to_the_same_or_a_closed_queue_is_refused(desk):
    queue, _, agent = desk
    closed = make_queue(queue.site, letter="C", status=Queue.Status.CLOSED)
    ticket = called_ticket(desk)
    with pytest.raises(DomainError, match="déjà dans cette file"):
        services.transfer_ticket(ticket=ticket, target_queue=queue, by=agent)
    with pytest.raises(DomainError, match="fermée"):
        services.transfer_ticket(ticket=ticket, target_queue=closed, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.CALLED


def test_a_paused_queue_takes_no_new_ticket_but_is_still_served(desk):
    queue, _, agent = desk
    waiting = services.create_ticket(queue=queue)
    services.set_queue_status(queue=queue, status="paused", by=agent)
    with pytest.raises(DomainError, match="ne prend pas de nouveaux tickets"):
        services.create_ticket(queue=queue)
    assert services.call_next(by=agent).pk == waiting.pk


def test_a_closed_queue_takes_no_ticket_and_is_not_called(desk):
    queue, _, agent = desk
    services.create_ticket(queue=queue)
    services.set_queue_status(queue=queue, status="closed", by=agent)
    with pytest.raises(DomainError):
        services.create_ticket(queue=queue)
    with pytest.raises(NotFound):
        services.call_next(by=agent)
    assert AuditLog.objects.filter(action="queue.status_updated").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("channel", "fax", "Canal inconnu"),
        ("priority", 12, "priorité"),
        ("priority", "1", "priorité"),
    ],
)
def test_bad_ticket_input_is_refused_without_a_number_taken(desk, field, value, words):
    with pytest.raises(DomainError, match=words):
        services.create_ticket(queue=desk[0], **{field: value})
    assert services.create_ticket(queue=desk[0]).number == "A001"


def test_agent_status_changes_are_checked_and_audited(desk):
    queue, counter, agent = desk
    with pytest.raises(DomainError, match="Statut inconnu"):
        services.set_agent_status(by=agent, status="asleep")
    ticket = called_ticket(desk)
    with pytest.raises(DomainError, match=ticket.number):
        services.set_agent_status(by=agent, status="paused")
    services.close_ticket(ticket=ticket, by=agent)
    profile = services.set_agent_status(by=agent, status="paused")
    assert profile.current_status == "paused"
    assert AuditLog.objects.filter(action="agent.status_updated").exists()
