"""Response headers every page carries: a Content-Security-Policy that allows our own scripts
only (htmx, Bootstrap and ours are served from /static/, never from a CDN)."""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.http import JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes (widths on a few cards) are harmless; scripts are not.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


NUL_REFUSED = "Le caractère NUL (\\u0000) n'est pas accepté."


class RefuseNulMiddleware:
    """A NUL character in the path, the query or a form field is never meant (PostgreSQL text
    cannot even hold one): the request is refused as a whole before any view or lookup (tenant
    slug, device secret, filters, reasons) could fail on it with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            raise SuspiciousOperation("NUL character in the request")  # Django's plain 400
        return self.get_response(request)


def carries_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    texts = [value for _, values in request.GET.lists() for value in values]
    # The API reads its own bodies (refused there); forms are read here.
    if request.method == "POST" and not request.path.startswith("/api/"):
        texts += [value for _, values in request.POST.lists() for value in values]
    return any("\x00" in text for text in texts)


def client_address(request) -> str | None:
    """The customer's address, the one every per-address limit and the audit log use: the
    socket's peer, or behind TRUSTED_PROXY_COUNT reverse proxies the address they saw
    (allauth's reading of X-Forwarded-For, which its sign-in limits use too). None when the
    header does not carry as many proxies as configured."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or None
    except (PermissionDenied, ImproperlyConfigured):  # fewer entries than proxies configured
        return None
