"""From an engine event to the messages it causes: rows in the outbox, one per key.

Runs in a Huey task (plan_event), never in the agent's request. Keys make it idempotent: the
same event planned twice writes nothing new, so each event reaches a ticket at most once."""

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.urls import reverse
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from smartqueue.notifications.models import (
    Channel,
    Event,
    Notification,
    NotificationTemplate,
    PendingEvent,
)
from smartqueue.notifications.outbox import add
from smartqueue.notifications.webhooks import for_endpoints
from smartqueue.queues import clock
from smartqueue.queues.estimates import estimated_wait_seconds
from smartqueue.queues.events import DomainEvent
from smartqueue.queues.models import AgentProfile, Appointment, Customer, Ticket
from smartqueue.queues.ordering import waiting_in_order
from smartqueue.tenants.services import current_tenant

logger = logging.getLogger(__name__)
# Engine events that change who is near the head of a queue.
MOVES_THE_LINE = {
    "ticket.called",
    "ticket.cancelled",
    "ticket.transferred",
    "ticket.paused",
    "ticket.resumed",
}
EVENT_NAMESPACE = uuid.UUID("6f1c2a52-2b8a-4d4e-9a53-5e0c7d1f9b10")


NOTIFIED = ("ticket.", "agent.", "appointment.", "feedback.")


def record_events(batch: Sequence[DomainEvent]) -> None:
    """Recorder (inside the engine's transaction): the events are kept until they are planned,
    a step's events in one plain statement (this runs on every engine step)."""
    kept = [event for event in batch if event.name.startswith(NOTIFIED)]
    if not kept:
        return
    now = clock.now()
    values: list = []
    for event in kept:
        values += [event.id, event.name, Jsonb(event.data), now]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notifications_pendingevent (id, name, data, created_at) VALUES "
            + ", ".join(["(%s, %s, %s, %s)"] * len(kept)),
            values,
        )


def plan_pending(pending_id: str | None, name: str, data: dict) -> list[Notification]:
    """Plan an event once: its pending row is deleted in the planning's transaction, so the
    sweeper and a late task do not both plan it (keys would make the second a no-op anyway)."""
    if pending_id is not None:
        deleted, _ = PendingEvent.objects.filter(pk=pending_id).delete()
        if not deleted:
            return []  # planned already
    return plan(name, data)


def lost_events(older_than: timedelta, limit: int = 200) -> list[PendingEvent]:
    """Events nobody planned in time: their task was lost."""
    cutoff = clock.now() - older_than
    return list(PendingEvent.objects.filter(created_at__lt=cutoff).order_by("created_at")[:limit])


def plan(name: str, data: dict) -> list[Notification]:
    """Every row this event calls for, in the current tenant's schema."""
    rows: list[Notification | None] = []
    ticket = ticket_of(data)
    if ticket is not None:
        if name == "ticket.created":
            rows += for_customer(ticket, Event.TICKET_CREATED)
        elif name == "ticket.called":
            rows += for_customer(ticket, Event.TICKET_CALLED)
        elif name == "ticket.closed" and ticket.outcome == Ticket.Outcome.SERVED:
            rows += for_customer(ticket, Event.FEEDBACK_REQUEST)
        if name in MOVES_THE_LINE:
            rows += approaching(ticket.queue)
    rows += for_endpoints(name, data, event_id(name, data))
    return [row for row in rows if row is not None]


def event_id(name: str, data: dict) -> uuid.UUID:
    """The same event always gets the same id: receivers de-duplicate on it."""
    schema = getattr(connection, "schema_name", "")
    return uuid.uuid5(EVENT_NAMESPACE, json.dumps([schema, name, data], sort_keys=True))


def ticket_of(data: dict) -> Ticket | None:
    if not data.get("ticket_id"):
        return None
    return (
        Ticket.objects.select_related("queue__site", "queue__service", "customer", "counter")
        .filter(pk=data["ticket_id"])
        .first()
    )


def approaching(queue) -> list[Notification | None]:
    """The tickets now within the service's threshold of the head hear it, once each."""
    threshold = queue.service.approaching_position
    if not threshold:
        return []
    near = waiting_in_order(queue).select_related("queue__site", "queue__service", "customer")
    rows: list[Notification | None] = []
    for position, ticket in enumerate(near[:threshold], start=1):
        rows += for_customer(ticket, Event.TICKET_APPROACHING, position=position)
    return rows


def channels_of(customer: Customer | None) -> list[tuple[str, str]]:
    """(channel, address) the customer agreed to; nothing for an opted-out customer."""
    if customer is None or not customer.is_active:
        return []
    chosen: list[tuple[str, str]] = []
    if customer.notify_sms and customer.phone:
        chosen.append((Channel.SMS, customer.phone))
    if customer.notify_whatsapp and customer.phone:
        chosen.append((Channel.WHATSAPP, customer.phone))
    if customer.notify_email and customer.email:
        chosen.append((Channel.EMAIL, customer.email))
    return chosen


def for_customer(ticket: Ticket, event: str, *, position: int | None = None) -> list:
    return messages_to(
        ticket.customer,
        event,
        key=f"{ticket.pk}:{event}",
        variables=lambda: ticket_variables(ticket, position),
        ticket=ticket,
    )


def messages_to(customer: Customer | None, event: str, *, key: str, variables, **about) -> list:
    """One outbox row per channel the customer chose, in their language; `about` links the
    row to its ticket or appointment. `variables` is called only if something is sent."""
    rows = []
    for channel, address in channels_of(customer):
        template = template_for(event, channel, customer.language if customer else "fr")
        if template is None:
            continue
        values = variables()
        rows.append(
            add(
                f"{key}:{channel}",
                event=event,
                channel=channel,
                recipient=address,
                subject=render(template.subject, values),
                body=render(template.body, values),
                customer=customer,
                **about,
            )
        )
    return rows


def appointment_reminders(now) -> list[Notification]:
    """Appointments whose reminder time has come (each service says how long before), once."""
    soon = Appointment.objects.filter(
        status=Appointment.Status.SCHEDULED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(days=2),
    ).select_related("service", "site", "customer")
    due = [a for a in soon if a.starts_at - timedelta(minutes=a.service.reminder_minutes) <= now]
    Appointment.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=now)
    rows: list[Notification | None] = []
    for appointment in due:
        rows += for_appointment(appointment, Event.APPOINTMENT_REMINDER)
    return [row for row in rows if row is not None]


def for_appointment(appointment: Appointment, event: str) -> list:
    return messages_to(
        appointment.customer,
        event,
        key=f"{appointment.pk}:{event}",
        variables=lambda: appointment_variables(appointment),
        appointment=appointment,
    )


def appointment_variables(appointment: Appointment) -> dict:
    site = appointment.site
    local = appointment.starts_at.astimezone(site.zone) if site else appointment.starts_at
    tenant = current_tenant()
    slug = tenant.slug if tenant else ""
    return {
        "appointment_code": appointment.code,
        "appointment_time": f"{local:%d/%m/%Y %H:%M}",
        "site_name": site.name if site else "",
        "queue_name": appointment.service.name,
        "tracking_url": public_url("booking", slug, appointment_id=appointment.pk),
    }


def template_for(event: str, channel: str, language: str) -> NotificationTemplate | None:
    """The customer's language, else French; an organisation may switch a template off."""
    found = {
        t.language: t
        for t in NotificationTemplate.objects.filter(
            event=event, channel=channel, language__in=[language, "fr"]
        )
    }
    template = found.get(language) or found.get("fr")
    return template if template is not None and template.is_active else None


def desk_name(ticket: Ticket) -> str:
    """The counter, or the desk of the agent who called without one (services.call_next)."""
    if ticket.counter:
        return ticket.counter.name
    if ticket.agent_id is None:
        return ""
    profile = AgentProfile.objects.filter(user_id=ticket.agent_id).select_related("user")
    found = profile.first()
    return found.desk_label if found else ""


def ticket_variables(ticket: Ticket, position: int | None) -> dict:
    queue = ticket.queue
    eta = estimated_wait_seconds(queue, position) if position else 0
    return {
        "ticket_number": ticket.number,
        "queue_name": queue.name,
        "site_name": queue.site.name,
        "position": position or "",
        "eta_minutes": round(eta / 60) if position else "",
        "counter_name": desk_name(ticket),
        "tracking_url": tracking_url(ticket),
    }


def tracking_url(ticket: Ticket) -> str:
    tenant = current_tenant()
    slug = tenant.slug if tenant else ""
    language = ticket.customer.language if ticket.customer else "fr"
    return public_url("ticket", slug, ticket_id=ticket.pk) + f"?lang={language}"


VARIABLES = {
    "ticket_number",
    "queue_name",
    "site_name",
    "position",
    "eta_minutes",
    "counter_name",
    "tracking_url",
    "appointment_code",
    "appointment_time",
}


def check_template(text: str) -> str:
    """For the settings form: the text must compile and name only known variables."""
    from django import forms

    try:
        template = Engine.get_default().from_string(text or "")
    except TemplateSyntaxError as error:
        raise forms.ValidationError(_("Modèle invalide : %(error)s") % {"error": error}) from None
    nodes: list = template.nodelist.get_nodes_by_type(VariableNode)
    used = {
        node.filter_expression.var.var
        for node in nodes
        if hasattr(node.filter_expression.var, "var")
    }
    unknown = sorted(str(name) for name in used if str(name).split(".")[0] not in VARIABLES)
    if unknown:
        raise forms.ValidationError(
            _("Variables inconnues : %(names)s") % {"names": ", ".join(unknown)}
        )
    return text


def render(text: str, variables: dict) -> str:
    """Plain text (SMS, WhatsApp, mail body): no HTML escaping of names."""
    if not text:
        return ""
    try:
        template = Engine.get_default().from_string(text)
    except TemplateSyntaxError:
        return text  # the settings form refuses broken templates; an old one is sent as is
    return template.render(Context(variables, autoescape=False)).strip()


def public_url(name: str, tenant_slug: str, **kwargs) -> str:
    """The address a customer opens from a message: PUBLIC_URL and the page's route."""
    return settings.PUBLIC_URL + reverse(name, kwargs={"tenant_slug": tenant_slug, **kwargs})
