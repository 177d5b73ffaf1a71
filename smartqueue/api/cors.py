"""CORS per organisation: a browser page may call a tenant's API (/api/v1/tenants/<slug>/…) if
its origin is in that tenant's list (Tenant.api_origins, the organisation's settings page).

django-cors-headers answers the preflights and writes the headers; this signal decides, per
request, whether the origin is allowed. No cookies cross origins (CORS_ALLOW_CREDENTIALS is
off): a page elsewhere calls with a token, never with a member's session."""

from corsheaders.signals import check_request_enabled


def origin_allowed(sender, request, **kwargs) -> bool:
    tenant = getattr(request, "tenant", None)
    origin = request.headers.get("Origin", "")
    return bool(
        tenant is not None
        and origin
        and request.path_info.startswith(f"/api/v1/tenants/{tenant.slug}/")
        and origin.lower() in (tenant.api_origins or [])
    )


def connect() -> None:
    check_request_enabled.connect(origin_allowed, dispatch_uid="smartqueue.api.cors")
