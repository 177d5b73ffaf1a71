"""The Huey tasks: a periodic task fans out to one task per active tenant; each task enters
the schema it is given and acts there only. One test goes through Huey itself (immediate)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from huey.contrib.djhuey import HUEY

from smartqueue.jobs import tasks
from smartqueue.jobs.tenants import tenant_schema, tenant_schemas
from smartqueue.queues import clock, services
from smartqueue.queues.models import Ticket
from smartqueue.tenants.models import Tenant
from tests.factories import make_agent, make_counter, make_queue, make_site

Status = Ticket.Status


def in_tenant(tenant, make):
    """Run `make()` inside `tenant`'s schema, then come back to alpha's (the test's tenant)."""
    previous = connection.tenant
    connection.set_tenant(tenant)
    try:
        return make()
    finally:
        connection.set_tenant(previous)


def overdue_call() -> Ticket:
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    with clock.frozen_at(clock.now() - timedelta(minutes=10)):
        services.create_ticket(queue=queue)
        return services.call_next(by=agent)


def yesterdays_left_over() -> Ticket:
    with clock.frozen_at(clock.now() - timedelta(days=1)):
        return services.create_ticket(queue=make_queue(make_site()))


def old_visit() -> Ticket:
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    with clock.frozen_at(clock.now() - timedelta(days=40)):
        services.create_ticket(queue=queue, customer_name="Awa", customer_phone="+22177000")
        return services.close_ticket(ticket=services.call_next(by=agent), by=agent)


def read(tenant, ticket: Ticket) -> Ticket:
    return in_tenant(tenant, lambda: Ticket.objects.get(pk=ticket.pk))


def test_the_no_show_task_acts_on_its_tenant_only(alpha, tenants):
    mine, theirs = overdue_call(), in_tenant(tenants.beta, overdue_call)
    tasks.expire_calls.call_local(alpha.schema_name)
    assert read(alpha, mine).status == Status.NO_SHOW
    assert read(tenants.beta, theirs).status == Status.CALLED


def test_the_end_of_day_task_acts_on_its_tenant_only(alpha, tenants):
    mine, theirs = yesterdays_left_over(), in_tenant(tenants.beta, yesterdays_left_over)
    tasks.end_days.call_local(tenants.beta.schema_name)
    assert read(tenants.beta, theirs).status == Status.CLOSED
    assert read(alpha, mine).status == Status.WAITING


def test_the_retention_task_uses_its_tenants_period_in_its_schema_only(alpha, tenants):
    Tenant.objects.filter(pk=alpha.pk).update(retention_days=30)  # beta keeps 365 days
    mine, theirs = old_visit(), in_tenant(tenants.beta, old_visit)
    tasks.apply_retention.call_local(alpha.schema_name)
    tasks.apply_retention.call_local(tenants.beta.schema_name)
    assert read(alpha, mine).customer_phone == ""
    assert read(tenants.beta, theirs).customer_phone == "+22177000"


def test_the_public_schema_and_inactive_tenants_are_skipped(alpha, tenants):
    Tenant.objects.filter(pk=tenants.beta.pk).update(is_active=False)
    theirs = in_tenant(tenants.beta, overdue_call)
    schemas = tenant_schemas()
    assert alpha.schema_name in schemas
    assert "public" not in schemas and tenants.beta.schema_name not in schemas
    tasks.expire_calls.call_local(tenants.beta.schema_name)  # enqueued before it was deactivated
    assert read(tenants.beta, theirs).status == Status.CALLED
    with tenant_schema("public") as tenant:
        assert tenant is None


@pytest.fixture
def immediate_huey():
    """Tasks run as they are enqueued, also where REDIS_URL gives a real Redis queue."""
    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


def test_every_minute_goes_through_huey_to_each_tenant(alpha, tenants, immediate_huey):
    mine, theirs = overdue_call(), in_tenant(tenants.beta, overdue_call)
    tasks.every_minute()  # what the consumer's scheduler enqueues
    assert read(alpha, mine).status == Status.NO_SHOW
    assert read(tenants.beta, theirs).status == Status.NO_SHOW
    assert connection.schema_name == alpha.schema_name  # the caller's schema is given back


def test_the_periodic_tasks_are_registered_with_huey(immediate_huey):
    names = {name.rsplit(".", 1)[-1] for name in HUEY._registry._registry}
    assert {"every_minute", "every_night", "expire_calls", "end_days", "apply_retention"} <= names


def test_one_consumer_runs_the_periodic_tasks():
    lines = (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines()
    consumers = [line for line in lines if "run_huey" in line and not line.startswith("#")]
    assert len(consumers) == 1 and "--no-periodic" not in consumers[0]
