"""The JSON API's plumbing: authentication, tenant membership, scopes, bodies and errors."""

import json
import logging
from functools import wraps

from django import forms
from django.core.exceptions import RequestDataTooBig
from django.forms.models import model_to_dict
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from smartqueue.accounts.models import ApiToken
from smartqueue.accounts.roles import has_scope, membership_for
from smartqueue.errors import DomainError
from smartqueue.ids import as_uuid
from smartqueue.queues.history import Actor
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


def detail(status: int, text: str) -> JsonResponse:
    return JsonResponse({"detail": text}, status=status)


def authenticate(request):
    """Token first (integrators), then the session (our own pages). Returns a user or None."""
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
        # Session callers are browsers: they must pass the CSRF check like any form.
        reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if reason is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise ApiError(403, {"detail": "CSRF Failed."})
        return request.user
    return None


def read_json(request) -> dict:
    if request.method not in ("POST", "PUT", "PATCH"):
        return {}
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(413, {"detail": "Request body too large."}) from None
    if not raw.strip():
        return {}
    if request.content_type == "multipart/form-data":
        return request.POST.dict()
    if not is_json(request.content_type):
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


MAX_DEPTH = 32  # our bodies nest two or three levels; deeper is an attack on the parser
TOO_DEEP = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."
SURROGATE = "JSON parse error - a lone UTF-16 surrogate (\\ud800-\\udfff) is not text."


def refuse_unusable_text(data) -> None:
    """What json.loads accepts but nothing after it can use: a lone surrogate ("\\ud800"
    cannot be encoded: a 500, or a hang of the debug page) and a deep nesting (every walk of
    it would overflow the stack). Walked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ApiError(400, {"detail": TOO_DEEP})
        if isinstance(value, str):
            if has_surrogate(value):
                raise ApiError(400, {"detail": SURROGATE})
        elif isinstance(value, dict):
            pending += [(key, depth) for key in value] + [(v, depth + 1) for v in value.values()]
        elif isinstance(value, list):
            pending += [(item, depth + 1) for item in value]


def has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refuse_nul(*values) -> None:
    """PostgreSQL text cannot hold a NUL character: refuse it here rather than fail there."""
    if any(has_nul(value) for value in values):
        raise ApiError(400, {"detail": "Le caractère NUL (\\u0000) n'est pas accepté."})


def has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple) or hasattr(value, "__next__"):
        return any(has_nul(item) for item in value)
    return False


def api_view(methods: tuple[str, ...] = ("GET",), *, scope: str | None = None, auth=True):
    """Wrap a view `view(request, data, **kwargs) -> JsonResponse | dict`.

    Views with a scope are a tenant's (from the path, or the legacy X-Tenant header): they
    require membership and that scope.
    """

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, tenant_slug: str | None = None, **kwargs):  # noqa: ARG001
            try:
                if request.method not in methods:
                    raise ApiError(405, {"detail": f'Method "{request.method}" not allowed.'})
                if auth:
                    request.api_user = authenticate(request)
                    if request.api_user is None:
                        raise ApiError(401, {"detail": NOT_AUTHENTICATED})
                if scope is not None:
                    check_membership(request, scope)
                data = read_json(request)
                refuse_nul(request.GET.lists(), data)
                result = view(request, data, *args, **kwargs)
            except ApiError as error:
                response = JsonResponse(error.body, status=error.status)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response
            except DomainError as error:
                key = "error" if error.status == 400 else "detail"
                return JsonResponse({key: error.message}, status=error.status)
            except Exception:  # noqa: BLE001 (logged; the API's 500 is JSON, even in DEBUG)
                logger.exception("Internal Server Error: %s", request.path)
                return server_error(request)
            if isinstance(result, dict):
                return JsonResponse(result)
            return result

        # Read by the schema and by the tests that sweep every route.
        wrapper.api_methods = methods  # type: ignore[attr-defined]
        wrapper.api_scope = scope  # type: ignore[attr-defined]
        return wrapper

    return decorator


def check_membership(request, scope: str) -> None:
    if getattr(request, "tenant", None) is None:
        raise ApiError(400, {"detail": NO_TENANT})
    membership = membership_for(request.api_user, request.tenant)
    if membership is None:
        raise ApiError(403, {"detail": NOT_MEMBER})
    request.membership = membership
    require_scope(request, scope)


def require_scope(request, scope: str) -> None:
    """For a method that asks more than the view's own scope (POST on a list, say)."""
    if not has_scope(request.membership, scope):
        raise ApiError(403, {"detail": NO_PERMISSION})


def actor(request) -> Actor:
    return Actor.from_request(request, user=request.api_user)


def get_or_404(manager, pk: str):
    """The row of this tenant's schema with that id; another tenant's id is simply not here."""
    found = manager.filter(pk=as_uuid(pk)).first() if as_uuid(pk) else None
    if found is None:
        raise ApiError(404, {"detail": "Not found."})
    return found


def valid_form(form_class, data: dict, *, instance=None):
    """Bind the JSON body to the form, filling what the body leaves out: the stored values
    (PUT, PATCH) or the model's defaults (create), so a missing boolean is not "false"."""
    kwargs = {"instance": instance} if instance is not None else {}
    refuse_structures_as_text(form_class, data)
    given = {name: as_form_value(form_class, name, value) for name, value in data.items()}
    form = form_class(data={**starting_values(form_class, instance), **given}, **kwargs)
    if not form.is_valid():
        raise ApiError(400, form_errors(form))
    return form


NOT_TEXT = "Saisissez un texte, pas une liste ni un objet."


def refuse_structures_as_text(form_class, data: dict) -> None:
    """A text field given a list or an object is a field error: a CharField would store
    its Python text ("['a', 'b']") instead."""
    errors = {
        name: [NOT_TEXT]
        for name, value in data.items()
        if isinstance(value, list | dict) and is_text_field(form_class.base_fields.get(name))
    }
    if errors:
        raise ApiError(400, errors)


def is_text_field(field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField)


TEXT_ONLY = (forms.DateField, forms.TimeField, forms.DateTimeField)


def as_form_value(form_class, name: str, value):
    """Django's date and time fields read text: a number or a list there is a field error
    (this stands for one), not a crash."""
    field = form_class.base_fields.get(name)
    if isinstance(field, TEXT_ONLY) and value is not None and not isinstance(value, str):
        return "\u2047"  # no date or time parses from it
    return value


def starting_values(form_class, instance) -> dict:
    meta = getattr(form_class, "_meta", None)
    if meta is None or meta.model is None:
        return {}
    names = [name for name in form_class.base_fields if name not in form_class.declared_fields]
    if instance is not None:
        return model_to_dict(instance, fields=list(form_class.base_fields))
    fields = {field.name: field for field in meta.model._meta.fields}
    return {
        name: fields[name].get_default()
        for name in names
        if name in fields and fields[name].has_default()
    }


def form_errors(form) -> dict:
    """Django's errors in the documented shape; errors of the whole body as non_field_errors."""
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


def required_text(data: dict, name: str) -> str:
    """A text the body must carry: the documented 400 {"error": "queue_id est requis"}."""
    value = data.get(name)
    if value in (None, ""):
        raise ApiError(400, {"error": f"{name} est requis"})
    if not isinstance(value, str):
        raise ApiError(400, {"error": f"{name} doit être une chaîne"})
    return value
