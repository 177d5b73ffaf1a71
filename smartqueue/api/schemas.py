"""What the API reads and answers, as pydantic schemas: ninja validates bodies and query strings
with them, serializes the answers through them and writes the OpenAPI document from them.

Rules that need the database (a unique slug, a public webhook address, a counter's queues of
its own site) stay in the settings pages' forms, which the settings endpoints save through."""

from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Field, Path, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, WithJsonSchema

from smartqueue.notifications.models import WebhookEndpoint
from smartqueue.phones import international_phone
from smartqueue.queues.models import AgentProfile, Appointment, Queue, Service, Site, Ticket
from smartqueue.queues.selectors import Placement, placements

# --- field types ---------------------------------------------------------------------------


def no_nul(value: str) -> str:
    """PostgreSQL text cannot hold a NUL character: refused here rather than failing there."""
    if "\x00" in value:
        raise ValueError("Le caractère NUL (\\u0000) n'est pas accepté.")
    return value


def text_only(value: Any) -> Any:
    """pydantic reads a number as a date or a time of day; a client sending one made a mistake."""
    if value is not None and not isinstance(value, str | datetime | time):
        raise ValueError("Date ou heure attendue en texte (ISO 8601).")
    return value


def aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def blank_is_none(value: Any) -> Any:
    """?status= with nothing after it filters nothing, as before."""
    return None if value == "" else value


def valid_phone(value: str) -> str:
    try:
        return international_phone(value)
    except DjangoValidationError as error:
        raise ValueError(error.messages[0]) from None


def valid_email(value: str) -> str:
    if not value:
        return value  # none given
    try:
        validate_email(value)
    except DjangoValidationError as error:
        raise ValueError(error.messages[0]) from None
    return value


Text = Annotated[str, AfterValidator(no_nul)]
Phone = Annotated[str, Field(max_length=32), AfterValidator(valid_phone)]
Email = Annotated[str, AfterValidator(valid_email)]
Moment = Annotated[datetime, BeforeValidator(text_only), AfterValidator(aware)]
TimeOfDay = Annotated[time, BeforeValidator(text_only)]
Filter = BeforeValidator(blank_is_none)
# Declared by each tenant operation: ninja reads path parameters from the operation's own path,
# and this one is in the routers' common prefix, /tenants/{slug:tenant_slug}/.
TenantSlug = Annotated[str, Path(description="The organisation's slug.")]
LanguageCode = Literal["fr", "en", "wo"]
assert set(LanguageCode.__args__) == {code for code, _ in settings.LANGUAGES}  # type: ignore[attr-defined]
WebhookEvent = Literal[WebhookEndpoint.EVENTS]  # type: ignore[valid-type]


def listed(choices) -> WithJsonSchema:
    """A model's choices, inlined: every model names its own "Status"."""
    return WithJsonSchema({"type": "string", "enum": list(choices.values)})


# A status the engine checks (its refusal is the documented {"error": ...}), listed for clients.
QueueStatusName = Annotated[str, listed(Queue.Status)]
AgentStatusName = Annotated[str, listed(AgentProfile.Status)]


EndOfDay = Annotated[Site.EndOfDay, listed(Site.EndOfDay)]
QueueStatus = Annotated[Queue.Status, listed(Queue.Status)]
Algorithm = Annotated[Queue.Algorithm, listed(Queue.Algorithm)]
Channel = Annotated[Ticket.Channel, listed(Ticket.Channel)]
TicketStatus = Annotated[Ticket.Status, listed(Ticket.Status)]
AgentStatus = Annotated[AgentProfile.Status, listed(AgentProfile.Status)]
AppointmentStatus = Annotated[Appointment.Status, listed(Appointment.Status)]
PhoneLimit = Annotated[Service.PhoneLimit, listed(Service.PhoneLimit)]


class Body(Schema):
    """Request bodies: unknown fields are ignored (as the forms did)."""

    model_config = ConfigDict(extra="ignore")


class NoBody(Body):
    """Operations that read no body still read one if sent: JSON only (415), no NUL, etc."""


# --- errors --------------------------------------------------------------------------------


class Detail(Schema):
    """Authentication, permission, not found, malformed or too large body."""

    detail: str


class Error(Schema):
    """A business rule refused the request, e.g. "queue_id est requis"."""

    error: str


FieldErrors = Annotated[
    dict[str, Annotated[list[str], Field(min_length=1)]],
    Field(description="The messages of each invalid field; non_field_errors for the body."),
]


# --- public: sign-in, health, tenants --------------------------------------------------------


class LoginIn(Body):
    email: Text = Field(min_length=1)
    password: Text = Field(min_length=1)


class UserOut(Schema):
    id: UUID
    email: str
    first_name: str
    last_name: str


class LoginOut(Schema):
    token: str
    user: UserOut


class HealthOut(Schema):
    status: Literal["ok", "error"]
    database: str = Field(description='"ok" or "error: <exception class>".')
    channel_layer: str = Field(description='"ok" or "error: <reason>".')
    channel_layer_backend: str | None
    huey_consumers: int = Field(ge=0, description="Huey consumers that announced themselves.")


class TenantIn(Body):
    name: Text = Field(min_length=1, max_length=200)
    slug: str = Field(max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    admin_email: Email


class TenantOut(Schema):
    id: UUID
    name: str
    slug: str
    is_active: bool
    created_at: datetime


# --- settings rows ---------------------------------------------------------------------------


class SiteIn(Body):
    """Fields a create leaves out take the model's default; PUT and PATCH keep stored values."""

    name: Text  # its rules (not blank, a valid slug and zone…) are SiteForm's, reported together
    slug: Text
    address: Text | None = None
    city: Text | None = None
    country: Text | None = None
    phone: Text | None = None
    timezone: Text | None = Field(None, description="An IANA zone, e.g. Africa/Dakar.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    closing_time: TimeOfDay | None = Field(None, description="HH:MM[:SS], local.")
    end_of_day: EndOfDay | None = None
    is_active: bool | None = None


class SiteOut(Schema):
    id: UUID
    name: str
    slug: str
    address: str
    city: str
    country: str = Field(description="ISO 3166 code, e.g. SN")
    latitude: float | None
    longitude: float | None
    phone: str
    timezone: str
    closing_time: str = Field(description="HH:MM, local.")
    end_of_day: str
    is_active: bool
    created_at: datetime

    @staticmethod
    def resolve_closing_time(site: Site) -> str:
        return site.closing_time.isoformat(timespec="minutes")


def valid_rules(rules: dict) -> dict:
    """How waiting raises a ticket's priority (smartqueue.queues.ordering); other keys kept."""
    step = rules.get("step_seconds", 0)
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise ValueError("step_seconds doit être un entier positif ou nul.")
    return rules


PriorityRules = Annotated[dict[str, Any], AfterValidator(valid_rules)]


class ServiceIn(Body):
    name: Text
    name_en: Text | None = Field(None, max_length=200, description="Name in English; empty: name.")
    name_wo: Text | None = Field(None, max_length=200, description="Name in Wolof; empty: name.")
    letter: str | None = Field(
        None, pattern=r"^[A-Z]{1,2}$", description="Ticket letter; the first free one if absent."
    )
    sla_seconds: int | None = Field(None, ge=0, description="Target wait.")
    no_show_after_seconds: int | None = Field(None, ge=0)
    approaching_position: int | None = Field(None, ge=0)
    slot_minutes: int | None = Field(None, ge=1)
    slot_capacity: int | None = Field(None, ge=1)
    checkin_before_minutes: int | None = Field(None, ge=0)
    late_after_minutes: int | None = Field(None, ge=0)
    reminder_minutes: int | None = Field(None, ge=0)
    priority_rules: PriorityRules | None = None
    phone_limit: PhoneLimit | None = Field(
        None, description="One waiting ticket per phone: self_service (default), always, off."
    )
    is_active: bool | None = None


class ServiceOut(Schema):
    id: UUID
    name: str
    name_en: str
    name_wo: str
    letter: str
    sla_seconds: int
    no_show_after_seconds: int
    approaching_position: int
    slot_minutes: int
    slot_capacity: int
    checkin_before_minutes: int
    late_after_minutes: int
    reminder_minutes: int
    priority_rules: dict[str, Any]
    phone_limit: PhoneLimit
    is_active: bool
    created_at: datetime


class CounterIn(Body):
    site: UUID
    name: Text
    queues: list[UUID] = Field(default_factory=list)
    is_active: bool | None = None


class CounterOut(Schema):
    id: UUID
    name: str
    site: UUID = Field(alias="site_id")
    queues: list[UUID]
    is_active: bool

    @staticmethod
    def resolve_queues(counter) -> list:
        return [queue.pk for queue in counter.queues.all()]


class QueueIn(Body):
    site: UUID
    service: UUID
    name: Text | None = Field(None, description='"File <service>" if absent.')
    algorithm: Algorithm | None = None
    status: QueueStatus | None = None


class QueueOut(Schema):
    id: UUID
    name: str
    site: UUID = Field(alias="site_id")
    service: UUID = Field(alias="service_id")
    status: QueueStatus
    algorithm: Algorithm
    created_at: datetime


class QueueFilters(Schema):
    site: Annotated[UUID | None, Filter] = None
    service: Annotated[UUID | None, Filter] = None
    status: Annotated[QueueStatus | None, Filter] = None
    algorithm: Annotated[Algorithm | None, Filter] = None


class QueueStatusIn(Body):
    status: QueueStatusName | None = None


class QueueStatsOut(Schema):
    queue_id: str
    queue_name: str
    status: str
    waiting_count: int
    called_count: int
    in_service_count: int
    paused_count: int
    total_active: int
    avg_wait_seconds: int
    longest_wait_seconds: int
    served_today: int
    served_within_sla_share: float | None
    no_show_count: int


class CustomerIn(Body):
    first_name: Text | None = None
    last_name: Text | None = None
    email: Email | None = None
    phone: Phone | None = None
    language: LanguageCode | None = None
    notify_sms: bool | None = None
    notify_email: bool | None = None
    notify_whatsapp: bool | None = None
    metadata: dict[str, Any] | None = None
    is_active: bool | None = None


class CustomerOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    email: str
    phone: str
    language: str
    notify_sms: bool
    notify_email: bool
    notify_whatsapp: bool
    metadata: dict[str, Any]
    is_active: bool
    created_at: datetime


class CustomerFilters(Schema):
    phone: Annotated[Text | None, Filter] = None
    email: Annotated[Text | None, Filter] = None
    is_active: Annotated[bool | None, Filter] = None
    search: Annotated[Text | None, Filter] = None


class WebhookIn(Body):
    url: str = Field(max_length=500, pattern="^https://")
    events: list[WebhookEvent] = Field(min_length=1)
    is_active: bool | None = None


class WebhookChange(Body):
    url: str | None = Field(None, max_length=500, pattern="^https://")
    events: list[WebhookEvent] | None = Field(None, min_length=1)
    is_active: bool | None = None


class WebhookOut(Schema):
    """The secret is shown to admins (manage:settings): they need it to check signatures."""

    id: UUID
    url: str
    events: list[str]
    secret: str
    is_active: bool
    failing_since: datetime | None
    disabled_reason: str
    created_at: datetime


# --- tickets, agents, appointments -----------------------------------------------------------


class TicketIn(Body):
    queue: UUID
    customer: UUID | None = None
    channel: Channel | None = None
    priority: int | None = Field(None, ge=0, le=9)
    customer_name: Text | None = Field(None, max_length=200)
    customer_phone: Phone | None = None


class TicketOut(Schema):
    id: UUID
    number: str
    queue: UUID = Field(alias="queue_id")
    customer: UUID | None = Field(alias="customer_id")
    customer_name: str
    customer_phone: str
    channel: Channel
    priority: int
    status: TicketStatus
    outcome: str
    agent: UUID | None = Field(alias="agent_id")
    counter: UUID | None = Field(alias="counter_id")
    created_at: datetime
    arrived_at: datetime | None
    called_at: datetime | None
    service_started_at: datetime | None
    paused_at: datetime | None
    ended_at: datetime | None
    recall_count: int
    pause_reason: str
    transferred_from: UUID | None = Field(alias="transferred_from_id")
    transfer_reason: str
    position: int | None = Field(
        ge=1, description="Waiting tickets: 1 is the next to be called; null otherwise."
    )
    estimated_call_at: datetime | None = Field(
        description="Waiting tickets: when the ticket should be called, from the live service "
        "rate; null otherwise, or while nobody serves the queue."
    )

    @staticmethod
    def resolve_position(ticket: Ticket) -> int | None:
        return placement_of(ticket).position

    @staticmethod
    def resolve_estimated_call_at(ticket: Ticket) -> datetime | None:
        return placement_of(ticket).estimated_call_at


def placement_of(ticket: Ticket) -> Placement:
    """Set on a page of tickets at once (support.TicketPages); a single ticket is placed here."""
    if not hasattr(ticket, "placement"):
        ticket.placement = placements([ticket])[ticket.pk]  # type: ignore[attr-defined]
    return ticket.placement  # type: ignore[attr-defined]


class TicketFilters(Schema):
    queue: Annotated[UUID | None, Filter] = None
    status: Annotated[TicketStatus | None, Filter] = None
    channel: Annotated[Channel | None, Filter] = None


class TransferIn(Body):
    target_queue_id: str | None = None
    reason: str | None = Field(None, description="Kept to 300 characters.")
    to_back: bool = Field(False, strict=True, description="Behind the target's waiting line.")


class ReasonIn(Body):
    reason: str | None = Field(None, description="Kept to 300 characters.")


class CallNextIn(Body):
    queue_id: str | None = Field(None, description="Any queue of the agent's counter if absent.")


class AgentStatusIn(Body):
    status: AgentStatusName | None = None
    counter_id: str | None = Field(None, description="The counter the agent sits at.")


class AgentOut(Schema):
    id: UUID
    user: UUID = Field(alias="user_id")
    counter: UUID | None = Field(alias="counter_id")
    desk_name: str
    current_status: AgentStatus
    status_updated_at: datetime | None


class CurrentTicket(Schema):
    id: UUID
    number: str
    status: TicketStatus
    queue: UUID


class AgentRow(Schema):
    """One agent of the tenant, as a supervisor sees them (GET /agents/all/)."""

    id: UUID
    user: UUID = Field(alias="user_id")
    email: str
    name: str
    counter: UUID | None = Field(alias="counter_id")
    counter_name: str | None
    current_status: AgentStatus
    status_updated_at: datetime | None
    break_reason: str
    current_ticket: CurrentTicket | None = Field(
        description="The ticket the agent has called, serves or has paused; null if none."
    )

    @staticmethod
    def resolve_email(profile) -> str:
        return profile.user.email

    @staticmethod
    def resolve_name(profile) -> str:
        user = profile.user
        return f"{user.first_name} {user.last_name}".strip() or user.email

    @staticmethod
    def resolve_counter_name(profile) -> str | None:
        return profile.counter.name if profile.counter else None

    @staticmethod
    def resolve_current_ticket(profile) -> dict | None:
        if profile.ticket_id is None:
            return None
        return {
            "id": profile.ticket_id,
            "number": profile.ticket_number,
            "status": profile.ticket_status,
            "queue": profile.ticket_queue_id,
        }


class AppointmentIn(Body):
    service: UUID
    customer: UUID | None = None
    site: UUID | None = None
    starts_at: Moment
    ends_at: Moment
    metadata: dict[str, Any] | None = None


class AppointmentOut(Schema):
    id: UUID
    code: str
    service: UUID = Field(alias="service_id")
    site: UUID | None = Field(alias="site_id")
    customer: UUID | None = Field(alias="customer_id")
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    metadata: dict[str, Any]
    ticket: UUID | None = Field(alias="ticket_id")
    created_at: datetime


class AppointmentFilters(Schema):
    service: Annotated[UUID | None, Filter] = None
    status: Annotated[AppointmentStatus | None, Filter] = None


class SlotQuery(Schema):
    site: UUID
    service: UUID
    day: Annotated[str, Field(description="AAAA-MM-JJ")]


class SlotOut(Schema):
    starts_at: str
    ends_at: str
    free: int


class SlotsOut(Schema):
    site: UUID
    service: UUID
    day: str
    slots: list[SlotOut]


# --- analytics -------------------------------------------------------------------------------

GroupBy = Literal["day", "hour", "site", "service", "queue", "agent", "channel"]


class AnalyticsQuery(Schema):
    start: date = Field(description="First business day, AAAA-MM-JJ.")
    end: date = Field(description="Last business day (included); 366 days at most.")
    site: Annotated[UUID | None, Filter] = None
    service: Annotated[UUID | None, Filter] = None
    queue: Annotated[UUID | None, Filter] = None
    agent: Annotated[UUID | None, Filter] = Field(None, description="The agent's user id.")
    channel: Annotated[Channel | None, Filter] = None
    group_by: Annotated[GroupBy | None, Filter] = Field(
        None, description="hour: of arrival, in the site's zone (0–23)."
    )


Rate = Annotated[float | None, Field(ge=0, le=1)]
Seconds = Annotated[float | None, Field(ge=0)]


class Figures(Schema):
    """Definitions: docs/measures.md. Rates are shares (0–1); null when nothing to divide."""

    created: int = Field(ge=0)
    called: int = Field(ge=0)
    served: int = Field(ge=0)
    no_show: int = Field(ge=0)
    cancelled: int = Field(ge=0)
    wait_avg: Seconds
    wait_median: Seconds
    wait_p90: Seconds
    service_avg: Seconds
    within_sla_share: Rate
    no_show_rate: Rate
    cancel_rate: Rate
    answers: int = Field(ge=0, description="Feedback answers.")
    csat: Rate = Field(description="Share of answers 4–5 on 1–5.")
    nps: int | None = Field(ge=-100, le=100, description="% promoters − % detractors.")


class GroupFigures(Figures):
    key: str | None = Field(description="The day, hour, id or channel; null: no agent.")
    label: str | None = Field(None, description="The name of the site, service, queue, agent.")


class AnalyticsOut(Schema):
    start: date
    end: date
    group_by: GroupBy | None
    totals: Figures
    groups: list[GroupFigures]


# --- feedback and messages -------------------------------------------------------------------


class FeedbackIn(Body):
    ticket: UUID
    csat: int = Field(ge=1, le=5)
    nps: int | None = Field(None, ge=0, le=10)
    comment: Text | None = Field(None, max_length=2000)


class FeedbackOut(Schema):
    id: int
    ticket: UUID = Field(alias="ticket_id")
    service: UUID = Field(alias="service_id")
    agent: UUID | None = Field(alias="agent_id")
    csat: int = Field(ge=1, le=5)
    nps: int | None
    category: Literal["promoter", "passive", "detractor"] | None
    comment: str
    created_at: datetime


class FeedbackFilters(Schema):
    service: Annotated[UUID | None, Filter] = None
    agent: Annotated[UUID | None, Filter] = None
    ticket: Annotated[UUID | None, Filter] = None


MessageChannel = Literal["sms", "whatsapp", "email"]


class MessageIn(Body):
    customer: UUID
    ticket: UUID | None = None
    channel: MessageChannel | None = Field(None, description="One the customer agreed to.")
    subject: Text | None = Field(None, max_length=200, description="E-mail only.")
    body: Text = Field(min_length=1, max_length=1000)


class MessageOut(Schema):
    id: UUID
    channel: str
    recipient: str
    status: str
    created_at: datetime
