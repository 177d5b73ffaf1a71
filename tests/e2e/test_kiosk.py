"""The kiosk on its touchscreen: big service buttons over the whole portrait screen (and on a
small tablet), each with the people waiting and the wait; on-screen keypads for the phone
number and the appointment code, a keyboard or a code scanner still typing; no serious
accessibility violation on any of its steps; service names in the customer's language."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from smartqueue.queues import services
from smartqueue.queues.models import Appointment, Service, Ticket
from tests.e2e.pages import open_page
from tests.e2e.test_accessibility import serious_violations
from tests.factories import make_queue

pytestmark = pytest.mark.e2e

PORTRAIT = {"width": 1080, "height": 1920}
TABLET = {"width": 768, "height": 1024}


def kiosk_url(server: str, branch, lang: str = "fr") -> str:
    return f"{server}/t/alpha/kiosk/{branch.kiosk.secret}/?lang={lang}"


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("viewport", [PORTRAIT, TABLET], ids=["1080x1920", "768x1024"])
def test_the_service_buttons_fill_the_screen_and_read_from_a_step_away(
    browser, live_server_url, branch, viewport
):
    page = open_page(browser, kiosk_url(live_server_url, branch), viewport=viewport)
    size = f"{viewport['width']}x{viewport['height']}"
    page.screenshot(path=f"/tmp/h4-kiosk-{size}.png")
    width, height = viewport["width"], viewport["height"]
    # nothing wider than the screen, nothing below it: one screen, no scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    for letter in ("R", "C"):
        button = box(page, f"[data-testid=service-{letter}]")
        assert button["width"] > 0.85 * width and button["height"] >= 0.07 * height
    services = box(page, "[data-testid=kiosk-services]")
    assert services["height"] > 0.5 * height  # the buttons sit in the middle of the screen
    name_px = page.locator(".kiosk-service-name").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert name_px >= 0.04 * width  # about 4 cm tall letters on a 24-inch portrait screen
    expect(page.get_by_test_id("service-R")).to_contain_text("Personne en attente")
    expect(page.get_by_test_id("service-R")).to_contain_text("Attente : moins d'une minute")
    # the later steps fit the screen too: the phone keypad and the appointment keypad
    page.get_by_test_id("service-R").click()
    page.screenshot(path=f"/tmp/h4-kiosk-phone-{size}.png")
    assert box(page, "[data-testid=take-ticket]")["y"] < height
    page.get_by_role("button", name="Retour").click()
    page.get_by_test_id("open-check-in").click()
    page.screenshot(path=f"/tmp/h4-kiosk-code-{size}.png")
    assert box(page, "[data-testid=check-in]")["y"] < height
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_phone_number_typed_on_the_keypad_reaches_the_ticket(browser, live_server_url, branch):
    page = open_page(browser, kiosk_url(live_server_url, branch), viewport=PORTRAIT)
    page.get_by_role("button", name=branch.withdrawals.service.name).click()
    keypad = page.get_by_test_id("keypad-phone")
    phone = page.get_by_label("Votre numéro (facultatif) pour être prévenu")
    for key in "+2219":
        keypad.get_by_role("button", name=key, exact=True).click()
    expect(phone).to_have_value("+2219")
    keypad.get_by_role("button", name="Effacer le dernier caractère").click()
    expect(phone).to_have_value("+221")
    keypad.get_by_role("button", name="Tout effacer").click()
    expect(phone).to_have_value("")
    for key in "771234567":
        keypad.get_by_role("button", name=key, exact=True).click()
    phone.press("End")
    phone.press("Backspace")  # a keyboard still works in the same field
    phone.type("8")
    expect(phone).to_have_value("771234568")
    page.get_by_test_id("take-ticket").click()
    expect(page.get_by_test_id("kiosk-number")).to_be_visible()
    page.screenshot(path="/tmp/h4-kiosk-ticket-1080x1920.png")
    page.emulate_media(media="print")  # the 80 mm printer keeps its own small sizes
    assert box(page, "[data-testid=kiosk-number]")["height"] < 100
    page.screenshot(path="/tmp/h4-kiosk-ticket-print.png")
    page.emulate_media(media="screen")
    assert Ticket.objects.get(queue=branch.withdrawals).customer_phone == "+221771234568"


def appointment_now(branch) -> Appointment:
    now = timezone.now()
    return Appointment.objects.create(
        service=branch.advice.service,
        site=branch.site,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(minutes=14),
    )


def test_an_appointment_code_typed_on_the_keypad_checks_in(browser, live_server_url, branch):
    code = appointment_now(branch).code
    page = open_page(browser, kiosk_url(live_server_url, branch), viewport=PORTRAIT)
    page.get_by_test_id("open-check-in").click()
    keypad = page.get_by_test_id("keypad-appointment-code")
    for key in code + "Z":
        keypad.get_by_role("button", name=key, exact=True).click()
    keypad.get_by_role("button", name="Effacer le dernier caractère").click()
    expect(page.get_by_label("Vous avez un rendez-vous ? Votre code :")).to_have_value(code)
    page.get_by_test_id("check-in").click()
    expect(page.get_by_test_id("kiosk-number")).to_be_visible()
    assert Appointment.objects.get(code=code).status == Appointment.Status.CHECKED_IN


def test_a_code_scanned_on_the_first_screen_checks_in(browser, live_server_url, branch):
    """The scanner types the code and Enter where nothing has the focus."""
    code = appointment_now(branch).code
    page = open_page(browser, kiosk_url(live_server_url, branch), viewport=PORTRAIT)
    page.keyboard.type(code.lower())
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("kiosk-number")).to_be_visible()
    assert Appointment.objects.get(code=code).status == Appointment.Status.CHECKED_IN


def test_every_step_of_the_kiosk_passes_axe(browser, live_server_url, branch):
    page = open_page(browser, kiosk_url(live_server_url, branch, "wo"), viewport=TABLET, audit=True)
    found = {"services": serious_violations(page)}
    page.screenshot(path="/tmp/h4-kiosk-wolof-768x1024.png")
    page.get_by_test_id("service-R").click()
    found["phone keypad"] = serious_violations(page)
    page.screenshot(path="/tmp/h4-kiosk-wolof-phone-768x1024.png")
    page.get_by_role("button", name="Dellu").click()
    page.get_by_test_id("open-check-in").click()
    found["code keypad"] = serious_violations(page)
    page.locator("#checkin-form").get_by_role("button", name="Dellu").click()
    page.get_by_test_id("service-R").click()
    page.get_by_test_id("take-ticket").click()
    expect(page.get_by_test_id("kiosk-number")).to_be_visible()
    found["ticket"] = serious_violations(page)
    assert found == {"services": [], "phone keypad": [], "code keypad": [], "ticket": []}


def test_the_kiosk_speaks_the_service_names_of_its_language(browser, live_server_url, branch):
    service = branch.withdrawals.service
    service.name_en, service.name_wo = "Cash withdrawal", "Génne xaalis"
    service.save()
    page = open_page(browser, kiosk_url(live_server_url, branch, "en"), viewport=PORTRAIT)
    expect(page.get_by_test_id("service-R")).to_contain_text("Cash withdrawal")
    page.get_by_role("link", name="Wolof").click()
    expect(page.get_by_test_id("service-R")).to_contain_text("Génne xaalis")
    page.get_by_test_id("service-R").click()
    expect(page.locator("#chosen-name")).to_have_text("Génne xaalis")
    page.get_by_test_id("take-ticket").click()
    expect(page.get_by_test_id("kiosk-ticket")).to_contain_text("Génne xaalis")


LONG_NAMES = [
    "Ouverture de compte et cartes bancaires",
    "Transferts d'argent internationaux",
    "Réclamations",
    "Prêts aux particuliers",
    "Change",
]


@pytest.mark.parametrize("viewport", [PORTRAIT, TABLET], ids=["1080x1920", "768x1024"])
def test_seven_services_with_long_names_still_fit_one_screen(
    browser, live_server_url, branch, viewport
):
    for letter, name in zip("DEFGH", LONG_NAMES, strict=True):
        queue = make_queue(branch.site, letter=letter)
        Service.objects.filter(pk=queue.service_id).update(name=name)
    for _ in range(12):
        services.create_ticket(queue=branch.withdrawals)
    page = open_page(browser, kiosk_url(live_server_url, branch), viewport=viewport)
    size = f"{viewport['width']}x{viewport['height']}"
    page.screenshot(path=f"/tmp/h4-kiosk-seven-{size}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollHeight") <= viewport["height"]
    overflowing = page.locator(".kiosk-service").evaluate_all(
        "buttons => buttons.filter(b => b.scrollWidth > b.clientWidth"
        " || b.scrollHeight > b.clientHeight).map(b => b.innerText)"
    )
    assert overflowing == []
    expect(page.get_by_test_id("service-R")).to_contain_text("12 personnes en attente")
    expect(page.get_by_test_id("service-D")).to_contain_text("Aucun agent en service")


def test_the_waiting_count_follows_the_queue_live(browser, live_server_url, branch):
    page = open_page(browser, kiosk_url(live_server_url, branch), viewport=PORTRAIT)
    expect(page.get_by_test_id("service-R")).to_contain_text("Personne en attente")
    for _ in range(3):
        services.create_ticket(queue=branch.withdrawals)
    expect(page.get_by_test_id("service-R")).to_contain_text("3 personnes en attente")
    expect(page.get_by_test_id("service-C")).to_contain_text("Personne en attente")
