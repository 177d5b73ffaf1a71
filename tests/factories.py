"""Small builders for tests: a site with queues and counters, agents with memberships."""

from itertools import count

from django.db import connection

from smartqueue.accounts.models import Membership, Role, User
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile, Counter, CounterQueue, Queue, Service, Site

_serial = count(1)
TEST_USER_DOMAIN = "people.test"


def make_site(*, timezone: str = "Africa/Dakar", name: str = "") -> Site:
    n = next(_serial)
    return Site.objects.create(name=name or f"Agence {n}", slug=f"agence-{n}", timezone=timezone)


def make_queue(
    site: Site | None = None,
    *,
    letter: str = "A",
    sla_seconds: int = 600,
    algorithm: str = Queue.Algorithm.FIFO,
    status: str = Queue.Status.ACTIVE,
    step_seconds: int = 300,
) -> Queue:
    site = site or make_site()
    service = Service.objects.create(
        name=f"Service {next(_serial)}",
        letter=letter,
        sla_seconds=sla_seconds,
        priority_rules={"step_seconds": step_seconds},
    )
    return Queue.objects.create(
        site=site,
        service=service,
        name=f"File {service.name}",
        algorithm=algorithm,
        status=status,
    )


def make_counter(site: Site, queues: list[Queue], *, name: str = "") -> Counter:
    counter = Counter.objects.create(site=site, name=name or f"Guichet {next(_serial)}")
    for queue in queues:
        CounterQueue.objects.create(counter=counter, queue=queue)
    return counter


def make_user(*, tenant=None, role: str = Role.AGENT, password: str | None = None) -> User:
    user = User.objects.create_user(
        email=f"user{next(_serial)}@{TEST_USER_DOMAIN}", password=password, first_name="Test"
    )
    if tenant is not None:
        Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


def make_agent(counter: Counter, *, tenant=None) -> Actor:
    """An agent seated at `counter`, as the Actor the engine expects."""
    user = make_user(tenant=tenant or connection.tenant)
    AgentProfile.objects.create(
        user_id=user.pk, counter=counter, current_status=AgentProfile.Status.AVAILABLE
    )
    return Actor(user=user, label=user.email)


TENANT_TABLES = [
    "notifications_pendingevent",
    "queues_auditlog",
    "queues_ticketevent",
    "queues_appointment",
    "queues_ticket",
    "queues_queueday",
    "queues_agentprofile",
    "queues_counterqueue",
    "queues_counter",
    "queues_customer",
    "queues_queue",
    "queues_service",
    "queues_site",
]


def wipe_tenant_data(tenants) -> None:
    """Empty the tenants' own tables and remove the people tests created (committed tests)."""
    with connection.cursor() as cursor:
        for tenant in (tenants.alpha, tenants.beta):
            tables = ", ".join(f'"{tenant.schema_name}".{name}' for name in TENANT_TABLES)
            cursor.execute(f"TRUNCATE {tables} CASCADE")
    connection.set_schema_to_public()
    User.objects.filter(email__endswith="@" + TEST_USER_DOMAIN).delete()
