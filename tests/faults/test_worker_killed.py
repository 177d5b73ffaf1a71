"""Huey's worker is killed (SIGKILL) while it sends SMS, the request of one of them already at
Twilio, then started again. Each message reaches Twilio once: the rows are in PostgreSQL before
any task runs, a send holds its row for a lease, the sweeper takes up what the killed worker
held once the lease has run out, and, since Twilio's Messages API has no idempotency key, asks
Twilio's message list whether the cut send was taken before sending it again."""

import random
from collections import Counter

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from smartqueue.notifications.models import Notification
from smartqueue.notifications.tasks import sweep_all
from smartqueue.queues import services
from smartqueue.queues.models import Customer
from tests.e2e.conftest import RESULTS
from tests.factories import make_queue
from tests.faults.conftest import Worker, process_env, twilio_env, wait_for

MESSAGES = 12
LEASE_SECONDS = 2


@pytest.fixture
def enqueueing(committed):
    """This process enqueues into Redis, as daphne does; the worker consumes."""
    HUEY.immediate = False
    HUEY.flush()
    try:
        yield
    finally:
        HUEY.flush()
        HUEY.immediate = True


def test_a_killed_worker_sends_every_notification_once(enqueueing, twilio):
    twilio.delay_seconds = 0.2  # the worker spends its time waiting on the provider
    env = process_env(
        HUEY_IMMEDIATE="0", NOTIFICATION_LEASE_SECONDS=str(LEASE_SECONDS), **twilio_env(twilio)
    )
    RESULTS.mkdir(exist_ok=True)
    worker = Worker(env, RESULTS / "worker-killed.log").start()
    try:
        queue = make_queue(letter="S")
        for n in range(MESSAGES):
            person = Customer.objects.create(phone=f"+22178000{n:04d}", notify_sms=True)
            services.create_ticket(queue=queue, customer=person)

        rows = Notification.objects.filter(ticket__queue=queue)
        wait_for(lambda: rows.count() == MESSAGES, 30, "every notification planned")
        # The fake takes 0.2 s to answer: killed as the k-th request arrives, the worker
        # dies waiting for Twilio's answer to a message Twilio takes.
        kill_after = random.randint(1, MESSAGES // 2)
        wait_for(lambda: len(twilio.received) >= kill_after, 30, f"{kill_after} SMS", 0.005)
        worker.kill()
        held = rows.filter(status="pending", claimed_until__isnull=False)
        cut = {row.recipient: row.claimed_until for row in held}
        assert len(cut) == 1  # one worker thread: the send in flight
        assert len(twilio.received) < MESSAGES, "the kill came too late to test anything"

        # A new worker sends what is still queued; what the killed one held waits for its
        # lease to run out, then for the minute's sweep (enqueued here, not awaited).
        worker.start()
        others = rows.exclude(recipient__in=cut)
        wait_for(lambda: not others.exclude(status="sent").exists(), 30, "the queued SMS sent")
        for until in cut.values():
            wait_for(lambda u=until: timezone.now() > u, LEASE_SECONDS + 5, "the lease ending")
        sweep_all()
        wait_for(lambda: not rows.exclude(status="sent").exists(), 30, "every SMS sent")
    finally:
        worker.stop()

    times_sent = Counter(item["form"]["To"] for item in twilio.received)
    assert set(times_sent) == set(rows.values_list("recipient", flat=True))  # none lost
    assert set(times_sent.values()) == {1}, times_sent  # none twice, the cut one included
    (phone,) = cut
    taken = next(message for message in twilio.messages if message["to"] == phone)
    assert rows.get(recipient=phone).provider_id == taken["sid"]  # found, not sent again
