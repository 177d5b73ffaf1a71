"""Pages under /t/<slug>/: sign-in redirect, 403 for non-members, 404 for unknown slugs."""

import pytest

from smartqueue.accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client, tenants):
    response = client.get("/t/alpha/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/t/alpha/")


def test_a_member_sees_the_tenant_home(client, tenants):
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    response = client.get("/t/alpha/")
    assert response.status_code == 200
    assert "Alpha Bank" in response.content.decode()


def test_a_member_of_another_tenant_gets_403(client, tenants):
    client.force_login(make_user(tenant=tenants.beta))
    assert client.get("/t/alpha/").status_code == 403


def test_an_unknown_slug_is_404(client, tenants):
    client.force_login(make_user(tenant=tenants.alpha))
    assert client.get("/t/nowhere/").status_code == 404


def test_a_member_of_one_tenant_lands_on_it(client, tenants):
    client.force_login(make_user(tenant=tenants.alpha))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/t/alpha/"


def test_a_member_of_several_tenants_chooses(client, tenants):
    user = make_user(tenant=tenants.alpha)
    user.memberships.create(tenant=tenants.beta, role=Role.AGENT)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "/t/alpha/" in page and "/t/beta/" in page


def test_an_inactive_membership_gives_403(client, tenants):
    user = make_user(tenant=tenants.alpha)
    user.memberships.update(is_active=False)
    client.force_login(user)
    assert client.get("/t/alpha/").status_code == 403


STAFF_PAGES = [
    "/t/alpha/counter/",
    "/t/alpha/dashboard/",
    "/t/alpha/reports/",
    "/t/alpha/audit/",
    "/t/alpha/staff/",
    "/t/alpha/settings/sites/",
    "/t/alpha/settings/sites/new/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_an_admin_of_another_tenant_gets_403_on_every_staff_page(client, tenants, url):
    client.force_login(make_user(tenant=tenants.beta, role=Role.ADMIN))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_page(client, tenants, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_managers_find_the_device_links_on_the_home_page_and_agents_do_not(client, tenants):
    from django.db import connection

    from smartqueue.devices.models import Display
    from tests.factories import make_site

    connection.set_tenant(tenants.alpha)
    display = Display.objects.create(site=make_site(), name="Écran du hall")
    connection.set_schema_to_public()
    client.force_login(make_user(tenant=tenants.alpha, role=Role.MANAGER))
    page = client.get("/t/alpha/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "Écran du hall" not in title
    assert f"/t/alpha/display/{display.secret}/" in page[page.index("<main") :]
    client.force_login(make_user(tenant=tenants.alpha, role=Role.AGENT))
    assert display.secret not in client.get("/t/alpha/").content.decode()
