"""Tenant resources of the JSON API (seeds/smartqueue-api.md): lists, creates and details, one
router each, under /api/v1/tenants/{tenant_slug}/.

Tickets, agents and queue states change only through the engine (smartqueue.queues.services);
settings rows (sites, services, queues, customers) are saved from their forms and audited."""

import string
from datetime import date

from django import forms
from django.db.models import Q
from ninja import Query, Router, Status
from ninja.pagination import paginate

from smartqueue.api.schemas import (
    AppointmentFilters,
    AppointmentIn,
    AppointmentOut,
    CounterIn,
    CounterOut,
    CustomerFilters,
    CustomerIn,
    CustomerOut,
    QueueFilters,
    QueueIn,
    QueueOut,
    QueueStatsOut,
    QueueStatusIn,
    ServiceIn,
    ServiceOut,
    SiteIn,
    SiteOut,
    SlotQuery,
    SlotsOut,
    TenantSlug,
    TicketFilters,
    TicketIn,
    TicketOut,
    WebhookChange,
    WebhookIn,
    WebhookOut,
)
from smartqueue.api.support import (
    ApiError,
    PageNumbers,
    TicketPages,
    TokenAuth,
    actor,
    get_or_404,
    given,
    required,
    save_row,
)
from smartqueue.dashboard.forms import (
    CounterForm,
    QueueForm,
    ServiceForm,
    SiteForm,
    WebhookEndpointForm,
)
from smartqueue.notifications.models import WebhookEndpoint
from smartqueue.queues import services
from smartqueue.queues.appointments import book_appointment
from smartqueue.queues.models import Appointment, Counter, Customer, Queue, Service, Site, Ticket
from smartqueue.queues.selectors import queue_stats as stats_of_queues
from smartqueue.queues.slots import slots_of_day

READ_QUEUE = TokenAuth("read:queue")
MANAGE_QUEUE = TokenAuth("manage:queue")
READ_CUSTOMER = TokenAuth("read:customer")
WRITE_CUSTOMER = TokenAuth("write:customer")
READ_TICKET = TokenAuth("read:ticket")
WRITE_TICKET = TokenAuth("write:ticket")
MANAGE_SETTINGS = TokenAuth("manage:settings")

sites = Router(tags=["sites"])
service_router = Router(tags=["services"])
counters = Router(tags=["counters"])
queues = Router(tags=["queues"])
customers = Router(tags=["customers"])
appointments = Router(tags=["appointments"])
tickets = Router(tags=["tickets"])
webhooks = Router(tags=["webhooks"])


# --- sites and services ----------------------------------------------------------------------


@sites.get("/", response=list[SiteOut], auth=READ_QUEUE, summary="List sites")
@paginate(PageNumbers)
def site_list(request, tenant_slug: TenantSlug):
    return Site.objects.order_by("name", "id")


@sites.post("/", response={201: SiteOut}, auth=MANAGE_QUEUE, summary="Create a site")
def site_create(request, tenant_slug: TenantSlug, payload: SiteIn):
    return Status(201, save_row(SiteForm, given(payload), by=actor(request)))


@sites.get("/{str:pk}/", response=SiteOut, auth=READ_QUEUE, summary="A site")
def site_detail(request, tenant_slug: TenantSlug, pk: str):
    return get_or_404(Site.objects, pk)


@service_router.get("/", response=list[ServiceOut], auth=READ_QUEUE, summary="List services")
@paginate(PageNumbers)
def service_list(request, tenant_slug: TenantSlug):
    return Service.objects.order_by("name", "id")


@service_router.post("/", response={201: ServiceOut}, auth=MANAGE_QUEUE, summary="Create one")
def service_create(request, tenant_slug: TenantSlug, payload: ServiceIn):
    """The seeds' body has no ticket letter: a new service takes the first one still free."""
    fields = given(payload)
    fields.setdefault("letter", free_letter())
    instance = Service(priority_rules=fields.pop("priority_rules", None) or {})
    return Status(201, save_row(ServiceForm, fields, by=actor(request), instance=instance))


def free_letter() -> str:
    used = set(Service.objects.values_list("letter", flat=True))
    return next((letter for letter in string.ascii_uppercase if letter not in used), "A")


@service_router.get("/{str:pk}/", response=ServiceOut, auth=READ_QUEUE, summary="A service")
def service_detail(request, tenant_slug: TenantSlug, pk: str):
    return get_or_404(Service.objects, pk)


@counters.get("/", response=list[CounterOut], auth=READ_QUEUE, summary="List counters")
@paginate(PageNumbers)
def counter_list(request, tenant_slug: TenantSlug):
    """Not in the seeds' list, yet an agent needs a counter to call: integrators set them up."""
    return Counter.objects.order_by("site__name", "name", "id").prefetch_related("queues")


@counters.post("/", response={201: CounterOut}, auth=MANAGE_QUEUE, summary="Create a counter")
def counter_create(request, tenant_slug: TenantSlug, payload: CounterIn):
    return Status(201, save_row(CounterForm, given(payload), by=actor(request)))


# --- queues ----------------------------------------------------------------------------------


@queues.get("/", response=list[QueueOut], auth=READ_QUEUE, summary="List queues")
@paginate(PageNumbers)
def queue_list(request, tenant_slug: TenantSlug, filters: Query[QueueFilters]):
    wanted = {
        "site_id": filters.site,
        "service_id": filters.service,
        "status": filters.status,
        "algorithm": filters.algorithm,
    }
    conditions = {name: value for name, value in wanted.items() if value is not None}
    return Queue.objects.order_by("site__name", "name", "id").filter(**conditions)


@queues.post("/", response={201: QueueOut}, auth=MANAGE_QUEUE, summary="Create a queue")
def queue_create(request, tenant_slug: TenantSlug, payload: QueueIn):
    """A queue's name defaults to its service's; its status goes through the engine."""
    fields = given(payload)
    status = fields.pop("status", None)
    if not fields.get("name"):
        service = Service.objects.filter(pk=payload.service).first()
        fields["name"] = f"File {service.name}" if service else ""
    queue = save_row(QueueForm, fields, by=actor(request))
    if status not in (None, Queue.Status.ACTIVE):
        queue = services.set_queue_status(queue=queue, status=status, by=actor(request))
    return Status(201, queue)


@queues.get("/{str:pk}/", response=QueueOut, auth=READ_QUEUE, summary="A queue")
def queue_detail(request, tenant_slug: TenantSlug, pk: str):
    return get_or_404(Queue.objects, pk)


@queues.get("/{str:pk}/stats/", response=QueueStatsOut, auth=READ_QUEUE, summary="Its counts")
def queue_stats(request, tenant_slug: TenantSlug, pk: str):
    queue = get_or_404(Queue.objects, pk)
    return stats_of_queues([queue])[queue.pk].as_dict()


@queues.post("/{str:pk}/set_status/", response=QueueOut, auth=MANAGE_QUEUE, summary="Set status")
def queue_set_status(request, tenant_slug: TenantSlug, pk: str, payload: QueueStatusIn):
    queue = get_or_404(Queue.objects, pk)
    status = required(payload.status, "status")
    return services.set_queue_status(queue=queue, status=status, by=actor(request))


# --- customers -------------------------------------------------------------------------------


class CustomerForm(forms.ModelForm):
    """Customers have no settings page: this form only saves (audited) what CustomerIn read."""

    class Meta:
        model = Customer
        fields = list(CustomerIn.model_fields)

    def clean_metadata(self):
        return self.cleaned_data.get("metadata") or {}


@customers.get("/", response=list[CustomerOut], auth=READ_CUSTOMER, summary="List customers")
@paginate(PageNumbers)
def customer_list(request, tenant_slug: TenantSlug, filters: Query[CustomerFilters]):
    found = Customer.objects.order_by("last_name", "first_name", "id")
    if filters.phone:
        found = found.filter(phone=filters.phone.strip())
    if filters.email:
        found = found.filter(email__iexact=filters.email.strip())
    if filters.is_active is not None:
        found = found.filter(is_active=filters.is_active)
    search = (filters.search or "").strip()
    if search:
        found = found.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(phone__icontains=search)
            | Q(email__icontains=search)
        )
    return found


@customers.post("/", response={201: CustomerOut}, auth=WRITE_CUSTOMER, summary="Create one")
def customer_create(request, tenant_slug: TenantSlug, payload: CustomerIn):
    return Status(201, save_row(CustomerForm, customer_fields(payload), by=actor(request)))


def customer_fields(payload: CustomerIn) -> dict:
    fields = given(payload)
    if "language" in fields:
        fields["language"] = fields["language"] or "fr"
    return fields


@customers.get("/{str:pk}/", response=CustomerOut, auth=READ_CUSTOMER, summary="A customer")
def customer_detail(request, tenant_slug: TenantSlug, pk: str):
    return get_or_404(Customer.objects, pk)


@customers.api_operation(
    ["PUT", "PATCH"], "/{str:pk}/", response=CustomerOut, auth=WRITE_CUSTOMER, summary="Change"
)
def customer_change(request, tenant_slug: TenantSlug, pk: str, payload: CustomerIn):
    customer = get_or_404(Customer.objects, pk)
    return save_row(CustomerForm, customer_fields(payload), by=actor(request), instance=customer)


# --- tickets and appointments ----------------------------------------------------------------


@tickets.get("/", response=list[TicketOut], auth=READ_TICKET, summary="List tickets")
@paginate(TicketPages)
def ticket_list(request, tenant_slug: TenantSlug, filters: Query[TicketFilters]):
    wanted = {"queue_id": filters.queue, "status": filters.status, "channel": filters.channel}
    conditions = {name: value for name, value in wanted.items() if value is not None}
    return Ticket.objects.order_by("-created_at", "-id").filter(**conditions)


@tickets.post("/", response={201: TicketOut}, auth=WRITE_TICKET, summary="Take a ticket")
def ticket_create(request, tenant_slug: TenantSlug, payload: TicketIn):
    ticket = services.create_ticket(
        queue=body_row(Queue.objects.select_related("site", "service"), payload.queue, "queue"),
        by=actor(request),
        channel=payload.channel or Ticket.Channel.WEB,
        priority=payload.priority or 0,
        customer=body_row(Customer.objects, payload.customer, "customer"),
        customer_name=payload.customer_name or "",
        customer_phone=payload.customer_phone or "",
    )
    return Status(201, ticket)


def body_row(manager, pk, name: str):
    """The row a body names by id (None if it names none); an unknown id is that field's 400."""
    if pk is None:
        return None
    row = manager.filter(pk=pk).first()
    if row is None:
        raise ApiError(400, {name: [f"« {pk} » n'est pas un choix valide."]})
    return row


@tickets.get("/{str:pk}/", response=TicketOut, auth=READ_TICKET, summary="A ticket")
def ticket_detail(request, tenant_slug: TenantSlug, pk: str):
    return get_or_404(Ticket.objects, pk)


@appointments.get("/", response=list[AppointmentOut], auth=READ_TICKET, summary="List them")
@paginate(PageNumbers)
def appointment_list(request, tenant_slug: TenantSlug, filters: Query[AppointmentFilters]):
    wanted = {"service_id": filters.service, "status": filters.status}
    conditions = {name: value for name, value in wanted.items() if value is not None}
    return Appointment.objects.order_by("starts_at", "id").filter(**conditions)


@appointments.post("/", response={201: AppointmentOut}, auth=WRITE_TICKET, summary="Book one")
def appointment_create(request, tenant_slug: TenantSlug, payload: AppointmentIn):
    appointment = book_appointment(
        by=actor(request),
        service=body_row(Service.objects, payload.service, "service"),
        customer=body_row(Customer.objects, payload.customer, "customer"),
        site=body_row(Site.objects, payload.site, "site"),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        metadata=payload.metadata or {},
    )
    return Status(201, appointment)


@appointments.get("/slots/", response=SlotsOut, auth=READ_TICKET, summary="A day's free slots")
def appointment_slots(request, tenant_slug: TenantSlug, query: Query[SlotQuery]):
    """One day's slots of a service at a site, with their free places (the booking rules are
    appointments.py's and slots.py's)."""
    site = body_row(Site.objects, query.site, "site")
    service = body_row(Service.objects, query.service, "service")
    try:
        day = date.fromisoformat(query.day)
    except ValueError:
        raise ApiError(400, {"day": ["Date attendue au format AAAA-MM-JJ."]}) from None
    return {
        "site": site.pk,
        "service": service.pk,
        "day": day.isoformat(),
        "slots": [
            {"starts_at": slot.key, "ends_at": slot.ends_at.isoformat(), "free": slot.free}
            for slot in slots_of_day(site, service, day)
        ],
    }


# --- webhooks --------------------------------------------------------------------------------


@webhooks.get("/", response=list[WebhookOut], auth=MANAGE_SETTINGS, summary="List webhooks")
@paginate(PageNumbers)
def webhook_list(request, tenant_slug: TenantSlug):
    return WebhookEndpoint.objects.order_by("url", "id")


@webhooks.post("/", response={201: WebhookOut}, auth=MANAGE_SETTINGS, summary="Register one")
def webhook_create(request, tenant_slug: TenantSlug, payload: WebhookIn):
    return Status(201, save_row(WebhookEndpointForm, given(payload), by=actor(request)))


@webhooks.get("/{str:pk}/", response=WebhookOut, auth=MANAGE_SETTINGS, summary="A webhook")
def webhook_detail(request, tenant_slug: TenantSlug, pk: str):
    return get_or_404(WebhookEndpoint.objects, pk)


@webhooks.patch("/{str:pk}/", response=WebhookOut, auth=MANAGE_SETTINGS, summary="Change it")
def webhook_change(request, tenant_slug: TenantSlug, pk: str, payload: WebhookChange):
    endpoint = get_or_404(WebhookEndpoint.objects, pk)
    return save_row(WebhookEndpointForm, given(payload), by=actor(request), instance=endpoint)


@webhooks.delete("/{str:pk}/", response={204: None}, auth=MANAGE_SETTINGS, summary="Delete it")
def webhook_delete(request, tenant_slug: TenantSlug, pk: str):
    get_or_404(WebhookEndpoint.objects, pk).delete()
    return Status(204, None)
