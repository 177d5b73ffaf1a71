import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from smartqueue.queues.models import Site, Ticket
from smartqueue.queues.services import create_ticket
from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import TenantError, create_tenant
from tests.factories import make_queue


def test_rows_of_one_tenant_are_invisible_from_another(tenants, db):
    connection.set_tenant(tenants.alpha)
    queue = make_queue()
    create_ticket(queue=queue)
    assert Site.objects.count() == 1 and Ticket.objects.count() == 1

    connection.set_tenant(tenants.beta)
    assert Site.objects.count() == 0
    assert Ticket.objects.count() == 0
    assert not Ticket.objects.filter(queue_id=queue.pk).exists()
    connection.set_schema_to_public()


def test_each_tenant_has_its_own_schema(tenants):
    assert tenants.alpha.schema_name == "t_alpha"
    assert tenants.beta.schema_name == "t_beta"


def test_create_tenant_twice_with_one_slug_fails_cleanly(tenants, db):
    with pytest.raises(TenantError, match="existe déjà"):
        create_tenant(name="Autre", slug="alpha", admin_email="x@alpha.test")
    assert Tenant.objects.filter(slug="alpha").count() == 1


def test_create_tenant_command_reports_the_duplicate_without_a_traceback(tenants, db):
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("create_tenant", name="Autre", slug="beta", admin_email="x@beta.test")
    assert Tenant.objects.get(slug="beta").name == "Beta Santé"


def test_a_bad_slug_is_refused_before_any_schema_is_made(tenants, db):
    with pytest.raises(TenantError, match="minuscules"):
        create_tenant(name="Bad", slug="Bad Slug!", admin_email="x@bad.test")
    assert not Tenant.objects.filter(name="Bad").exists()
