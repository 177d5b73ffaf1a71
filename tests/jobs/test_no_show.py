"""A call nobody answers becomes a no-show once the service's timeout has passed since the last
call or recall: written as an engine step (history, audit, event) and the agent is free again.
A ticket the agent starts at that moment stays theirs."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from smartqueue.errors import DomainError
from smartqueue.queues import clock, services
from smartqueue.queues.automatic import expire_unanswered_calls
from smartqueue.queues.models import AgentProfile, AuditLog, Ticket, TicketEvent
from tests.factories import make_agent, make_counter, make_queue
from tests.jobs.conftest import T0, at, called_at

Status = Ticket.Status


def expire(moment):
    with clock.frozen_at(moment):
        return expire_unanswered_calls(moment)


def test_a_call_becomes_a_no_show_at_the_timeout_and_not_before(desk):
    ticket = called_at(desk, T0)
    assert expire(T0 + timedelta(seconds=179)) == []
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CALLED

    assert [t.pk for t in expire(T0 + timedelta(seconds=180))] == [ticket.pk]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == (Status.NO_SHOW, Ticket.Outcome.NO_SHOW)
    assert ticket.ended_at == T0 + timedelta(seconds=180)


def test_the_timeout_is_the_services_and_counts_from_the_last_recall(desk):
    queue, _, agent = desk
    queue.service.no_show_after_seconds = 60
    queue.service.save()
    ticket = called_at(desk, T0)
    with at(T0, seconds=50):
        services.recall(ticket=ticket, by=agent)
    assert expire(T0 + timedelta(seconds=100)) == []  # 50 s after the recall
    assert len(expire(T0 + timedelta(seconds=110))) == 1


def test_the_no_show_is_written_as_a_system_step_and_frees_the_agent(
    desk, published, django_capture_on_commit_callbacks
):
    queue, _, agent = desk
    ticket = called_at(desk, T0)
    with django_capture_on_commit_callbacks(execute=True):
        expire(T0 + timedelta(minutes=5))

    step = TicketEvent.objects.filter(ticket=ticket).last()
    assert (step.kind, step.actor_id) == (TicketEvent.Kind.NO_SHOW, None)
    entry = AuditLog.objects.filter(action="ticket.no_show").get()
    assert (entry.actor_label, entry.before["status"], entry.after["status"]) == (
        "système",
        "appele",
        "no_show",
    )
    assert [e.name for e in published] == ["agent.status_updated", "ticket.no_show"]
    profile = AgentProfile.objects.get(user_id=agent.user.pk)
    assert profile.current_status == AgentProfile.Status.AVAILABLE
    with at(T0, minutes=6):
        services.create_ticket(queue=queue)
        assert services.call_next(by=agent).number == "A002"


def test_the_agent_can_still_recall_a_no_show_who_turns_up(desk):
    _, _, agent = desk
    ticket = called_at(desk, T0)
    expire(T0 + timedelta(minutes=5))
    with at(T0, minutes=7):
        ticket = services.recall(ticket=ticket, by=agent)
    assert ticket.status == Status.CALLED
    assert expire(T0 + timedelta(minutes=8)) == []  # a fresh call: the timeout starts again


def test_started_closed_and_waiting_tickets_are_not_touched(desk):
    queue, _, agent = desk
    started = called_at(desk, T0)
    services.start_service(ticket=started, by=agent)
    with at(T0):
        waiting = services.create_ticket(queue=queue)
    assert expire(T0 + timedelta(hours=1)) == []
    assert Ticket.objects.get(pk=started.pk).status == Status.IN_SERVICE
    assert Ticket.objects.get(pk=waiting.pk).status == Status.WAITING


def test_an_agent_who_starts_after_the_no_show_hears_a_clear_refusal(desk):
    _, _, agent = desk
    ticket = called_at(desk, T0)
    expire(T0 + timedelta(minutes=5))
    with pytest.raises(DomainError, match="absent"):
        services.start_service(ticket=ticket, by=agent)


def test_a_call_being_started_at_that_very_moment_is_left_to_the_agent(committed):
    """The agent's start_service holds the ticket's lock: the job skips it (SKIP LOCKED), does
    not wait, and the agent's step commits."""
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    long_ago = clock.now() - timedelta(minutes=10)
    with clock.frozen_at(long_ago):
        services.create_ticket(queue=queue)
        ticket = services.call_next(by=agent)
    started, release = threading.Event(), threading.Event()

    def agent_starts() -> None:
        connection.set_tenant(committed)
        try:
            with transaction.atomic():
                services.start_service(ticket=ticket, by=agent)
                started.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=agent_starts)
    thread.start()
    try:
        assert started.wait(10)
        begun = time.monotonic()
        expired = expire_unanswered_calls(clock.now())
        waited = time.monotonic() - begun
    finally:
        release.set()
        thread.join(30)
    assert expired == [] and waited < 5  # skipped, not waited for
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_SERVICE
