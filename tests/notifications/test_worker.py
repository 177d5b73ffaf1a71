"""The Procfile's worker (run_huey) consumes the jobs: a ticket taken in this
process is planned and sent by a real consumer in another one."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY

from smartqueue.notifications.models import Notification
from smartqueue.queues import services
from smartqueue.queues.models import Customer
from tests.factories import make_queue
from tests.servers import database_url_for_subprocess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(committed, tmp_path):
    HUEY.immediate = False  # this process enqueues into Redis, as daphne does
    HUEY.flush()
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "HUEY_IMMEDIATE": "0"}
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        HUEY.immediate = True


def test_the_worker_plans_and_sends_a_ticket_notification(worker):
    queue = make_queue(letter="W")
    awa = Customer.objects.create(first_name="Awa", phone="+221771234567", notify_sms=True)
    ticket = services.create_ticket(queue=queue, customer=awa)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row = Notification.objects.filter(ticket=ticket).first()
        if row is not None and row.status == Notification.Status.SENT:
            break
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.2)
    else:
        pytest.fail("the worker did not send the notification in time")
    assert row.event == "ticket_created" and row.provider_id.startswith("console-")
