"""The API's JSON sockets: who may listen, and the documented events they hear, in order."""

import json
from datetime import datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.utils import timezone

from smartqueue.accounts.models import ApiToken
from smartqueue.api.sockets import messages_for
from smartqueue.asgi import application
from smartqueue.queues import services
from smartqueue.queues.events import DomainEvent
from smartqueue.queues.models import AgentProfile
from tests.factories import make_agent, make_counter, make_queue, make_user

ORIGIN = [(b"origin", b"http://127.0.0.1")]


@pytest.fixture
def branch(committed):
    queue = make_queue(letter="W")
    return queue, make_counter(queue.site, [queue])


def communicator_for(path: str, user=None, headers=()) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=[*ORIGIN, *headers])
    communicator.scope["user"] = user or AnonymousUser()
    return communicator


def connect(path: str, user=None, headers=()) -> tuple[bool, int | None]:
    async def attempt():
        communicator = communicator_for(path, user, headers)
        connected, code = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected, code

    return async_to_sync(attempt)()


def listen(path: str, user, *actions, count: int) -> list[dict]:
    """Connect, run the engine actions (sync, in order), return the next `count` messages."""

    async def scenario():
        communicator = communicator_for(path, user)
        assert (await communicator.connect(timeout=5))[0]
        for action in actions:
            await database_sync_to_async(action)()
        messages = [await communicator.receive_json_from(timeout=5) for _ in range(count)]
        await communicator.disconnect()
        return messages

    return async_to_sync(scenario)()


def test_a_member_hears_a_ticket_created_called_and_closed_in_order(branch, tenants):
    queue, counter = branch
    agent = make_agent(counter)
    held = {}

    def call():
        held["ticket"] = services.call_next(by=agent)

    messages = listen(
        f"/ws/tenants/alpha/queues/{queue.pk}/",
        make_user(tenant=tenants.alpha),
        lambda: services.create_ticket(queue=queue),
        call,
        lambda: services.close_ticket(ticket=held["ticket"], by=agent),
        count=3,
    )
    expected = {"ticket_id": str(held["ticket"].pk), "number": "W001", "queue_id": str(queue.pk)}
    placed = {"position": None, "estimated_call_at": None}
    # The agent is free: the waiting ticket is first, and called at once.
    call_at = messages[0].pop("estimated_call_at")
    assert abs(datetime.fromisoformat(call_at) - timezone.now()) < timedelta(seconds=30)
    assert messages == [
        {"event": "ticket.created", "status": "en_attente", "position": 1, **expected},
        {"event": "ticket.called", "status": "appele", **placed, **expected},
        {"event": "ticket.closed", "status": "clos", **placed, **expected},
    ]


def test_only_members_with_a_valid_identity_may_listen(branch, tenants):
    queue, _ = branch
    path = f"/ws/tenants/alpha/queues/{queue.pk}/"
    member = make_user(tenant=tenants.alpha)
    assert connect(path, member) == (True, None)
    assert connect(path, make_user(tenant=tenants.beta)) == (False, 4403)
    assert connect(path) == (False, 4403)
    assert connect(path + "?token=nope") == (False, 4403)
    assert connect(path, member, [(b"authorization", b"Token nope")]) == (False, 4403)


def test_a_token_opens_the_socket_in_the_query_string_or_the_header(branch, tenants):
    queue, _ = branch
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha))
    path = f"/ws/tenants/alpha/queues/{queue.pk}/"
    assert connect(f"{path}?token={key}") == (True, None)
    assert connect(path, headers=[(b"authorization", f"Token {key}".encode())]) == (True, None)


def test_unknown_tenants_and_ids_of_another_tenant_are_not_found(branch, tenants):
    queue, _ = branch
    member = make_user(tenant=tenants.alpha)
    connection.set_tenant(tenants.beta)
    elsewhere = make_queue()
    connection.set_tenant(tenants.alpha)
    assert connect(f"/ws/tenants/alpha/queues/{elsewhere.pk}/", member) == (False, 4404)
    assert connect("/ws/tenants/alpha/queues/not-a-uuid/", member) == (False, 4404)
    assert connect(f"/ws/tenants/nowhere/queues/{queue.pk}/", member) == (False, 4404)
    assert connect(f"/ws/tenants/alpha/agents/{queue.pk}/", member) == (False, 4404)


def test_the_agent_socket_hears_the_status_change(branch, tenants):
    _, counter = branch
    agent = make_agent(counter)
    profile = AgentProfile.objects.get(user_id=agent.user_id)
    [message] = listen(
        f"/ws/tenants/alpha/agents/{profile.pk}/",
        make_user(tenant=tenants.alpha),
        lambda: services.set_agent_status(by=agent, status=AgentProfile.Status.PAUSED),
        count=1,
    )
    profile.refresh_from_db()
    assert message == {
        "type": "status_updated",
        "payload": {
            "agent_id": str(profile.pk),
            "status": "paused",
            "updated_at": profile.status_updated_at.isoformat(),
        },
    }


def test_a_ping_gets_a_pong_and_anything_else_an_error(branch, tenants):
    queue, _ = branch
    member = make_user(tenant=tenants.alpha)

    async def scenario():
        communicator = communicator_for(f"/ws/tenants/alpha/queues/{queue.pk}/", member)
        assert (await communicator.connect(timeout=5))[0]
        replies = []
        for text in ["ping", json.dumps({"type": "ping"}), "hello", "[1]", None]:
            if text is None:
                await communicator.send_to(bytes_data=b"ping")
            else:
                await communicator.send_to(text_data=text)
            replies.append((await communicator.receive_json_from(timeout=5))["type"])
        await communicator.disconnect()
        return replies

    assert async_to_sync(scenario)() == ["pong", "pong", "error", "error", "error"]


def test_a_transfer_is_heard_by_the_new_queue_and_the_old_one():
    event = DomainEvent(
        "ticket.transferred",
        "alpha",
        {
            "ticket_id": "t2",
            "number": "W001",
            "status": "en_attente",
            "queue_id": "q2",
            "from_queue_id": "q1",
            "previous_ticket_id": "t1",
            "site_id": "s",
            "counter_id": None,
        },
    )
    body = {
        "event": "ticket.transferred",
        "ticket_id": "t2",
        "status": "en_attente",
        "number": "W001",
        "queue_id": "q2",
        "position": None,  # not a ticket of the tenant
        "estimated_call_at": None,
    }
    assert messages_for(event) == [("alpha.api.queue.q2", body), ("alpha.api.queue.q1", body)]


def test_actions_through_the_http_api_reach_the_queue_socket_in_order(branch, tenants):
    """As an integrator sees it: tickets made and worked through the API, heard on the socket
    opened with a token."""
    queue, counter = branch
    agent = make_agent(counter)
    agent_token = "Token " + ApiToken.objects.issue(agent.user)[1]
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha, role="admin"))
    http, base, made = Client(), "/api/v1/tenants/alpha", {}

    def post(path, body, token):
        response = http.post(
            base + path, body, content_type="application/json", HTTP_AUTHORIZATION=token
        )
        assert response.status_code in (200, 201), response.content
        return response.json()

    def create():
        made["ticket"] = post("/tickets/", {"queue": str(queue.pk)}, f"Token {key}")

    messages = listen(
        f"/ws/tenants/alpha/queues/{queue.pk}/?token={key}",
        AnonymousUser(),
        create,
        lambda: post("/agents/call-next/", {"queue_id": str(queue.pk)}, agent_token),
        lambda: post(f"/tickets/{made['ticket']['id']}/close/", {}, agent_token),
        count=3,
    )
    assert [m["event"] for m in messages] == ["ticket.created", "ticket.called", "ticket.closed"]
    assert {m["ticket_id"] for m in messages} == {made["ticket"]["id"]}
    assert [m["status"] for m in messages] == ["en_attente", "appele", "clos"]
