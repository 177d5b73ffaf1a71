"""The engine's rules behind the counter's desk (#18): calling a chosen ticket before its turn
(with a reason, audited, safe against a second agent choosing it), breaks with a reason, and
the agent's auto-call choice."""

from datetime import timedelta

import pytest

from smartqueue.errors import DomainError
from smartqueue.queues import clock, services
from smartqueue.queues.models import AgentProfile, AuditLog, Ticket, TicketEvent
from smartqueue.queues.selectors import waiting_lists
from tests.factories import make_agent, make_counter, make_queue
from tests.threads import in_threads

Status = Ticket.Status
Seat = AgentProfile.Status


def test_an_agent_calls_a_chosen_ticket_before_its_turn_with_the_reason_kept(
    desk, published, django_capture_on_commit_callbacks
):
    queue, counter, agent = desk
    first = services.create_ticket(queue=queue)
    chosen = services.create_ticket(queue=queue)

    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.call_ticket(ticket=chosen, by=agent, reason="Rendez-vous")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.agent_id, ticket.counter_id) == (
        Status.CALLED,
        agent.user_id,
        counter.pk,
    )
    assert ticket.called_at is not None
    first.refresh_from_db()
    assert first.status == Status.WAITING  # the head of the line keeps its place
    step = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.CALLED)
    assert step.note == "appelé avant son tour : Rendez-vous"
    entry = AuditLog.objects.get(action="ticket.called", object_id=str(ticket.pk))
    assert entry.before["status"] == Status.WAITING and entry.after["status"] == Status.CALLED
    assert AgentProfile.objects.get(user_id=agent.user_id).current_status == Seat.BUSY
    names = [event.name for event in published]
    assert names == ["agent.status_updated", "ticket.called"]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 121])
def test_a_chosen_call_needs_a_short_reason_and_changes_nothing_without(desk, reason):
    queue, _, agent = desk
    chosen = services.create_ticket(queue=queue)

    with pytest.raises(DomainError, match="avant son tour|caractères"):
        services.call_ticket(ticket=chosen, by=agent, reason=reason)

    chosen.refresh_from_db()
    assert chosen.status == Status.WAITING and chosen.agent_id is None
    assert not AuditLog.objects.filter(action="ticket.called").exists()


def test_a_chosen_call_is_refused_to_a_busy_or_paused_agent_or_another_counters_queue(desk):
    queue, counter, agent = desk
    elsewhere = make_queue(queue.site, letter="B")
    other_queue_ticket = services.create_ticket(queue=elsewhere)
    with pytest.raises(DomainError, match="ne sert pas la file"):
        services.call_ticket(ticket=other_queue_ticket, by=agent, reason="Rendez-vous")

    waiting = services.create_ticket(queue=queue)
    services.take_break(by=agent, reason=AgentProfile.BreakReason.LUNCH)
    with pytest.raises(DomainError, match="Vous êtes en pause"):
        services.call_ticket(ticket=waiting, by=agent, reason="Rendez-vous")

    services.set_agent_status(by=agent, status=Seat.AVAILABLE)
    later = services.create_ticket(queue=queue)
    held = services.call_next(by=agent)
    with pytest.raises(DomainError, match=f"déjà le ticket {held.number}"):
        services.call_ticket(ticket=later, by=agent, reason="Rendez-vous")
    later.refresh_from_db()
    other_queue_ticket.refresh_from_db()
    assert later.status == other_queue_ticket.status == Status.WAITING


def test_a_ticket_already_called_cannot_be_chosen_again(desk):
    queue, counter, agent = desk
    rival = make_agent(make_counter(queue.site, [queue]))
    ticket = services.create_ticket(queue=queue)
    services.call_ticket(ticket=ticket, by=rival, reason="Priorité")

    with pytest.raises(DomainError, match=f"{ticket.number} vient d'être appelé par un autre"):
        services.call_ticket(ticket=ticket, by=agent, reason="Priorité")

    ticket.refresh_from_db()
    assert ticket.agent_id == rival.user_id


def test_two_agents_choosing_the_same_ticket_at_once_one_wins(committed):
    queue = make_queue()
    agents = [make_agent(make_counter(queue.site, [queue])) for _ in range(6)]
    ticket = services.create_ticket(queue=queue)

    results = in_threads(
        committed,
        lambda i: services.call_ticket(ticket=ticket, by=agents[i], reason="Priorité"),
        len(agents),
    )

    won = [result for result in results if isinstance(result, Ticket)]
    lost = [result for result in results if isinstance(result, Exception)]
    assert len(won) == 1 and len(lost) == len(agents) - 1, results
    assert all(isinstance(error, DomainError) for error in lost), lost
    assert all("vient d'être appelé par un autre agent" in error.message for error in lost)
    ticket.refresh_from_db()
    assert ticket.status == Status.CALLED and ticket.agent_id == won[0].agent_id
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.CALLED).count() == 1
    busy = AgentProfile.objects.filter(current_status=Seat.BUSY)
    assert list(busy.values_list("user_id", flat=True)) == [won[0].agent_id]


def test_call_next_and_a_chosen_call_at_once_never_give_one_ticket_twice(committed):
    queue = make_queue()
    choosers = [make_agent(make_counter(queue.site, [queue])) for _ in range(4)]
    callers = [make_agent(make_counter(queue.site, [queue])) for _ in range(4)]
    ticket = services.create_ticket(queue=queue)

    def work(i):
        if i % 2:
            return services.call_next(by=callers[i // 2])
        return services.call_ticket(ticket=ticket, by=choosers[i // 2], reason="Priorité")

    results = in_threads(committed, work, 8)

    won = [result for result in results if isinstance(result, Ticket)]
    assert len(won) == 1, results
    assert all(isinstance(r, DomainError) for r in results if not isinstance(r, Ticket)), results
    assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.CALLED).count() == 1


# --- breaks ----------------------------------------------------------------------------------


def test_a_break_keeps_its_reason_in_the_profile_and_the_audit_until_the_agent_is_back(desk):
    _, _, agent = desk
    services.take_break(by=agent, reason=AgentProfile.BreakReason.TRAINING, note="Nouveau logiciel")

    profile = AgentProfile.objects.get(user_id=agent.user_id)
    assert (profile.current_status, profile.break_reason, profile.break_note) == (
        Seat.PAUSED,
        "training",
        "Nouveau logiciel",
    )
    entry = AuditLog.objects.filter(action="agent.status_updated").latest("id")
    assert entry.after["break_reason"] == "training"
    assert entry.after["break_note"] == "Nouveau logiciel"

    services.set_agent_status(by=agent, status=Seat.AVAILABLE)
    profile.refresh_from_db()
    assert (profile.break_reason, profile.break_note) == ("", "")
    back = AuditLog.objects.filter(action="agent.status_updated").latest("id")
    assert back.before["break_reason"] == "training" and back.after["break_reason"] == ""


@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [
        ("", "", "Choisissez le motif"),
        ("sieste", "", "Choisissez le motif"),
        ("other", "  ", "Précisez le motif"),
        ("other", "x" * 121, "caractères"),
    ],
)
def test_a_break_needs_a_known_reason_and_other_needs_words(desk, reason, note, message):
    _, _, agent = desk
    with pytest.raises(DomainError, match=message):
        services.take_break(by=agent, reason=reason, note=note)

    profile = AgentProfile.objects.get(user_id=agent.user_id)
    assert profile.current_status == Seat.AVAILABLE and profile.break_reason == ""
    assert not AuditLog.objects.filter(action="agent.status_updated").exists()


def test_no_break_while_holding_a_ticket(desk):
    queue, _, agent = desk
    services.create_ticket(queue=queue)
    services.call_next(by=agent)
    with pytest.raises(DomainError, match="Terminez ou transférez"):
        services.take_break(by=agent, reason=AgentProfile.BreakReason.LUNCH)
    assert AgentProfile.objects.get(user_id=agent.user_id).break_reason == ""


# --- auto-call and waits -----------------------------------------------------------------------


def test_auto_call_is_off_by_default_remembered_and_audited(desk):
    _, _, agent = desk
    assert AgentProfile.objects.get(user_id=agent.user_id).auto_call is False

    services.set_auto_call(by=agent, on=True)

    assert AgentProfile.objects.get(user_id=agent.user_id).auto_call is True
    entry = AuditLog.objects.get(action="agent.auto_call_updated")
    assert (entry.before, entry.after) == ({"auto_call": False}, {"auto_call": True})
    services.set_auto_call(by=agent, on=False)
    assert AgentProfile.objects.get(user_id=agent.user_id).auto_call is False


def test_waiting_lists_give_each_ticket_its_wait_and_whether_it_is_past_the_sla(alpha):
    queue = make_queue(sla_seconds=600)
    now = clock.now()
    with clock.frozen_at(now - timedelta(minutes=15)):
        late = services.create_ticket(queue=queue)
    with clock.frozen_at(now - timedelta(minutes=2)):
        recent = services.create_ticket(queue=queue)

    with clock.frozen_at(now):
        (shown,) = waiting_lists([queue])

    waits = {t.pk: (t.waited_seconds, t.past_sla) for t in shown.tickets}
    assert waits == {late.pk: (900, True), recent.pk: (120, False)}
