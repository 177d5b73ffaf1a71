from allauth.account.adapter import get_adapter
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django_tenants.utils import get_public_schema_name

from smartqueue.accounts.models import ApiToken, hash_token
from smartqueue.api.forms import TenantForm
from smartqueue.api.http import NO_PERMISSION, ApiError, api_view, get_or_404, valid_form
from smartqueue.api.pagination import paginate
from smartqueue.api.shapes import tenant_json
from smartqueue.jobs import presence
from smartqueue.tenants.models import Tenant
from smartqueue.tenants.services import TenantError, create_tenant

THROTTLED = "Trop de tentatives de connexion : réessayez dans quelques minutes."


def user_json(user) -> dict:  # the documented login answer
    return {
        "id": str(user.id),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


@api_view(("GET",), auth=False)
def health(request, data):
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
    return JsonResponse(body, status=200 if healthy else 503)


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


@api_view(("POST",), auth=False)
def login(request, data):
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        raise ApiError(400, {"non_field_errors": ["email et password sont requis."]})
    user = authenticate_throttled(request, email=email.strip().lower(), password=password)
    if user is None or not user.is_active:
        raise ApiError(
            400, {"non_field_errors": ["Impossible de se connecter avec les identifiants fournis."]}
        )
    _, key = ApiToken.objects.issue(user)
    return {"token": key, "user": user_json(user)}


def authenticate_throttled(request, *, email: str, password: str):
    """The sign-in page's rule (allauth's login_failed limits, per address and per IP) holds
    for the API too: past it, 429 until the window passes."""
    try:
        return get_adapter(request).authenticate(request, email=email, password=password)
    except ValidationError as error:
        if error.code == "too_many_login_attempts":
            raise ApiError(429, {"detail": THROTTLED}) from None
        raise


@api_view(("GET",))
def me(request, data):
    return user_json(request.api_user)


@api_view(("POST",))
def logout(request, data):
    key = getattr(request, "api_token_key", None)
    if key:
        ApiToken.objects.filter(key_hash=hash_token(key)).delete()
    return {"detail": "Déconnecté."}


# --- tenants (the platform's operators) ------------------------------------------------------


@api_view(("GET", "POST"))
def tenants(request, data):
    """Operators (staff) see and create every tenant; a member sees their own."""
    if request.method == "GET":
        return paginate(request, visible_tenants(request.api_user), tenant_json)
    if not request.api_user.is_staff:
        raise ApiError(403, {"detail": NO_PERMISSION})
    form = valid_form(TenantForm, data)
    try:
        tenant = create_tenant(**form.cleaned_data)
    except TenantError as error:
        raise ApiError(400, {"error": str(error)}) from None
    return JsonResponse(tenant_json(tenant), status=201)


@api_view(("GET",))
def tenant_detail(request, data, pk):
    tenant = get_or_404(visible_tenants(request.api_user), pk)
    return tenant_json(tenant)


def visible_tenants(user):
    found = Tenant.objects.exclude(schema_name=get_public_schema_name()).order_by("name", "id")
    if user.is_staff:
        return found
    return found.filter(memberships__user=user, memberships__is_active=True)
