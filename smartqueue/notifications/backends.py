"""How a message leaves: chosen by settings like Django's email backends.

SMS and WhatsApp go to Twilio's REST API (or the console in development), email through
Django's mail, webhooks as a signed JSON POST. Each backend returns the provider's id of the
message or raises DeliveryError."""

import base64
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.module_loading import import_string

from smartqueue.notifications.addresses import InternalAddress, post_to_public
from smartqueue.notifications.models import Channel, Notification
from smartqueue.tenants.services import current_tenant

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """`permanent`: retrying cannot help (a number Twilio refuses, a broken template)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class ConsoleBackend:
    """Development: the message is logged and printed, nothing leaves the machine."""

    def send(self, notification: Notification) -> str:
        print(f"[{notification.channel}] → {notification.recipient}: {notification.body}")
        return f"console-{uuid.uuid4().hex[:16]}"


class TwilioBackend:
    """Twilio's Messages resource: a form POST with basic auth; WhatsApp numbers carry the
    "whatsapp:" prefix. Twilio later calls our status callback with the message's fate."""

    def __init__(self, channel: str):
        self.channel = channel

    def send(self, notification: Notification) -> str:
        form = {**self.addresses(notification), "Body": notification.body}
        callback = status_callback_url(notification)
        if callback:
            form["StatusCallback"] = callback
        answer = post(
            messages_url(),
            urllib.parse.urlencode(form).encode(),
            {"Authorization": basic_auth(), "Content-Type": "application/x-www-form-urlencoded"},
        )
        return str(answer.get("sid", ""))

    def find_sent(self, notification: Notification) -> str:
        """The sid of a message Twilio already holds for this notification (same sender,
        number and text, among the latest to that number), or "". Twilio's Messages API has
        no idempotency key: this is how a send cut by a killed worker is not sent twice."""
        query = urllib.parse.urlencode({**self.addresses(notification), "PageSize": 50})
        answer = get(f"{messages_url()}?{query}", {"Authorization": basic_auth()})
        for message in answer.get("messages") or []:
            if message.get("body") == notification.body:
                return str(message.get("sid", "")) or "found"
        return ""

    def addresses(self, notification: Notification) -> dict:
        sender = settings.TWILIO_WHATSAPP_FROM if self.whatsapp else settings.TWILIO_SMS_FROM
        return {"To": self.address(notification.recipient), "From": self.address(sender)}

    @property
    def whatsapp(self) -> bool:
        return self.channel == Channel.WHATSAPP

    def address(self, number: str) -> str:
        return f"whatsapp:{number}" if self.whatsapp else number


def messages_url() -> str:
    sid = settings.TWILIO_ACCOUNT_SID
    return f"{settings.TWILIO_API_URL}/2010-04-01/Accounts/{sid}/Messages.json"


def basic_auth() -> str:
    pair = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def status_callback_url(notification: Notification) -> str:
    tenant = current_tenant()
    if tenant is None:
        return ""
    return settings.PUBLIC_URL + reverse("twilio_status", kwargs={"tenant_slug": tenant.slug})


def post(url: str, body: bytes, headers: dict) -> dict:
    """One HTTP POST; 4xx is the provider saying no (permanent), 5xx and network are not."""
    return answer_of(urllib.request.Request(url, data=body, headers=headers, method="POST"))


def get(url: str, headers: dict) -> dict:
    """One HTTP GET; a failure is never permanent (nothing was sent: ask again later)."""
    try:
        return answer_of(urllib.request.Request(url, headers=headers, method="GET"))
    except DeliveryError as error:
        raise DeliveryError(str(error)) from None


def answer_of(request: urllib.request.Request) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            text = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:300]
        raise DeliveryError(f"HTTP {error.code}: {detail}", permanent=error.code < 500) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryError(f"réseau : {error}") from None
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return {}


class EmailBackend:
    """Through Django's mail: SMTP in production, the console in development."""

    def send(self, notification: Notification) -> str:
        message_id = f"<{notification.pk}@smartqueue>"
        message = EmailMessage(
            subject=notification.subject or "SmartQueue",
            body=notification.body,
            to=[notification.recipient],
            headers={"Message-ID": message_id},
        )
        try:
            message.send()
        except OSError as error:
            raise DeliveryError(f"SMTP : {error}") from None
        return message_id


class WebhookBackend:
    """The integrator checks `X-SmartQueue-Signature: sha256=<hex>`, the HMAC-SHA256 of
    "<timestamp>.<body>" with the endpoint's secret, and de-duplicates on the event id."""

    def send(self, notification: Notification) -> str:
        endpoint = notification.endpoint
        if endpoint is None or not endpoint.is_active:
            raise DeliveryError("point d'accès désactivé", permanent=True)
        body = notification.body.encode()
        timestamp = str(int(time.time()))
        event_id = str(notification.event_id)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "SmartQueue-Webhooks/1",
            "X-SmartQueue-Event": notification.event,
            "X-SmartQueue-Event-Id": event_id,
            "X-SmartQueue-Timestamp": timestamp,
            "X-SmartQueue-Signature": "sha256=" + sign(endpoint.secret, timestamp, body),
        }
        try:
            deliver_webhook(endpoint.url, body, headers)
        except DeliveryError as error:
            error.permanent = False  # a receiver down or refusing today may accept tomorrow
            raise
        return event_id


def deliver_webhook(url: str, body: bytes, headers: dict) -> None:
    """Only to a public address (addresses.py), and a redirect is a failure, never followed."""
    try:
        status, answer = post_to_public(url, body, headers, TIMEOUT_SECONDS)
    except InternalAddress:
        raise DeliveryError("adresse interne refusée (réseau privé, boucle locale…)") from None
    except (OSError, http.client.HTTPException, UnicodeError) as error:
        raise DeliveryError(f"réseau : {error}") from None
    if 300 <= status < 400:
        raise DeliveryError(f"HTTP {status}: redirection non suivie")
    if status >= 400:
        detail = answer.decode("utf-8", "replace")[:300]
        raise DeliveryError(f"HTTP {status}: {detail}")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


NAMED = {
    "console": ConsoleBackend,
    "twilio": TwilioBackend,
}


def backend_for(channel: str):
    if channel == Channel.EMAIL:
        return EmailBackend()
    if channel == Channel.WEBHOOK:
        return WebhookBackend()
    name = settings.WHATSAPP_BACKEND if channel == Channel.WHATSAPP else settings.SMS_BACKEND
    backend = NAMED.get(name) or import_string(name)
    return backend(channel) if backend is TwilioBackend else backend()
