"""Creating organisations: the one place that makes a tenant, its schema and its first admin."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from smartqueue.accounts.models import Membership, Role, User
from smartqueue.tenants.models import Tenant, schema_name_for


class TenantError(Exception):
    pass


def create_tenant(
    *, name: str, slug: str, admin_email: str, admin_password: str | None = None
) -> Tenant:
    if Tenant.objects.filter(slug=slug).exists():
        raise TenantError(f"Un tenant avec le slug « {slug} » existe déjà.")
    tenant = Tenant(name=name, slug=slug, schema_name=schema_name_for(slug))
    try:
        tenant.full_clean()
    except ValidationError as error:
        raise TenantError("; ".join(error.messages)) from error
    # Schema creation and migration happen in save(); the admin is added once it exists.
    tenant.save(verbosity=0)
    with transaction.atomic():
        admin = ensure_user(email=admin_email, password=admin_password)
        Membership.objects.update_or_create(
            user=admin, tenant=tenant, defaults={"role": Role.ADMIN, "is_active": True}
        )
    return tenant


def ensure_user(*, email: str, password: str | None = None, **names: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, **names)
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def current_tenant() -> Tenant | None:
    """The tenant whose schema is active (schema_context only sets a schema name, not a row)."""
    schema = getattr(connection, "schema_name", None)
    return Tenant.objects.filter(schema_name=schema).first() if schema else None
