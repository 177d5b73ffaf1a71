"""Lobby displays and kiosks: devices that open with a secret link, never staff credentials."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartqueue.queues.models import Site


def new_secret() -> str:
    return secrets.token_urlsafe(24)


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
