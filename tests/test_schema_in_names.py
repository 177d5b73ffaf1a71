"""What tenants share (the cache, channel groups, Huey's queue) is told apart by the schema:
every cache key, group name and task argument carries it."""

import importlib
import inspect

from django.core.cache import cache
from django.db import connection
from django.test import Client
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY

from smartqueue.api.sockets import messages_for
from smartqueue.background import after_commit
from smartqueue.devices.models import Kiosk
from smartqueue.live import groups
from smartqueue.live.render import site_messages
from smartqueue.queues import services
from smartqueue.queues.events import DomainEvent
from tests.factories import make_counter, make_queue

TASK_MODULES = ("smartqueue.notifications.tasks", "smartqueue.jobs.tasks")


def test_cache_keys_start_with_the_schema(tenants, db):
    connection.set_tenant(tenants.alpha)
    try:
        assert cache.make_key("kiosk:1:burst").startswith(f"{tenants.alpha.schema_name}:")
        connection.set_tenant(tenants.beta)
        assert cache.make_key("kiosk:1:burst").startswith(f"{tenants.beta.schema_name}:")
    finally:
        connection.set_schema_to_public()
    assert cache.make_key("kiosk:1:burst").startswith("public:")


def test_the_kiosk_rate_limit_counts_per_tenant(client: Client, alpha, tenants):
    queue = make_queue()
    kiosk = Kiosk.objects.create(site=queue.site, name="Borne")
    cache.delete(f"kiosk:{kiosk.pk}:burst")
    response = client.post(f"/t/alpha/kiosk/{kiosk.secret}/ticket/", {"queue": queue.pk})
    assert response.status_code == 200
    assert cache.has_key(f"kiosk:{kiosk.pk}:burst")  # in alpha's keys
    connection.set_tenant(tenants.beta)
    try:
        assert not cache.has_key(f"kiosk:{kiosk.pk}:burst")  # the same name, beta's key
    finally:
        connection.set_tenant(tenants.alpha)


def test_every_group_a_page_or_api_socket_hears_starts_with_the_schema(alpha):
    schema = alpha.schema_name
    queue = make_queue()
    counter = make_counter(queue.site, [queue])
    ticket = services.create_ticket(queue=queue)
    data = {
        "ticket_id": str(ticket.pk),
        "queue_id": str(queue.pk),
        "site_id": str(queue.site_id),
        "counter_id": str(counter.pk),
        "number": ticket.number,
        "status": "waiting",
    }
    event = DomainEvent(name="ticket.created", schema_name=schema, data=data)
    names = [group for group, _ in site_messages(schema, str(queue.site_id), [event])]
    names += [group for group, _ in messages_for(event)]
    names += [
        groups.display_group(schema, queue.site_id, "wo", "standard"),
        groups.counter_group(schema, queue.site_id, "en"),
        groups.kiosk_group(schema, queue.site_id),
        groups.queue_tick_group(schema, queue.pk),
    ]
    assert len(names) >= 5 and all(name.startswith(f"{schema}.") for name in names), names


def tenant_tasks() -> list[TaskWrapper]:
    found = []
    for module_name in TASK_MODULES:
        module = importlib.import_module(module_name)
        found += [value for value in vars(module).values() if isinstance(value, TaskWrapper)]
    return found


def test_every_task_takes_the_schema_first_or_fans_out_over_tenants():
    tasks = tenant_tasks()
    assert len(tasks) > 5
    for task in tasks:
        parameters = list(inspect.signature(task.func).parameters)
        periodic = hasattr(task.task_class, "validate_datetime")
        if periodic:
            assert parameters == [], task.name  # fans out: one task per tenant's schema
        else:
            assert parameters[:1] == ["schema_name"], task.name


def test_an_engine_event_is_enqueued_with_its_schema(committed):
    HUEY.immediate = False  # as in daphne: the event goes to Redis for a worker
    HUEY.flush()
    try:
        services.create_ticket(queue=make_queue())
        after_commit.flush()
        pending = HUEY.pending()
    finally:
        HUEY.flush()
        HUEY.immediate = True
    assert pending, "nothing was enqueued"
    assert all(task.args[0] == committed.schema_name for task in pending), pending
