"""A lobby display's own settings (#18): the organisation's logo and colours, a line of text
along the bottom, and the queues it shows. Bad input is refused with a clear message and
nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from smartqueue.accounts.models import Role
from smartqueue.dashboard.forms import LOGO_MAX_BYTES
from smartqueue.devices.models import Display
from smartqueue.devices.selectors import display_board
from smartqueue.devices.theme import contrast, css_variables
from smartqueue.live.consumers import group_for
from smartqueue.live.render import display_variants, render_messages
from smartqueue.queues import services
from smartqueue.queues.events import event
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile
from tests.factories import make_counter, make_queue, make_site, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the signature is what is checked


@pytest.fixture
def manager(alpha, client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))


@pytest.fixture
def display(alpha):
    return Display.objects.create(site=make_site(name="Agence Plateau"), name="Écran hall")


def post(client, display, **changes):
    data = {
        "site": display.site_id,
        "name": display.name,
        "language": display.language,
        "layout": display.layout,
        "background": display.background,
        "accent": display.accent,
        "is_active": "on",
        **changes,
    }
    return client.post(f"/t/alpha/settings/displays/{display.pk}/", data)


def test_a_manager_sets_the_logo_colours_message_and_queues_of_a_display(client, manager, display):
    shown = make_queue(display.site, letter="R")
    make_queue(display.site, letter="C")
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = post(
        client,
        display,
        logo=logo,
        background="#ffffff",
        accent="#0b5ed7",
        message="Bienvenue à l'agence du Plateau",
        queues=[shown.pk],
    )
    assert response.status_code == 302
    display.refresh_from_db()
    assert bytes(display.logo) == PNG and display.logo_type == "image/png"
    assert (display.background, display.accent) == ("#ffffff", "#0b5ed7")
    assert display.message == "Bienvenue à l'agence du Plateau"
    assert display.shown_queue_ids() == [str(shown.pk)]
    page = client.get(f"/t/alpha/display/{display.secret}/").content.decode()
    assert 'src="data:image/png;base64,' in page
    assert "--display-bg: #ffffff" in page and "--display-accent: #0b5ed7" in page
    assert "Bienvenue à l&#x27;agence du Plateau" in page

    # Saving again without a file keeps the logo; "remove" takes it away.
    post(client, display, queues=[shown.pk])
    display.refresh_from_db()
    assert bytes(display.logo) == PNG
    post(client, display, remove_logo="on")
    display.refresh_from_db()
    assert display.logo is None and display.shown_queue_ids() == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.svg", b"<svg onload=alert(1)></svg>"), "PNG, JPEG ou WebP"),
        (SimpleUploadedFile("logo.png", b"GIF89a" + b"\x00" * 40), "PNG, JPEG ou WebP"),
        (SimpleUploadedFile("big.png", PNG + b"\x00" * LOGO_MAX_BYTES), "200 Ko au plus"),
    ],
)
def test_a_logo_that_is_not_a_small_image_is_refused(client, manager, display, upload, message):
    response = post(client, display, logo=upload, message="Changé")
    assert response.status_code == 200
    assert message in response.content.decode()
    display.refresh_from_db()
    assert display.logo is None and display.message == ""  # nothing saved


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"background": "red"}, "#rrggbb"),
        ({"accent": "#12345g"}, "#rrggbb"),
        ({"background": "#ffffff", "accent": "#ffff66"}, "se lit mal sur ce fond"),
        ({"message": "x" * 201}, "200 caractères"),
    ],
)
def test_unreadable_colours_and_too_long_messages_are_refused(
    client, manager, display, changes, message
):
    response = post(client, display, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    display.refresh_from_db()
    assert (display.background, display.accent, display.message) == ("#0b1320", "#ffd23f", "")


def test_a_display_shows_only_queues_of_its_own_site(client, manager, display):
    elsewhere = make_queue(make_site(), letter="Z")
    response = post(client, display, queues=[elsewhere.pk], message="Changé")
    assert response.status_code == 200
    assert "que des files de son site" in response.content.decode()
    display.refresh_from_db()
    assert display.shown_queue_ids() == [] and display.message == ""


def test_the_theme_keeps_text_readable_on_any_background():
    for background in ("#000000", "#ffffff", "#777777", "#0b1320", "#ffd23f", "#e30613"):
        values = dict(pair.split(": ") for pair in css_variables(background, "#000000").split("; "))
        for name in ("--display-fg", "--display-muted"):
            assert contrast(values[name], background) >= 4.5, (background, name)
        assert contrast(values["--display-fg"], values["--display-panel"]) >= 4.5


def test_a_queue_left_out_of_a_display_is_neither_counted_nor_called_there(alpha, tenants, display):
    shown, left_out = make_queue(display.site, letter="R"), make_queue(display.site, letter="C")
    display.queues.set([shown])
    services.create_ticket(queue=shown)
    services.create_ticket(queue=left_out)
    services.create_ticket(queue=left_out)
    board = display_board(display.site, display.shown_queue_ids())
    assert [(queue, n) for queue, n in board["queues"]] == [(shown, 1)]
    everything = display_board(display.site)
    assert sorted(n for _, n in everything["queues"]) == [1, 2]

    agent = make_user(tenant=tenants.alpha)
    counter = make_counter(display.site, [left_out])
    AgentProfile.objects.create(user_id=agent.pk, counter=counter, current_status="available")
    services.call_next(by=Actor(user=agent))
    assert display_board(display.site, display.shown_queue_ids())["current"] == []
    assert len(display_board(display.site)["current"]) == 1


def test_displays_showing_other_queues_hear_their_own_board(alpha, tenants, display):
    shown, left_out = make_queue(display.site, letter="R"), make_queue(display.site, letter="C")
    display.queues.set([shown])
    everything = Display.objects.create(site=display.site, name="Écran 2")
    variants = display_variants(display.site)
    assert ("fr", "standard", ()) in variants
    assert ("fr", "standard", (str(shown.pk),)) in variants
    schema = tenants.alpha.schema_name
    group, _ = group_for("alpha", "display", display.secret, None, "fr")
    group_all, _ = group_for("alpha", "display", everything.secret, None, "fr")
    assert group != group_all

    ticket = services.create_ticket(queue=left_out)
    news = [event("ticket.created", queue_id=str(left_out.pk), ticket_id=str(ticket.pk))]
    messages = dict(render_messages(schema, display.site, 7, news))
    assert f"display-waiting-{left_out.service.letter}" not in messages[group]
    assert f"display-waiting-{left_out.service.letter}" in messages[group_all]
