"""Appointment slots: cut from a site's opening hours in its own time zone, minus its holidays,
each holding `slot_capacity` customers of a service."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

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
    """The day's slots not over yet, with their free places (one query for all of them). An
    appointment takes a place in every slot it overlaps, whatever its length."""
    now = clock.now()
    length = timedelta(minutes=service.slot_minutes)
    starts = [start for start in slot_starts(site, service, day) if start + length > now]
    if not starts:
        return []
    booked = list(
        overlapping(service, site, starts[0], starts[-1] + length).values_list(
            "starts_at", "ends_at"
        )
    )
    return [
        Slot(start, start + length, max(0, service.slot_capacity - taken_in(booked, start, length)))
        for start in starts
    ]


def taken_in(booked: list[tuple[datetime, datetime]], start: datetime, length: timedelta) -> int:
    return sum(1 for begins, ends in booked if begins < start + length and ends > start)


def overlapping(
    service: Service, site: Site, starts_at: datetime, ends_at: datetime
) -> QuerySet[Appointment]:
    """The service's appointments at the site holding a place between these moments."""
    return Appointment.objects.filter(
        service=service, site=site, status__in=TAKEN, starts_at__lt=ends_at, ends_at__gt=starts_at
    )


def slots_overlapped(
    site: Site, service: Service, starts_at: datetime, ends_at: datetime
) -> list[datetime]:
    """The starts of the day's slots that [starts_at, ends_at) overlaps."""
    length = timedelta(minutes=service.slot_minutes)
    day = starts_at.astimezone(site.zone).date()
    return [s for s in slot_starts(site, service, day) if s < ends_at and s + length > starts_at]


def bookable_days(site: Site) -> list[date]:
    today = clock.now().astimezone(site.zone).date()
    return [today + timedelta(days=n) for n in range(BOOKABLE_DAYS)]


def within_opening_hours(site: Site, starts_at: datetime, ends_at: datetime) -> bool:
    """The whole interval lies in one opening period of one local day, not a holiday: an
    appointment may last any time the site is open (its slots count the places)."""
    try:
        local_start, local_end = starts_at.astimezone(site.zone), ends_at.astimezone(site.zone)
    except OverflowError:  # a moment at the calendar's edge (year 1 or 9999) is never open
        return False
    day = local_start.date()
    if local_end.date() != day and local_end.time() != time(0):
        return False
    if Holiday.objects.filter(site=site, day=day).exists():
        return False
    for opens, closes in opening_hours(site).get(day.weekday(), []):
        period_start = datetime.combine(day, opens, tzinfo=site.zone)
        period_end = datetime.combine(day, closes, tzinfo=site.zone)
        if period_start <= local_start and local_end <= period_end:
            return True
    return False
