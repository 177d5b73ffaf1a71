"""Appointment slots: cut from a site's opening hours in its own time zone, minus its holidays,
each holding `slot_capacity` customers of a service."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count

from smartqueue.queues import clock
from smartqueue.queues.models import Appointment, Holiday, OpeningHours, Service, Site

DEFAULT_HOURS = {weekday: [(time(9), time(17))] for weekday in range(5)}  # Monday–Friday
BOOKABLE_DAYS = 28
TAKEN = (Appointment.Status.SCHEDULED, Appointment.Status.CHECKED_IN)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    free: int

    @property
    def key(self) -> str:
        return self.starts_at.isoformat()


def opening_hours(site: Site) -> dict[int, list[tuple[time, time]]]:
    rows = OpeningHours.objects.filter(site=site).values_list("weekday", "opens_at", "closes_at")
    hours: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in rows:
        hours.setdefault(weekday, []).append((opens, closes))
    return hours or DEFAULT_HOURS


def slot_starts(site: Site, service: Service, day: date) -> list[datetime]:
    """Every slot start of that local day (aware datetimes); none on a holiday."""
    if Holiday.objects.filter(site=site, day=day).exists():
        return []
    length = timedelta(minutes=service.slot_minutes)
    starts = []
    for opens, closes in sorted(opening_hours(site).get(day.weekday(), [])):
        moment = datetime.combine(day, opens, tzinfo=site.zone)
        end = datetime.combine(day, closes, tzinfo=site.zone)
        while moment + length <= end:
            starts.append(moment)
            moment += length
    return starts


def slots_of_day(site: Site, service: Service, day: date) -> list[Slot]:
    """The day's slots not over yet, with their free places (one query for all of them)."""
    now = clock.now()
    length = timedelta(minutes=service.slot_minutes)
    starts = [start for start in slot_starts(site, service, day) if start + length > now]
    if not starts:
        return []
    taken = dict(
        Appointment.objects.filter(
            service=service, site=site, status__in=TAKEN, starts_at__in=starts
        )
        .values("starts_at")
        .annotate(n=Count("id"))
        .values_list("starts_at", "n")
    )
    return [
        Slot(start, start + length, max(0, service.slot_capacity - taken.get(start, 0)))
        for start in starts
    ]


def bookable_days(site: Site) -> list[date]:
    today = clock.now().astimezone(site.zone).date()
    return [today + timedelta(days=n) for n in range(BOOKABLE_DAYS)]


def is_slot(site: Site, service: Service, starts_at: datetime, ends_at: datetime) -> bool:
    """The times name one of the site's slots for that service (not any odd interval)."""
    if ends_at - starts_at != timedelta(minutes=service.slot_minutes):
        return False
    try:
        local = starts_at.astimezone(site.zone)
        return local in slot_starts(site, service, local.date())
    except OverflowError:  # a moment at the calendar's edge (year 1 or 9999) is no slot
        return False
