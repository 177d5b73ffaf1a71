"""Per-token rate limits: each request made with `Authorization: Token <key>` counts in a fixed
window (settings.API_RATE_LIMIT, e.g. "600/minute"); its answer says where the token stands
(X-RateLimit-Limit, -Remaining, -Reset: the window's end in Unix seconds), and past the limit
the answer is a 429 with Retry-After. Counters live in Redis (smartqueue.cache): with Redis away
nobody is limited. Sessions (our own pages) are not counted."""

import hashlib
import time

from django.conf import settings
from django.http import JsonResponse
from django_tenants.utils import get_public_schema_name, schema_context

from smartqueue.cache import count_in_window

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
TOO_MANY = "Trop de requêtes pour ce jeton : réessayez après Retry-After secondes."


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" → (600, 60)."""
    number, _, unit = rate.partition("/")
    return int(number), UNITS[unit.strip().removesuffix("s")]


def token_key(request) -> str | None:
    if not request.path_info.startswith("/api/"):
        return None
    keyword, _, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if keyword == "Token" and key.strip() else None


class TokenRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = token_key(request)
        if key is None:
            return self.get_response(request)
        limit, window = parse_rate(settings.API_RATE_LIMIT)
        # One counter per token whatever the tenant: counted in the public schema's keys.
        name = "api-rate:" + hashlib.sha256(key.encode()).hexdigest()
        with schema_context(get_public_schema_name()):
            count, reset = count_in_window(name, window)
        if count > limit:
            response = JsonResponse({"detail": TOO_MANY}, status=429)
            response["Retry-After"] = str(max(1, reset - int(time.time())))
        else:
            response = self.get_response(request)
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(0, limit - count))
        response["X-RateLimit-Reset"] = str(reset)
        return response
