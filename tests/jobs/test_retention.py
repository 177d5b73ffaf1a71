"""Once the tenant's retention period is over, customers' names and phone numbers are erased
from tickets; the statistics, which never read them, count those tickets as before."""

from datetime import UTC, datetime, timedelta

from smartqueue.dashboard.reports import Filters, build_report
from smartqueue.queues import clock, services
from smartqueue.queues.automatic import erase_personal_data
from smartqueue.queues.models import AuditLog, Ticket
from tests.factories import make_agent, make_counter, make_queue

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
CUTOFF = NOW - timedelta(days=365)


def visit(queue, agent, moment: datetime, *, served: bool = True) -> Ticket:
    with clock.frozen_at(moment):
        services.create_ticket(queue=queue, customer_name="Awa Diop", customer_phone="+22177000")
        ticket = services.call_next(by=agent)
        if served:
            return services.close_ticket(ticket=ticket, by=agent)
        return services.mark_no_show(ticket=ticket, by=agent)


def test_names_and_phones_go_from_old_tickets_only_and_stats_still_count_them(alpha):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    old = visit(queue, agent, NOW - timedelta(days=400))
    old_no_show = visit(queue, agent, NOW - timedelta(days=370), served=False)
    recent = visit(queue, agent, NOW - timedelta(days=10))
    with clock.frozen_at(NOW - timedelta(days=400)):
        still_waiting = services.create_ticket(queue=queue, customer_name="Moussa")
    period = Filters(start=(NOW - timedelta(days=500)).date(), end=NOW.date())
    figures = build_report(period).figures

    with clock.frozen_at(NOW):
        assert erase_personal_data(CUTOFF) == 2

    for ticket in (old, old_no_show):
        ticket.refresh_from_db()
        assert (ticket.customer_name, ticket.customer_phone) == ("", "")
        assert ticket.outcome and ticket.ended_at and ticket.called_at  # the facts stay
    recent.refresh_from_db()
    assert (recent.customer_name, recent.customer_phone) == ("Awa Diop", "+22177000")
    assert Ticket.objects.get(pk=still_waiting.pk).customer_name == "Moussa"  # not ended
    assert build_report(period).figures == figures
    entry = AuditLog.objects.get(action="ticket.personal_data_erased")
    assert (entry.actor_label, entry.after) == ("système", {"tickets": 2})


def test_a_second_run_finds_nothing_left_to_erase(alpha):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    visit(queue, agent, NOW - timedelta(days=400))
    assert erase_personal_data(CUTOFF) == 1
    assert erase_personal_data(CUTOFF) == 0
    assert AuditLog.objects.filter(action="ticket.personal_data_erased").count() == 1
