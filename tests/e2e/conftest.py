"""Browser tests: Debian's Chromium (or Playwright's) driving daphne on the test database."""

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from smartqueue.devices.models import Display, Kiosk
from smartqueue.queues.models import AgentProfile
from tests.factories import make_counter, make_queue, make_site, make_user
from tests.servers import Server, database_url_for_subprocess

# Playwright's sync API runs an event loop in this thread; the ORM calls of fixtures are still
# plain synchronous calls, so Django's guard against async contexts does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    if Path(CHROMIUM).exists():
        args["executable_path"] = CHROMIUM
    return args


def server_env(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    # The server runs as in production: Django's async safety on.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DATABASE_URL": database_url, "DEBUG": "true"}


@pytest.fixture(scope="session")
def live_server_url(tenants, django_db_blocker):
    """daphne on this session's test database, shared by the browser tests."""
    RESULTS.mkdir(exist_ok=True)
    server = Server(server_env(django_db_blocker), ROOT, RESULTS / "daphne.log").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def own_server(tenants, django_db_blocker):
    """A daphne of the test's own, which the test may stop and start again."""
    RESULTS.mkdir(exist_ok=True)
    server = Server(server_env(django_db_blocker), ROOT, RESULTS / "daphne-own.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shots(request) -> Path:
    """Where a test leaves its screenshots (test-results/, git-ignored) for people to look at."""
    folder = RESULTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def branch(committed):
    """A site with two queues, two seated agents, two displays and a kiosk."""
    site = make_site(name="Agence Médina")
    withdrawals = make_queue(site, letter="R")
    advice = make_queue(site, letter="C")
    agents = []
    for number in (1, 2):
        counter = make_counter(site, [withdrawals, advice], name=f"Guichet {number}")
        user = make_user(tenant=committed)
        AgentProfile.objects.create(user_id=user.pk, counter=counter, current_status="available")
        agents.append(SimpleNamespace(user=user, counter=counter))
    return SimpleNamespace(
        site=site,
        withdrawals=withdrawals,
        advice=advice,
        agents=agents,
        displays=[Display.objects.create(site=site, name=f"Écran {n}") for n in (1, 2)],
        kiosk=Kiosk.objects.create(site=site, name="Borne"),
    )
