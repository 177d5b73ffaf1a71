"""What ninja leaves to us: who calls (token or session, tenant membership and scope), how a
body is read, the documented error shapes, the list pages and the settings forms' saving."""

import json
import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.forms.models import model_to_dict
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security.apikey import APIKeyHeader

from smartqueue.accounts.models import ApiToken
from smartqueue.accounts.roles import has_scope, membership_for
from smartqueue.errors import DomainError
from smartqueue.ids import as_uuid
from smartqueue.queues.history import Actor, save_audited
from smartqueue.queues.selectors import placements
from smartqueue.views import server_error

logger = logging.getLogger("django.request")

NOT_AUTHENTICATED = "Authentication credentials were not provided."
NOT_MEMBER = "Vous n'êtes pas membre de ce tenant."
NO_PERMISSION = "You do not have permission to perform this action."
NO_TENANT = "Tenant manquant : indiquez-le dans l'adresse ou dans l'en-tête X-Tenant."


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body)
        self.status = status
        self.body = body


# --- who calls -------------------------------------------------------------------------------


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` (integrators), else the session (our own pages, with the
    CSRF check of any form). With a scope, the caller must be a member of the path's tenant
    (or the X-Tenant header's) whose role grants it (smartqueue.accounts.roles)."""

    param_name = "Authorization"
    openapi_description = "`Token <key>`, the key from POST /api/v1/auth/."

    def __init__(self, scope: str | None = None, *, staff: bool = False):
        super().__init__()
        self.scope = scope
        self.staff = staff  # the platform's operators only

    def __call__(self, request):
        request.api_user = caller(request)
        if self.staff and not request.api_user.is_staff:
            raise ApiError(403, {"detail": NO_PERMISSION})
        if self.scope is not None:
            check_membership(request, self.scope)
        return request.api_user

    def authenticate(self, request, key):  # the abstract hook; __call__ does it all
        raise NotImplementedError


def caller(request):
    header = request.headers.get("Authorization", "")
    if header:
        keyword, _, key = header.partition(" ")
        if keyword != "Token" or not key.strip():
            raise ApiError(401, {"detail": "Invalid token header."})
        user = ApiToken.objects.user_for_key(key.strip())
        if user is None:
            raise ApiError(401, {"detail": "Invalid token."})
        request.api_token_key = key.strip()
        return user
    if request.user.is_authenticated:
        reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if reason is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise ApiError(403, {"detail": "CSRF Failed."})
        return request.user
    raise ApiError(401, {"detail": NOT_AUTHENTICATED})


def check_membership(request, scope: str) -> None:
    if getattr(request, "tenant", None) is None:
        raise ApiError(400, {"detail": NO_TENANT})
    request.membership = membership_for(request.api_user, request.tenant)
    if request.membership is None:
        raise ApiError(403, {"detail": NOT_MEMBER})
    if not has_scope(request.membership, scope):
        raise ApiError(403, {"detail": NO_PERMISSION})


def actor(request) -> Actor:
    return Actor.from_request(request, user=request.api_user)


# --- bodies ----------------------------------------------------------------------------------

MAX_DEPTH = 32  # our bodies nest two or three levels; deeper is an attack on the parser
TOO_DEEP = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."
SURROGATE = "JSON parse error - a lone UTF-16 surrogate (\\ud800-\\udfff) is not text."
NUL = "Le caractère NUL (\\u0000) n'est pas accepté."


class BodyParser(Parser):
    """JSON objects only (415 otherwise), and nothing json.loads accepts that nothing after it
    can use: a lone surrogate, a NUL (PostgreSQL refuses it), a nesting deep enough to
    overflow every walk of it. Ninja wraps our errors in its own 400: see errors()."""

    def parse_body(self, request) -> dict:
        raw = request.body
        if not raw.strip():
            return {}
        if request.content_type == "multipart/form-data":
            return request.POST.dict()
        if not is_json(request.content_type or ""):
            media = request.content_type or "none"
            raise ApiError(415, {"detail": f'Unsupported media type "{media}" in request.'})
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise ApiError(400, {"detail": f"JSON parse error - {error}"}) from None
        except RecursionError:
            raise ApiError(400, {"detail": TOO_DEEP}) from None
        if not isinstance(data, dict):
            raise ApiError(400, {"detail": "Le corps doit être un objet JSON."})
        refuse_unusable_text(data)
        return data


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def refuse_unusable_text(data) -> None:
    """Walked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ApiError(400, {"detail": TOO_DEEP})
        if isinstance(value, str):
            if "\x00" in value:
                raise ApiError(400, {"detail": NUL})
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ApiError(400, {"detail": SURROGATE}) from None
        elif isinstance(value, dict):
            pending += [(key, depth) for key in value] + [(v, depth + 1) for v in value.values()]
        elif isinstance(value, list):
            pending += [(item, depth + 1) for item in value]


class Renderer(JSONRenderer):
    """Moments as Python writes them ("…+00:00", microseconds kept), as the API always did."""

    class encoder_class(NinjaJSONEncoder):
        def default(self, o):
            if isinstance(o, datetime):
                return o.isoformat()
            return super().default(o)


# --- errors ----------------------------------------------------------------------------------


def error_handlers() -> dict[type[Exception], Any]:
    """The documented shapes: {"error"} for business rules, {"field": [...]} for invalid
    fields, {"detail"} for the rest; the 500 is JSON too, even in DEBUG."""

    def api_error(request, error: ApiError):
        return JsonResponse(error.body, status=error.status)

    def domain_error(request, error: DomainError):
        key = "error" if error.status == 400 else "detail"
        return JsonResponse({key: error.message}, status=error.status)

    def http_error(request, error: HttpError):
        if isinstance(error.__cause__, ApiError):  # raised by BodyParser, wrapped by ninja
            return api_error(request, error.__cause__)
        return JsonResponse({"detail": str(error)}, status=error.status_code)

    def invalid(request, error: ValidationError):
        return JsonResponse(field_errors(error.errors), status=400)

    def unauthenticated(request, error: AuthenticationError):
        return JsonResponse({"detail": NOT_AUTHENTICATED}, status=401)

    def not_found(request, error: Http404):
        return JsonResponse({"detail": "Not found."}, status=404)

    def too_large(request, error: RequestDataTooBig):
        return JsonResponse({"detail": "Request body too large."}, status=413)

    def crash(request, error: Exception):
        logger.exception("Internal Server Error: %s", request.path)
        return server_error(request)

    return {
        ApiError: api_error,
        DomainError: domain_error,
        HttpError: http_error,
        ValidationError: invalid,
        AuthenticationError: unauthenticated,
        Http404: not_found,
        RequestDataTooBig: too_large,
        Exception: crash,
    }


def field_errors(errors: list[dict]) -> dict[str, list[str]]:
    """pydantic's errors by field: loc is (source, field…) for a query string and (source,
    parameter, field…) for a body; errors of the whole body go to non_field_errors."""
    found: dict[str, list[str]] = {}
    for error in errors:
        source, *rest = error["loc"]
        if source == "body":
            rest = rest[1:]
        names = [part for part in rest if isinstance(part, str)]
        name = names[0] if names else "non_field_errors"
        found.setdefault(name, []).append(message_of(error, name))
    return found


NOT_TEXT = "Saisissez un texte, pas une liste ni un objet."
# pydantic speaks English only: its common errors in the words of Django's forms, whose
# translations Django ships (the API answered in the forms' words before ninja).
MESSAGES = {
    "missing": "This field is required.",
    "too_short": "This field is required.",  # an empty list where one item at least is needed
    "int_type": "Enter a whole number.",
    "int_parsing": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "float_type": "Enter a number.",
    "float_parsing": "Enter a number.",
    "uuid_type": "Enter a valid UUID.",
    "uuid_parsing": "Enter a valid UUID.",
    "enum": "Select a valid choice. That choice is not one of the available choices.",
    "literal_error": "Select a valid choice. That choice is not one of the available choices.",
    "string_pattern_mismatch": "Enter a valid value.",
    "datetime_type": "Enter a valid date/time.",
    "datetime_parsing": "Enter a valid date/time.",
    "datetime_from_date_parsing": "Enter a valid date/time.",
    "time_type": "Enter a valid time.",
    "time_parsing": "Enter a valid time.",
    "greater_than_equal": "Ensure this value is greater than or equal to %(limit_value)s.",
    "less_than_equal": "Ensure this value is less than or equal to %(limit_value)s.",
}


def message_of(error: dict, name: str) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    context = {"limit_value": context.get("ge", context.get("le"))}
    template = MESSAGES.get(kind)
    if template is not None:
        return gettext(template) % context if "%(" in template else gettext(template)
    if kind == "string_type":
        return NOT_TEXT
    if kind in ("bool_type", "bool_parsing"):
        return "Valeurs possibles : true, false."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{name} doit être un objet JSON."
    return error["msg"].removeprefix("Value error, ")


# --- lists -----------------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageQuery(PaginationBase.Input):
    page: int = Field(1, ge=1, description="Page number (404 past the last page).")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        description=f"Rows per page; more than {MAX_PAGE_SIZE} gives {MAX_PAGE_SIZE}.",
    )


class PageNumbers(PaginationBase):
    """The documented list shape: {"count", "next", "previous", "results"}."""

    Input = PageQuery  # type: ignore[assignment]  # mypy types a nested class exactly

    class Output(Schema):
        count: int = Field(ge=0)
        next: str | None
        previous: str | None
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: PageQuery, request, **params) -> dict:
        size = min(pagination.page_size, MAX_PAGE_SIZE)
        count = queryset.count()
        start = (pagination.page - 1) * size
        if start and start >= count:
            raise ApiError(404, {"detail": "Page invalide."})
        return {
            "count": count,
            "next": page_url(request, pagination.page + 1) if start + size < count else None,
            "previous": page_url(request, pagination.page - 1) if pagination.page > 1 else None,
            "results": list(queryset[start : start + size]),
        }


class TicketPages(PageNumbers):
    """Tickets' pages, each waiting ticket placed in its queue in a few queries per page."""

    def paginate_queryset(self, queryset, pagination: PageQuery, request, **params) -> dict:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        found = placements(page["results"])
        for ticket in page["results"]:
            ticket.placement = found[ticket.pk]
        return page


def page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


# --- rows ------------------------------------------------------------------------------------


def get_or_404(manager, pk: str):
    """The row of this tenant's schema with that id; another tenant's id is simply not here."""
    found = manager.filter(pk=as_uuid(pk)).first() if as_uuid(pk) else None
    if found is None:
        raise ApiError(404, {"detail": "Not found."})
    return found


def save_row(form_class, given: dict, *, by: Actor, instance=None):
    """Save a settings row through its settings page's form (the rules that need the database
    live there), audited. What the body leaves out keeps its stored value (PUT, PATCH) or takes
    the model's default (create), so a missing boolean is not "false"."""
    kwargs = {"instance": instance} if instance is not None else {}
    data = {**starting_values(form_class, instance), **given}
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        raise ApiError(400, form_errors(form))
    return save_audited(form, by=by)


def starting_values(form_class, instance) -> dict:
    meta = form_class._meta
    if instance is not None and not instance._state.adding:
        return model_to_dict(instance, fields=list(form_class.base_fields))
    names = [name for name in form_class.base_fields if name not in form_class.declared_fields]
    fields = {field.name: field for field in meta.model._meta.fields}
    return {
        name: fields[name].get_default()
        for name in names
        if name in fields and fields[name].has_default()
    }


def form_errors(form) -> dict:
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


def required(value: str | None, name: str) -> str:
    """A text the body must carry: the documented 400 {"error": "queue_id est requis"}."""
    if value in (None, ""):
        raise ApiError(400, {"error": f"{name} est requis"})
    return value


def given(payload: Schema) -> dict:
    """The fields the body gave, as JSON values (what a form reads)."""
    return payload.model_dump(mode="json", exclude_unset=True)
