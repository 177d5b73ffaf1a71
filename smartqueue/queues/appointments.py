"""Appointments: the one place that books, cancels and checks them in, and marks the missed.

A booking takes one of the site's slots for the service (opening hours, holidays, the site's
time zone) while it has a free place; concurrent bookings of one slot are serialised by a lock
on that slot, so the last place goes to exactly one of them. Checked in at the kiosk, an
appointment becomes a ticket that is called before walk-ins once its slot has begun."""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartqueue.errors import DomainError
from smartqueue.queues import clock, events, services
from smartqueue.queues.history import SYSTEM, Actor, audit, snapshot
from smartqueue.queues.models import Appointment, Customer, Queue, Service, Site, Ticket
from smartqueue.queues.slots import (
    overlapping,
    slots_overlapped,
    taken_in,
    within_opening_hours,
)

FIELDS = ("status", "service_id", "site_id", "customer_id", "starts_at", "ends_at", "ticket_id")
Status = Appointment.Status
UPCOMING_LIMIT = 3  # appointments to come per customer


def book_appointment(
    *,
    service: Service,
    starts_at: datetime,
    ends_at: datetime,
    by: Actor,
    customer: Customer | None = None,
    site: Site | None = None,
    metadata: dict | None = None,
) -> Appointment:
    site = site or only_site_of(service)
    if site is None:
        raise DomainError(_("site est requis : ce service est rendu dans plusieurs sites."))
    check_slot(site, service, starts_at, ends_at)
    with transaction.atomic():
        if customer is not None:
            refuse_beyond_upcoming_limit(customer)
        refuse_full_slots(service, site, starts_at, ends_at)
        appointment = Appointment.objects.create(
            service=service,
            site=site,
            customer=customer,
            starts_at=starts_at,
            ends_at=ends_at,
            metadata=metadata or {},
        )
        changed(appointment, "appointment.created", by=by, before={})
    return appointment


def refuse_full_slots(service: Service, site: Site, starts_at: datetime, ends_at: datetime) -> None:
    """The appointment takes a place in every slot it overlaps: each must have one free. The
    slots are locked in order (no deadlock between two long bookings), then counted."""
    slots = slots_overlapped(site, service, starts_at, ends_at) or [starts_at]
    for start in slots:
        lock_slot(service, site, start)
    length = timedelta(minutes=service.slot_minutes)
    booked = list(
        overlapping(service, site, starts_at, ends_at).values_list("starts_at", "ends_at")
    )
    for start in slots:
        if taken_in(booked, start, length) >= service.slot_capacity:
            raise DomainError(_("Ce créneau est complet : choisissez-en un autre."))


def refuse_beyond_upcoming_limit(customer: Customer) -> None:
    """A customer holds at most UPCOMING_LIMIT appointments to come, so one phone cannot empty
    a week of slots (the public page needs no login). Counted under the customer's lock: two
    bookings at once cannot both take the last one."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    upcoming = Appointment.objects.filter(
        customer=customer, status=Appointment.Status.SCHEDULED, ends_at__gt=clock.now()
    ).count()
    if upcoming >= UPCOMING_LIMIT:
        raise DomainError(
            _(
                "Vous avez déjà %(count)s rendez-vous à venir : "
                "annulez-en un avant d'en prendre un autre."
            )
            % {"count": upcoming}
        )


def check_slot(site: Site, service: Service, starts_at: datetime, ends_at: datetime) -> None:
    if not service.is_active or not site.is_active:
        raise DomainError(
            _("Le service « %(service)s » ne prend pas de rendez-vous.") % {"service": service.name}
        )
    if not Queue.objects.filter(site=site, service=service).exists():
        raise DomainError(
            _("Le service « %(service)s » n'est pas rendu à « %(site)s ».")
            % {"service": service.name, "site": site.name}
        )
    if ends_at <= clock.now():
        raise DomainError(_("Ce créneau est passé."))
    if ends_at <= starts_at:
        raise DomainError(_("La fin du rendez-vous doit suivre son début."))
    if not within_opening_hours(site, starts_at, ends_at):
        raise DomainError(
            _("Ce n'est pas un créneau du site : hors des heures d'ouverture ou un jour fermé.")
        )


def lock_slot(service: Service, site: Site, starts_at: datetime) -> None:
    """A transaction lock named after the slot (and the schema: locks are per database)."""
    name = f"{connection.schema_name}:{service.pk}:{site.pk}:{starts_at.isoformat()}"  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])


def only_site_of(service: Service) -> Site | None:
    """A service given at one site only needs no site in the booking."""
    sites = list(Site.objects.filter(queues__service=service).distinct()[:2])
    return sites[0] if len(sites) == 1 else None


def changed(appointment: Appointment, action: str, *, by: Actor, before: dict) -> None:
    audit(by=by, action=action, obj=appointment, before=before, after=snapshot(appointment, FIELDS))
    events.publish(
        action,
        appointment_id=str(appointment.pk),
        service_id=str(appointment.service_id),
        site_id=str(appointment.site_id) if appointment.site_id else None,
        status=appointment.status,
        starts_at=appointment.starts_at.isoformat(),
    )


def cancel_appointment(*, appointment: Appointment, by: Actor) -> Appointment:
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != Status.SCHEDULED:
            raise DomainError(_("Ce rendez-vous ne peut plus être annulé."))
        before = snapshot(appointment, FIELDS)
        appointment.status = Status.CANCELLED
        appointment.save(update_fields=["status"])
        changed(appointment, "appointment.cancelled", by=by, before=before)
    return appointment


def check_in(*, code: str, site: Site, by: Actor) -> Ticket:
    """At the kiosk: the code (typed or scanned) gives the customer a ticket. On time, the
    ticket carries the slot's start and is called first once it has begun; later than the
    service allows, the customer joins as a walk-in."""
    with transaction.atomic():
        appointment = appointment_to_check_in(code, site)
        service = appointment.service
        now = clock.now()
        opens = appointment.starts_at - timedelta(minutes=service.checkin_before_minutes)
        if now < opens:
            local = timezone.localtime(opens, site.zone)
            raise DomainError(
                _("Un peu tôt : l'enregistrement ouvre à %(time)s.") % {"time": f"{local:%H:%M}"}
            )
        late = now > appointment.starts_at + timedelta(minutes=service.late_after_minutes)
        queue = appointment_queue(site, service)
        if queue is None:
            raise DomainError(
                _("Le service « %(service)s » n'est pas rendu ici.") % {"service": service.name}
            )
        ticket = services.create_ticket(
            queue=queue,
            by=by,
            channel=Ticket.Channel.KIOSK,
            customer=appointment.customer,
            appointment_at=None if late else appointment.starts_at,
        )
        before = snapshot(appointment, FIELDS)
        appointment.status, appointment.ticket = Status.CHECKED_IN, ticket
        appointment.save(update_fields=["status", "ticket"])
        changed(appointment, "appointment.checked_in", by=by, before=before)
    return ticket


def appointment_queue(site: Site, service: Service) -> Queue | None:
    """Where a checked-in appointment waits when the service has several queues at the site
    (a fast lane, a VIP queue): its first open one, the first one created."""
    queues = Queue.objects.filter(site=site, service=service).order_by("created_at", "id")
    return queues.exclude(status=Queue.Status.CLOSED).first() or queues.first()


def appointment_to_check_in(code: str, site: Site) -> Appointment:
    cleaned = "".join(code.split()).upper()
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service", "customer")
        .filter(code=cleaned)
        .first()
    )
    if appointment is None or appointment.site_id not in (None, site.pk):
        raise DomainError(_("Code de rendez-vous inconnu ici."))
    if appointment.status == Status.CHECKED_IN:
        raise DomainError(_("Ce rendez-vous est déjà enregistré."))
    if appointment.status != Status.SCHEDULED:
        raise DomainError(_("Ce rendez-vous n'est plus valable : prenez un ticket."))
    return appointment


def mark_missed(now: datetime) -> list[Appointment]:
    """Appointments not checked in by the end of their slot are no-shows (periodic job)."""
    missed = []
    due = Appointment.objects.filter(status=Status.SCHEDULED, ends_at__lt=now).values_list(
        "pk", flat=True
    )
    for pk in list(due[:500]):
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.SCHEDULED)
                .first()
            )
            if appointment is None:
                continue  # checked in this very moment
            before = snapshot(appointment, FIELDS)
            appointment.status = Status.NO_SHOW
            appointment.save(update_fields=["status"])
            changed(appointment, "appointment.no_show", by=SYSTEM, before=before)
            missed.append(appointment)
    return missed
