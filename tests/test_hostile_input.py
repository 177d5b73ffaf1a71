"""Customer input shown everywhere it appears, as text: hostile names on the counter, the
display, the ticket page, the dashboard, reports, the audit trail and the API; a CSV export
never hands a spreadsheet a formula."""

import csv
import io
import json

import pytest
from django.test import Client
from django.utils.html import escape

from smartqueue.accounts.models import Role
from smartqueue.devices.models import Display, Kiosk
from smartqueue.live.render import site_messages
from smartqueue.queues import services
from smartqueue.queues.events import DomainEvent
from smartqueue.queues.models import Customer, Ticket
from tests.factories import make_agent, make_counter, make_queue, make_user

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
