"""How good is the estimated wait? `manage.py simulate_day [--seed 221] [--agents 5]
[--arrivals-per-hour 38] [--tenant simulation]`.

Plays a synthetic branch morning through the engine (simulation.py) in a throwaway organisation,
whose branch is rebuilt on every run, and prints the mean absolute error of our estimate and of
the naive one (position × SLA ÷ agents) against the waits that actually happened."""

import logging
from dataclasses import replace
from statistics import fmean

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import create_tenant
from tools.simulation import DEFAULT, Result, Scenario, simulate

NAME = "Simulation day"
TABLES = (
    "queues_ticket, queues_ticketevent, queues_auditlog, queues_queueday, queues_agentprofile,"
    " queues_counterqueue, queues_counter, queues_queue, queues_service, queues_site"
)


class Command(BaseCommand):
    help = "Replay a synthetic branch day and compare the estimated wait with the naive one."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT.seed)
        parser.add_argument("--agents", type=int, default=len(DEFAULT.shifts))
        parser.add_argument(
            "--arrivals-per-hour", type=float, default=fmean(DEFAULT.arrivals_per_hour)
        )
        parser.add_argument("--tenant", default="simulation")

    def handle(self, *args, seed, agents, arrivals_per_hour, tenant, **options):
        if agents < 1 or arrivals_per_hour <= 0:
            raise CommandError("At least one agent and some arrivals, please.")
        scenario = replace(DEFAULT.with_agents(agents).with_arrivals(arrivals_per_hour), seed=seed)
        tenant = simulation_tenant(tenant)
        connection.set_tenant(tenant)
        huey = logging.getLogger("huey")  # in-process jobs log each of the day's events
        level = huey.level
        huey.setLevel(logging.WARNING)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {TABLES} CASCADE")
            result = simulate(scenario, tenant)
        finally:
            huey.setLevel(level)
            connection.set_schema_to_public()
        self.report(scenario, result)

    def report(self, scenario: Scenario, result: Result) -> None:
        opening, hours = scenario.opening.hour, len(scenario.arrivals_per_hour)
        rate = fmean(scenario.arrivals_per_hour)
        self.stdout.write(
            f"Simulated day {opening}:00–{opening + hours}:00, {len(scenario.shifts)} agents, "
            f"{rate:.0f} arrivals/hour on average, seed {scenario.seed}"
        )
        rows = [
            ("tickets", f"{result.tickets}"),
            ("called", f"{result.called}"),
            ("mean actual wait", f"{result.mean_wait_minutes:.1f} min"),
            ("MAE, our estimate", f"{result.estimate_mae_minutes:.1f} min"),
            ("MAE, naive estimate", f"{result.naive_mae_minutes:.1f} min"),
            ("improvement", f"{result.improvement:.0%}"),
        ]
        for label, value in rows:
            self.stdout.write(f"  {label:<22}{value:>10}")


def simulation_tenant(slug: str) -> Tenant:
    """Ours, or created; never a real organisation, whose data the run would wipe."""
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is not None and tenant.name != NAME:
        raise CommandError(f"« {slug} » is a real organisation: its data would be wiped.")
    return tenant or create_tenant(name=NAME, slug=slug, admin_email=f"{slug}@smartqueue.local")
