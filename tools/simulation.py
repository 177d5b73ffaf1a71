"""A synthetic branch day played through the real engine, to measure the estimated wait against
the waits that actually happen (`manage.py simulate_day`, docs/benchmarks.md, "Estimated wait").

Customers arrive as a Poisson process whose rate changes by the hour, service times are
log-normal, agents join, pause and leave during the day. An event loop walks through simulated
time and at each event calls only the engine's public services, with the engine's clock set to
the event's moment. Every ticket is quoted at its creation, as the kiosk does, by our estimate
and by a naive one (position × the service's SLA ÷ agents serving); its call gives the wait
that actually happened. Everything random comes from the seed: one seed, one day.
"""

import heapq
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from statistics import fmean
from zoneinfo import ZoneInfo

from smartqueue.accounts.models import Membership, Role, User
from smartqueue.errors import NotFound
from smartqueue.queues import clock, services
from smartqueue.queues.estimates import agents_serving, estimated_wait_seconds
from smartqueue.queues.history import Actor
from smartqueue.queues.models import (
    AgentProfile,
    Counter,
    CounterQueue,
    Queue,
    Service,
    Site,
    Ticket,
)
from smartqueue.queues.selectors import position_in_queue

AGENT_EMAIL = "{schema}-simulated-agent-{number}@smartqueue.local"


@dataclass(frozen=True)
class ServicePlan:
    name: str
    letter: str
    sla_seconds: int
    algorithm: str
    share: float  # of the branch's arrivals
    median_minutes: float  # log-normal service time: its median…
    sigma: float  # …and the spread of its logarithm (0.5: a few services take twice as long)


@dataclass(frozen=True)
class Shift:
    """One agent's day at one counter, in minutes after opening."""

    counter: str
    start: float = 0
    end: float | None = None  # None: until the last customer is served
    pause: tuple[float, float] | None = None  # (from, minutes away)


@dataclass(frozen=True)
class Scenario:
    arrivals_per_hour: tuple[float, ...]  # one rate per hour from opening; doors close after
    services: tuple[ServicePlan, ...]
    counters: tuple[tuple[str, tuple[str, ...]], ...]  # counter, letters of the services it serves
    shifts: tuple[Shift, ...]
    seed: int = 221
    day: date = date(2025, 3, 4)
    opening: time = time(8, 0)
    timezone: str = "Africa/Dakar"
    walk_seconds: tuple[float, float] = (20, 60)  # from the call to the counter
    no_show_share: float = 0.03  # called, never came: the agent waits NO_SHOW_WAIT for nothing
    priority_share: float = 0.08  # elderly, pregnant, disabled: priority 1

    def with_agents(self, agents: int) -> "Scenario":
        """The first `agents` shifts; more than planned are all-day cashiers at extra counters."""
        extra = [f"Guichet renfort {n}" for n in range(1, agents - len(self.shifts) + 1)]
        cashier = self.services[0].letter
        return replace(
            self,
            shifts=self.shifts[:agents] + tuple(Shift(counter=name) for name in extra),
            counters=self.counters + tuple((name, (cashier,)) for name in extra),
        )

    def with_arrivals(self, per_hour: float) -> "Scenario":
        """The same hourly profile (the morning peak), scaled to `per_hour` on average."""
        scale = per_hour / fmean(self.arrivals_per_hour)
        return replace(self, arrivals_per_hour=tuple(r * scale for r in self.arrivals_per_hour))


NO_SHOW_WAIT = timedelta(minutes=2)

# A weekday morning at a Dakar branch, 8:00–13:00: cash operations at the tills, account and
# card questions at a desk, one versatile till; a peak between 9 and 11; a late cashier, three
# short breaks, two agents who come for the peak and leave before the doors close.
DEFAULT = Scenario(
    arrivals_per_hour=(30, 45, 50, 35, 30),
    services=(
        ServicePlan("Caisse", "C", 600, Queue.Algorithm.PRIORITY, 0.8, 4.0, 0.55),
        ServicePlan("Service clientèle", "S", 900, Queue.Algorithm.FIFO, 0.2, 9.0, 0.6),
    ),
    counters=(
        ("Guichet 1", ("C",)),
        ("Bureau clientèle", ("S",)),
        ("Guichet 2", ("C",)),
        ("Guichet 3", ("C", "S")),
        ("Guichet 4", ("C",)),
    ),
    shifts=(
        Shift("Guichet 1", pause=(150, 15)),
        Shift("Bureau clientèle", pause=(200, 15)),
        Shift("Guichet 2", start=20, pause=(225, 20)),
        Shift("Guichet 3", start=60, end=240),
        Shift("Guichet 4", start=90, end=270),
    ),
)


@dataclass
class Quote:
    """What a ticket was told at the kiosk, and what then happened."""

    estimate: int
    naive: int
    created_at: datetime
    wait: float | None = None  # seconds from creation to the call

    def errors(self) -> tuple[float, float]:
        assert self.wait is not None
        return abs(self.estimate - self.wait), abs(self.naive - self.wait)


@dataclass(frozen=True)
class Result:
    tickets: int
    called: int
    mean_wait_minutes: float
    estimate_mae_minutes: float
    naive_mae_minutes: float

    @property
    def improvement(self) -> float:
        """How much smaller our error is than the naive one: 0.3 is 30 % smaller."""
        if not self.naive_mae_minutes:
            return 0.0
        return 1 - self.estimate_mae_minutes / self.naive_mae_minutes


def summarise(quotes: list[Quote]) -> Result:
    called = [quote for quote in quotes if quote.wait is not None]
    errors = [quote.errors() for quote in called]
    return Result(
        tickets=len(quotes),
        called=len(called),
        mean_wait_minutes=fmean([q.wait or 0 for q in called]) / 60 if called else 0,
        estimate_mae_minutes=fmean([e for e, _ in errors]) / 60 if errors else 0,
        naive_mae_minutes=fmean([n for _, n in errors]) / 60 if errors else 0,
    )


def naive_wait_seconds(queue: Queue, position: int) -> int:
    """The estimate we compare with: every customer ahead takes the service's SLA."""
    return math.ceil(position * queue.service.sla_seconds / agents_serving(queue))


# --- the branch ----------------------------------------------------------------------------


@dataclass
class Agent:
    actor: Actor
    counter: Counter
    shift: Shift
    queue_ids: frozenset
    on_duty: bool = False
    leaving_for: str | None = None  # paused / offline, as soon as the current ticket is done
    ticket: Ticket | None = None


def set_up_branch(scenario: Scenario, tenant) -> tuple[dict[str, Queue], list[Agent]]:
    """The site, its services, queues and counters, and one offline agent per shift."""
    site = Site.objects.create(
        name="Agence simulée", slug="agence-simulee", timezone=scenario.timezone
    )
    queues = {}
    for plan in scenario.services:
        service = Service.objects.create(
            name=plan.name, letter=plan.letter, sla_seconds=plan.sla_seconds
        )
        queues[plan.letter] = Queue.objects.create(
            site=site, service=service, name=plan.name, algorithm=plan.algorithm
        )
    counters = {}
    for name, letters in scenario.counters:
        counters[name] = Counter.objects.create(site=site, name=name)
        for letter in letters:
            CounterQueue.objects.create(counter=counters[name], queue=queues[letter])
    served = {name: frozenset(queues[x].pk for x in letters) for name, letters in scenario.counters}
    agents = [
        Agent(
            actor=agent_actor(tenant, number),
            counter=counters[shift.counter],
            shift=shift,
            queue_ids=served[shift.counter],
        )
        for number, shift in enumerate(scenario.shifts, start=1)
    ]
    return queues, agents


def agent_actor(tenant, number: int) -> Actor:
    email = AGENT_EMAIL.format(schema=tenant.schema_name, number=number)
    user, _ = User.objects.get_or_create(email=email, defaults={"first_name": f"Agent {number}"})
    Membership.objects.get_or_create(user=user, tenant=tenant, defaults={"role": Role.AGENT})
    return Actor(user=user, label=email)


# --- the day -------------------------------------------------------------------------------


class Day:
    """The event loop: a heap of (seconds after opening, order, action), run in time order."""

    def __init__(self, scenario: Scenario, queues: dict[str, Queue], agents: list[Agent]):
        self.scenario = scenario
        self.queues = queues
        self.agents = agents
        self.rng = random.Random(f"{scenario.seed}:service")  # arrivals have their own
        zone = ZoneInfo(scenario.timezone)
        self.opening = datetime.combine(scenario.day, scenario.opening, tzinfo=zone)
        self.events: list[tuple[float, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.now = 0.0
        self.waiting = dict.fromkeys((q.pk for q in queues.values()), 0)
        self.quotes: dict = {}

    def at(self, seconds: float, action: Callable[[], None]) -> None:
        heapq.heappush(self.events, (seconds, next(self.order), action))

    def run(self) -> Result:
        self.plan_arrivals()
        for agent in self.agents:
            self.plan_shift(agent)
        while self.events:
            self.now, _, action = heapq.heappop(self.events)
            with clock.frozen_at(self.opening + timedelta(seconds=self.now)):
                action()
                self.dispatch()
        with clock.frozen_at(self.opening + timedelta(seconds=self.now)):
            for agent in self.agents:
                if agent.on_duty:
                    self.step_away(agent, AgentProfile.Status.OFFLINE)
        return summarise(list(self.quotes.values()))

    def plan_arrivals(self) -> None:
        """Poisson arrivals, hour by hour: exponential gaps at that hour's rate (memoryless,
        so starting afresh at each hour is exact)."""
        rng = random.Random(f"{self.scenario.seed}:arrivals")
        shares = [plan.share for plan in self.scenario.services]
        for hour, rate in enumerate(self.scenario.arrivals_per_hour):
            moment, end = hour * 3600.0, (hour + 1) * 3600.0
            while rate > 0:
                moment += rng.expovariate(rate / 3600)
                if moment >= end:
                    break
                (plan,) = rng.choices(self.scenario.services, weights=shares)
                priority = 1 if rng.random() < self.scenario.priority_share else 0
                self.at(moment, partial(self.arrive, self.queues[plan.letter], priority))

    def plan_shift(self, agent: Agent) -> None:
        shift = agent.shift
        self.at(shift.start * 60, lambda: self.join(agent))
        if shift.pause is not None:
            start, minutes = shift.pause
            self.at(start * 60, lambda: self.step_away(agent, AgentProfile.Status.PAUSED))
            self.at((start + minutes) * 60, lambda: self.join(agent))
        if shift.end is not None:
            self.at(shift.end * 60, lambda: self.step_away(agent, AgentProfile.Status.OFFLINE))

    # --- actions, each through the engine ---

    def arrive(self, queue: Queue, priority: int) -> None:
        ticket = services.create_ticket(
            queue=queue, channel=Ticket.Channel.KIOSK, priority=priority
        )
        self.waiting[queue.pk] += 1
        position = position_in_queue(ticket) or 1
        self.quotes[ticket.pk] = Quote(
            estimate=estimated_wait_seconds(queue, position),
            naive=naive_wait_seconds(queue, position),
            created_at=ticket.created_at,
        )

    def join(self, agent: Agent) -> None:
        """At the counter, or back from a break (a break not yet begun is simply dropped)."""
        agent.leaving_for = None
        if agent.shift.end is not None and self.now >= agent.shift.end * 60:
            return  # a break that would end after the shift
        if not agent.on_duty:
            services.set_agent_status(
                by=agent.actor, status=AgentProfile.Status.AVAILABLE, counter=agent.counter
            )
            agent.on_duty = True

    def step_away(self, agent: Agent, status: str) -> None:
        """Agents finish the customer in front of them before a break or the end of a shift."""
        if agent.ticket is not None:
            agent.leaving_for = status
            return
        if agent.on_duty:
            services.set_agent_status(by=agent.actor, status=status)
        agent.on_duty, agent.leaving_for = False, None

    def dispatch(self) -> None:
        """Every free agent on duty calls the next ticket, if one of their queues has any (the
        loop keeps the waiting counts itself, to skip calls that would find nobody)."""
        for agent in self.agents:
            if not agent.on_duty or agent.ticket is not None:
                continue
            if not any(self.waiting[pk] for pk in agent.queue_ids):
                continue
            try:
                ticket = services.call_next(by=agent.actor)
            except NotFound:
                continue
            self.waiting[ticket.queue_id] -= 1
            quote = self.quotes[ticket.pk]
            assert ticket.called_at is not None
            quote.wait = (ticket.called_at - quote.created_at).total_seconds()
            agent.ticket = ticket
            self.at(self.now + self.rng.uniform(*self.scenario.walk_seconds), self.reach(agent))

    def reach(self, agent: Agent) -> Callable[[], None]:
        def at_counter() -> None:
            assert agent.ticket is not None
            if self.rng.random() < self.scenario.no_show_share:
                self.at(self.now + NO_SHOW_WAIT.total_seconds(), lambda: self.finish(agent))
                return
            agent.ticket = services.start_service(ticket=agent.ticket, by=agent.actor)
            self.at(self.now + self.service_seconds(agent.ticket), lambda: self.finish(agent))

        return at_counter

    def service_seconds(self, ticket: Ticket) -> float:
        plan = next(
            p for p in self.scenario.services if self.queues[p.letter].pk == ticket.queue_id
        )
        return self.rng.lognormvariate(math.log(plan.median_minutes * 60), plan.sigma)

    def finish(self, agent: Agent) -> None:
        assert agent.ticket is not None
        if agent.ticket.status == Ticket.Status.IN_SERVICE:
            services.close_ticket(ticket=agent.ticket, by=agent.actor)
        else:
            services.mark_no_show(ticket=agent.ticket, by=agent.actor)
        agent.ticket = None
        if agent.leaving_for is not None:
            self.step_away(agent, agent.leaving_for)


def simulate(scenario: Scenario, tenant) -> Result:
    """Set up a branch in the current tenant's schema and play the day; its rows stay."""
    queues, agents = set_up_branch(scenario, tenant)
    return Day(scenario, queues, agents).run()
