"""Tenant resources of the JSON API (seeds/smartqueue-api.md): lists, creates and details.

Tickets, agents and queue states change only through the engine (smartqueue.queues.services);
settings rows (sites, services, queues, customers) are saved from their forms and audited."""

from datetime import date

from django.db.models import Q
from django.http import HttpResponse, JsonResponse

from smartqueue.api import forms
from smartqueue.api.http import (
    ApiError,
    actor,
    api_view,
    get_or_404,
    require_scope,
    required_text,
    valid_form,
)
from smartqueue.api.pagination import paginate
from smartqueue.api.query import filtered, parsed_id
from smartqueue.api.shapes import (
    appointment_json,
    counter_json,
    customer_json,
    queue_json,
    service_json,
    site_json,
    ticket_json,
    webhook_json,
)
from smartqueue.notifications.models import WebhookEndpoint
from smartqueue.queues import services
from smartqueue.queues.appointments import book_appointment
from smartqueue.queues.history import save_audited
from smartqueue.queues.models import Appointment, Counter, Customer, Queue, Service, Site, Ticket
from smartqueue.queues.selectors import queue_stats as stats_of_queues
from smartqueue.queues.slots import slots_of_day


def created(body: dict) -> JsonResponse:
    return JsonResponse(body, status=201)


def read_or_create(request, data, *, queryset, form_class, shape, write_scope: str):
    """GET lists the rows, POST saves a new one from its form (audited)."""
    if request.method == "GET":
        return paginate(request, queryset, shape)
    require_scope(request, write_scope)
    form = valid_form(form_class, data)
    return created(shape(save_audited(form, by=actor(request))))


# --- sites and services ----------------------------------------------------------------------


@api_view(("GET", "POST"), scope="read:queue")
def sites(request, data):
    return read_or_create(
        request,
        data,
        queryset=Site.objects.order_by("name", "id"),
        form_class=forms.SiteForm,
        shape=site_json,
        write_scope="manage:queue",
    )


@api_view(("GET",), scope="read:queue")
def site_detail(request, data, pk):
    return site_json(get_or_404(Site.objects, pk))


@api_view(("GET", "POST"), scope="read:queue")
def service_list(request, data):
    return read_or_create(
        request,
        data,
        queryset=Service.objects.order_by("name", "id"),
        form_class=forms.ServiceApiForm,
        shape=service_json,
        write_scope="manage:queue",
    )


@api_view(("GET",), scope="read:queue")
def service_detail(request, data, pk):
    return service_json(get_or_404(Service.objects, pk))


@api_view(("GET", "POST"), scope="read:queue")
def counter_list(request, data):
    """Not in the seeds' list, yet an agent needs a counter to call: integrators set them up."""
    return read_or_create(
        request,
        data,
        queryset=Counter.objects.order_by("site__name", "name", "id").prefetch_related("queues"),
        form_class=forms.CounterForm,
        shape=counter_json,
        write_scope="manage:queue",
    )


# --- queues ----------------------------------------------------------------------------------


@api_view(("GET", "POST"), scope="read:queue")
def queue_list(request, data):
    if request.method == "GET":
        queues = filtered(
            request,
            Queue.objects.order_by("site__name", "name", "id"),
            ids={"site": "site_id", "service": "service_id"},
            choices={"status": Queue.Status, "algorithm": Queue.Algorithm},
        )
        return paginate(request, queues, queue_json)
    require_scope(request, "manage:queue")
    form = valid_form(forms.QueueApiForm, data)
    queue = save_audited(form, by=actor(request))
    if data.get("status") not in (None, Queue.Status.ACTIVE):
        queue = services.set_queue_status(queue=queue, status=data["status"], by=actor(request))
    return created(queue_json(queue))


@api_view(("GET",), scope="read:queue")
def queue_detail(request, data, pk):
    return queue_json(get_or_404(Queue.objects, pk))


@api_view(("GET",), scope="read:queue")
def queue_stats(request, data, pk):
    queue = get_or_404(Queue.objects, pk)
    return stats_of_queues([queue])[queue.pk].as_dict()


@api_view(("POST",), scope="manage:queue")
def queue_set_status(request, data, pk):
    queue = get_or_404(Queue.objects, pk)
    status = required_text(data, "status")
    return queue_json(services.set_queue_status(queue=queue, status=status, by=actor(request)))


# --- customers -------------------------------------------------------------------------------


@api_view(("GET", "POST"), scope="read:customer")
def customer_list(request, data):
    if request.method == "GET":
        return paginate(request, customers_matching(request), customer_json)
    require_scope(request, "write:customer")
    form = valid_form(forms.CustomerForm, data)
    return created(customer_json(save_audited(form, by=actor(request))))


def customers_matching(request):
    customers = filtered(
        request,
        Customer.objects.order_by("last_name", "first_name", "id"),
        exact={"phone": "phone", "email": "email__iexact"},
        flags={"is_active": "is_active"},
    )
    search = request.GET.get("search", "").strip()
    if search:
        customers = customers.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(phone__icontains=search)
            | Q(email__icontains=search)
        )
    return customers


@api_view(("GET", "PUT", "PATCH"), scope="read:customer")
def customer_detail(request, data, pk):
    customer = get_or_404(Customer.objects, pk)
    if request.method == "GET":
        return customer_json(customer)
    require_scope(request, "write:customer")
    form = valid_form(forms.CustomerForm, data, instance=customer)
    return customer_json(save_audited(form, by=actor(request)))


# --- tickets ---------------------------------------------------------------------------------


@api_view(("GET", "POST"), scope="read:ticket")
def ticket_list(request, data):
    if request.method == "GET":
        tickets = filtered(
            request,
            Ticket.objects.order_by("-created_at", "-id"),
            ids={"queue": "queue_id"},
            choices={"status": Ticket.Status, "channel": Ticket.Channel},
        )
        return paginate(request, tickets, ticket_json)
    require_scope(request, "write:ticket")
    form = valid_form(forms.TicketForm, data)
    fields = form.cleaned_data
    ticket = services.create_ticket(
        queue=fields["queue"],
        by=actor(request),
        channel=fields["channel"] or Ticket.Channel.WEB,
        priority=fields["priority"] or 0,
        customer=fields["customer"],
        customer_name=fields["customer_name"],
        customer_phone=fields["customer_phone"],
    )
    return created(ticket_json(ticket))


@api_view(("GET",), scope="read:ticket")
def ticket_detail(request, data, pk):
    return ticket_json(get_or_404(Ticket.objects, pk))


# --- appointments ----------------------------------------------------------------------------


@api_view(("GET", "POST"), scope="read:ticket")
def appointment_list(request, data):
    if request.method == "GET":
        appointments = filtered(
            request,
            Appointment.objects.order_by("starts_at", "id"),
            ids={"service": "service_id"},
            choices={"status": Appointment.Status},
        )
        return paginate(request, appointments, appointment_json)
    require_scope(request, "write:ticket")
    form = valid_form(forms.AppointmentForm, data)
    appointment = book_appointment(by=actor(request), **form.cleaned_data)
    return created(appointment_json(appointment))


@api_view(("GET",), scope="read:ticket")
def appointment_slots(request, data):
    """One day's slots of a service at a site, with their free places (the booking rules are
    appointments.py's and slots.py's)."""
    site = get_param_row(request, Site.objects, "site")
    service = get_param_row(request, Service.objects, "service")
    raw_day = request.GET.get("day", "")
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        raise ApiError(400, {"day": ["Date attendue au format AAAA-MM-JJ."]}) from None
    return {
        "site": str(site.pk),
        "service": str(service.pk),
        "day": day.isoformat(),
        "slots": [
            {"starts_at": slot.key, "ends_at": slot.ends_at.isoformat(), "free": slot.free}
            for slot in slots_of_day(site, service, day)
        ],
    }


def get_param_row(request, manager, name: str):
    row = manager.filter(pk=parsed_id(name, request.GET.get(name, ""))).first()
    if row is None:
        raise ApiError(400, {name: [f"{name} inconnu."]})
    return row


# --- webhooks --------------------------------------------------------------------------------


@api_view(("GET", "POST"), scope="manage:settings")
def webhook_list(request, data):
    return read_or_create(
        request,
        data,
        queryset=WebhookEndpoint.objects.order_by("url", "id"),
        form_class=forms.WebhookEndpointForm,
        shape=webhook_json,
        write_scope="manage:settings",
    )


@api_view(("GET", "PATCH", "DELETE"), scope="manage:settings")
def webhook_detail(request, data, pk):
    endpoint = get_or_404(WebhookEndpoint.objects, pk)
    if request.method == "GET":
        return webhook_json(endpoint)
    if request.method == "DELETE":
        endpoint.delete()
        return HttpResponse(status=204)
    form = valid_form(forms.WebhookEndpointForm, data, instance=endpoint)
    return webhook_json(save_audited(form, by=actor(request)))
