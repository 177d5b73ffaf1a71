"""Lobby displays and kiosks: devices that open with a secret link, never staff credentials."""

import base64
import hmac
import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartqueue.devices.theme import css_variables
from smartqueue.queues.models import Queue, Site

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


MESSAGE_LENGTH = 200
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Une couleur s'écrit #rrggbb (ex. #0b1320)."))


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
    # None chosen: every queue of the site (a new queue shows up without a trip to settings).
    queues = models.ManyToManyField(Queue, blank=True, related_name="+")
    message = models.CharField(max_length=MESSAGE_LENGTH, blank=True)
    background = models.CharField(max_length=7, default="#0b1320", validators=[HEX_COLOUR])
    accent = models.CharField(max_length=7, default="#ffd23f", validators=[HEX_COLOUR])
    # The organisation's logo, stored in the row (a few kB, checked by the settings form):
    # shown as a data: URL, so the screen never asks another server for it.
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_type = models.CharField(max_length=20, blank=True, editable=False)

    def theme_style(self) -> str:
        return css_variables(self.background, self.accent)

    def shown_queue_ids(self) -> list[str]:
        """The queues this screen shows, as sorted ids; empty: all of its site's."""
        return sorted(str(pk) for pk in self.queues.values_list("pk", flat=True))

    def logo_data_url(self) -> str:
        if not self.logo:
            return ""
        encoded = base64.b64encode(bytes(self.logo)).decode()
        return f"data:{self.logo_type};base64,{encoded}"


class Kiosk(Device):
    pass
