"""The JSON API on django-ninja: its routers, its OpenAPI document (/api/v1/schema/), Swagger UI
(/api/v1/docs/) and its URL patterns, with the legacy routes (/api/v1/<resource>/, the tenant in
the X-Tenant header) and 405 answers in the documented shape.

Both the document and the docs page are public: the document says how to authenticate, and
Swagger UI's "Authorize" asks for the token. Swagger UI is served from static/api/ (the CSP
allows our own scripts only, no CDN)."""

from functools import wraps

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.utils import normalize_path, replace_path_param_notation
from pydantic import TypeAdapter

from smartqueue.api import actions, analytics, messages, resources, views
from smartqueue.api.schemas import Detail, Error, FieldErrors
from smartqueue.api.support import BodyParser, Renderer, error_handlers

TENANT = "/tenants/{slug:tenant_slug}"
ROUTERS = [
    ("/", views.public),
    (f"{TENANT}/sites/", resources.sites),
    (f"{TENANT}/counters/", resources.counters),
    (f"{TENANT}/queues/services/", resources.service_router),
    (f"{TENANT}/queues/", resources.queues),
    (f"{TENANT}/customers/", resources.customers),
    (f"{TENANT}/tickets/appointments/", resources.appointments),  # before tickets/{pk}/
    (f"{TENANT}/tickets/", resources.tickets),
    (f"{TENANT}/tickets/", actions.ticket_steps),
    (f"{TENANT}/webhooks/", resources.webhooks),
    (f"{TENANT}/agents/", actions.agents),
    (f"{TENANT}/analytics/", analytics.analytics),
    (f"{TENANT}/feedback/", messages.feedback),
    (f"{TENANT}/notifications/", messages.notifications),
]
METHOD_ORDER = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ERROR_CODES = {
    400: "Invalid request: a business rule (error), invalid fields (FieldErrors) or a malformed "
    "body, a bad X-Tenant header (detail).",
    401: "No or bad token.",
    403: "Not a member of the tenant, or a missing scope.",
    404: "Unknown tenant, row or page.",
    413: "Body larger than the server accepts.",
    415: "A body that is not JSON (application/json).",
    429: "Too many failed sign-ins, or too many requests for this token (see Retry-After and "
    "X-RateLimit-Reset).",
}


X_TENANT = {
    "name": "X-Tenant",
    "in": "header",
    "required": False,
    "description": "Older clients' way to name the tenant: if given here, it must be the slug of "
    "the path (400 otherwise).",
    "schema": {"type": "string"},
}


class SwaggerUI(DocsBase):
    """Our page (templates/api/docs.html): the vendored Swagger UI and its init script."""

    def render_page(self, request, api, **kwargs):
        schema_url = self.get_openapi_url(api, kwargs)
        return render(request, "api/docs.html", {"schema_url": schema_url})


class SmartQueueAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix="/api/v1/", path_params=path_params)
        document["openapi"] = "3.1.0"
        add_error_answers(document)
        return document


api = SmartQueueAPI(
    title="SmartQueue API",
    version="1.0.0",
    description="Queue management: sites, services, queues, tickets, agents and appointments of "
    "one organisation (tenant), under /api/v1/tenants/{tenant_slug}/. Lists are paginated "
    "(page, page_size). Live updates go through WebSockets (/ws/tenants/{tenant_slug}/...), "
    "not described here.",
    servers=[{"url": "/"}],
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
    docs=SwaggerUI(),
    parser=BodyParser(),
    renderer=Renderer(),
)
for exception, handler in error_handlers().items():
    api.add_exception_handler(exception, handler)
for prefix, router in ROUTERS:
    api.add_router(prefix, router)


# --- the document ----------------------------------------------------------------------------


def add_error_answers(document: dict) -> None:
    """The error answers every operation shares (one component each), by what can go wrong:
    authentication and the tenant on guarded operations, a body's reading on those with one.
    Ninja documents the answers a view returns; these come from the handlers of support.py."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Detail"] = Detail.model_json_schema()
    schemas["Error"] = Error.model_json_schema()
    schemas["FieldErrors"] = {**TypeAdapter(FieldErrors).json_schema(), "minProperties": 1}
    ref = {code: {"$ref": f"#/components/responses/E{code}"} for code in ERROR_CODES}
    components["responses"] = {
        f"E{code}": {
            "description": text,
            "content": {"application/json": {"schema": error_schema(code)}},
        }
        for code, text in ERROR_CODES.items()
    }
    for route, item in document["paths"].items():
        for method, operation in item.items():
            codes = {400, 404}  # a bad X-Tenant header, an unknown tenant; bad query values
            if operation.get("security"):
                codes |= {401, 403, 429}  # 429: the token's rate limit (api/limits.py)
            if "requestBody" in operation:
                codes |= {413, 415}
            if route == "/api/v1/auth/" and method == "post":
                codes |= {429}
            if route.startswith("/api/v1/tenants/{tenant_slug}/"):
                operation.setdefault("parameters", []).append(X_TENANT)
            answers = operation["responses"]
            for code in sorted(codes):
                answers.setdefault(str(code), ref[code])
    document["paths"].update(document_routes())


def error_schema(code: int) -> dict:
    detail = {"$ref": "#/components/schemas/Detail"}
    if code != 400:
        return detail
    kinds = ("Error", "FieldErrors", "Detail")
    return {"anyOf": [{"$ref": f"#/components/schemas/{kind}"} for kind in kinds]}


def document_routes() -> dict:
    """This document and Swagger UI are routes of the API too."""

    def page(summary: str, content_type: str) -> dict:
        answer = {"description": "Success.", "content": {content_type: {"schema": {}}}}
        return {"get": {"operationId": summary.replace(" ", "_"), "summary": summary,
                        "tags": ["docs"], "responses": {"200": answer}}}  # fmt: skip

    return {
        "/api/v1/schema/": page("OpenAPI document", "application/json"),
        "/api/v1/docs/": page("Swagger UI", "text/html"),
    }


# --- URL patterns ----------------------------------------------------------------------------


def methods_by_route() -> dict[str, list[str]]:
    """Each route's methods, in the order Allow lists them."""
    found: dict[str, list[str]] = {}
    for prefix, router in ROUTERS:
        for route, path_view in router.path_operations.items():
            key = normalize_path(replace_path_param_notation(f"{prefix}/{route}")).lstrip("/")
            methods = found.setdefault(key, [])
            methods += [m for operation in path_view.operations for m in operation.methods]
    return {key: sorted(set(methods), key=METHOD_ORDER.index) for key, methods in found.items()}


def with_json_405(view, methods: list[str]):
    """Ninja answers a method it does not route with a plain-text 405: the API's is JSON."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        if request.method not in methods:
            response = JsonResponse(
                {"detail": f'Method "{request.method}" not allowed.'}, status=405
            )
            response["Allow"] = ", ".join(methods)
            return response
        return view(request, *args, **kwargs)

    answer.api_methods = tuple(methods)  # type: ignore[attr-defined]  # read by the tests
    return answer


def as_legacy(view):
    """The same operation with the tenant of the X-Tenant header (the middleware sets it; none
    given, the guard answers 400 after the usual 405 and 401)."""

    @wraps(view)
    def legacy(request, *args, **kwargs):
        tenant = getattr(request, "tenant", None)
        return view(request, *args, tenant_slug=tenant.slug if tenant else "", **kwargs)

    legacy.api_methods = view.api_methods  # type: ignore[attr-defined]
    return legacy


def api_patterns() -> tuple[list[URLPattern], list[URLPattern]]:
    """(the API's routes, the legacy routes without /tenants/<slug>/)."""
    methods = {**methods_by_route(), "schema/": ["GET"], "docs/": ["GET"]}
    patterns, legacy, seen = [], [], set()
    for entry in api.urls[0]:
        assert isinstance(entry, URLPattern)
        route = str(entry.pattern)
        # Ninja lists a route once per operation (one view serves them all); and its root,
        # /api/v1/ itself, serves nothing.
        if route in seen or entry.name == "api-root":
            continue
        seen.add(route)
        view = with_json_405(entry.callback, methods[route])
        patterns.append(path(route, view, name=entry.name))
        prefix = "tenants/<slug:tenant_slug>/"
        if route.startswith(prefix):
            legacy.append(path(route.removeprefix(prefix), as_legacy(view), name=entry.name))
    return patterns, legacy


PATTERNS, LEGACY = api_patterns()


def named(name: str):
    """A route's view by name: the document and the docs page also answer under /api/."""
    return next(entry.callback for entry in PATTERNS if entry.name == name)
