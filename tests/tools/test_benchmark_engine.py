"""`manage.py benchmark_engine` at a tiny size, in threads and dealt over worker processes: every
round runs to its end on this session's test database and counts what it timed. Timings are
printed by the command, never asserted."""

import io
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from smartqueue.accounts.models import User
from smartqueue.queues.models import Ticket
from smartqueue.tenants.models import Tenant
from tests.servers import database_url_for_subprocess

SLUG = "bench-test"


@pytest.fixture
def bench(django_db_setup, django_db_blocker, monkeypatch):
    """The command's worker processes set Django up afresh: they must find the test database."""
    with django_db_blocker.unblock():
        monkeypatch.setenv("DATABASE_URL", database_url_for_subprocess())
        yield
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug=SLUG):
            tenant.delete(force_drop=True)
        User.objects.filter(email__startswith=f"{SLUG}").delete()


def rows(output: str) -> dict[tuple[str, str], list[str]]:
    """(operation, clients) → the other cells of the figures' table."""
    table = {}
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] in {"create-ticket", "call-next"}:
            table[(cells[0], cells[1])] = cells[2:]
    return table


@pytest.mark.parametrize("layout", [{}, {"workers": 2}], ids=["threads", "two-processes"])
def test_every_round_runs_to_its_end_and_counts_what_it_timed(bench, layout):
    out = io.StringIO()
    call_command(
        "benchmark_engine",
        clients="1,3",
        tickets=30,
        tenant=SLUG,
        no_live=True,
        stdout=out,
        **layout,
    )
    table = rows(out.getvalue())
    # Creations: every one timed but each client's first (its warm-up).
    assert table[("create-ticket", "1")][0] == "30"
    assert table[("create-ticket", "3")][0] == "30"
    # Calls: the 30 waiting tickets all called, each client's first call not timed.
    assert table[("call-next", "1")][0] == "29"
    assert table[("call-next", "3")][0] == "27"
    connection.set_tenant(Tenant.objects.get(slug=SLUG))
    assert not Ticket.objects.exists()  # the organisation is left empty


def test_a_client_process_that_fails_ends_the_run_at_once_with_its_error(bench, monkeypatch):
    """A child that cannot reach the database (here: a database that does not exist) fails the
    command with the child's own error, not after a barrier's long wait."""
    monkeypatch.setenv("DATABASE_URL", database_url_for_subprocess() + "_missing")
    started = time.monotonic()
    with pytest.raises(CommandError, match="client process failed"):
        call_command(
            "benchmark_engine",
            clients="2",
            tickets=4,
            tenant=SLUG,
            no_live=True,
            workers=2,
            stdout=io.StringIO(),
        )
    assert time.monotonic() - started < 60
