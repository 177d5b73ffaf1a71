"""Tasks and tenants: a periodic task fans out to one task per tenant, and each of those enters
its tenant's schema itself from the schema name it is given; nothing relies on ambient state."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name, schema_context

from smartqueue.tenants.models import Tenant


def active_tenants() -> QuerySet[Tenant]:
    return Tenant.objects.filter(is_active=True).exclude(schema_name=get_public_schema_name())


def tenant_schemas() -> list[str]:
    return list(active_tenants().order_by("schema_name").values_list("schema_name", flat=True))


def fan_out(task: Callable[[str], object]) -> list[str]:
    """Enqueue `task(schema_name)` once per active tenant; returns the schemas."""
    schemas = tenant_schemas()
    for schema_name in schemas:
        task(schema_name)
    return schemas


@contextmanager
def tenant_schema(schema_name: str) -> Iterator[Tenant | None]:
    """Inside the tenant's schema, yielding its Tenant row; None (and the public schema kept)
    when the schema is public or its tenant is gone or deactivated since the fan-out."""
    tenant = active_tenants().filter(schema_name=schema_name).first()
    if tenant is None:
        yield None
        return
    with schema_context(schema_name):
        yield tenant
