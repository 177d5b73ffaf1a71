"""Staff pages follow the language chosen with the switcher, not the browser's; customer pages
keep their own choice."""

import pytest

from smartqueue.accounts.models import Role
from smartqueue.devices.models import Kiosk
from tests.factories import make_site, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, alpha, tenants):
    user = make_user(tenant=tenants.alpha, role=Role.AGENT)
    client.force_login(user)
    return user


def page_language(response) -> str:
    start = response.content.decode().index('<html lang="') + len('<html lang="')
    return response.content.decode()[start : start + 2]


def test_french_whatever_the_browser_asks(client, agent):
    response = client.get("/t/alpha/counter/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page_language(response) == "fr"
    assert "Se déconnecter" in response.content.decode()


def test_the_switcher_turns_the_staff_pages_to_english_and_back(client, agent):
    switched = client.post("/language/", {"language": "en", "next": "/t/alpha/counter/"})
    assert switched.status_code == 302 and switched["Location"] == "/t/alpha/counter/"
    english = client.get("/t/alpha/counter/")
    assert page_language(english) == "en" and "Sign out" in english.content.decode()
    assert english["Content-Language"] == "en"
    client.post("/language/", {"language": "fr", "next": "/t/alpha/counter/"})
    assert page_language(client.get("/t/alpha/counter/")) == "fr"


def test_wolof_is_not_a_staff_language(client, agent):
    client.cookies["django_language"] = "wo"  # staff pages have no Wolof
    assert page_language(client.get("/t/alpha/counter/")) == "fr"


def test_a_kiosk_keeps_its_language_in_a_browser_set_to_english(client, alpha):
    kiosk = Kiosk.objects.create(site=make_site(), name="Borne")
    client.cookies["django_language"] = "en"
    page = client.get(f"/t/alpha/kiosk/{kiosk.secret}/").content.decode()
    assert "Pour quel service venez-vous ?" in page
    assert (
        "What are you here for?"
        in client.get(f"/t/alpha/kiosk/{kiosk.secret}/?lang=en").content.decode()
    )


def test_engine_refusals_follow_the_chosen_language(client, agent):
    french = client.post("/t/alpha/counter/call/", HTTP_HX_REQUEST="true").content.decode()
    client.cookies["django_language"] = "en"
    english = client.post("/t/alpha/counter/call/", HTTP_HX_REQUEST="true").content.decode()
    assert "Choisissez d&#x27;abord votre guichet." in french
    assert "First choose your counter." in english
