"""What agents do through the API: call next, the steps of a ticket, their own status.

Each endpoint is one call to the engine; its refusals (DomainError) become the documented 400
{"error": ...} and 404 {"detail": ...}."""

from smartqueue.api.http import ApiError, actor, api_view, get_or_404, required_text
from smartqueue.api.shapes import agent_json, ticket_json
from smartqueue.ids import as_uuid
from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile, Counter, Queue, Ticket


def optional_row(manager, data: dict, name: str):
    """The row named by an id in the body, None when absent; a bad or foreign id is a 400."""
    raw = data.get(name)
    if raw in (None, ""):
        return None
    row = manager.filter(pk=as_uuid(raw)).first() if as_uuid(raw) else None
    if row is None:
        raise ApiError(400, {"error": f"{name} inconnu : {raw}"})
    return row


def required_row(manager, data: dict, name: str):
    required_text(data, name)
    return optional_row(manager, data, name)


def reason(data: dict) -> str:
    value = data.get("reason") or ""
    if not isinstance(value, str):
        raise ApiError(400, {"error": "reason doit être un texte"})
    return value.strip()[:300]


def ticket_for(pk: str) -> Ticket:
    return get_or_404(Ticket.objects.select_related("queue__site"), pk)


# --- tickets ---------------------------------------------------------------------------------


@api_view(("POST",), scope="write:ticket")
def start_service(request, data, pk):
    return ticket_json(services.start_service(ticket=ticket_for(pk), by=actor(request)))


@api_view(("POST",), scope="write:ticket")
def close(request, data, pk):
    return ticket_json(services.close_ticket(ticket=ticket_for(pk), by=actor(request)))


@api_view(("POST",), scope="write:ticket")
def recall(request, data, pk):
    return ticket_json(services.recall(ticket=ticket_for(pk), by=actor(request)))


@api_view(("POST",), scope="write:ticket")
def transfer(request, data, pk):
    ticket = ticket_for(pk)
    target = required_row(Queue.objects, data, "target_queue_id")
    to_back = data.get("to_back", False)
    if not isinstance(to_back, bool):
        raise ApiError(400, {"error": "to_back est vrai ou faux"})
    leg = services.transfer_ticket(
        ticket=ticket, target_queue=target, by=actor(request), reason=reason(data), to_back=to_back
    )
    return ticket_json(leg)


@api_view(("POST",), scope="write:ticket")
def pause(request, data, pk):
    ticket = ticket_for(pk)
    return ticket_json(services.pause_ticket(ticket=ticket, by=actor(request), reason=reason(data)))


@api_view(("POST",), scope="write:ticket")
def resume(request, data, pk):
    return ticket_json(services.resume_ticket(ticket=ticket_for(pk), by=actor(request)))


@api_view(("POST",), scope="write:ticket")
def mark_no_show(request, data, pk):
    return ticket_json(services.mark_no_show(ticket=ticket_for(pk), by=actor(request)))


@api_view(("POST",), scope="write:ticket")
def cancel(request, data, pk):
    return ticket_json(services.cancel_ticket(ticket=ticket_for(pk), by=actor(request)))


# --- agents ----------------------------------------------------------------------------------


@api_view(("GET",), scope="read:agent")
def agent_status(request, data):
    """The caller's own agent profile (offline until they first sit at a counter)."""
    profile, _ = AgentProfile.objects.get_or_create(user_id=request.api_user.pk)
    return agent_json(profile)


@api_view(("POST",), scope="write:ticket")
def call_next(request, data):
    queue = optional_row(Queue.objects, data, "queue_id")
    return ticket_json(services.call_next(by=actor(request), queue=queue))


@api_view(("POST",), scope="write:ticket")
def set_status(request, data):
    status = required_text(data, "status")
    counter = optional_row(Counter.objects, data, "counter_id")
    profile = services.set_agent_status(by=actor(request), status=status, counter=counter)
    return agent_json(profile)
