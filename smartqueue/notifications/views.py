"""Twilio's status callback: it tells us a message was delivered or failed. Only requests
signed with our auth token (X-Twilio-Signature) are believed."""

import base64
import hashlib
import hmac

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from smartqueue.notifications.models import Notification

DELIVERED = {"delivered", "read"}
FAILED = {"failed", "undelivered"}


def twilio_signature(url: str, params: dict[str, str], token: str) -> str:
    """Twilio's scheme: HMAC-SHA1 of the full URL followed by each POST parameter, sorted by
    name, as name then value; base64."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_by_twilio(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    url = settings.PUBLIC_URL + request.get_full_path()
    expected = twilio_signature(url, request.POST.dict(), token)
    return hmac.compare_digest(expected, given)


@csrf_exempt
@require_POST
def twilio_status(request, tenant_slug: str):
    if not signed_by_twilio(request):
        return HttpResponseForbidden("Signature invalide.")
    status = request.POST.get("MessageStatus", "")
    found = Notification.objects.filter(provider_id=request.POST.get("MessageSid", ""))
    if status in DELIVERED:
        found.update(status=Notification.Status.DELIVERED, delivered_at=timezone.now())
    elif status in FAILED:
        code = request.POST.get("ErrorCode", "")
        found.update(status=Notification.Status.FAILED, last_error=f"Twilio {status} {code}")
    return HttpResponse(status=204)
