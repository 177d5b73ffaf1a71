"""Two web processes sharing Redis: a call served by one reaches a display connected to the
other (the layout production runs with several daphne processes)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from smartqueue.queues import services
from tests.e2e.conftest import RESULTS, ROOT, server_env
from tests.e2e.pages import display_url, open_page, wait_until
from tests.servers import Server

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_servers(tenants, django_db_blocker):
    env = {**server_env(django_db_blocker), "REDIS_URL": settings.REDIS_URL}  # this run's Redis
    RESULTS.mkdir(exist_ok=True)
    servers = [Server(env, ROOT, RESULTS / f"daphne-{n}.log").start() for n in ("a", "b")]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_a_call_on_one_process_reaches_a_display_on_the_other(browser, two_servers, branch):
    first, second = two_servers
    services.create_ticket(queue=branch.withdrawals)
    display = open_page(browser, display_url(second.url, branch.displays[0]))
    agent = open_page(browser, f"{first.url}/t/alpha/counter/", user=branch.agents[0].user)
    agent.get_by_role("button", name="Appeler le suivant").click()
    expect(display.get_by_test_id("now-calling")).to_contain_text("R001", timeout=10000)
    wait_until(display, "window.smartqueueAnnouncements.queued.length === 1")
