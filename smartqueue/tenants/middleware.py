"""Resolve the tenant from the path: /t/<slug>/, /api/v1/tenants/<slug>/… (WebSockets: routing)."""

import re

from django.db import connection
from django.http import Http404, JsonResponse

from smartqueue.tenants.models import Tenant

TENANT_PATH = re.compile(r"^/(?P<prefix>t|api/v1/tenants)/(?P<slug>[^/]+)/(?P<rest>.*)$")
# Older API clients give the tenant in a header, on paths without it (/api/v1/queues/).
LEGACY_HEADER = "X-Tenant"
PUBLIC_API = (
    "/api/v1/auth/",
    "/api/v1/health/",
    "/api/v1/tenants/",
    "/api/v1/schema/",
    "/api/v1/docs/",
)
MISMATCH = "L'en-tête X-Tenant ne correspond pas au tenant de l'adresse."


def active_tenant(slug: str) -> Tenant | None:
    return Tenant.objects.filter(slug=slug, is_active=True).first()


class TenantFromPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Put back whatever schema the caller had (public in a server; tests keep their tenant).
        previous = getattr(connection, "tenant", None)
        connection.set_schema_to_public()
        try:
            return self.handle(request)
        finally:
            if previous is not None:
                connection.set_tenant(previous)
            else:
                connection.set_schema_to_public()

    def handle(self, request):
        request.tenant = None
        request.membership = None  # set by the page and API guards once membership is checked
        match = TENANT_PATH.match(request.path_info)
        # /api/v1/tenants/<id>/ alone is the operators' tenant detail, not a tenant's resource.
        is_api = match is not None and match["prefix"] != "t"
        slug = match["slug"] if match and not (is_api and not match["rest"]) else None
        header = request.headers.get(LEGACY_HEADER, "").strip()
        if header and request.path_info.startswith("/api/v1/"):
            if slug is not None and header != slug:
                return JsonResponse({"detail": MISMATCH}, status=400)
            if match is None and not request.path_info.startswith(PUBLIC_API):
                slug = header
        if slug is not None:
            tenant = active_tenant(slug)
            if tenant is None:
                if is_api or header:
                    return JsonResponse({"detail": "Not found."}, status=404)
                raise Http404("Organisation inconnue")
            request.tenant = tenant
            connection.set_tenant(tenant)
        return self.get_response(request)
