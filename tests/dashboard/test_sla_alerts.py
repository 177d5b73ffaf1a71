"""SLA alerts: the dashboard shows which queue waits past its SLA and by how much; the minute job
opens one breach per queue and tells the site's managers once per breach, if the site asks."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from smartqueue.accounts.models import Role
from smartqueue.jobs.tasks import check_sla
from smartqueue.notifications.models import Notification, SlaAlertSetting, SlaBreach
from smartqueue.notifications.sla_alerts import manager_emails
from smartqueue.queues import clock, services
from tests.factories import make_agent, make_counter, make_queue, make_user

NOON = datetime(2026, 11, 16, 12, 0, tzinfo=ZoneInfo("Africa/Dakar"))


def at(seconds: int):
    return clock.frozen_at(NOON + timedelta(seconds=seconds))


@pytest.fixture
def queue(alpha):
    """A queue with a 10-minute SLA and one customer waiting since noon."""
    queue = make_queue(sla_seconds=600)
    with at(0):
        services.create_ticket(queue=queue)
    return queue


def alerts() -> list[Notification]:
    return list(Notification.objects.filter(event="sla.breached").order_by("channel"))


def test_the_dashboard_shows_the_queue_and_how_long_past(client, queue, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    with at(599):
        page = client.get(f"/t/alpha/dashboard/?site={queue.site_id}").content.decode()
    assert 'data-testid="sla-alert"' not in page
    with at(600 + 180):
        board = client.get(f"/t/alpha/dashboard/?site={queue.site_id}&fragment=board")
    alert = board.content.decode().split('data-testid="sla-alert"')[1].split("</div>")[0]
    assert queue.name in alert and "<strong>3 min</strong>" in alert and "13 min" in alert


def test_two_runs_of_the_job_send_one_message_per_recipient(queue, tenants):
    SlaAlertSetting.objects.create(site=queue.site, by_email=True, sms_to="+221771234567")
    make_user(tenant=tenants.alpha, role=Role.MANAGER)
    make_user(tenant=tenants.alpha, role=Role.AGENT)  # agents are not told
    emails = manager_emails(tenants.alpha)
    with at(599):
        check_sla(tenants.alpha.schema_name)
    assert alerts() == [] and not SlaBreach.objects.exists()
    with at(660):
        check_sla(tenants.alpha.schema_name)
    with at(720):
        check_sla(tenants.alpha.schema_name)
    sent = alerts()
    assert [(n.channel, n.recipient) for n in sent] == sorted(
        [("email", email) for email in emails] + [("sms", "+221771234567")]
    )
    assert len(emails) >= 2 and all(n.status == Notification.Status.SENT for n in sent)
    assert "dépasse l'objectif de 10 min de 1 min" in sent[0].body
    assert SlaBreach.objects.get().started_at == NOON + timedelta(seconds=600)


def test_a_new_breach_after_the_queue_caught_up_is_told_again(queue, tenants):
    SlaAlertSetting.objects.create(site=queue.site, by_email=False, sms_to="+221771234567")
    agent = make_agent(make_counter(queue.site, [queue]))
    with at(700):
        check_sla(tenants.alpha.schema_name)
        services.call_next(by=agent)
        services.create_ticket(queue=queue)
    with at(760):
        check_sla(tenants.alpha.schema_name)  # the queue caught up: the breach ends
    assert SlaBreach.objects.get().ended_at == NOON + timedelta(seconds=760)
    with at(700 + 601):
        check_sla(tenants.alpha.schema_name)
    assert len(alerts()) == 2 and SlaBreach.objects.filter(ended_at__isnull=True).count() == 1


def test_without_the_setting_no_message_but_the_dashboards_hear_of_it(
    queue, tenants, published, django_capture_on_commit_callbacks
):
    SlaAlertSetting.objects.create(site=queue.site, sms_to="+221771234567", is_active=False)
    with django_capture_on_commit_callbacks(execute=True), at(660):
        check_sla(tenants.alpha.schema_name)
    assert alerts() == [] and SlaBreach.objects.count() == 1
    [event] = [e for e in published if e.name == "sla.breached"]
    assert event.data["site_id"] == str(queue.site_id)


def test_a_manager_turns_the_messages_on_and_a_bad_number_is_refused(client, queue, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    form = {
        "site": str(queue.site_id),
        "by_email": "on",
        "sms_to": "77 123 45 67, 12",
        "is_active": "on",
    }
    refused = client.post("/t/alpha/settings/sla-alerts/new/", form)
    assert "pas valide" in refused.content.decode() and not SlaAlertSetting.objects.exists()
    form["sms_to"] = "77 123 45 67, 78 765 43 21"
    assert client.post("/t/alpha/settings/sla-alerts/new/", form).status_code == 302
    saved = SlaAlertSetting.objects.get()
    assert saved.phones() == ["+221771234567", "+221787654321"] and saved.by_email
