"""The pages' socket: who may listen to what, and what they hear after an engine change."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from smartqueue.accounts.models import Role
from smartqueue.asgi import application
from smartqueue.devices.models import Display
from smartqueue.live.dispatcher import dispatcher
from smartqueue.queues import services
from tests.factories import make_agent, make_counter, make_queue, make_user

ORIGIN = [(b"origin", b"http://127.0.0.1")]


@pytest.fixture
def branch(committed):
    queue = make_queue(letter="R")
    counter = make_counter(queue.site, [queue])
    return queue, counter, Display.objects.create(site=queue.site, name="Écran")


def connect(path: str, user=None):
    async def attempt():
        communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
        communicator.scope["user"] = user or AnonymousUser()
        connected, code = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected, code

    return async_to_sync(attempt)()


def test_a_display_listens_with_its_secret_only(branch, tenants):
    _, _, display = branch
    assert connect(f"/ws/tenants/alpha/live/display/{display.secret}/") == (True, None)
    assert connect("/ws/tenants/alpha/live/display/wrong/")[0] is False
    assert connect(f"/ws/tenants/beta/live/display/{display.secret}/")[0] is False
    assert connect(f"/ws/tenants/nowhere/live/display/{display.secret}/")[0] is False


def test_the_counter_socket_is_for_members_of_the_tenant(branch, tenants):
    queue, _, _ = branch
    path = f"/ws/tenants/alpha/live/counter/{queue.site_id}/"
    assert connect(path, make_user(tenant=tenants.alpha))[0] is True
    assert connect(path, make_user(tenant=tenants.beta))[0] is False
    assert connect(path)[0] is False


def test_a_ticket_socket_needs_the_tickets_own_tenant(branch, tenants):
    queue, _, _ = branch
    ticket = services.create_ticket(queue=queue)
    assert connect(f"/ws/tenants/alpha/live/ticket/{ticket.pk}/")[0] is True
    assert connect(f"/ws/tenants/beta/live/ticket/{ticket.pk}/")[0] is False
    assert connect("/ws/tenants/alpha/live/ticket/not-a-uuid/")[0] is False


def test_a_call_pushes_the_board_with_the_announcement_and_the_next_sequence(branch, tenants):
    queue, counter, display = branch
    agent = make_agent(counter)
    services.create_ticket(queue=queue, customer_name="<b>Awa</b>")
    dispatcher.flush()

    async def scenario():
        path = f"/ws/tenants/alpha/live/display/{display.secret}/"
        communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
        assert (await communicator.connect(timeout=5))[0]
        await database_sync_to_async(services.call_next)(by=agent)
        message = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return message

    message = async_to_sync(scenario)()
    assert '<main id="display-board"' in message and 'hx-swap-oob="true"' in message
    assert 'data-announce="' in message and 'data-number="R001"' in message
    assert 'id="live-seq" data-seq="' in message
    assert "<b>Awa</b>" not in message  # names are not on the display, and never raw


def test_a_recall_is_announced_again_with_a_new_key(branch, tenants):
    queue, counter, display = branch
    agent = make_agent(counter)
    services.create_ticket(queue=queue)
    ticket = services.call_next(by=agent)
    dispatcher.flush()

    async def scenario():
        path = f"/ws/tenants/alpha/live/display/{display.secret}/"
        communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
        assert (await communicator.connect(timeout=5))[0]
        await database_sync_to_async(services.recall)(ticket=ticket, by=agent)
        message = await communicator.receive_from(timeout=5)
        await communicator.disconnect()
        return message

    message = async_to_sync(scenario)()
    assert f'data-announce="{ticket.pk}:1"' in message


def test_a_renewed_display_link_closes_the_sockets_opened_with_the_old_one(branch, tenants):
    queue, counter, display = branch
    agent = make_agent(counter)
    services.create_ticket(queue=queue)
    dispatcher.flush()
    manager = Client()
    manager.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))

    def renew():
        response = manager.post(f"/t/alpha/settings/displays/{display.pk}/secret/")
        assert response.status_code == 302

    async def scenario():
        path = f"/ws/tenants/alpha/live/display/{display.secret}/"
        communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
        assert (await communicator.connect(timeout=5))[0]
        await database_sync_to_async(renew)()
        closed = await communicator.receive_output(timeout=5)
        await database_sync_to_async(services.call_next)(by=agent)
        heard_after = await communicator.receive_nothing(timeout=1)
        await communicator.disconnect()
        return closed, heard_after

    closed, nothing_after = async_to_sync(scenario)()
    assert closed == {"type": "websocket.close", "code": 4403}
    assert nothing_after
