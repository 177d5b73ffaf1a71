"""The load test's branch network in the database: organisations, sites, queues, counters,
agents with API tokens and displays, built directly (setup, not the engine), and the checks
read back from the database once the clients are done."""

from dataclasses import dataclass, field

from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import tenant_context

from smartqueue.accounts.models import ApiToken, Membership, Role, User
from smartqueue.devices.models import Display
from smartqueue.queues.models import AgentProfile, Counter, CounterQueue, Queue, Service, Site
from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import create_tenant

NAME = "Load test"
SLUG_PREFIX = "load-"
EMAIL_DOMAIN = "loadtest.smartqueue.local"
TICKETS = "queues_ticket, queues_ticketevent, queues_auditlog, queues_queueday"
SETUP = (
    "queues_agentprofile, queues_counterqueue, queues_counter, queues_queue, queues_service, "
    "devices_display, devices_kiosk, queues_site"
)
ACTIVE = ("appele", "en_service")  # Ticket.Status.CALLED, IN_SERVICE


@dataclass
class QueueRef:
    slug: str
    queue_id: str
    token: str  # a kiosk-like member allowed to issue tickets there


@dataclass
class SiteRef:
    slug: str
    site_id: str
    display_queue: QueueRef
    caller_token: str  # the one agent who calls at this site during the display phase
    display_secrets: list[str] = field(default_factory=list)


@dataclass
class Network:
    tenants: list[Tenant]
    main_queue: QueueRef  # one queue: single-queue creation, then the agents drain it
    agent_tokens: list[str]  # agents seated at counters serving only the main queue
    queues: list[QueueRef]  # the queues of the many-queues creation phase
    sites: list[SiteRef]

    def displays(self, count: int) -> list[tuple[SiteRef, str]]:
        """The first `count` displays, taken in turn from each site."""
        pairs: list[tuple[SiteRef, str]] = []
        depth = max(len(site.display_secrets) for site in self.sites)
        for i in range(depth):
            pairs += [(s, s.display_secrets[i]) for s in self.sites if i < len(s.display_secrets)]
        return pairs[:count]


def build_network(*, tenants: int, sites: int, queues: int, agents: int, displays: int) -> Network:
    """A fresh network in `tenants` organisations named load-1 …, created the first time and
    emptied and refilled on later runs."""
    orgs = [load_tenant(f"{SLUG_PREFIX}{n}") for n in range(1, tenants + 1)]
    site_refs: list[SiteRef] = []
    site_rows: list[tuple[Tenant, Site, str]] = []
    for tenant in orgs:
        with tenant_context(tenant):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {TICKETS}, {SETUP} CASCADE")
            service = Service.objects.create(name="Retrait", letter="R")
            token = member_token(tenant, f"kiosk-{tenant.slug}")
            for s in range(1, sites + 1):
                site = Site.objects.create(name=f"Agence {s}", slug=f"agence-{s}")
                site_refs.append(site_ref(tenant, site, service, token))
                site_rows.append((tenant, site, token))
    queue_refs = spread_queues(site_rows, queues)
    main = queue_refs[0]
    with tenant_context(orgs[0]):
        agent_tokens = [seat(orgs[0], main.queue_id, f"agent-{i}") for i in range(1, agents + 1)]
    add_displays(orgs, site_refs, displays)
    return Network(orgs, main, agent_tokens, queue_refs, site_refs)


def load_tenant(slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is not None and tenant.name != NAME:
        raise CommandError(f"« {slug} » is a real organisation: its data would be wiped.")
    return tenant or create_tenant(name=NAME, slug=slug, admin_email=email(f"admin-{slug}"))


def email(name: str) -> str:
    return f"{name}@{EMAIL_DOMAIN}"


def member_token(tenant: Tenant, name: str) -> str:
    """A fresh API token for an agent of `tenant` (older tokens of that user are dropped)."""
    user, _ = User.objects.get_or_create(email=email(name))
    Membership.objects.update_or_create(
        user=user, tenant=tenant, defaults={"role": Role.AGENT, "is_active": True}
    )
    ApiToken.objects.filter(user=user).delete()
    return ApiToken.objects.issue(user)[1]


def seat(tenant: Tenant, queue_id: str, name: str) -> str:
    """An agent at a counter of its own serving one queue; returns the agent's token."""
    queue = Queue.objects.select_related("site").get(pk=queue_id)
    counter = Counter.objects.create(site=queue.site, name=f"Guichet {name}")
    CounterQueue.objects.create(counter=counter, queue=queue)
    token = member_token(tenant, f"{name}-{tenant.slug}")
    user = User.objects.get(email=email(f"{name}-{tenant.slug}"))
    AgentProfile.objects.create(user_id=user.pk, counter=counter, current_status="available")
    return token


def site_ref(tenant: Tenant, site: Site, service: Service, kiosk_token: str) -> SiteRef:
    """A site with its display-phase queue and the agent who calls from it."""
    queue = Queue.objects.create(site=site, service=service, name="Affichage")
    caller = seat(tenant, str(queue.pk), f"caller-{site.slug}")
    ref = QueueRef(tenant.slug, str(queue.pk), kiosk_token)
    return SiteRef(tenant.slug, str(site.pk), ref, caller)


def spread_queues(site_rows, count: int) -> list[QueueRef]:
    """`count` queues dealt over every site of every organisation in turn."""
    refs: list[QueueRef] = []
    for i in range(count):
        tenant, site, token = site_rows[i % len(site_rows)]
        with tenant_context(tenant):
            # A site has one queue per service: each queue its own service.
            service = Service.objects.create(name=f"Service {i + 1}", letter="A")
            queue = Queue.objects.create(site=site, service=service, name=f"Guichets {i + 1}")
        refs.append(QueueRef(tenant.slug, str(queue.pk), token))
    return refs


def add_displays(orgs: list[Tenant], sites: list[SiteRef], count: int) -> None:
    by_slug = {tenant.slug: tenant for tenant in orgs}
    for i in range(count):
        ref = sites[i % len(sites)]
        with tenant_context(by_slug[ref.slug]):
            display = Display.objects.create(site_id=ref.site_id, name=f"Écran {i + 1}")
        ref.display_secrets.append(display.secret)


def wipe_tickets(network: Network) -> None:
    """Every ticket of the network gone and every agent free again, between rounds."""
    for tenant in network.tenants:
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TICKETS} CASCADE")
            cursor.execute("UPDATE queues_agentprofile SET current_status = 'available'")


def drop_network() -> None:
    """Remove the load test's organisations, their schemas and their users."""
    for tenant in Tenant.objects.filter(slug__startswith=SLUG_PREFIX, name=NAME):
        tenant.delete(force_drop=True)
    User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()


# --- checks, read back from the database ------------------------------------------------------


def scalar(tenant: Tenant, sql: str, params=()) -> int:
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def tickets_called_twice(tenant: Tenant) -> int:
    """Tickets with more than one 'called' step in their history."""
    return scalar(
        tenant,
        "SELECT count(*) FROM (SELECT ticket_id FROM queues_ticketevent WHERE kind = 'called' "
        "GROUP BY ticket_id HAVING count(*) > 1) twice",
    )


def agents_holding_two(tenant: Tenant) -> int:
    """Agents holding more than one called or in-service ticket."""
    return scalar(
        tenant,
        "SELECT count(*) FROM (SELECT agent_id FROM queues_ticket WHERE status = ANY(%s) "
        "GROUP BY agent_id HAVING count(*) > 1) two",
        [list(ACTIVE)],
    )


def calls_recorded(tenant: Tenant) -> int:
    return scalar(tenant, "SELECT count(*) FROM queues_ticketevent WHERE kind = 'called'")


def duplicate_numbers(network: Network) -> int:
    """Numbers given twice on one queue and day, in every organisation of the network."""
    return sum(
        scalar(
            tenant,
            "SELECT count(*) FROM (SELECT 1 FROM queues_ticket GROUP BY queue_id, business_day, "
            "number HAVING count(*) > 1) dup",
        )
        for tenant in network.tenants
    )


def ticket_count(network: Network) -> int:
    return sum(scalar(t, "SELECT count(*) FROM queues_ticket") for t in network.tenants)
