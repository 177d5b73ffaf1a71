"""The web process is killed (SIGKILL) while agents call next over the API. PostgreSQL's
transaction is the unit: every ticket is afterwards either called (with its agent, counter and
history row) or still waiting, never lost or half-written, no number is given twice, every
called customer is told once; the restarted server shows and serves the true state."""

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection

from smartqueue.accounts.models import ApiToken
from smartqueue.devices.models import Display
from smartqueue.notifications import outbox, tasks
from smartqueue.notifications.models import Notification, PendingEvent
from smartqueue.queues import clock, services
from smartqueue.queues.models import AgentProfile, Customer, Ticket, TicketEvent
from tests.e2e.conftest import RESULTS
from tests.factories import make_counter, make_queue, make_user
from tests.faults.conftest import ROOT, process_env, wait_for
from tests.faults.http import call
from tests.servers import Server

APPLICATION = "daphne-under-test"
AGENTS = 8
TICKETS = 80
Status = Ticket.Status


@pytest.fixture
def branch(committed):
    queue = make_queue(letter="K")
    tokens = []
    for number in range(AGENTS):
        counter = make_counter(queue.site, [queue], name=f"Guichet {number + 1}")
        user = make_user(tenant=committed)
        AgentProfile.objects.create(user_id=user.pk, counter=counter, current_status="available")
        tokens.append(ApiToken.objects.issue(user)[1])
    for n in range(TICKETS):
        person = Customer.objects.create(phone=f"+22176000{n:04d}", notify_sms=True)
        services.create_ticket(queue=queue, customer=person)
    return queue, tokens, Display.objects.create(site=queue.site, name="Écran")


def server_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
        )
        return cursor.fetchone()[0]


class Agent(threading.Thread):
    """Calls next and closes, over HTTP, until the server stops answering."""

    def __init__(self, api: str, token: str) -> None:
        super().__init__(daemon=True)
        self.api, self.token = api, token
        self.acknowledged: list[dict] = []  # tickets the server answered 200 for
        self.statuses: list[int] = []

    def run(self) -> None:
        try:
            while True:
                status, ticket = call("POST", f"{self.api}/agents/call-next/", self.token, {})
                self.statuses.append(status)
                if status != 200:
                    return
                self.acknowledged.append(ticket)
                status, _ = call("POST", f"{self.api}/tickets/{ticket['id']}/close/", self.token)
                self.statuses.append(status)
        except OSError:
            return  # the server is gone


def test_a_killed_web_process_loses_no_call_and_writes_none_by_half(branch):
    queue, tokens, display = branch
    RESULTS.mkdir(exist_ok=True)
    env = process_env(DEBUG="true")
    separator = "&" if "?" in env["DATABASE_URL"] else "?"
    env["DATABASE_URL"] += f"{separator}application_name={APPLICATION}"
    server = Server(env, ROOT, RESULTS / "daphne-killed.log").start()
    api = f"{server.url}/api/v1/tenants/alpha"
    try:
        agents = [Agent(api, token) for token in tokens]
        for agent in agents:
            agent.start()
        # A random moment once the calls are flowing, long before the queue is empty.
        calls_before_kill = random.randint(5, TICKETS // 2)
        wait_for(
            lambda: sum(len(a.acknowledged) for a in agents) >= calls_before_kill,
            30,
            f"{calls_before_kill} calls",
            interval=0.01,
        )
        server.process.kill()
        server.process.wait(timeout=10)
        for agent in agents:
            agent.join(timeout=30)
            assert not agent.is_alive()
        assert 500 not in [status for agent in agents for status in agent.statuses]
        # A COMMIT already in its socket is still carried out by the dead server's backend:
        # read the outcome once those backends are gone.
        wait_for(lambda: not server_backends(), 15, "the killed server's sessions ending")

        tickets = list(Ticket.objects.filter(queue=queue))
        assert len(tickets) == TICKETS  # none lost
        assert len({t.number for t in tickets}) == TICKETS  # none numbered twice
        called_events = set(
            TicketEvent.objects.filter(ticket__queue=queue, kind="called").values_list(
                "ticket_id", flat=True
            )
        )
        for ticket in tickets:
            if ticket.status == Status.WAITING:
                assert ticket.agent_id is None and ticket.counter_id is None
                assert ticket.called_at is None and ticket.pk not in called_events
            else:  # called, or called and closed: the whole call was committed
                assert ticket.status in (Status.CALLED, Status.CLOSED), ticket.status
                assert ticket.agent_id and ticket.counter_id and ticket.called_at
                assert ticket.pk in called_events
        by_id = {str(t.pk): t for t in tickets}
        for agent in agents:
            for answered in agent.acknowledged:  # what the server said it did, it did
                assert by_id[answered["id"]].status != Status.WAITING
        holding = [t.agent_id for t in tickets if t.status == Status.CALLED]
        assert len(holding) == len(set(holding))  # one called ticket per agent at most

        # A call committed just before the kill may not have been planned: its event waits
        # in PostgreSQL, and the sweeper (run here, past the lease) plans it. Each called
        # customer hears of it exactly once.
        with clock.frozen_at(clock.now() + outbox.lease() + timedelta(seconds=1)):
            tasks.sweep.call_local(connection.schema_name)
        assert not PendingEvent.objects.exists()
        told = Notification.objects.filter(ticket__queue=queue, event="ticket_called")
        assert sorted(told.values_list("ticket_id", flat=True)) == sorted(
            t.pk for t in tickets if t.status != Status.WAITING
        )
        assert not told.exclude(status=Notification.Status.SENT).exists()

        server.start()  # the same port, the same database
        status, waiting = call(
            "GET", f"{api}/tickets/?queue={queue.pk}&status={Status.WAITING}", tokens[0]
        )
        assert status == 200
        assert waiting["count"] == sum(t.status == Status.WAITING for t in tickets)
        last = max((t for t in tickets if t.called_at), key=lambda t: t.called_at)
        status, page = call("GET", f"{server.url}/t/alpha/display/{display.secret}/")
        assert status == 200 and last.number in page

        # The agents carry on: what one held is closed, the next call is a waiting ticket.
        agent_token = tokens[0]
        status, me = call("GET", f"{api}/agents/", agent_token)
        assert status == 200
        held = next(
            (t for t in tickets if t.status == Status.CALLED and str(t.agent_id) == me["user"]),
            None,
        )
        if held is not None:
            assert call("POST", f"{api}/tickets/{held.pk}/close/", agent_token)[0] == 200
        status, ticket = call("POST", f"{api}/agents/call-next/", agent_token, {})
        assert status == 200 and by_id[ticket["id"]].status == Status.WAITING
        status, new = call("POST", f"{api}/tickets/", agent_token, {"queue": str(queue.pk)})
        assert status == 201 and new["number"] not in {t.number for t in tickets}
    finally:
        server.stop()
