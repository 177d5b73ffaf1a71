"""SLA alerts: a queue whose longest current wait passes its service's SLA target opens a
breach; the site's dashboards hear of it at once and, if the site asks for it, its managers get
one message per breach (by email and/or SMS, through the outbox). Run by the minute job.

Longest wait as on the dashboard: now − creation of the oldest waiting ticket."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import translation
from django.utils.translation import gettext as _

from smartqueue.accounts.models import Membership, Role
from smartqueue.notifications.models import Channel, Notification, SlaAlertSetting, SlaBreach
from smartqueue.notifications.outbox import add
from smartqueue.queues import events
from smartqueue.queues.models import Ticket
from smartqueue.queues.templatetags.durations import duration

EVENT = "sla.breached"


@dataclass
class PastSla:
    queue_id: UUID
    queue_name: str
    site_id: UUID
    site_name: str
    sla_seconds: int
    oldest: datetime  # creation of the longest-waiting ticket

    @property
    def started_at(self) -> datetime:
        return self.oldest + timedelta(seconds=self.sla_seconds)

    def waited(self, now: datetime) -> int:
        return round((now - self.oldest).total_seconds())


def queues_past_sla(now: datetime) -> dict:
    """Every queue whose oldest waiting ticket has waited longer than its SLA: one query."""
    rows = (
        Ticket.objects.filter(status=Ticket.Status.WAITING)
        .values(
            "queue_id",
            "queue__name",
            "queue__site_id",
            "queue__site__name",
            "queue__service__sla_seconds",
        )
        .annotate(oldest=Min("created_at"))
        .order_by()
    )
    found = {}
    for row in rows:
        past = PastSla(
            queue_id=row["queue_id"],
            queue_name=row["queue__name"],
            site_id=row["queue__site_id"],
            site_name=row["queue__site__name"],
            sla_seconds=row["queue__service__sla_seconds"],
            oldest=row["oldest"],
        )
        if past.started_at < now:
            found[past.queue_id] = past
    return found


def check_breaches(tenant, now: datetime) -> list[Notification]:
    """Close the breaches that ended, open the new ones; returns the messages to send."""
    past = queues_past_sla(now)
    SlaBreach.objects.filter(ended_at__isnull=True).exclude(queue_id__in=list(past)).update(
        ended_at=now
    )
    already = set(
        SlaBreach.objects.filter(ended_at__isnull=True).values_list("queue_id", flat=True)
    )
    messages: list[Notification] = []
    for queue_id, breach in past.items():
        if queue_id in already:
            continue  # told when it began: once per breach
        opened = open_breach(breach, now)
        if opened is not None:
            messages += tell_managers(tenant, opened, breach, now)
    return messages


def open_breach(past: PastSla, now: datetime) -> SlaBreach | None:
    """The breach's row, or None when another run opened it first (the database keeps one)."""
    try:
        with transaction.atomic():
            breach = SlaBreach.objects.create(
                queue_id=past.queue_id, started_at=past.started_at, seen_at=now
            )
            # The dashboards refresh their board, alert included: nothing else changed.
            events.publish(EVENT, site_id=str(past.site_id), alert_queue_id=str(past.queue_id))
    except IntegrityError:
        return None
    return breach


def tell_managers(tenant, breach: SlaBreach, past: PastSla, now: datetime) -> list[Notification]:
    setting = SlaAlertSetting.objects.filter(site_id=past.site_id, is_active=True).first()
    if setting is None:
        return []
    subject, body = message(past, now)
    recipients = [(Channel.SMS, phone) for phone in setting.phones()]
    if setting.by_email:
        recipients += [(Channel.EMAIL, email) for email in manager_emails(tenant)]
    rows = [
        add(
            f"sla-breach:{breach.pk}:{channel}:{recipient}",
            event=EVENT,
            channel=channel,
            recipient=recipient,
            subject=subject if channel == Channel.EMAIL else "",
            body=body,
        )
        for channel, recipient in recipients
    ]
    return [row for row in rows if row is not None]


def manager_emails(tenant) -> list[str]:
    return list(
        Membership.objects.filter(
            tenant=tenant, role__in=(Role.ADMIN, Role.MANAGER), is_active=True, user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def message(past: PastSla, now: datetime) -> tuple[str, str]:
    """In the organisation's language (French by default): staff have no language of their own
    on record here."""
    waited = past.waited(now)
    words = {
        "site": past.site_name,
        "queue": past.queue_name,
        "over": duration(waited - past.sla_seconds),
        "wait": duration(waited),
        "sla": duration(past.sla_seconds),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Alerte SLA : %(queue)s (%(site)s)") % words
        body = (
            _(
                "%(site)s : dans la file « %(queue)s », la plus longue attente (%(wait)s) "
                "dépasse l'objectif de %(sla)s de %(over)s."
            )
            % words
        )
    return subject, body
