"""The documented sockets accept a token from any client (a server sends no Origin); a cookie
session must come from one of our pages (Origin checked), on every socket route."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from smartqueue.accounts.models import ApiToken
from smartqueue.asgi import application
from smartqueue.queues.models import AgentProfile, Queue
from tests.factories import make_agent, make_counter, make_queue, make_user

FOREIGN = (b"origin", b"https://evil.example")


def opened(path: str, headers=(), user=None) -> bool:
    async def attempt():
        communicator = WebsocketCommunicator(application, path, headers=list(headers))
        communicator.scope["user"] = user or AnonymousUser()
        connected, _ = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected

    return async_to_sync(attempt)()


@pytest.fixture
def paths(committed):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    profile = AgentProfile.objects.get(user_id=agent.user.pk)
    return [
        f"/ws/tenants/alpha/queues/{queue.pk}/",
        f"/ws/tenants/alpha/agents/{profile.pk}/",
    ]


def test_a_token_from_a_client_without_origin_is_accepted(paths, tenants):
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha))
    for path in paths:
        assert opened(f"{path}?token={key}")
        assert opened(path, [(b"authorization", f"Token {key}".encode())])
        assert opened(f"{path}?token={key}", [FOREIGN])  # the token is the proof, not Origin


def test_a_cookie_session_from_a_foreign_origin_is_refused(paths, tenants):
    member = make_user(tenant=tenants.alpha)
    for path in paths:
        assert not opened(path, [FOREIGN], user=member)
        assert not opened(path, [], user=member)  # no Origin: no page of ours either
        assert opened(path, [(b"origin", b"http://127.0.0.1")], user=member)
        # A bad token beside the session does not pass the check: it gives nobody.
        assert not opened(f"{path}?token=nope", [FOREIGN], user=member)


def test_page_sockets_check_origin_even_with_a_token(paths, tenants):
    """A token does not open our pages' sockets from elsewhere: they read the session."""
    _, key = ApiToken.objects.issue(make_user(tenant=tenants.alpha))
    site_id = Queue.objects.get().site_id
    live = f"/ws/tenants/alpha/live/counter/{site_id}/"
    member = make_user(tenant=tenants.alpha)
    assert not opened(f"{live}?token={key}", [FOREIGN], user=member)
    assert opened(live, [(b"origin", b"http://127.0.0.1")], user=member)
