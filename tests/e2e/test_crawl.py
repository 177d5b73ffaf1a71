"""Every URL pattern, walked from Django's resolvers, asked under daphne by a stranger, an agent,
a manager and an admin of a tenant with demo data, with ids of real rows: no 5xx, an answer
within 5 s read to its end, and no database connection left behind."""

import re
import time
import uuid

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from smartqueue.accounts.models import Membership, Role, User
from smartqueue.dashboard.settings_views import SECTIONS
from smartqueue.devices.models import Display, Kiosk
from smartqueue.queues import appointments, services
from smartqueue.queues.demo import load_demo_data
from smartqueue.queues.history import Actor
from smartqueue.queues.models import Customer, Queue, Service, Site, Ticket
from smartqueue.tenants.models import Tenant
from tests.e2e.conftest import RESULTS, ROOT, server_env
from tests.factories import make_user
from tests.servers import Server

pytestmark = pytest.mark.e2e
LIMIT_SECONDS = 5
APPLICATION = "smartqueue-crawl"
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def route_of(pattern) -> str:
    """A pattern's route with <name> placeholders, regex patterns included (allauth's)."""
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "regex") and not hasattr(pattern.pattern, "_route"):
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
        text = text.replace("^", "").replace("$", "").replace("\\", "")
    return text


def routes(patterns=None, prefix: str = "") -> list[str]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, prefix + route_of(pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + route_of(pattern))
    return sorted(set(found))


def first_pk(model) -> str:
    row = model._base_manager.order_by("pk").first()
    return str(row.pk) if row else str(uuid.uuid4())


def ids() -> dict:
    """Ids of real rows, by the word before `<pk>` in a route (or the settings section)."""
    from smartqueue.notifications.models import WebhookEndpoint

    by_word = {
        "sites": Site,
        "services": Service,
        "queues": Queue,
        "customers": Customer,
        "tickets": Ticket,
        "webhooks": WebhookEndpoint,
    }
    found = {word: first_pk(model) for word, model in by_word.items()}
    found |= {name: first_pk(section.model) for name, section in SECTIONS.items()}
    found["tenants"] = str(Tenant.objects.get(slug="alpha").pk)
    return found


def urls_of(route: str, rows: dict) -> list[str]:
    """The route's URLs: each settings section for <section>, real ids everywhere else."""
    names = [name for _, name in PARAMETER.findall(route)]
    sections = list(SECTIONS) if "section" in names else [None]
    urls = []
    for section in sections:

        def value(match, section=section):
            name = match.group(2)
            before = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            if name == "tenant_slug":
                return "alpha"
            if name == "section":
                return section
            if name == "pk":
                return rows.get(section or before, str(uuid.uuid4()))
            if name == "secret":
                return rows["kiosk" if "kiosk/" in route[: match.start()] else "display"]
            return rows.get(name, "x")

        urls.append("/" + PARAMETER.sub(value, route))
    return urls


@pytest.fixture
def demo(committed):
    list(load_demo_data(committed))
    site = Site.objects.first()
    queue = Queue.objects.filter(site=site).first()
    waiting = services.create_ticket(queue=queue)
    from datetime import timedelta

    from smartqueue.queues.slots import bookable_days, slots_of_day
    from tests.e2e.pages import open_all_day

    open_all_day(site)
    slot = next(
        s for day in bookable_days(site) for s in slots_of_day(site, queue.service, day) if s.free
    )
    booked = appointments.book_appointment(
        service=queue.service,
        site=site,
        starts_at=slot.starts_at,
        ends_at=slot.starts_at + timedelta(minutes=queue.service.slot_minutes),
        customer=Customer.objects.first(),
        by=Actor(user=None, label="test"),
    )
    people = {
        role: make_user(tenant=committed, role=role)
        for role in (Role.AGENT, Role.MANAGER, Role.ADMIN)
    }
    rows = ids() | {
        "ticket_id": str(waiting.pk),
        "appointment_id": str(booked.pk),
        "membership_id": str(Membership.objects.filter(tenant=committed).first().pk),
        "kind": "kiosk",
        "action": "call",
        "kiosk": Kiosk.objects.first().secret,
        "display": Display.objects.first().secret,
    }
    yield rows, people
    User.objects.filter(email__endswith=f"@{committed.slug}.com").delete()  # the demo's people


def session_of(user) -> requests.Session:
    session = requests.Session()
    if user is not None:
        client = Client()
        client.force_login(user)
        session.cookies.set("sessionid", client.cookies["sessionid"].value)
    return session


def ask(session, method: str, url: str) -> tuple[int, float]:
    """Status and seconds until the whole body was read (streamed ones to their end)."""
    started = time.monotonic()
    with session.request(
        method, url, stream=True, timeout=LIMIT_SECONDS, allow_redirects=False
    ) as answer:
        for _ in answer.iter_content(64 * 1024):
            if time.monotonic() - started > LIMIT_SECONDS:
                break
        return answer.status_code, time.monotonic() - started


def connections() -> int:
    """The crawled server's connections (its own name), not this process's threads'."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [APPLICATION],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def crawled(tenants, django_db_blocker):
    """A daphne of the crawl's own, whose connections carry a name pg_stat_activity shows."""
    env = server_env(django_db_blocker)
    env["DATABASE_URL"] += (
        "&" if "?" in env["DATABASE_URL"] else "?"
    ) + f"application_name={APPLICATION}"
    RESULTS.mkdir(exist_ok=True)
    server = Server(env, ROOT, RESULTS / "daphne-crawl.log").start()
    try:
        yield server.url
    finally:
        server.stop()


def test_every_url_answers_without_5xx_quickly_and_leaves_no_connection(crawled, demo):
    rows, people = demo
    urls = [url for route in routes() for url in urls_of(route, rows)]
    assert len(urls) > 60
    sessions = {"anonymous": session_of(None)} | {
        role: session_of(user) for role, user in people.items()
    }
    for url in urls:  # a first round: the connections the server keeps for itself
        ask(sessions["admin"], "GET", crawled + url)
    baseline = connections()
    problems, opened = [], 0
    for who, session in sessions.items():
        for url in urls:
            for method in ("GET", "HEAD", "OPTIONS"):
                try:
                    status, seconds = ask(session, method, crawled + url)
                except requests.RequestException as error:
                    problems.append(f"{who} {method} {url}: {type(error).__name__}")
                    continue
                opened += who == Role.ADMIN and method == "GET" and status == 200
                if status >= 500 or seconds > LIMIT_SECONDS:
                    problems.append(f"{who} {method} {url}: {status} in {seconds:.1f} s")
    assert not problems, "\n".join(problems)
    assert opened > 40  # real pages were crawled, not a wall of 404s
    deadline = time.monotonic() + LIMIT_SECONDS
    while connections() > baseline and time.monotonic() < deadline:
        time.sleep(0.1)
    assert connections() <= baseline
