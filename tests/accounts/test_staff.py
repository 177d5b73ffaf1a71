"""Staff: admins manage everybody, managers only agents; nobody edits their own access."""

import pytest
from django.core import mail

from smartqueue.accounts.models import Membership, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def login(client, tenants, role):
    user = make_user(tenant=tenants.alpha, role=role)
    client.force_login(user)
    return user


def test_an_admin_invites_a_manager_who_gets_a_link_to_choose_a_password(client, tenants):
    login(client, tenants, Role.ADMIN)
    response = client.post(
        "/t/alpha/staff/", {"email": "new.manager@people.test", "role": Role.MANAGER}
    )
    assert response.status_code == 302
    member = Membership.objects.get(user__email="new.manager@people.test", tenant=tenants.alpha)
    assert member.role == Role.MANAGER
    assert mail.outbox and mail.outbox[-1].to == ["new.manager@people.test"]
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_a_manager_may_invite_agents_but_not_admins(client, tenants):
    login(client, tenants, Role.MANAGER)
    client.post("/t/alpha/staff/", {"email": "boss@people.test", "role": Role.ADMIN})
    assert not Membership.objects.filter(user__email="boss@people.test").exists()
    client.post("/t/alpha/staff/", {"email": "agent.x@people.test", "role": Role.AGENT})
    assert Membership.objects.get(user__email="agent.x@people.test").role == Role.AGENT


def test_a_manager_cannot_change_the_role_of_an_admin(client, tenants):
    admin = make_user(tenant=tenants.alpha, role=Role.ADMIN)
    login(client, tenants, Role.MANAGER)
    target = Membership.objects.get(user=admin)
    client.post(f"/t/alpha/staff/{target.pk}/", {"role": Role.AGENT, "is_active": "on"})
    target.refresh_from_db()
    assert target.role == Role.ADMIN and target.is_active


def test_an_admin_deactivates_an_agent_who_then_gets_403(client, tenants):
    agent = make_user(tenant=tenants.alpha, role=Role.AGENT)
    login(client, tenants, Role.ADMIN)
    target = Membership.objects.get(user=agent)
    client.post(f"/t/alpha/staff/{target.pk}/", {"role": Role.AGENT})
    target.refresh_from_db()
    assert not target.is_active
    client.force_login(agent)
    assert client.get("/t/alpha/").status_code == 403


def test_nobody_changes_their_own_membership(client, tenants):
    admin = login(client, tenants, Role.ADMIN)
    mine = Membership.objects.get(user=admin)
    client.post(f"/t/alpha/staff/{mine.pk}/", {"role": Role.AGENT})
    mine.refresh_from_db()
    assert mine.role == Role.ADMIN


def test_agents_do_not_see_the_staff_page(client, tenants):
    login(client, tenants, Role.AGENT)
    assert client.get("/t/alpha/staff/").status_code == 403


def test_memberships_of_another_tenant_are_out_of_reach(client, tenants):
    other = make_user(tenant=tenants.beta, role=Role.AGENT)
    login(client, tenants, Role.ADMIN)
    target = Membership.objects.get(user=other)
    assert client.post(f"/t/alpha/staff/{target.pk}/", {"role": Role.ADMIN}).status_code == 404
