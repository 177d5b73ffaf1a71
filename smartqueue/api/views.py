"""Routes outside any tenant: health, sign-in, the platform's tenants."""

from allauth.account.adapter import get_adapter
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import get_public_schema_name
from ninja import Router, Status
from ninja.pagination import paginate

from smartqueue.accounts.models import ApiToken, hash_token
from smartqueue.api.schemas import (
    Detail,
    HealthOut,
    LoginIn,
    LoginOut,
    NoBody,
    TenantIn,
    TenantOut,
    UserOut,
)
from smartqueue.api.support import ApiError, PageNumbers, TokenAuth, get_or_404
from smartqueue.jobs import presence
from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import TenantError, create_tenant

THROTTLED = "Trop de tentatives de connexion : réessayez dans quelques minutes."

public = Router()


@public.get("/health/", response={200: HealthOut, 503: HealthOut}, tags=["health"])
def health(request):
    """Health of the database and the channel layer."""
    checks = {"database": database_state(), "channel_layer": channel_layer_state()}
    healthy = all(value == "ok" for value in checks.values())
    layer = get_channel_layer()
    body = {
        "status": "ok" if healthy else "error",
        **checks,
        "channel_layer_backend": type(layer).__name__ if layer else None,
        # Reported, not required: a web process serves without a consumer beside it.
        "huey_consumers": presence.consumers_alive(),
    }
    return Status(200 if healthy else 503, body)


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # a health check reports, it does not raise
        return f"error: {error.__class__.__name__}"


def channel_layer_state() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "error: no channel layer"
    try:
        async_to_sync(round_trip)(layer)
        return "ok"
    except Exception as error:  # a health check reports, it does not raise
        return f"error: {error.__class__.__name__}"


async def round_trip(layer) -> None:
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "health.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "health.ping":
        raise RuntimeError("channel layer returned another message")


@public.post("/auth/", response=LoginOut, tags=["auth"], summary="Sign in: a token")
def login(request, payload: LoginIn):
    email = payload.email.strip().lower()
    user = authenticate_throttled(request, email=email, password=payload.password)
    if user is None or not user.is_active:
        raise ApiError(
            400, {"non_field_errors": ["Impossible de se connecter avec les identifiants fournis."]}
        )
    _, key = ApiToken.objects.issue(user)
    return {"token": key, "user": user}


def authenticate_throttled(request, *, email: str, password: str):
    """The sign-in page's rule (allauth's login_failed limits, per address and per IP) holds
    for the API too: past it, 429 until the window passes."""
    try:
        return get_adapter(request).authenticate(request, email=email, password=password)
    except ValidationError as error:
        if error.code == "too_many_login_attempts":
            raise ApiError(429, {"detail": THROTTLED}) from None
        raise


@public.get("/auth/me/", response=UserOut, auth=TokenAuth(), tags=["auth"], summary="Who I am")
def me(request):
    return request.api_user


@public.post("/auth/logout/", response=Detail, auth=TokenAuth(), tags=["auth"], summary="Revoke")
def logout(request, body: NoBody | None = None):
    key = getattr(request, "api_token_key", None)
    if key:
        ApiToken.objects.filter(key_hash=hash_token(key)).delete()
    return {"detail": "Déconnecté."}


# --- tenants (the platform's operators) ------------------------------------------------------


@public.get("/tenants/", response=list[TenantOut], auth=TokenAuth(), tags=["tenants"])
@paginate(PageNumbers)
def tenants(request):
    """Operators (staff) see every tenant; a member sees their own."""
    return visible_tenants(request.api_user)


@public.post("/tenants/", response={201: TenantOut}, auth=TokenAuth(staff=True), tags=["tenants"])
def tenant_create(request, payload: TenantIn):
    """Operators (staff) only: a new organisation, its schema and its first admin."""
    try:
        return 201, create_tenant(**payload.dict())
    except TenantError as error:
        raise ApiError(400, {"error": str(error)}) from None


@public.get("/tenants/{str:pk}/", response=TenantOut, auth=TokenAuth(), tags=["tenants"])
def tenant_detail(request, pk: str):
    return get_or_404(visible_tenants(request.api_user), pk)


def visible_tenants(user):
    found = Tenant.objects.exclude(schema_name=get_public_schema_name()).order_by("name", "id")
    if user.is_staff:
        return found
    return found.filter(memberships__user=user, memberships__is_active=True)
