"""Tenant schema: where customers wait. Only services.py changes tickets and agent state."""

import secrets
import uuid
import zoneinfo
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Fuseau horaire inconnu : %(zone)s") % {"zone": value})


class Site(models.Model):
    """A branch: where the counters, the kiosk and the lobby display are."""

    class EndOfDay(models.TextChoices):
        EXPIRE = "expire", _("Clore les tickets restants")
        KEEP = "keep", _("Garder les tickets pour le lendemain")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        error_messages={"unique": _("Une agence porte déjà cet identifiant (slug).")},
    )
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, default="SN", help_text="ISO 3166 code, e.g. SN")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    timezone = models.CharField(
        max_length=64, default="Africa/Dakar", validators=[validate_timezone]
    )
    # Local time of the site; what happens then to tickets still waiting is `end_of_day`.
    closing_time = models.TimeField(default=time(18, 0))
    end_of_day = models.CharField(max_length=6, choices=EndOfDay.choices, default=EndOfDay.EXPIRE)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Service(models.Model):
    """What a customer comes for: it gives tickets their letter and the SLA target."""

    class PhoneLimit(models.TextChoices):
        SELF_SERVICE = "self_service", _("Un ticket en attente par téléphone en libre-service")
        ALWAYS = "always", _("Un ticket en attente par téléphone, même pris par le personnel")
        OFF = "off", _("Pas de limite par téléphone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)  # French: the default and the fallback
    # What customers read in the other languages (kiosk, display, ticket page); blank: French.
    name_en = models.CharField(max_length=200, blank=True)
    name_wo = models.CharField(max_length=200, blank=True)
    letter = models.CharField(
        max_length=2,
        default="A",
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("Une ou deux lettres majuscules."))],
    )
    sla_seconds = models.PositiveIntegerField(default=600, validators=[MinValueValidator(1)])
    # A called ticket not started that long after its last call (or recall) becomes a no-show.
    no_show_after_seconds = models.PositiveIntegerField(
        default=180, validators=[MinValueValidator(1)]
    )
    # A waiting customer is told their turn approaches at this position (0: never).
    approaching_position = models.PositiveSmallIntegerField(default=3)
    # {"step_seconds": 300}: each priority level counts as that much waiting already done.
    priority_rules = models.JSONField(default=dict, blank=True)
    # Appointments: slots of this length, this many customers each; check-in opens this long
    # before the slot; later than `late_after_minutes` past its start, one joins as a walk-in.
    slot_minutes = models.PositiveSmallIntegerField(default=15, validators=[MinValueValidator(5)])
    slot_capacity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    checkin_before_minutes = models.PositiveSmallIntegerField(default=30)
    late_after_minutes = models.PositiveSmallIntegerField(default=15)
    reminder_minutes = models.PositiveSmallIntegerField(default=60)
    # One waiting ticket per phone number and queue: by default only when customers take
    # tickets themselves (kiosk, web, messaging), so staff or an integrator may queue a family
    # sharing one phone (services.create_ticket).
    phone_limit = models.CharField(
        max_length=12, choices=PhoneLimit.choices, default=PhoneLimit.SELF_SERVICE
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str | None) -> str:
        """The name in that language when one was given, else the French one."""
        translated = {"en": self.name_en, "wo": self.name_wo}.get(language or "")
        return translated or self.name

    @property
    def local_name(self) -> str:
        """The name in the language the page is being rendered in (templates)."""
        return self.name_in(translation.get_language())

    @property
    def priority_step_seconds(self) -> int:
        step = (self.priority_rules or {}).get("step_seconds", 300)
        return int(step) if isinstance(step, int | float) and step >= 0 else 300


class Queue(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Ouverte")
        PAUSED = "paused", _("En pause")
        CLOSED = "closed", _("Fermée")

    class Algorithm(models.TextChoices):
        FIFO = "fifo", _("Premier arrivé, premier servi")
        PRIORITY = "priority", _("Priorité puis arrivée")
        SLA = "sla", _("Échéance SLA")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="queues")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="queues")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices, default=Algorithm.FIFO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site__name", "name"]
        # Several queues may serve one service at a site (a fast lane, a VIP queue); their
        # names tell them apart.
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="queue_name_unique_per_site",
                violation_error_message=_("Une file porte déjà ce nom dans cette agence."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class QueueDay(models.Model):
    """The last ticket number given by a queue on one local day of its site.

    Numbers come from this row, updated in the ticket's own transaction: gap-free, no job at
    midnight, and a rollback gives the number back.
    """

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="one_row_per_day")]

    def __str__(self) -> str:
        return f"{self.queue} {self.day}: {self.last_number}"


class Counter(models.Model):
    """A desk (guichet) at a site, serving a set of queues."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="counters")
    name = models.CharField(max_length=100)
    queues = models.ManyToManyField(Queue, through="CounterQueue", related_name="counters")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"],
                name="counter_name_unique_per_site",
                violation_error_message=_("Un guichet porte déjà ce nom dans cette agence."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CounterQueue(models.Model):
    """A queue served at a counter; `passed_over` counts calls that went to its neighbours."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE)
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE)
    passed_over = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["counter", "queue"], name="queue_once_per_counter")
        ]

    def __str__(self) -> str:
        return f"{self.counter} → {self.queue}"


# Users live in the public schema; tenant tables point at them without asking Django to cascade
# (the collector would look for these tables from the public schema). Staff are deactivated.
def user_link(**options):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, **options
    )


class AgentProfile(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", _("Disponible")
        BUSY = "busy", _("Occupé")
        PAUSED = "paused", _("En pause")
        OFFLINE = "offline", _("Hors ligne")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="agents"
    )

    class BreakReason(models.TextChoices):
        LUNCH = "lunch", _("Déjeuner")
        TRAINING = "training", _("Formation")
        ADMIN = "admin", _("Tâche administrative")
        OTHER = "other", _("Autre")

    current_status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFLINE)
    status_updated_at = models.DateTimeField(null=True, blank=True)
    # Why the agent is paused (services.take_break); empty whenever they are not.
    break_reason = models.CharField(max_length=10, choices=BreakReason.choices, blank=True)
    break_note = models.CharField(max_length=120, blank=True)
    # The next ticket is called for them when they are free, after a countdown they can stop.
    auto_call = models.BooleanField(default=False)
    # Where customers go when an agent without a counter calls them (a desk, an office): shown
    # on the display; blank, the agent's own name is.
    desk_name = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            # One agent at a desk: a second who sits down is refused (services.set_agent_status),
            # and two who sit down at the same instant cannot both win. Offline agents keep
            # their last counter without holding it.
            models.UniqueConstraint(
                fields=["counter"],
                condition=~models.Q(current_status="offline"),
                name="one_agent_per_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.current_status})"

    @property
    def desk_label(self) -> str:
        """What the display says for this agent's calls when no counter is set."""
        user = self.user
        return self.desk_name or user.get_full_name() or user.email


class Customer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True)
    language = models.CharField(max_length=5, default="fr")
    notify_sms = models.BooleanField(default=False)
    notify_email = models.BooleanField(default=False)
    notify_whatsapp = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.phone or self.email


class Ticket(models.Model):
    """One leg of a customer's visit in one queue; a transfer starts a new leg, same number."""

    class Status(models.TextChoices):
        WAITING = "en_attente", _("En attente")
        CALLED = "appele", _("Appelé")
        IN_SERVICE = "en_service", _("En service")
        PAUSED = "pause", _("En pause")
        TRANSFERRED = "transfere", _("Transféré")
        CLOSED = "clos", _("Clos")
        NO_SHOW = "no_show", _("Absent")

    class Channel(models.TextChoices):
        WEB = "web", "Web"
        APP = "app", _("Application")
        QR = "qr", "QR code"
        WHATSAPP = "whatsapp", "WhatsApp"
        KIOSK = "kiosk", _("Borne")

    class Outcome(models.TextChoices):
        SERVED = "served", _("Servi")
        NO_SHOW = "no_show", _("Absent")
        TRANSFERRED = "transferred", _("Transféré")
        CANCELLED = "cancelled", _("Annulé")

    ACTIVE = (Status.CALLED, Status.IN_SERVICE)
    OPEN = (Status.WAITING, Status.CALLED, Status.IN_SERVICE, Status.PAUSED)

    # The id is also the secret of the customer's ticket page: random, never sequential.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets")
    number = models.CharField(max_length=8)
    business_day = models.DateField()
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    customer_name = models.CharField(max_length=200, blank=True)
    customer_phone = models.CharField(max_length=32, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    priority = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    agent = user_link(null=True, blank=True, related_name="+")
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    created_at = models.DateTimeField()
    # Place in line: the original arrival, kept across transfers unless sent to the back.
    arrived_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    last_announced_at = models.DateTimeField(null=True, blank=True)
    service_started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField(default=0)
    pause_reason = models.CharField(max_length=300, blank=True)
    transferred_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="transferred_to"
    )
    transfer_reason = models.CharField(max_length=300, blank=True)
    quoted_wait_seconds = models.PositiveIntegerField(null=True, blank=True)
    # A checked-in appointment's slot start: from then on it is called before walk-ins.
    appointment_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["arrived_at"]
        indexes = [
            models.Index(
                fields=["queue", "arrived_at"],
                condition=Q(status="en_attente"),
                name="waiting_by_arrival",
            ),
            models.Index(fields=["queue", "business_day"], name="ticket_queue_day"),
            # The estimate reads the latest services of a queue (estimates.py).
            models.Index(
                fields=["queue", "-ended_at"],
                condition=Q(outcome="served"),
                name="served_by_end",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "business_day", "number"],
                condition=Q(transferred_from__isnull=True),
                name="one_number_per_queue_day",
            ),
            # The database itself refuses a second called / in-service ticket for one agent.
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(status__in=["appele", "en_service"]),
                name="one_active_ticket_per_agent",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def display_name(self) -> str:
        return str(self.customer) if self.customer_id else self.customer_name


class TicketEvent(models.Model):
    """The ticket's history, one row per step, shown to agents and used by reports."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Créé")
        CALLED = "called", _("Appelé")
        RECALLED = "recalled", _("Rappelé")
        SERVICE_STARTED = "service_started", _("Service commencé")
        CLOSED = "closed", _("Clos")
        TRANSFERRED = "transferred", _("Transféré")
        PAUSED = "paused", _("Mis en pause")
        RESUMED = "resumed", _("Repris")
        NO_SHOW = "no_show", _("Absent")
        CANCELLED = "cancelled", _("Annulé")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = user_link(null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%H:%M:%S}"


class AuditLog(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = user_link(null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=50)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


# No 0/O or 1/I to misread; the kiosk's keypad offers these keys.
APPOINTMENT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def appointment_code() -> str:
    """Short enough to type at a kiosk."""
    return "".join(secrets.choice(APPOINTMENT_CODE_ALPHABET) for _ in range(6))


class Appointment(models.Model):
    """A booked visit for a service; checked in at the kiosk, it becomes a ticket."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Prévu")
        CHECKED_IN = "checked_in", _("Arrivé")
        CANCELLED = "cancelled", _("Annulé")
        COMPLETED = "completed", _("Terminé")
        NO_SHOW = "no_show", _("Absent")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=8, unique=True, default=appointment_code)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    metadata = models.JSONField(default=dict, blank=True)
    ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointment"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["service", "starts_at"], name="appointment_by_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.starts_at:%Y-%m-%d %H:%M}"


class OpeningHours(models.Model):
    """When a site receives booked customers, in its local time; several rows make a day with
    a break. A site without rows opens Monday to Friday, 9:00 to 17:00."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Lundi")
        TUESDAY = 1, _("Mardi")
        WEDNESDAY = 2, _("Mercredi")
        THURSDAY = 3, _("Jeudi")
        FRIDAY = 4, _("Vendredi")
        SATURDAY = 5, _("Samedi")
        SUNDAY = 6, _("Dimanche")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["site", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="opening_closes_after_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Holiday(models.Model):
    """A day the site is closed to appointments (public holiday, Tabaski…)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField()
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="one_holiday_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.name}".strip()
