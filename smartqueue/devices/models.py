"""Lobby displays and kiosks: devices that open with a secret link, never staff credentials."""

import hmac
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartqueue.queues.models import Site

SECRET_BYTES = 24  # 192 random bits, 32 characters in the link
LOOKUP_CHARS = 8  # the part of a secret SQL looks for; the whole is compared in Python


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def with_secret(model, secret: str, *related: str, active: bool = True):
    """The active device (Display or Kiosk) whose secret this is, or None.

    SQL only looks for the first characters: an index lookup on the whole secret could tell,
    by its timing, how much of a guess was right. The candidates' full secrets are compared with
    hmac.compare_digest, in constant time. Renewing a secret (settings) revokes the old link."""
    if len(secret) < LOOKUP_CHARS:
        return None
    candidates = model._default_manager.filter(
        secret__startswith=secret[:LOOKUP_CHARS], is_active=active
    ).select_related(*related)
    for candidate in candidates:
        if hmac.compare_digest(candidate.secret.encode(), secret.encode()):
            return candidate
    return None


class Device(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="fr")
    is_active = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["site__name", "name"]

    def __str__(self) -> str:
        return self.name


class Display(Device):
    class Layout(models.TextChoices):
        STANDARD = "standard", _("Appels et attente")
        CALLS_ONLY = "calls", _("Appels seulement")

    layout = models.CharField(max_length=10, choices=Layout.choices, default=Layout.STANDARD)


class Kiosk(Device):
    pass
