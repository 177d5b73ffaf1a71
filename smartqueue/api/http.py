"""The JSON API's plumbing: authentication, tenant membership, scopes, bodies and errors."""

import json
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from smartqueue.accounts.models import ApiToken
from smartqueue.accounts.roles import has_scope, membership_for
from smartqueue.errors import DomainError

NOT_AUTHENTICATED = "Authentication credentials were not provided."
NOT_MEMBER = "Vous n'êtes pas membre de ce tenant."
NO_PERMISSION = "You do not have permission to perform this action."


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
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, {"detail": f"JSON parse error - {error}"}) from None
    if not isinstance(data, dict):
        raise ApiError(400, {"detail": "Le corps doit être un objet JSON."})
    return data


def api_view(methods: tuple[str, ...] = ("GET",), *, scope: str | None = None, auth=True):
    """Wrap a view `view(request, data, **kwargs) -> JsonResponse | dict`.

    Tenant views (tenant_slug in the URL) require membership and, if given, the scope.
    """

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, tenant_slug: str | None = None, **kwargs):
            try:
                if request.method not in methods:
                    raise ApiError(405, {"detail": f'Method "{request.method}" not allowed.'})
                if auth:
                    request.api_user = authenticate(request)
                    if request.api_user is None:
                        raise ApiError(401, {"detail": NOT_AUTHENTICATED})
                if tenant_slug is not None:
                    check_membership(request, scope)
                result = view(request, read_json(request), *args, **kwargs)
            except ApiError as error:
                return JsonResponse(error.body, status=error.status)
            except DomainError as error:
                key = "error" if error.status == 400 else "detail"
                return JsonResponse({key: error.message}, status=error.status)
            if isinstance(result, dict):
                return JsonResponse(result)
            return result

        return wrapper

    return decorator


def check_membership(request, scope: str | None) -> None:
    membership = membership_for(request.api_user, request.tenant)
    if membership is None:
        raise ApiError(403, {"detail": NOT_MEMBER})
    if scope and not has_scope(membership, scope):
        raise ApiError(403, {"detail": NO_PERMISSION})
    request.membership = membership
