"""The lobby display in the organisation's colours (#18): its logo, background and accent, a
line of text along the bottom, only the queues it is set to show, a settings change taken at
once, and sound that comes back by itself after a reload on an unattended TV. Full HD, daphne."""

import struct
import threading
import zlib

import pytest
from django.db import connection
from playwright.sync_api import expect

from smartqueue.dashboard.settings_views import reload_display
from smartqueue.devices.models import Display
from smartqueue.queues import services
from smartqueue.queues.history import Actor
from tests.e2e.conftest import CHROMIUM_FLAGS
from tests.e2e.pages import display_url, open_page
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e
FULL_HD = {"width": 1920, "height": 1080}
NAVY, GOLD = "#0a2a66", "#f7b500"


def logo_png(size: int = 96) -> bytes:
    """A round gold badge with a white ring: a real PNG, written without an imaging library."""
    rows = []
    middle = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])  # no filter
        for x in range(size):
            distance = ((x - middle) ** 2 + (y - middle) ** 2) ** 0.5 / middle
            if distance > 1:
                row += bytes([0, 0, 0, 0])
            elif 0.55 < distance < 0.72:
                row += bytes([255, 255, 255, 255])
            else:
                row += bytes([0xF7, 0xB5, 0x00, 255])
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def brand(display: Display, **changes) -> Display:
    display.logo, display.logo_type = logo_png(), "image/png"
    display.background, display.accent = NAVY, GOLD
    display.message = "Dalal ak jàmm ci Agence Médina · Ubbi na ci altine ba àjjuma, 8 h – 17 h"
    for name, value in changes.items():
        setattr(display, name, value)
    display.save()
    return display


def test_a_display_shows_the_organisations_logo_colours_message_and_only_its_queues(
    browser, live_server_url, branch
):
    limited = brand(branch.displays[0], language="wo")
    limited.queues.set([branch.withdrawals])
    everything = branch.displays[1]
    services.create_ticket(queue=branch.withdrawals)
    services.create_ticket(queue=branch.advice)
    services.create_ticket(queue=branch.advice)

    screen = open_page(browser, display_url(live_server_url, limited), viewport=FULL_HD)
    other = open_page(browser, display_url(live_server_url, everything), viewport=FULL_HD)
    logo = screen.get_by_test_id("display-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("image => image.naturalWidth") == 96  # the stored image, decoded
    background = screen.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(10, 42, 102)"
    ticker = screen.get_by_test_id("display-ticker")
    expect(ticker).to_contain_text("Dalal ak jàmm ci Agence Médina")
    assert ticker.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(247, 181, 0)"
    box = ticker.bounding_box()
    assert box is not None and box["y"] + box["height"] == pytest.approx(1080, abs=1)

    expect(screen.get_by_test_id("display-waiting-R")).to_have_text("1")
    expect(screen.get_by_test_id("display-waiting-C")).to_have_count(0)
    expect(other.get_by_test_id("display-waiting-C")).to_have_text("2")

    # Live: the left-out queue's news reaches the other screen, never this one.
    services.create_ticket(queue=branch.advice)
    services.create_ticket(queue=branch.withdrawals)
    expect(other.get_by_test_id("display-waiting-C")).to_have_text("3", timeout=2000)
    expect(screen.get_by_test_id("display-waiting-R")).to_have_text("2", timeout=2000)
    expect(screen.get_by_test_id("display-waiting-C")).to_have_count(0)

    first, second = (Actor(user=agent.user) for agent in branch.agents)
    services.call_next(by=first)  # the oldest ticket: a withdrawal, shown here
    expect(screen.get_by_test_id("now-calling")).to_have_count(1, timeout=2000)
    branch.agents[1].counter.queues.set([branch.advice])
    advice_call = services.call_next(by=second)
    expect(other.get_by_test_id("now-calling")).to_have_count(2, timeout=2000)
    expect(screen.get_by_test_id("now-calling")).to_have_count(1)
    expect(screen.locator("#display-board")).not_to_contain_text(advice_call.number)
    screen.emulate_media(reduced_motion="reduce")  # the call's blinking, caught at rest
    screen.screenshot(path="/tmp/h7-display-branded.png")
    other.screenshot(path="/tmp/h7-display-default.png")


def test_the_branded_display_has_no_serious_accessibility_violation(
    browser, live_server_url, branch
):
    display = brand(branch.displays[0])
    services.create_ticket(queue=branch.withdrawals)
    services.call_next(by=Actor(user=branch.agents[0].user))
    page = open_page(browser, display_url(live_server_url, display), viewport=FULL_HD, audit=True)
    expect(page.get_by_test_id("display-ticker")).to_be_visible()
    assert serious_violations(page) == []


def test_a_display_takes_new_settings_at_once(browser, live_server_url, branch):
    display = branch.displays[0]
    page = open_page(browser, display_url(live_server_url, display), viewport=FULL_HD)
    expect(page.get_by_test_id("display-ticker")).to_have_count(0)
    brand(display)
    # What saving the settings does; from another thread (Playwright's loop runs in this one).
    sender = threading.Thread(target=reload_display, args=(connection.schema_name, display.secret))
    sender.start()
    sender.join()
    expect(page.get_by_test_id("display-ticker")).to_be_visible(timeout=5000)
    expect(page.get_by_test_id("display-logo")).to_be_visible()


# The ordinary browser is played by a stand-in that follows Chromium's rule (sound starts only
# during a user activation) so that the test does not hang on how a headless build applies the
# policy; the kiosk browser is the real thing, launched with the documented flag.
GESTURE_REQUIRED = """
const Real = window.AudioContext;
window.AudioContext = class extends Real {
  get state() { return this.unlocked ? super.state : "suspended"; }
  resume() {
    if (!navigator.userActivation.isActive) return Promise.resolve();
    this.unlocked = true;
    return super.resume();
  }
};
"""


@pytest.mark.parametrize(
    ("gesture_required", "after_reload"),
    [
        (True, "blocked"),  # an ordinary browser: the button comes back
        (False, "on"),  # the kiosk browser of docs/deployment.md: sound on, nobody taps
    ],
)
def test_sound_turned_on_once_is_tried_again_after_a_reload(
    browser_type, browser_type_launch_args, live_server_url, branch, gesture_required, after_reload
):
    kiosk_flags = [*CHROMIUM_FLAGS, "--autoplay-policy=no-user-gesture-required"]
    launched = browser_type.launch(**{**browser_type_launch_args, "args": kiosk_flags})
    context = launched.new_context(viewport=FULL_HD)
    if gesture_required:
        context.add_init_script(GESTURE_REQUIRED)
    page = context.new_page()
    page.goto(display_url(live_server_url, branch.displays[0]))
    button = page.locator("#enable-sound")
    if gesture_required:
        assert page.evaluate("localStorage.getItem('smartqueue.display.sound')") is None
        expect(page.locator("body[data-sound=blocked]")).to_be_attached(timeout=3000)
        expect(button).to_be_visible()
        button.click()
    else:
        expect(page.locator("body[data-sound=on]")).to_be_attached(timeout=3000)
    expect(page.locator("body[data-sound=on]")).to_be_attached(timeout=3000)
    expect(button).to_be_hidden()
    assert page.evaluate("localStorage.getItem('smartqueue.display.sound')") == "on"

    page.reload()
    expect(page.locator("body[data-sound-remembered=yes]")).to_be_attached()
    expect(page.locator(f"body[data-sound={after_reload}]")).to_be_attached(timeout=3000)
    if after_reload == "on":
        expect(button).to_be_hidden()
        assert page.evaluate("window.smartqueueAudioState()") == "running"
    else:
        expect(button).to_be_visible()  # one tap brings it back, and it is remembered still
        button.click()
        expect(page.locator("body[data-sound=on]")).to_be_attached(timeout=3000)
    launched.close()
