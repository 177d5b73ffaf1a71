"""The API's JSON WebSockets: /ws/tenants/<slug>/queues/<id>/ and /ws/tenants/<slug>/agents/<id>/.

Integrators listen to one queue's tickets or one agent's status. Who they are comes from the
session or an API token (?token= or `Authorization: Token`), checked like the REST API: members
with the read scope only. Engine events are turned into the documented JSON in the request thread
(cheap) and sent from one background thread, in order, so the agent's click never waits for
Redis (smartqueue.background)."""

import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from django_tenants.utils import schema_context

from smartqueue.accounts.models import ApiToken
from smartqueue.accounts.roles import has_scope, membership_for
from smartqueue.background import after_commit
from smartqueue.ids import as_uuid
from smartqueue.live.dispatcher import dispatcher
from smartqueue.live.watchdog import WatchedSocket, leave_group, watchdog
from smartqueue.queues.events import DomainEvent
from smartqueue.queues.models import AgentProfile, Queue, Ticket
from smartqueue.queues.selectors import Placement, placements
from smartqueue.tenants.models import Tenant

NOT_FOUND, FORBIDDEN = 4404, 4403


def queue_group(schema: str, queue_id) -> str:
    return f"{schema}.api.queue.{queue_id}"


def agent_group(schema: str, agent_id) -> str:
    return f"{schema}.api.agent.{agent_id}"


# --- consumers -----------------------------------------------------------------------------


class ApiSocketConsumer(WatchedSocket, AsyncWebsocketConsumer):
    """Listens to one group; the client may only ping."""

    kind = ""  # "queue" or "agent": see TARGETS

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        group, refusal = await database_sync_to_async(group_for)(
            self.kind, kwargs["tenant_slug"], kwargs[f"{self.kind}_id"], self.scope
        )
        if group is None:
            await self.close(code=refusal)
            return
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        watchdog.watch(self)

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await leave_group(self, self.group)

    async def receive(self, text_data=None, bytes_data=None):
        await self.send_json(reply_to(text_data))

    async def api_event(self, message):
        await self.send_json(message["data"])

    async def send_json(self, data: dict) -> None:
        await self.send(text_data=json.dumps(data))


class QueueSocketConsumer(ApiSocketConsumer):
    kind = "queue"


class AgentSocketConsumer(ApiSocketConsumer):
    kind = "agent"


def reply_to(text: str | None) -> dict:
    """Keep-alive only: "ping" or {"type": "ping"} gets a pong, anything else an error."""
    if text is None:
        return {"type": "error", "detail": "Messages texte JSON uniquement."}
    if text.strip() == "ping":
        return {"type": "pong"}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: a message nested thousands deep
        return {"type": "error", "detail": "JSON invalide."}
    if isinstance(data, dict) and data.get("type") == "ping":
        return {"type": "pong"}
    return {"type": "error", "detail": 'Seul {"type": "ping"} est accepté.'}


# --- who may listen to what (sync: database) --------------------------------------------------


def group_for(kind: str, slug: str, key: str, scope) -> tuple[str | None, int]:
    """The group to join, or the close code. Identity is checked before the id, so someone who
    may not listen learns nothing about which ids exist."""
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        return None, NOT_FOUND
    scope_name, model, group = TARGETS[kind]
    if not has_scope(membership_for(socket_user(scope), tenant), scope_name):
        return None, FORBIDDEN
    pk = as_uuid(key)
    with schema_context(tenant.schema_name):
        found = pk is not None and model._default_manager.filter(pk=pk).exists()
    return (group(tenant.schema_name, pk), 0) if found else (None, NOT_FOUND)


TARGETS = {
    "queue": ("read:queue", Queue, queue_group),
    "agent": ("read:agent", AgentProfile, agent_group),
}


def socket_user(scope):
    """The token's user when a token is given (a bad one gives nobody), else the session's."""
    key = token_in(scope)
    if key is None:
        return scope.get("user") or AnonymousUser()
    return ApiToken.objects.user_for_key(key) or AnonymousUser()


def token_in(scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            word, _, key = value.decode("latin-1").partition(" ")
            if word.lower() == "token" and key.strip():
                return key.strip()
    return None


class OriginCheckedForSessions:
    """Browsers send their cookies with a socket opened by any page, so a session must come from
    one of our hosts (Origin checked, as for every page socket). A token is never sent on its
    own: a client that gives one on these API routes (a server, an app, often without Origin)
    is accepted whatever its Origin, and socket_user then reads the token alone, never the
    session (a bad token gives nobody)."""

    def __init__(self, inner, api_routes: list):
        self.inner = inner
        self.checked = AllowedHostsOriginValidator(inner)
        self.api_routes = api_routes

    async def __call__(self, scope, receive, send):
        by_token = token_in(scope) is not None and self.is_api_route(scope.get("path", ""))
        app = self.inner if by_token else self.checked
        return await app(scope, receive, send)

    def is_api_route(self, path: str) -> bool:
        return any(route.pattern.match(path.lstrip("/")) for route in self.api_routes)


# --- engine events → groups -------------------------------------------------------------------


def on_event(event: DomainEvent) -> None:
    """Subscriber: runs in the request thread after commit, so it only hands the messages to
    the after-commit thread (through the live dispatcher's access to the channel layer)."""
    for group, data in messages_for(event):
        after_commit.put(dispatcher.send_message, group, {"type": "api.event", "data": data})


def placement_fields(schema: str, ticket_id, status) -> dict:
    """A waiting ticket's position and estimated call time, as in the REST answers (a few
    queries, only for events of waiting tickets); null for the others."""
    placement = Placement()
    pk = as_uuid(ticket_id) if ticket_id else None
    if status == Ticket.Status.WAITING and pk is not None:
        with schema_context(schema):
            ticket = Ticket.objects.filter(pk=pk).first()
            if ticket is not None:
                placement = placements([ticket])[ticket.pk]
    call_at = placement.estimated_call_at
    return {
        "position": placement.position,
        "estimated_call_at": call_at.isoformat() if call_at else None,
    }


def messages_for(event: DomainEvent) -> list[tuple[str, dict]]:
    schema, data = event.schema_name, event.data
    if event.name.startswith("ticket.") and data.get("queue_id"):
        body = {
            "event": event.name,
            "ticket_id": data.get("ticket_id"),
            "status": data.get("status"),
            "number": data.get("number"),
            "queue_id": data["queue_id"],
            **placement_fields(schema, data.get("ticket_id"), data.get("status")),
        }
        queues = [data["queue_id"], data.get("from_queue_id")]
        return [(queue_group(schema, q), body) for q in dict.fromkeys(queues) if q]
    if event.name == "agent.status_updated" and data.get("agent_id"):
        payload = {key: data.get(key) for key in ("agent_id", "status", "updated_at")}
        return [
            (agent_group(schema, data["agent_id"]), {"type": "status_updated", "payload": payload})
        ]
    return []
