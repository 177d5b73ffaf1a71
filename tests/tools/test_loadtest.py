"""`manage.py loadtest` at a tiny size, against a real daphne and Huey worker on this session's
test database: it runs to its end and its correctness checks hold. Timings are printed by the
command, never asserted."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from smartqueue.tenants.models import Tenant

TINY = {
    "processes": "1",
    "tenants": 2,
    "sites": 1,
    "agents": 2,
    "tickets": 20,
    "queues": 3,
    "many_tickets": 12,
    "kiosks": 3,
    "displays": "5",
    "rounds": 2,
    "soak_seconds": 1,
    "soak_sockets": 4,
    "phase_seconds": 60,
    "drop": True,
}


@pytest.fixture
def redis_url():
    """This run's Redis: the machine's (REDIS_URL) or the embedded one."""
    return settings.REDIS_URL


def row(output: str, label: str) -> list[str]:
    """The cells after `label` in the figures' table."""
    line = next(line for line in output.splitlines() if label in line)
    return line.split(label, 1)[1].split()


def test_a_tiny_branch_network_runs_through_with_its_checks_holding(
    redis_url, django_db_setup, django_db_blocker, tmp_path
):
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("loadtest", stdout=out, log_dir=str(tmp_path), **TINY)
        left = Tenant.objects.filter(slug__startswith="load-").count()
    output = out.getvalue()

    # Every ticket issued, every one called once, no error answered.
    assert row(output, "create, 1 queue, 3 kiosks")[0] == "20"
    assert row(output, "call-next, 2 agents")[0] == "20"
    assert row(output, "create, 3 queues")[0] == "12"
    for label in ("create, 1 queue", "call-next", "create, 3 queues"):
        assert row(output, label)[-1] == "-", output
    assert (
        "checks: double calls 0, agents holding two 0, duplicate numbers 0; calls without "
        "answer 0, tickets without answer 0" in output
    )
    # Both sites called twice, and each of the 5 displays heard every call of its site.
    cells = re.search(r"^\s+5\s+\d+.*$", output, re.M)[0].split()
    displays, calls, _p50, _p99, _max, missed, _memory, _retried, failed = cells
    assert (displays, calls, missed, failed) == ("5", "4", "0", "0")
    assert re.search(r"soak: [1-9]\d* cycles, [1-9]\d* connections, 0 failed", output)
    assert (
        "checks: double calls 0, duplicate numbers 0, missed display events 0, failed "
        "connects 0 → OK" in output
    )
    assert left == 0  # --drop removed the organisations
