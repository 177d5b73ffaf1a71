"""Web notifications through a fake push service on 127.0.0.1 that speaks RFC 8030: the message
it receives decrypts with the subscription's own keys (RFC 8291) and carries a VAPID signature
the deployment's public key verifies (RFC 8292); an expired subscription is reported gone."""

import base64
import json
import os
import time

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from smartqueue.notifications import webpush
from tests.fakes import FakePushService


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """What a browser keeps for one subscription: its P-256 key pair and auth secret."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        self.subscription = {
            "endpoint": endpoint,
            "keys": {"p256dh": webpush.b64url(public), "auth": webpush.b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def push(settings):
    private, public = webpush.generate_keys()
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = private, public
    settings.VAPID_SUBJECT = "mailto:ops@smartqueue.test"
    settings.ALLOW_PRIVATE_ADDRESSES = True  # the fake service listens on the loopback
    with FakePushService() as service:
        yield service


def verify_vapid(header: str, public_key_b64: str, audience: str) -> dict:
    """`vapid t=<JWT>, k=<key>`: the key is ours and signed the token, for this push service."""
    fields = dict(part.strip().split("=", 1) for part in header.removeprefix("vapid ").split(","))
    assert fields["k"] == public_key_b64
    signed, signature = fields["t"].rsplit(".", 1)
    raw = b64decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(fields["k"]))
    key.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    claims = json.loads(b64decode(signed.split(".")[1]))
    assert claims["aud"] == audience
    assert claims["exp"] > time.time()
    return claims


def test_the_push_service_gets_a_message_only_the_browser_can_read(push, settings):
    browser = Browser(f"{push.url}/push/abc")
    message = {"title": "C'est bientôt votre tour", "body": "A012 : 2 personnes avant vous"}
    webpush.send(browser.subscription, message, ttl=600)

    (request,) = push.received
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == "600"
    assert message["title"].encode() not in request["body"]  # encrypted on the wire
    assert browser.decrypt(request["body"]) == message
    claims = verify_vapid(headers["authorization"], settings.VAPID_PUBLIC_KEY, push.url)
    assert claims["sub"] == "mailto:ops@smartqueue.test"


def test_another_browsers_keys_cannot_read_it(push):
    browser, stranger = Browser(f"{push.url}/push/abc"), Browser(f"{push.url}/push/abc")
    webpush.send(browser.subscription, {"title": "x"})
    with pytest.raises(Exception):  # noqa: B017 (any decryption failure)
        stranger.decrypt(push.received[0]["body"])


@pytest.mark.parametrize("status", [404, 410])
def test_an_expired_subscription_is_reported_gone(push, status):
    push.status_for["old"] = status
    with pytest.raises(webpush.SubscriptionGone):
        webpush.send(Browser(f"{push.url}/push/old").subscription, {"title": "x"})


def test_a_failing_push_service_can_be_tried_again_and_no_redirect_is_followed(push):
    push.status_for["busy"] = 503
    with pytest.raises(webpush.PushFailed):
        webpush.send(Browser(f"{push.url}/push/busy").subscription, {"title": "x"})
    push.status_for["moved"] = 302
    with pytest.raises(webpush.PushFailed):
        webpush.send(Browser(f"{push.url}/push/moved").subscription, {"title": "x"})
    assert [r["path"] for r in push.received] == ["/push/busy", "/push/moved"]


def test_a_push_service_on_an_internal_address_is_never_called(push, settings):
    settings.ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValueError):  # plain HTTP: refused before any address is looked up
        webpush.send(Browser(f"{push.url}/push/abc").subscription, {"title": "x"})
    inside = Browser("https://127.0.0.1:9/push/abc").subscription
    with pytest.raises(webpush.SubscriptionGone):
        webpush.send(inside, {"title": "x"})
    assert push.received == []


@pytest.mark.parametrize(
    "subscription",
    [
        None,
        [],
        {"endpoint": "https://push.example/x"},
        {"endpoint": 42, "keys": {"p256dh": "a", "auth": "b"}},
        {"endpoint": "ftp://push.example/x", "keys": {"p256dh": "a", "auth": "b"}},
        {"endpoint": "https://push.example/x", "keys": {"p256dh": ["a"], "auth": "b"}},
    ],
)
def test_a_malformed_subscription_is_refused(subscription):
    with pytest.raises(ValueError):
        webpush.valid_subscription(subscription)


def test_without_a_vapid_key_nothing_is_sent(push, settings):
    settings.VAPID_PRIVATE_KEY = ""
    with pytest.raises(webpush.PushFailed):
        webpush.send(Browser(f"{push.url}/push/abc").subscription, {"title": "x"})
    assert push.received == []
