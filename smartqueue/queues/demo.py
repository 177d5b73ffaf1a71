"""Demo data for `create_tenant --with-demo-data`: the seeds' bank in Dakar and a morning of
history, played through the engine itself (with its clock set back) so every row is real."""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from smartqueue.accounts.models import Membership, Role, User
from smartqueue.devices.models import Display, Kiosk
from smartqueue.errors import DomainError
from smartqueue.queues import clock, services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import (
    AgentProfile,
    Counter,
    CounterQueue,
    Customer,
    Queue,
    Service,
    Site,
    Ticket,
)
from smartqueue.tenants.services import ensure_user

AGENT_PASSWORD = "agent123"
MANAGER_PASSWORD = "manager123"
HISTORY = timedelta(hours=3)

# name, letter, SLA, algorithm, arrivals per minute, mean service minutes
SERVICES = [
    ("Ouverture de compte", "A", 600, Queue.Algorithm.FIFO, 0.12, 8),
    ("Retrait", "R", 300, Queue.Algorithm.PRIORITY, 0.40, 3),
    ("Conseil", "C", 900, Queue.Algorithm.SLA, 0.05, 12),
]
MEAN_SERVICE_MINUTES = {name: minutes for name, *_, minutes in SERVICES}
COUNTERS = [
    ("Guichet 1", ["Retrait", "Ouverture de compte"]),
    ("Guichet 2", ["Retrait"]),
    ("Guichet 3", ["Conseil", "Ouverture de compte"]),
]
AGENTS = [("Awa", "Ndiaye"), ("Moussa", "Fall"), ("Khady", "Sarr")]
CUSTOMERS = [
    ("Amadou", "Diallo", "amadou.diallo@example.com", "+221771234567"),
    ("Fatou", "Sow", "fatou.sow@example.com", "+221776543210"),
]


def load_demo_data(tenant, *, seed: int = 221, until: datetime | None = None) -> Iterator[str]:
    domain = f"{tenant.slug}.com"
    with schema_context(tenant.schema_name):
        site = Site.objects.create(
            name="Agence Dakar Plateau",
            slug="agence-dakar",
            address="Avenue Léopold Sédar Senghor",
            city="Dakar",
            country="SN",
            latitude="14.692800",
            longitude="-17.446700",
            phone="+221 33 123 45 67",
            timezone="Africa/Dakar",
        )
        queues = create_queues(site)
        agents = create_agents(tenant, site, queues, domain)
        manager = ensure_user(
            email=f"manager@{domain}",
            password=MANAGER_PASSWORD,
            first_name="Aminata",
            last_name="Diop",
        )
        Membership.objects.update_or_create(
            user=manager, tenant=tenant, defaults={"role": Role.MANAGER}
        )
        for first, last, email, phone in CUSTOMERS:
            Customer.objects.create(
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                notify_sms=True,
                notify_whatsapp=True,
            )
        Display.objects.create(site=site, name="Écran de la salle d'attente")
        Kiosk.objects.create(site=site, name="Borne de l'entrée")
        count = play_morning(queues, agents, random.Random(seed), until or timezone.now())
    yield f"Site « {site.name} » avec {len(queues)} files et {len(agents)} guichets."
    for agent in agents:
        yield f"Agent {agent.user.email} / {AGENT_PASSWORD} au {agent.counter.name}"
    yield f"Manager {manager.email} / {MANAGER_PASSWORD}"
    yield f"{count} tickets d'historique sur les {HISTORY.seconds // 3600} dernières heures."


def create_queues(site: Site) -> dict[str, Queue]:
    queues = {}
    for name, letter, sla, algorithm, _, _ in SERVICES:
        service = Service.objects.create(
            name=name, letter=letter, sla_seconds=sla, priority_rules={"step_seconds": 300}
        )
        queues[name] = Queue.objects.create(
            site=site, service=service, name=f"File {name}", algorithm=algorithm
        )
    return queues


@dataclass
class DemoAgent:
    user: User
    counter: Counter
    busy_until: datetime | None = None
    ticket: Ticket | None = None

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user, label=self.user.email)


def create_agents(tenant, site, queues, domain) -> list[DemoAgent]:
    agents = []
    for number, ((counter_name, served), (first, last)) in enumerate(
        zip(COUNTERS, AGENTS, strict=True), start=1
    ):
        counter = Counter.objects.create(site=site, name=counter_name)
        for name in served:
            CounterQueue.objects.create(counter=counter, queue=queues[name])
        user = ensure_user(
            email=f"agent{number}@{domain}",
            password=AGENT_PASSWORD,
            first_name=first,
            last_name=last,
        )
        Membership.objects.update_or_create(user=user, tenant=tenant, defaults={"role": Role.AGENT})
        AgentProfile.objects.create(user_id=user.pk, counter=counter)
        agents.append(DemoAgent(user=user, counter=counter))
    return agents


def play_morning(queues, agents: list[DemoAgent], rng: random.Random, until: datetime) -> int:
    """Minute by minute until `until`: customers arrive, free agents call, serve and close."""
    end = until.replace(second=0, microsecond=0)
    moment, created = end - HISTORY, 0
    for agent in agents:
        with clock.frozen_at(moment):
            services.set_agent_status(by=agent.actor, status=AgentProfile.Status.AVAILABLE)
    while moment < end:
        with clock.frozen_at(moment):
            created += arrive(queues, rng)
            for agent in agents:
                serve(agent, moment, rng, last_minutes=end - moment < timedelta(minutes=20))
        moment += timedelta(minutes=1)
    return created


def arrive(queues: dict[str, Queue], rng: random.Random) -> int:
    created = 0
    for name, _, _, _, rate, _ in SERVICES:
        if rng.random() < rate:
            services.create_ticket(
                queue=queues[name],
                channel=rng.choice(["kiosk", "kiosk", "kiosk", "qr", "whatsapp", "web"]),
                priority=1 if rng.random() < 0.1 else 0,
                customer_name=rng.choice(["", "", "Mariama Ba", "Ousmane Sy", "Ndeye Gueye"]),
            )
            created += 1
    return created


def serve(agent: DemoAgent, moment: datetime, rng: random.Random, last_minutes: bool) -> None:
    if agent.ticket is not None and agent.busy_until and moment >= agent.busy_until:
        services.close_ticket(ticket=agent.ticket, by=agent.actor)
        agent.ticket = None
    if agent.ticket is not None or last_minutes:
        return  # the last minutes stay unserved, so the demo opens with people waiting
    try:
        ticket = services.call_next(by=agent.actor)
    except DomainError:
        return
    if rng.random() < 0.05:
        services.mark_no_show(ticket=ticket, by=agent.actor)
        return
    mean = MEAN_SERVICE_MINUTES[ticket.queue.service.name]
    agent.ticket = services.start_service(ticket=ticket, by=agent.actor)
    agent.busy_until = moment + timedelta(minutes=max(1, round(rng.expovariate(1 / mean))))
