"""What each resource looks like in JSON: one function per resource, used by every endpoint
(and described, field for field, in schema.py)."""

from datetime import datetime
from decimal import Decimal

from smartqueue.notifications.models import WebhookEndpoint
from smartqueue.queues.models import (
    AgentProfile,
    Appointment,
    Counter,
    Customer,
    Queue,
    Service,
    Site,
    Ticket,
)


def text(value) -> str | None:
    return str(value) if value is not None else None


def moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def tenant_json(tenant) -> dict:
    return {
        "id": str(tenant.id),
        "name": tenant.name,
        "slug": tenant.slug,
        "is_active": tenant.is_active,
        "created_at": moment(tenant.created_at),
    }


def site_json(site: Site) -> dict:
    return {
        "id": str(site.id),
        "name": site.name,
        "slug": site.slug,
        "address": site.address,
        "city": site.city,
        "country": site.country,
        "latitude": number(site.latitude),
        "longitude": number(site.longitude),
        "phone": site.phone,
        "timezone": site.timezone,
        "closing_time": site.closing_time.isoformat(timespec="minutes"),
        "end_of_day": site.end_of_day,
        "is_active": site.is_active,
        "created_at": moment(site.created_at),
    }


def service_json(service: Service) -> dict:
    return {
        "id": str(service.id),
        "name": service.name,
        "name_en": service.name_en,
        "name_wo": service.name_wo,
        "letter": service.letter,
        "sla_seconds": service.sla_seconds,
        "no_show_after_seconds": service.no_show_after_seconds,
        "approaching_position": service.approaching_position,
        "slot_minutes": service.slot_minutes,
        "slot_capacity": service.slot_capacity,
        "checkin_before_minutes": service.checkin_before_minutes,
        "late_after_minutes": service.late_after_minutes,
        "reminder_minutes": service.reminder_minutes,
        "priority_rules": service.priority_rules,
        "is_active": service.is_active,
        "created_at": moment(service.created_at),
    }


def counter_json(counter: Counter) -> dict:
    return {
        "id": str(counter.id),
        "name": counter.name,
        "site": str(counter.site_id),
        "queues": [str(queue.pk) for queue in counter.queues.all()],
        "is_active": counter.is_active,
    }


def queue_json(queue: Queue) -> dict:
    return {
        "id": str(queue.id),
        "name": queue.name,
        "site": str(queue.site_id),
        "service": str(queue.service_id),
        "status": queue.status,
        "algorithm": queue.algorithm,
        "created_at": moment(queue.created_at),
    }


def customer_json(customer: Customer) -> dict:
    return {
        "id": str(customer.id),
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "notify_sms": customer.notify_sms,
        "notify_email": customer.notify_email,
        "notify_whatsapp": customer.notify_whatsapp,
        "metadata": customer.metadata,
        "is_active": customer.is_active,
        "created_at": moment(customer.created_at),
    }


def ticket_json(ticket: Ticket) -> dict:
    return {
        "id": str(ticket.id),
        "number": ticket.number,
        "queue": str(ticket.queue_id),
        "customer": text(ticket.customer_id),
        "customer_name": ticket.customer_name,
        "customer_phone": ticket.customer_phone,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "status": ticket.status,
        "outcome": ticket.outcome,
        "agent": text(ticket.agent_id),
        "counter": text(ticket.counter_id),
        "created_at": moment(ticket.created_at),
        "arrived_at": moment(ticket.arrived_at),
        "called_at": moment(ticket.called_at),
        "service_started_at": moment(ticket.service_started_at),
        "paused_at": moment(ticket.paused_at),
        "ended_at": moment(ticket.ended_at),
        "recall_count": ticket.recall_count,
        "pause_reason": ticket.pause_reason,
        "transferred_from": text(ticket.transferred_from_id),
        "transfer_reason": ticket.transfer_reason,
    }


def agent_json(profile: AgentProfile) -> dict:
    return {
        "id": str(profile.id),
        "user": str(profile.user_id),
        "counter": text(profile.counter_id),
        "current_status": profile.current_status,
        "status_updated_at": moment(profile.status_updated_at),
    }


def appointment_json(appointment: Appointment) -> dict:
    return {
        "id": str(appointment.id),
        "code": appointment.code,
        "service": str(appointment.service_id),
        "site": text(appointment.site_id),
        "customer": text(appointment.customer_id),
        "starts_at": moment(appointment.starts_at),
        "ends_at": moment(appointment.ends_at),
        "status": appointment.status,
        "metadata": appointment.metadata,
        "ticket": text(appointment.ticket_id),
        "created_at": moment(appointment.created_at),
    }


def webhook_json(endpoint: WebhookEndpoint) -> dict:
    """The secret is shown to admins (manage:settings): they need it to check signatures."""
    return {
        "id": str(endpoint.id),
        "url": endpoint.url,
        "events": endpoint.events,
        "secret": endpoint.secret,
        "is_active": endpoint.is_active,
        "failing_since": moment(endpoint.failing_since),
        "disabled_reason": endpoint.disabled_reason,
        "created_at": moment(endpoint.created_at),
    }
