"""At the site's local closing time, tickets still waiting (or paused) are closed as cancelled
when the site says "expire", and kept for the next day when it says "keep"."""

from datetime import UTC, datetime, time, timedelta

import pytest

from smartqueue.queues import clock, services
from smartqueue.queues.automatic import close_day
from smartqueue.queues.models import AuditLog, Site, Ticket, TicketEvent
from tests.factories import make_agent, make_counter, make_queue, make_site
from tests.jobs.conftest import at

Status = Ticket.Status
WINTER_MORNING = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # Paris UTC+1, Dakar UTC+0
SUMMER_MORNING = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)  # Paris UTC+2, Dakar UTC+0


def waiting_ticket(site: Site, moment: datetime) -> Ticket:
    with clock.frozen_at(moment):
        return services.create_ticket(queue=make_queue(site), customer_name="Awa")


def run_close_day(site: Site, moment: datetime) -> list[Ticket]:
    with clock.frozen_at(moment):
        return close_day(Site.objects.get(pk=site.pk), moment)


def status_of(ticket: Ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


@pytest.mark.parametrize(
    ("morning", "utc_hour", "paris_closed", "dakar_closed"),
    [
        (WINTER_MORNING, time(16, 59), False, False),
        (WINTER_MORNING, time(17, 0), True, False),  # 18:00 in Paris, 17:00 in Dakar
        (WINTER_MORNING, time(18, 0), True, True),
        (SUMMER_MORNING, time(16, 0), True, False),  # summer time: 18:00 in Paris at 16:00 UTC
    ],
)
def test_the_day_closes_at_the_sites_own_local_time(
    alpha, morning, utc_hour, paris_closed, dakar_closed
):
    paris, dakar = make_site(timezone="Europe/Paris"), make_site(timezone="Africa/Dakar")
    in_paris, in_dakar = waiting_ticket(paris, morning), waiting_ticket(dakar, morning)
    moment = datetime.combine(morning.date(), utc_hour, tzinfo=UTC)

    run_close_day(paris, moment)
    run_close_day(dakar, moment)

    assert (status_of(in_paris) == Status.CLOSED) is paris_closed
    assert (status_of(in_dakar) == Status.CLOSED) is dakar_closed


def test_left_overs_are_cancelled_by_the_system_with_history_audit_and_event(
    alpha, published, django_capture_on_commit_callbacks
):
    site = make_site()
    queue = make_queue(site)
    agent = make_agent(make_counter(site, [queue]))
    with at(WINTER_MORNING):
        services.create_ticket(queue=queue)
        paused = services.pause_ticket(ticket=services.call_next(by=agent), by=agent)
        services.create_ticket(queue=queue)
        in_service = services.start_service(ticket=services.call_next(by=agent), by=agent)
        waiting = services.create_ticket(queue=queue)
    with django_capture_on_commit_callbacks(execute=True):
        closed = run_close_day(site, WINTER_MORNING.replace(hour=18))

    assert {t.pk for t in closed} == {waiting.pk, paused.pk}
    for ticket in (waiting, paused):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.outcome) == (Status.CLOSED, Ticket.Outcome.CANCELLED)
        step = TicketEvent.objects.filter(ticket=ticket).last()
        assert (step.kind, step.actor_id) == (TicketEvent.Kind.CANCELLED, None)
    assert AuditLog.objects.filter(action="ticket.cancelled", actor_label="système").count() == 2
    assert [e.name for e in published].count("ticket.cancelled") == 2
    assert status_of(in_service) == Status.IN_SERVICE  # in an agent's hands: theirs to finish


def test_a_site_that_keeps_its_tickets_closes_nothing(alpha):
    site = make_site()
    site.end_of_day = Site.EndOfDay.KEEP
    site.save()
    ticket = waiting_ticket(site, WINTER_MORNING)
    assert run_close_day(site, WINTER_MORNING.replace(hour=20)) == []
    assert run_close_day(site, WINTER_MORNING + timedelta(days=1)) == []
    assert status_of(ticket) == Status.WAITING


def test_the_closing_time_is_the_sites_setting(alpha):
    site = make_site()
    site.closing_time = time(13, 30)
    site.save()
    ticket = waiting_ticket(site, WINTER_MORNING)
    assert run_close_day(site, WINTER_MORNING.replace(hour=13, minute=29)) == []
    assert len(run_close_day(site, WINTER_MORNING.replace(hour=13, minute=30))) == 1
    assert status_of(ticket) == Status.CLOSED


def test_a_ticket_taken_after_closing_stays_until_its_day_is_over(alpha):
    site = make_site()
    late = waiting_ticket(site, WINTER_MORNING.replace(hour=18, minute=5))
    assert run_close_day(site, WINTER_MORNING.replace(hour=18, minute=6)) == []
    assert run_close_day(site, WINTER_MORNING.replace(hour=23, minute=59)) == []
    next_morning = WINTER_MORNING + timedelta(days=1)
    assert [t.pk for t in run_close_day(site, next_morning)] == [late.pk]


def test_left_overs_of_days_the_job_missed_close_on_the_next_run(alpha):
    site = make_site()
    queue = make_queue(site)
    agent = make_agent(make_counter(site, [queue]))
    forgotten = waiting_ticket(site, WINTER_MORNING - timedelta(days=30))
    with at(WINTER_MORNING):
        services.create_ticket(queue=queue)
        set_aside = services.pause_ticket(ticket=services.call_next(by=agent), by=agent)
    today = waiting_ticket(site, WINTER_MORNING + timedelta(days=2))
    closed = run_close_day(site, WINTER_MORNING + timedelta(days=2, hours=1))
    assert {t.pk for t in closed} == {forgotten.pk, set_aside.pk}
    assert status_of(today) == Status.WAITING


def test_only_the_sites_own_tickets_close(alpha):
    closing, other = make_site(timezone="Europe/Paris"), make_site(timezone="Africa/Dakar")
    here, there = waiting_ticket(closing, WINTER_MORNING), waiting_ticket(other, WINTER_MORNING)
    run_close_day(closing, WINTER_MORNING.replace(hour=17, minute=30))
    assert (status_of(here), status_of(there)) == (Status.CLOSED, Status.WAITING)
