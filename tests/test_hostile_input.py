"""Customer input shown everywhere it appears, as text: hostile names on the counter, the
display, the ticket page, the dashboard, reports, the audit trail and the API; a CSV export
never hands a spreadsheet a formula."""

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils.html import escape

from smartqueue.accounts.models import ApiToken, Role
from smartqueue.devices.models import Display, Kiosk
from smartqueue.live.render import site_messages
from smartqueue.queues import services
from smartqueue.queues.events import DomainEvent
from smartqueue.queues.models import Customer, Ticket
from tests.factories import make_agent, make_counter, make_queue, make_site, make_user
from tests.servers import Server, debug_server_env

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert('x')</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
HOSTILE = (SCRIPT, IMAGE)
FORMULAS = ("=cmd|' /C calc'!A0", "+SUM(1+1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)")


def assert_text_only(html: str, *, shown: bool = True) -> None:
    """No hostile markup survives; `shown`: the page does show the names, escaped."""
    for raw in HOSTILE:
        assert raw not in html
    assert "<script>alert" not in html and "<img src=x" not in html
    if shown:
        assert any(escape(raw) in html for raw in HOSTILE), "the names are not on the page"


@pytest.fixture
def hostile(alpha, tenants):
    queue = make_queue(letter="H")
    counter = make_counter(queue.site, [queue])
    agent = make_agent(counter)
    person = Customer.objects.create(first_name=IMAGE, last_name=SCRIPT, phone="+221770001122")
    called = services.create_ticket(queue=queue, customer_name=SCRIPT)
    waiting = [
        services.create_ticket(queue=queue, customer_name=IMAGE),
        services.create_ticket(queue=queue, customer=person),
    ]
    services.call_next(by=agent)
    return queue, agent, Ticket.objects.get(pk=called.pk), waiting


def signed_in(tenants, role: str) -> Client:
    client = Client()
    client.force_login(make_user(tenant=tenants.alpha, role=role))
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_counter_shows_hostile_names_as_text(hostile):
    queue, agent, called, _ = hostile
    client = Client()
    client.force_login(agent.user)
    html = page(client, "/t/alpha/counter/")
    assert_text_only(html)
    assert escape(SCRIPT) in html and escape(IMAGE) in html  # current and waiting


def test_the_display_and_its_live_fragments_show_no_markup(hostile, alpha):
    queue, _, called, _ = hostile
    display = Display.objects.create(site=queue.site, name="Écran")
    assert_text_only(page(Client(), f"/t/alpha/display/{display.secret}/"), shown=False)
    data = {"ticket_id": str(called.pk), "queue_id": str(queue.pk), "site_id": str(queue.site_id)}
    event = DomainEvent(name="ticket.called", schema_name=alpha.schema_name, data=data)
    for _, html in site_messages(alpha.schema_name, str(queue.site_id), [event]):
        assert_text_only(html, shown=False)


def test_the_ticket_page_and_its_feedback_answer_show_text(hostile):
    _, agent, called, waiting = hostile
    client = Client()
    assert_text_only(page(client, f"/t/alpha/ticket/{waiting[0].pk}/"), shown=False)
    services.close_ticket(ticket=called, by=agent)
    response = client.post(
        f"/t/alpha/ticket/{called.pk}/feedback/", {"csat": "9", "comment": SCRIPT + IMAGE}
    )  # csat 9 is refused, so the form comes back with the comment in it
    assert response.status_code in (200, 400)
    assert_text_only(response.content.decode())


def test_the_dashboard_and_reports_show_text(hostile, tenants):
    manager = signed_in(tenants, Role.MANAGER)
    assert_text_only(page(manager, "/t/alpha/dashboard/"), shown=False)
    assert_text_only(page(manager, "/t/alpha/reports/"), shown=False)


def test_the_audit_trail_shows_a_hostile_user_agent_and_names_as_text(hostile, tenants):
    queue = hostile[0]
    kiosk = Kiosk.objects.create(site=queue.site, name="Borne")
    response = Client(HTTP_USER_AGENT=IMAGE).post(
        f"/t/alpha/kiosk/{kiosk.secret}/ticket/", {"queue": queue.pk}
    )
    assert response.status_code == 200
    html = page(signed_in(tenants, Role.ADMIN), "/t/alpha/audit/")
    assert_text_only(html)


def test_the_api_returns_the_names_exactly_as_json(hostile, tenants):
    response = signed_in(tenants, Role.MANAGER).get("/api/v1/tenants/alpha/tickets/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    names = {row["customer_name"] for row in json.loads(response.content)["results"]}
    assert {SCRIPT, IMAGE} <= names


def test_the_csv_export_neutralises_formulas(alpha, tenants):
    queue = make_queue(letter="F")
    queue.site.name = FORMULAS[0]
    queue.site.save()
    queue.service.name = FORMULAS[1]
    queue.service.save()
    ticket = services.create_ticket(queue=queue)
    day = ticket.business_day.isoformat()
    url = f"/t/alpha/reports/?start={day}&end={day}&format=csv"
    response = signed_in(tenants, Role.MANAGER).get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, line = rows[0], rows[1]
    cells = dict(zip(header, line, strict=True))
    assert cells["site"] == "'" + FORMULAS[0] and cells["service"] == "'" + FORMULAS[1]
    for cell in line:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# --- malformed input: a clean 4xx, never a 500, through the test client and through daphne ---

LONE_SURROGATE = '"\\ud800x"'  # JSON text for a string Python holds but UTF-8 cannot encode
DEEP = "[" * 50_000 + "]" * 50_000
EDGE_OF_TIME = "9999-12-31T23:59:59+00:00"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options")


@dataclass
class Case:
    """One hostile request. `who`: None, "manager", "agent" or "token"; `body`: raw JSON text
    for the API, a form's fields for pages. `api`: the answer must be the documented JSON."""

    name: str
    method: str
    path: str
    body: str | dict | None = None
    who: str | None = None
    headers: dict = field(default_factory=dict)
    api: bool = True
    allowed: tuple[int, ...] = (400,)
    content_type: str = "application/json"
    field: str = ""  # the field error expected, if any


def corpus(floor) -> list[Case]:
    queue, ticket = floor.queue, floor.ticket
    name_field = f'{{"queue_id": "{queue.pk}", "customer_name": {LONE_SURROGATE}}}'
    # A slot's length before the end of year 9999, which the site's zone (UTC+9) pushes past.
    appointment = json.dumps(
        {"service": str(queue.service_id), "site": str(queue.site_id)}
        | {"starts_at": "9999-12-31T23:40:00+00:00", "ends_at": "9999-12-31T23:55:00+00:00"}
    )
    listed_name = f'{{"queue_id": "{queue.pk}", "customer_name": ["Awa", "Ali"]}}'
    return [
        Case(
            "JSON sent as text/plain",
            "POST",
            "/api/v1/tenants/alpha/tickets/",
            f'{{"queue_id": "{queue.pk}"}}',
            who="token",
            content_type="text/plain",
            allowed=(415,),
        ),
        Case(
            "a list as a name",
            "POST",
            "/api/v1/tenants/alpha/tickets/",
            listed_name,
            who="token",
            field="customer_name",
        ),
        Case(
            "surrogate at sign-in",
            "POST",
            "/api/v1/auth/",
            f'{{"email": {LONE_SURROGATE}, "password": "x"}}',
        ),
        Case("deep JSON at sign-in", "POST", "/api/v1/auth/", DEEP),
        Case(
            "surrogate in a ticket",
            "POST",
            "/api/v1/tenants/alpha/tickets/",
            name_field,
            who="token",
        ),
        Case("deep JSON in a ticket", "POST", "/api/v1/tenants/alpha/tickets/", DEEP, who="token"),
        Case("superscript page", "GET", "/api/v1/tenants/alpha/tickets/?page=%C2%B2", who="token"),
        Case(
            "appointment at the end of time",
            "POST",
            "/api/v1/tenants/alpha/tickets/appointments/",
            appointment,
            who="token",
        ),
        Case("NUL in an API tenant", "GET", "/api/v1/tenants/a%00b/sites/", who="token"),
        Case(
            "unknown API tenant",
            "GET",
            "/api/v1/tenants/nowhere/sites/",
            who="token",
            allowed=(404,),
        ),
        Case(
            "X-Tenant mismatch",
            "GET",
            "/api/v1/tenants/alpha/sites/",
            who="token",
            headers={"X-Tenant": "beta"},
        ),
        Case("NUL in a tenant slug", "GET", "/t/a%00b/", api=False),
        Case("unknown tenant page", "GET", "/t/nowhere/", api=False, allowed=(404,)),
        Case("NUL in a display secret", "GET", "/t/alpha/display/a%00b/", api=False),
        Case(
            "NUL in audit filters",
            "GET",
            "/t/alpha/audit/?who=a%00b&action=%00",
            who="manager",
            api=False,
        ),
        Case(
            "NUL in a pause reason",
            "POST",
            "/t/alpha/counter/pause/",
            {"ticket": str(ticket.pk), "reason": "a\x00b"},
            who="agent",
            api=False,
        ),
        Case(
            "NUL in a transfer reason",
            "POST",
            "/t/alpha/counter/transfer/",
            {"ticket": str(ticket.pk), "queue": str(queue.pk), "reason": "\x00"},
            who="agent",
            api=False,
        ),
        Case(
            "booking at the end of time",
            "POST",
            "/t/alpha/book/",
            {
                "site": str(queue.site_id),
                "service": str(queue.service_id),
                "starts_at": EDGE_OF_TIME,
                "name": "Awa",
                "email": "awa@example.sn",
            },
            api=False,
            allowed=(200,),
        ),  # the form again, with its message
    ]


@pytest.fixture
def floor(tenants):
    """A served ticket at a counter (in a site east of UTC), a manager, and an API token."""
    queue = make_queue(make_site(timezone="Asia/Tokyo"), letter="Z")
    counter = make_counter(queue.site, [queue])
    agent = make_agent(counter)
    services.create_ticket(queue=queue)
    ticket = services.call_next(by=agent)
    manager = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    _, key = ApiToken.objects.issue(manager)
    return SimpleNamespace(queue=queue, ticket=ticket, agent=agent.user, manager=manager, key=key)


def check_answer(case: Case, status: int, headers, body: str) -> None:
    assert status in case.allowed, f"{case.name}: {status} {body[:300]}"
    for header in SECURITY_HEADERS:
        assert headers.get(header), f"{case.name}: no {header}"
    if case.api:
        assert headers["Content-Type"].startswith("application/json"), case.name
        answer = json.loads(body)
        assert isinstance(answer, dict) and answer, case.name
        assert all(isinstance(v, str | list) for v in answer.values()), case.name
        assert set(answer) & {"detail", "error"} or status == 400, case.name  # or field errors
        if case.field:
            assert isinstance(answer[case.field], list), case.name
    elif case.allowed == (200,):
        assert "Choisissez un créneau" in unescape(body), case.name


def client_for(case: Case, floor) -> Client:
    client = Client(raise_request_exception=False)
    if case.who == "manager":
        client.force_login(floor.manager)
    elif case.who == "agent":
        client.force_login(floor.agent)
    return client


def test_hostile_input_gets_a_clean_4xx_from_the_test_client(alpha, floor):
    for case in corpus(floor):
        client = client_for(case, floor)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in case.headers.items()}
        if case.who == "token":
            extra["HTTP_AUTHORIZATION"] = f"Token {floor.key}"
        path, _, query = case.path.partition("?")
        url = unquote_path(path) + (f"?{query}" if query else "")
        if case.method == "GET":
            response = client.get(url, **extra)
        elif isinstance(case.body, dict):
            response = client.post(url, case.body, **extra)
        else:
            response = client.post(url, case.body, content_type=case.content_type, **extra)
        check_answer(case, response.status_code, response.headers, response.content.decode())
    assert Ticket.objects.count() == 1  # the floor's own: nothing written by the corpus


def unquote_path(path: str) -> str:
    """The test client takes the path decoded (it quotes it again); the query stays as is."""
    return urllib.parse.unquote(path)


@pytest.fixture
def daphne(committed, tmp_path):
    server = Server(debug_server_env(), ROOT, tmp_path / "daphne.log").start()
    try:
        yield server
    finally:
        server.stop()


def test_hostile_input_gets_a_clean_4xx_from_daphne(committed, floor, daphne):
    """The same corpus through the production server: no hang, no 500, no HTML for the API."""
    sessions = {}
    for who, user in (("manager", floor.manager), ("agent", floor.agent)):
        client = Client()
        client.force_login(user)
        sessions[who] = client.cookies["sessionid"].value
    csrf = csrf_cookie(daphne.url)
    for case in corpus(floor):
        headers = dict(case.headers)
        cookies = {"csrftoken": csrf}
        if case.who in sessions:
            cookies["sessionid"] = sessions[case.who]
        if case.who == "token":
            headers["Authorization"] = f"Token {floor.key}"
        data = None
        if isinstance(case.body, dict):
            data = urllib.parse.urlencode(case.body).encode()
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf}
        elif case.body is not None:
            data = case.body.encode()
            headers["Content-Type"] = case.content_type
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        request = urllib.request.Request(
            daphne.url + case.path, data=data, method=case.method, headers=headers
        )
        status, answer_headers, body = send(request)
        check_answer(case, status, answer_headers, body)
    assert Ticket.objects.count() == 1  # the floor's own: nothing written by the corpus


def send(request) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def csrf_cookie(server: str) -> str:
    """The CSRF cookie a browser would hold after opening the booking page."""
    with urllib.request.urlopen(f"{server}/t/alpha/book/", timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie"):
            name, _, rest = header.partition("=")
            if name == "csrftoken":
                return rest.split(";")[0]
    raise AssertionError("the booking page set no CSRF cookie")
