"""The reports CSV through daphne, the production server: the whole file arrives, read in the
tenant's schema, and no database connection is left open behind each download."""

import re
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from smartqueue.accounts.models import Role
from smartqueue.queues import services
from tests.factories import make_agent, make_counter, make_queue, make_user
from tests.servers import Server, debug_server_env

ROOT = Path(__file__).resolve().parents[2]
DOWNLOADS = 12


@pytest.fixture
def server(committed, tmp_path):
    daphne = Server(debug_server_env(), ROOT, tmp_path / "daphne.log").start()
    try:
        yield daphne
    finally:
        daphne.stop()


def get(url: str, session: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def settled_connections() -> int:
    """The count once closing backends have gone (a closed connection leaves in a moment)."""
    count = server_connections()
    for _ in range(20):
        time.sleep(0.1)
        count = min(count, server_connections())
    return count


def test_the_csv_link_of_a_fresh_page_downloads_every_row_without_leaking_connections(
    server, tenants
):
    queue = make_queue()
    for _ in range(3):
        services.create_ticket(queue=queue)
    client = Client()
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    session = client.cookies["sessionid"].value

    status, page = get(f"{server.url}/t/alpha/reports/", session)
    assert status == 200
    link = re.search(r'href="(\?[^"]*format=csv)"', page)[1].replace("&amp;", "&")
    url = f"{server.url}/t/alpha/reports/{link}"
    status, body = get(url, session)
    assert status == 200 and len(body.splitlines()) == 1 + 3
    before = settled_connections()
    for _ in range(DOWNLOADS):
        assert get(url, session)[1] == body
    assert settled_connections() <= before + 1  # a leak would add one per download


def test_the_agents_csv_arrives_through_the_server(server, tenants):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    services.create_ticket(queue=queue)
    services.close_ticket(ticket=services.call_next(by=agent), by=agent)
    client = Client()
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    session = client.cookies["sessionid"].value

    status, page = get(f"{server.url}/t/alpha/reports/", session)
    link = re.search(r'href="(\?[^"]*table=agents)"', page)[1].replace("&amp;", "&")
    status, body = get(f"{server.url}/t/alpha/reports/{link}", session)
    lines = body.splitlines()
    assert status == 200 and len(lines) == 2
    assert lines[0].startswith("agent_id,name,served") and lines[1].startswith(
        f"{agent.user.pk},Test,1,1,"
    )
