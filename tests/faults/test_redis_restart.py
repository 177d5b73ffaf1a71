"""Redis stops mid-run, then comes back (empty: no persistence). PostgreSQL is the source of
truth, so meanwhile tickets are still issued and called without a single error; the lobby
display shows it is offline; once Redis is back the same server pushes events again, the
display shows the true state within 5 s, and every notification planned during the outage
goes out once."""

import pytest
from playwright.sync_api import expect

from smartqueue.accounts.models import ApiToken
from smartqueue.devices.models import Display
from smartqueue.notifications.models import Notification
from smartqueue.queues.models import AgentProfile, Customer, Ticket
from tests.e2e.conftest import RESULTS
from tests.e2e.pages import display_url, open_page
from tests.factories import make_counter, make_queue, make_user
from tests.faults.conftest import (
    ROOT,
    Worker,
    process_env,
    run_sweep,
    twilio_env,
    wait_for,
)
from tests.faults.http import call
from tests.servers import Server

pytestmark = pytest.mark.e2e


@pytest.fixture
def branch(committed):
    queue = make_queue(letter="R")
    tokens = []
    for number in (1, 2):
        counter = make_counter(queue.site, [queue], name=f"Guichet {number}")
        user = make_user(tenant=committed)
        AgentProfile.objects.create(user_id=user.pk, counter=counter, current_status="available")
        tokens.append(ApiToken.objects.issue(user)[1])
    display = Display.objects.create(site=queue.site, name="Écran")
    return queue, tokens, display


def customer(n: int) -> Customer:
    return Customer.objects.create(
        first_name=f"Client {n}", phone=f"+22177000{n:04d}", notify_sms=True
    )


def now_calling(page, number: str):
    """The display's "now calling" slot of that ticket (one slot per counter)."""
    return page.get_by_test_id("now-calling").filter(has_text=number)


def sms_bodies(fake, phone: str) -> list[str]:
    return [item["form"]["Body"] for item in fake.received if item["form"].get("To") == phone]


def test_tickets_flow_through_a_redis_restart(browser, private_redis, twilio, branch):
    queue, (first_agent, second_agent), display = branch
    env = private_redis.env(process_env(DEBUG="true", **twilio_env(twilio)))
    RESULTS.mkdir(exist_ok=True)
    server = Server(env, ROOT, RESULTS / "daphne-redis-restart.log").start()
    worker = Worker(env, RESULTS / "worker-redis-restart.log").start()
    api = f"{server.url}/api/v1/tenants/alpha"
    try:
        page = open_page(browser, display_url(server.url, display))
        before = customer(0)
        status, ticket = call(
            "POST",
            f"{api}/tickets/",
            first_agent,
            {"queue": str(queue.pk), "customer": str(before.pk)},
        )
        assert status == 201
        wait_for(lambda: sms_bodies(twilio, before.phone), 20, "the first SMS")
        assert call("POST", f"{api}/agents/call-next/", first_agent, {})[0] == 200
        expect(now_calling(page, "R001")).to_be_visible(timeout=5000)

        private_redis.stop()
        expect(page.locator("#live-status")).to_be_visible(timeout=10000)
        during = [customer(n) for n in (1, 2, 3)]
        for person in during:
            status, body = call(
                "POST",
                f"{api}/tickets/",
                second_agent,
                {"queue": str(queue.pk), "customer": str(person.pk)},
            )
            assert status == 201, body
        status, called = call("POST", f"{api}/agents/call-next/", second_agent, {})
        assert status == 200, called
        assert called["number"] == "R002"
        assert call("GET", display_url(server.url, display))[0] == 200

        private_redis.start()
        expect(page.locator("body[data-live=online]")).to_be_attached(timeout=10000)
        expect(now_calling(page, "R002")).to_be_visible(timeout=5000)
        expect(page.locator("#live-status")).to_be_hidden()

        # Events flow again through the same server, without a restart.
        status, closed = call("POST", f"{api}/tickets/{called['id']}/close/", second_agent, {})
        assert status == 200, closed
        assert call("POST", f"{api}/agents/call-next/", second_agent, {})[0] == 200
        expect(now_calling(page, "R003")).to_be_visible(timeout=5000)

        # The outage's notifications are in the outbox; the sweeper sends each once.
        planned = Notification.objects.filter(customer__in=during, event="ticket_created")
        wait_for(lambda: planned.count() == 3, 10, "the outage's notifications planned")
        run_sweep(env)
        for person in during:
            wait_for(lambda p=person: sms_bodies(twilio, p.phone), 20, "an outage SMS sent")
        sms = Notification.objects.filter(channel="sms")
        wait_for(lambda: not sms.exclude(status="sent").exists(), 20, "every SMS sent")
        run_sweep(env)  # a second sweep finds nothing left to send
        worker.stop()
        received = [(item["form"]["To"], item["form"]["Body"]) for item in twilio.received]
        assert len(received) == len(set(received)) == sms.count()  # each once, none twice
        assert Ticket.objects.filter(queue=queue).count() == 4
    finally:
        worker.stop()
        server.stop()
