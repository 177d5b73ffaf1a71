"""The public booking page /t/<slug>/book/ (no login): agency, service, day, a free slot, a
name and a phone or email; then a confirmation with its code, a QR and a cancel button. The
appointment's random id is the secret of its page, as a ticket's is."""

from datetime import date, timedelta
from uuid import UUID

import segno
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartqueue.cache import over_limit
from smartqueue.errors import DomainError
from smartqueue.ids import as_uuid
from smartqueue.languages import supported
from smartqueue.queues import appointments
from smartqueue.queues.booking import BookingForm
from smartqueue.queues.history import Actor
from smartqueue.queues.models import Appointment, Service, Site
from smartqueue.queues.slots import bookable_days, slots_of_day
from smartqueue.security import client_address

TEMPLATE = "queues/book.html"
# Booking attempts per client address and hour: the page needs no login, and a script
# varying names and phones would otherwise book every slot of the week.
BOOKINGS_PER_HOUR = 20


def book(request, tenant_slug: str):
    language = supported(request.GET.get("lang") or request.POST.get("lang"))
    with translation.override(language):  # the refusals too are in the customer's language
        form = BookingForm(request.POST or None)
        error, status = "", 200
        if request.method == "POST" and form.is_valid():
            if too_many_bookings(request):
                error, status = (
                    _("Trop de réservations depuis cette adresse : réessayez plus tard."),
                    429,
                )
            else:
                try:
                    appointment = book_from(request, form, language)
                except DomainError as refused:
                    error = refused.message
                else:
                    return redirect(
                        "booking", tenant_slug=tenant_slug, appointment_id=appointment.pk
                    )
        context = choice_context(request, form, error, language)
        with timezone.override(context["zone"]):  # slots in the agency's time
            return render(request, TEMPLATE, context, status=status)


def too_many_bookings(request) -> bool:
    """Every attempt counts, refused ones too (a script tries slots until one is free)."""
    address = client_address(request) or "unknown"
    return over_limit(f"booking:{address}", limit=BOOKINGS_PER_HOUR, window_seconds=3600)


def book_from(request, form: BookingForm, language: str) -> Appointment:
    data = form.cleaned_data
    service = data["service"]
    with transaction.atomic():  # no customer row left behind by a refused booking
        return appointments.book_appointment(
            service=service,
            site=data["site"],
            starts_at=data["starts_at"],
            ends_at=data["starts_at"] + timedelta(minutes=service.slot_minutes),
            customer=form.customer(language),
            by=Actor.from_request(request, label="réservation en ligne"),
        )


def choice_context(request, form: BookingForm, error: str, language: str) -> dict:
    """What the page shows: the agencies, their services, the days and that day's slots."""
    site = chosen(Site.objects.filter(is_active=True), request, "site")
    services = Service.objects.filter(is_active=True, queues__site=site).distinct() if site else []
    service = chosen(Service.objects.filter(is_active=True), request, "service")
    if service is not None and service not in services:
        service = None
    days = bookable_days(site) if site else []
    day = chosen_day(request, days)
    if site and service and not (request.POST.get("day") or request.GET.get("day")):
        day = first_open_day(site, service, days) or day
    return {
        "form": form,
        "error": error,
        "lang": language,
        "sites": Site.objects.filter(is_active=True, queues__isnull=False).distinct(),
        "site": site,
        "services": services,
        "service": service,
        "days": days,
        "day": day,
        "slots": slots_of_day(site, service, day) if site and service and day else [],
        "zone": site.zone if site else None,
    }


def first_open_day(site: Site, service: Service, days: list[date]) -> date | None:
    """Without a day asked for, the first one with a free slot (not a closed today)."""
    for day in days:
        if any(slot.free for slot in slots_of_day(site, service, day)):
            return day
    return None


def chosen(queryset, request, name: str):
    pk = as_uuid(request.POST.get(name) or request.GET.get(name))
    return queryset.filter(pk=pk).first() if pk else None


def chosen_day(request, days: list[date]) -> date | None:
    raw = request.POST.get("day") or request.GET.get("day")
    for day in days:
        if day.isoformat() == raw:
            return day
    return days[0] if days else None


def find(appointment_id: UUID) -> Appointment:
    found = (
        Appointment.objects.select_related("service", "site", "customer")
        .filter(pk=appointment_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def booking(request, tenant_slug: str, appointment_id: UUID):
    appointment = find(appointment_id)
    language = supported(
        request.GET.get("lang") or (appointment.customer.language if appointment.customer else "")
    )
    context = {
        "appointment": appointment,
        "qr_svg": segno.make(appointment.code, error="m").svg_inline(scale=6, dark="#111"),
        "lang": language,
    }
    zone = appointment.site.zone if appointment.site else timezone.get_current_timezone()
    with translation.override(language), timezone.override(zone):
        return render(request, "queues/booking.html", context)


@require_POST
def cancel_booking(request, tenant_slug: str, appointment_id: UUID):
    appointment = find(appointment_id)
    try:
        appointments.cancel_appointment(
            appointment=appointment, by=Actor.from_request(request, label="client")
        )
    except DomainError as refused:
        messages.error(request, refused.message)
    return redirect("booking", tenant_slug=tenant_slug, appointment_id=appointment.pk)
