"""Server time of the live pages and the API's lists with a long queue: `manage.py
benchmark_pages [--waiting 500]`.

Renders each page in-process through Django's full stack (middleware, session, templates)
against PostgreSQL, in a throwaway organisation, and prints p50 / p99 and the query count."""

import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartqueue.accounts.models import Membership, Role, User
from smartqueue.devices.models import Display, Kiosk
from smartqueue.live.dispatcher import dispatcher
from smartqueue.queues import services
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
from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import create_tenant

SLUG = "bench-pages"
TABLES = (
    "queues_auditlog, queues_ticketevent, queues_ticket, queues_queueday, queues_agentprofile, "
    "queues_counterqueue, queues_counter, queues_queue, queues_service, devices_display, "
    "devices_kiosk, queues_site"
)


class Command(BaseCommand):
    help = "Measure the server time of the counter, display, kiosk and ticket pages."

    def add_arguments(self, parser):
        parser.add_argument("--waiting", type=int, default=500)
        parser.add_argument("--rounds", type=int, default=50)
        parser.add_argument("--history", type=int, default=100_000, help="tickets in reports")

    def handle(self, *args, waiting, rounds, history, **options):
        tenant = Tenant.objects.filter(slug=SLUG).first() or create_tenant(
            name="Benchmark pages", slug=SLUG, admin_email="bench-pages@smartqueue.local"
        )
        connection.set_tenant(tenant)
        try:
            pages, agent = self.prepare(tenant, waiting)
            pages["reports"] = add_history(pages, history)
            api = f"/api/v1/tenants/{SLUG}"
            pages["api tickets"] = f"{api}/tickets/?page_size=100"
            pages["api queue"] = f"{api}/tickets/?page_size=100&queue={pages['queue'].pk}"
            pages["api stats"] = f"{api}/queues/{pages['queue'].pk}/stats/"
            dispatcher.flush(timeout=60)  # let the live pushes of the setup finish first
            client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
            client.force_login(agent)
            self.stdout.write(
                f"{waiting} waiting, {history} in the 30-day report, {rounds} rounds per page"
            )
            self.stdout.write(f"{'page':<12}{'p50 ms':>10}{'p99 ms':>10}{'queries':>10}")
            pages.pop("queue")
            for name, url in pages.items():
                p50, p99, queries = measure(client, url, rounds)
                self.stdout.write(f"{name:<12}{p50:>10.1f}{p99:>10.1f}{queries:>10}")
        finally:
            connection.set_schema_to_public()

    def prepare(self, tenant, waiting: int):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLES} CASCADE")
        site = Site.objects.create(name="Agence", slug="agence")
        queue = Queue.objects.create(
            site=site, service=Service.objects.create(name="Retrait", letter="R"), name="Retrait"
        )
        counter = Counter.objects.create(site=site, name="Guichet 1")
        CounterQueue.objects.create(counter=counter, queue=queue)
        agent = User.objects.filter(email="bench-agent@smartqueue.local").first()
        agent = agent or User.objects.create_user(email="bench-agent@smartqueue.local")
        # An admin may open every page, the reports included.
        Membership.objects.update_or_create(
            user=agent, tenant=tenant, defaults={"role": Role.ADMIN}
        )
        AgentProfile.objects.create(user_id=agent.pk, counter=counter, current_status="available")
        tickets = [
            services.create_ticket(queue=queue, customer_name="Client") for _ in range(waiting)
        ]
        services.call_next(by=Actor(user=agent))
        display = Display.objects.create(site=site, name="Écran")
        kiosk = Kiosk.objects.create(site=site, name="Borne")
        base = f"/t/{SLUG}"
        return {
            "counter": f"{base}/counter/",
            "display": f"{base}/display/{display.secret}/",
            "kiosk": f"{base}/kiosk/{kiosk.secret}/",
            "ticket": f"{base}/ticket/{tickets[-1].pk}/",
            "queue": queue,
        }, agent


def measure(client: Client, url: str, rounds: int) -> tuple[float, float, int]:
    client.get(url)  # warm up templates and connections
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    quantiles = statistics.quantiles(timings, n=100)
    return statistics.median(timings), quantiles[98], len(captured.captured_queries)


def add_history(pages: dict, count: int) -> str:
    """`count` served tickets over the last 30 days, written directly (setup, not the engine)."""
    queue = pages["queue"]
    now = timezone.now()
    rows = []
    for i in range(count):
        created = now - timedelta(days=1 + i % 30, minutes=i % 600)
        called = created + timedelta(seconds=60 + i % 900)
        rows.append(
            Ticket(
                queue=queue,
                number=f"H{i:06d}",
                business_day=created.date(),
                channel=Ticket.Channel.KIOSK,
                status=Ticket.Status.CLOSED,
                outcome=Ticket.Outcome.SERVED,
                created_at=created,
                arrived_at=created,
                called_at=called,
                service_started_at=called,
                ended_at=called + timedelta(seconds=120 + i % 300),
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=5000)
    start, end = (now - timedelta(days=31)).date(), now.date()
    return f"/t/{SLUG}/reports/?start={start}&end={end}"
