"""Notification templates, the outbox of messages, and integrators' webhook endpoints."""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartqueue.queues.models import Appointment, Customer, Queue, Site, Ticket


class Event(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket pris")
    TICKET_APPROACHING = "ticket_approaching", _("Tour qui approche")
    TICKET_CALLED = "ticket_called", _("Ticket appelé")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Rappel de rendez-vous")
    FEEDBACK_REQUEST = "feedback_request", _("Demande d'avis")


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", "Webhook"


class NotificationTemplate(models.Model):
    """What a customer reads, per event, channel and language; Django template syntax with
    {{ ticket_number }}, {{ queue_name }}, {{ site_name }}, {{ position }}, {{ eta_minutes }},
    {{ counter_name }}, {{ tracking_url }}."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=30, choices=Event.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices[:3])
    language = models.CharField(max_length=5, default="fr")
    subject = models.CharField(max_length=200, blank=True, help_text=_("E-mail seulement"))
    body = models.TextField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="one_template_per_event_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"


class Notification(models.Model):
    """One message to send, and what became of it. The row is written before any task runs
    (its key makes a second write a no-op), so a lost task is found again by the sweeper."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        DELIVERED = "delivered", _("Remis")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=200, unique=True)
    event = models.CharField(max_length=40)
    event_id = models.UUIDField(null=True, blank=True, help_text="Webhooks: for de-duplication")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=500)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endpoint = models.ForeignKey(
        "WebhookEndpoint",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField()
    # Set while a worker sends it; a worker killed mid-send leaves it to expire and be swept.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Not stored: set by outbox.claim when an earlier holder's lease ran out mid-send.
    interrupted = False

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="pending_by_due"
            ),
            models.Index(fields=["created_at"], name="notification_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient} ({self.status})"


class PendingEvent(models.Model):
    """An engine event not planned yet: written in the engine's own transaction, deleted by the
    planning. One left behind (the web process killed before handing it to Huey, a worker killed
    while planning, Redis away) is planned by the sweeper once it is older than the lease."""

    id = models.UUIDField(primary_key=True)  # the DomainEvent's
    name = models.CharField(max_length=60)
    data = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%H:%M:%S})"


def webhook_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """An integrator's HTTPS address, told of the chosen events with an HMAC-signed body."""

    EVENTS = (
        "ticket.created",
        "ticket.called",
        "ticket.closed",
        "ticket.no_show",
        "ticket.transferred",
        "agent.status_updated",
        "appointment.created",
        "feedback.created",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=64, default=webhook_secret)
    is_active = models.BooleanField(default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_name: str) -> bool:
        return self.is_active and any(
            chosen == event_name or (chosen.endswith(".*") and event_name.startswith(chosen[:-1]))
            for chosen in self.events
        )


class SlaAlertSetting(models.Model):
    """Per site: whether its managers are told when a queue's longest wait passes its service's
    SLA target, by email (the organisation's managers and admins) and/or SMS (numbers given)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="sla_alert_setting")
    by_email = models.BooleanField(default=True)
    sms_to = models.CharField(max_length=300, blank=True)  # E.164 numbers, comma-separated
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name"]

    def __str__(self) -> str:
        ways = [str(_("e-mail"))] if self.by_email else []
        ways += [str(_("SMS"))] if self.sms_to else []
        return str(_("Alertes SLA : %(ways)s")) % {"ways": " + ".join(ways) or "—"}

    def phones(self) -> list[str]:
        return [number.strip() for number in self.sms_to.split(",") if number.strip()]


class SlaBreach(models.Model):
    """A queue whose longest wait is past its SLA, from when the minute job saw it until it saw
    it end. One open row per queue (the database refuses a second): managers are told when it
    opens, so once per breach however many runs see it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()  # when the longest-waiting ticket passed the SLA
    seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["queue"], condition=Q(ended_at__isnull=True), name="one_open_breach"
            )
        ]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.started_at:%H:%M}"
