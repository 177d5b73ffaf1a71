"""What agents do through the API: call next, the steps of a ticket, their own status.

Each endpoint is one call to the engine; its refusals (DomainError) become the documented 400
{"error": ...} and 404 {"detail": ...}."""

from django.db.models import OuterRef, Subquery
from ninja import Router
from ninja.pagination import paginate

from smartqueue.accounts.models import Membership
from smartqueue.api.schemas import (
    AgentOut,
    AgentRow,
    AgentStatusIn,
    CallNextIn,
    NoBody,
    ReasonIn,
    TenantSlug,
    TicketOut,
    TransferIn,
)
from smartqueue.api.support import (
    ApiError,
    PageNumbers,
    TokenAuth,
    actor,
    get_or_404,
    required,
)
from smartqueue.ids import as_uuid
from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile, Counter, Queue, Ticket

WRITE_TICKET = TokenAuth("write:ticket")

ticket_steps = Router(tags=["tickets"])
agents = Router(tags=["agents"])


def optional_row(manager, raw: str | None, name: str):
    """The row named by an id in the body, None when absent; a bad or foreign id is a 400."""
    if raw in (None, ""):
        return None
    row = manager.filter(pk=as_uuid(raw)).first() if as_uuid(raw) else None
    if row is None:
        raise ApiError(400, {"error": f"{name} inconnu : {raw}"})
    return row


def reason(value: str | None) -> str:
    return (value or "").strip()[:300]


def ticket_for(pk: str) -> Ticket:
    return get_or_404(Ticket.objects.select_related("queue__site"), pk)


def step(path: str, summary: str):
    return ticket_steps.post(path, response=TicketOut, auth=WRITE_TICKET, summary=summary)


# --- tickets ---------------------------------------------------------------------------------


@step("/{str:pk}/start_service/", "Start serving the ticket")
def start_service(request, tenant_slug: TenantSlug, pk: str, body: NoBody | None = None):
    return services.start_service(ticket=ticket_for(pk), by=actor(request))


@step("/{str:pk}/close/", "Close the ticket (served)")
def close(request, tenant_slug: TenantSlug, pk: str, body: NoBody | None = None):
    return services.close_ticket(ticket=ticket_for(pk), by=actor(request))


@step("/{str:pk}/recall/", "Call the ticket again")
def recall(request, tenant_slug: TenantSlug, pk: str, body: NoBody | None = None):
    return services.recall(ticket=ticket_for(pk), by=actor(request))


@step("/{str:pk}/transfer/", "Transfer the ticket to another queue")
def transfer(request, tenant_slug: TenantSlug, pk: str, payload: TransferIn):
    ticket = ticket_for(pk)
    required(payload.target_queue_id, "target_queue_id")
    target = optional_row(Queue.objects, payload.target_queue_id, "target_queue_id")
    return services.transfer_ticket(
        ticket=ticket,
        target_queue=target,
        by=actor(request),
        reason=reason(payload.reason),
        to_back=payload.to_back,
    )


@step("/{str:pk}/pause/", "Pause the service")
def pause(request, tenant_slug: TenantSlug, pk: str, payload: ReasonIn):
    ticket = ticket_for(pk)
    return services.pause_ticket(ticket=ticket, by=actor(request), reason=reason(payload.reason))


@step("/{str:pk}/resume/", "Resume a paused service")
def resume(request, tenant_slug: TenantSlug, pk: str, body: NoBody | None = None):
    return services.resume_ticket(ticket=ticket_for(pk), by=actor(request))


@step("/{str:pk}/mark_no_show/", "The customer did not come")
def mark_no_show(request, tenant_slug: TenantSlug, pk: str, body: NoBody | None = None):
    return services.mark_no_show(ticket=ticket_for(pk), by=actor(request))


@step("/{str:pk}/cancel/", "Cancel the ticket")
def cancel(request, tenant_slug: TenantSlug, pk: str, body: NoBody | None = None):
    return services.cancel_ticket(ticket=ticket_for(pk), by=actor(request))


# --- agents ----------------------------------------------------------------------------------


@agents.get("/", response=AgentOut, auth=TokenAuth("read:agent"), summary="My agent status")
def agent_status(request, tenant_slug: TenantSlug):
    """The caller's own agent profile (offline until they first sit at a counter)."""
    profile, _ = AgentProfile.objects.get_or_create(user_id=request.api_user.pk)
    return profile


@agents.get("/all/", response=list[AgentRow], auth=TokenAuth("manage:agent"), summary="Every agent")
@paginate(PageNumbers)
def agent_list(request, tenant_slug: TenantSlug):
    """Managers and admins: every agent of the organisation (who has ever sat at a counter and
    is still a member), with their status, counter and current ticket. One query a page, plus
    the count, whatever the number of agents."""
    members = Membership.objects.filter(tenant=request.tenant, is_active=True)
    held = Ticket.objects.filter(
        agent_id=OuterRef("user_id"), status__in=(*Ticket.ACTIVE, Ticket.Status.PAUSED)
    ).order_by("-called_at", "-id")
    return (
        AgentProfile.objects.filter(user_id__in=members.values("user_id"))
        .select_related("user", "counter")
        .annotate(
            **{
                f"ticket_{name}": Subquery(held.values(name)[:1])
                for name in ("id", "number", "status", "queue_id")
            }
        )
        .order_by("user__email", "id")
    )


@agents.post(
    "/call-next/", response=TicketOut, auth=TokenAuth("write:queue"), summary="Call the next one"
)
def call_next(request, tenant_slug: TenantSlug, payload: CallNextIn):
    queue = optional_row(Queue.objects, payload.queue_id, "queue_id")
    return services.call_next(by=actor(request), queue=queue)


@agents.post("/set-status/", response=AgentOut, auth=WRITE_TICKET, summary="Set my status")
def set_status(request, tenant_slug: TenantSlug, payload: AgentStatusIn):
    status = required(payload.status, "status")
    counter = optional_row(Counter.objects, payload.counter_id, "counter_id")
    return services.set_agent_status(by=actor(request), status=status, counter=counter)
