"""Feedback (read:feedback to list, manage:ticket to record a customer's answer) and messages
to customers (send:notification) through the outbox: one message per Idempotency-Key, however
often the caller retries, sent after commit by the outbox's worker (retries, sweeper)."""

from functools import partial

from django.db import connection, transaction
from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from smartqueue.api.schemas import (
    FeedbackFilters,
    FeedbackIn,
    FeedbackOut,
    MessageIn,
    MessageOut,
    TenantSlug,
)
from smartqueue.api.support import ApiError, PageNumbers, TokenAuth
from smartqueue.core.redis_client import UNREACHABLE
from smartqueue.feedback.models import Feedback
from smartqueue.feedback.services import record_feedback
from smartqueue.notifications import outbox
from smartqueue.notifications.models import Notification
from smartqueue.notifications.planning import channels_of
from smartqueue.queues.models import Customer, Ticket

feedback = Router(tags=["feedback"])
notifications = Router(tags=["notifications"])
API_MESSAGE = "api_message"


def row_named(manager, pk, name: str):
    row = manager.filter(pk=pk).first() if pk is not None else None
    if pk is not None and row is None:
        raise ApiError(400, {name: [f"« {pk} » n'est pas un choix valide."]})
    return row


@feedback.get("/", response=list[FeedbackOut], auth=TokenAuth("read:feedback"), summary="List")
@paginate(PageNumbers)
def feedback_list(request, tenant_slug: TenantSlug, filters: Query[FeedbackFilters]):
    wanted = {"service_id": filters.service, "agent_id": filters.agent, "ticket_id": filters.ticket}
    conditions = {name: value for name, value in wanted.items() if value is not None}
    return Feedback.objects.filter(**conditions).order_by("-created_at", "-id")


@feedback.post(
    "/", response={201: FeedbackOut}, auth=TokenAuth("manage:ticket"), summary="Record one"
)
def feedback_create(request, tenant_slug: TenantSlug, payload: FeedbackIn):
    """A served ticket's customer's answer (CSAT 1–5, NPS 0–10), once a ticket."""
    ticket = row_named(Ticket.objects.select_related("queue"), payload.ticket, "ticket")
    answer = record_feedback(
        ticket=ticket, csat=payload.csat, nps=payload.nps, comment=payload.comment or ""
    )
    return Status(201, answer)


@notifications.post(
    "/",
    response={200: MessageOut, 201: MessageOut},
    auth=TokenAuth("send:notification"),
    summary="Send a message to a customer",
)
def send_message(
    request,
    tenant_slug: TenantSlug,
    payload: MessageIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        description="The caller's key: the same key again sends nothing more (200, the first "
        "message).",
    ),
):
    """On a channel the customer agreed to (the first of SMS, WhatsApp, e-mail if none is
    named). 201 when written, 200 when this key was already used (nothing more is sent)."""
    key = f"api:{idempotency_key}"
    known = Notification.objects.filter(key=key).first()
    if known is not None:
        return Status(200, known)
    customer = row_named(Customer.objects, payload.customer, "customer")
    ticket = row_named(Ticket.objects, payload.ticket, "ticket")
    agreed = dict(channels_of(customer))
    channel: str | None = payload.channel or next(iter(agreed.keys()), None)
    if channel not in agreed:
        raise ApiError(400, {"error": "Ce client n'accepte pas de messages sur ce canal."})
    with transaction.atomic():
        row = outbox.add(
            key,
            event=API_MESSAGE,
            channel=channel,
            recipient=agreed[channel],
            subject=payload.subject or "",
            body=payload.body,
            customer=customer,
            ticket=ticket,
        )
        if row is None:  # the same key, sent at the same moment by a retry
            return Status(200, Notification.objects.get(key=key))
        schema = connection.schema_name  # type: ignore[attr-defined]  # django-tenants'
        transaction.on_commit(partial(hand_over, schema, str(row.pk)))
    return Status(201, row)


def hand_over(schema_name: str, notification_id: str) -> None:
    """To the outbox's worker; with Redis away the sweeper sends the committed row later."""
    from smartqueue.notifications.tasks import deliver

    try:
        deliver(schema_name, notification_id)
    except UNREACHABLE:
        pass
