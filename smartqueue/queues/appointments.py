"""Booking appointments: the one place that creates them and checks their rules.

Opening hours, slot capacity and check-in come with the appointments issue; what holds already:
a slot has a start before its end, lies in the future, lasts at most a day and is for an open
service at one of the service's sites.
"""

from datetime import datetime, timedelta

from django.db import transaction

from smartqueue.errors import DomainError
from smartqueue.queues import clock, events
from smartqueue.queues.history import Actor, audit, snapshot
from smartqueue.queues.models import Appointment, Customer, Service, Site

LONGEST_SLOT = timedelta(hours=24)
FIELDS = ("status", "service_id", "site_id", "customer_id", "starts_at", "ends_at")


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
    check_slot(starts_at, ends_at)
    if not service.is_active:
        raise DomainError(f"Le service « {service.name} » n'est pas ouvert.")
    site = site or only_site_of(service)
    if site is not None and not service.queues.filter(site=site).exists():
        raise DomainError(f"Le service « {service.name} » n'est pas rendu à « {site.name} ».")
    with transaction.atomic():
        appointment = Appointment.objects.create(
            service=service,
            site=site,
            customer=customer,
            starts_at=starts_at,
            ends_at=ends_at,
            metadata=metadata or {},
        )
        audit(
            by=by,
            action="appointment.created",
            obj=appointment,
            before={},
            after=snapshot(appointment, FIELDS),
        )
        events.publish(
            "appointment.created",
            appointment_id=str(appointment.pk),
            service_id=str(service.pk),
            site_id=str(site.pk) if site else None,
            starts_at=starts_at.isoformat(),
        )
    return appointment


def check_slot(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError("ends_at doit être après starts_at.")
    if ends_at - starts_at > LONGEST_SLOT:
        raise DomainError("Un rendez-vous dure au plus 24 heures.")
    if starts_at <= clock.now():
        raise DomainError("Un rendez-vous se prend dans le futur.")


def only_site_of(service: Service) -> Site | None:
    """A service given at one site only needs no site in the booking."""
    sites = list(Site.objects.filter(queues__service=service).distinct()[:2])
    return sites[0] if len(sites) == 1 else None
