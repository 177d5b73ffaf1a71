"""Web notifications (the seeds' "push") to one browser subscription: the message encrypted for
that browser (RFC 8291, aes128gcm) and signed with the deployment's VAPID key (RFC 8292) by
pywebpush, posted to the subscription's push service.

The endpoint comes from the browser, so it is checked like a webhook's address (public
addresses only) and a redirect is never followed. A subscription the push service no longer
knows (404, 410) is gone for good: the caller forgets it; anything else may be tried again."""

import base64
import json
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from smartqueue.notifications.addresses import InternalAddress, public_addresses

GONE = {404, 410}
TIMEOUT_SECONDS = 10


class SubscriptionGone(Exception):
    """The push service no longer knows this subscription: drop it."""


class PushFailed(Exception):
    """The push service refused or did not answer: try again later."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate_keys() -> tuple[str, str]:
    """A new VAPID key pair (private, public) in the settings' format."""
    private = ec.generate_private_key(ec.SECP256R1())
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    public = private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return b64url(raw), b64url(public)


def valid_subscription(subscription: dict) -> dict:
    """The browser's PushSubscription (its toJSON()), checked: ValueError otherwise."""
    if not isinstance(subscription, dict):
        raise ValueError("a subscription is an object")
    endpoint = subscription.get("endpoint")
    keys = subscription.get("keys")
    if not isinstance(endpoint, str) or len(endpoint) > 2000 or not isinstance(keys, dict):
        raise ValueError("a subscription has an endpoint and keys")
    if not all(isinstance(keys.get(name), str) for name in ("p256dh", "auth")):
        raise ValueError("a subscription's keys are p256dh and auth")
    parts = urlsplit(endpoint)
    secure = parts.scheme == "https" or settings.ALLOW_PRIVATE_ADDRESSES
    if not secure or parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValueError("a push service is reached over HTTPS")
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def send(subscription: dict, payload: dict, *, ttl: int = 3600) -> None:
    """Post one message; SubscriptionGone or PushFailed when it does not go through."""
    if not settings.VAPID_PRIVATE_KEY:
        raise PushFailed("no VAPID key configured (VAPID_PRIVATE_KEY)")
    subscription = valid_subscription(subscription)
    parts = urlsplit(subscription["endpoint"])
    try:
        public_addresses(parts.hostname or "", parts.port or 443)
    except (InternalAddress, OSError) as error:
        raise SubscriptionGone(f"the push service is not a public address: {error}") from error
    session = requests.Session()
    session.max_redirects = 0  # a redirect is a failure, never followed
    try:
        webpush(
            subscription_info=subscription,
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=Vapid.from_string(settings.VAPID_PRIVATE_KEY),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=ttl,
            timeout=TIMEOUT_SECONDS,
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            raise SubscriptionGone(f"push service answered {status}") from error
        raise PushFailed(str(error).splitlines()[0]) from error
    except requests.RequestException as error:
        raise PushFailed(f"push service unreachable: {error}") from error
