"""Tenant isolation of every socket route, generated from the routing: another tenant's path
with this tenant's ids or secrets is refused, and so is a member of another tenant."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from smartqueue.accounts.models import Role
from smartqueue.asgi import application
from smartqueue.devices.models import Display, Kiosk
from smartqueue.live.consumers import FINDERS
from smartqueue.queues import services
from smartqueue.queues.models import AgentProfile
from smartqueue.routing import websocket_urlpatterns
from tests.factories import make_agent, make_counter, make_queue, make_user

ORIGIN = [(b"origin", b"http://127.0.0.1")]


def accepted(path: str, user) -> bool:
    async def attempt():
        communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
        communicator.scope["user"] = user
        connected, _ = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected

    return async_to_sync(attempt)()


@pytest.fixture
def alpha_keys(committed):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    ticket = services.create_ticket(queue=queue)
    return {
        "queue_id": str(queue.pk),
        "agent_id": str(AgentProfile.objects.get(user_id=agent.user.pk).pk),
        "live": {
            "counter": str(queue.site_id),
            "dashboard": "sites",  # names no row: every site of the path's tenant
            "display": Display.objects.create(site=queue.site, name="Écran").secret,
            "kiosk": Kiosk.objects.create(site=queue.site, name="Borne").secret,
            "ticket": str(ticket.pk),
        },
    }


def paths(slug: str, keys: dict) -> list[str]:
    """Every socket route filled with alpha's ids; a new route without its ids fails here."""
    found = []
    for route in websocket_urlpatterns:
        template = "/" + str(route.pattern).replace("<slug:tenant_slug>", slug)
        if "<str:kind>" in template:
            assert set(FINDERS) == set(keys["live"]), "a live kind without its key here"
            for kind, key in keys["live"].items():
                found.append(template.replace("<str:kind>", kind).replace("<str:key>", key))
            continue
        for name in ("queue_id", "agent_id"):
            template = template.replace(f"<str:{name}>", keys[name])
        assert "<" not in template, f"no id for {template}: add it to alpha_keys"
        found.append(template)
    return found


def test_every_socket_route_refuses_alphas_ids_under_betas_path(alpha_keys, tenants):
    beta_admin = make_user(tenant=tenants.beta, role=Role.ADMIN)
    for path in paths("beta", alpha_keys):
        if "/live/dashboard/" in path:
            continue  # its key names nothing of alpha: that is beta's own dashboard
        assert not accepted(path, beta_admin), path


def test_a_member_of_beta_hears_nothing_of_alpha(alpha_keys, tenants):
    beta_admin = make_user(tenant=tenants.beta, role=Role.ADMIN)
    alpha_admin = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    for path in paths("alpha", alpha_keys):
        public = any(f"/live/{kind}/" in path for kind in ("display", "kiosk", "ticket"))
        # Device and ticket links are secrets in themselves (no account on a lobby TV).
        assert accepted(path, alpha_admin), path
        assert accepted(path, beta_admin) is public, path
        assert accepted(path, AnonymousUser()) is public, path
