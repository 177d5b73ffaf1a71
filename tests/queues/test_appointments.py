"""Appointments: slots from opening hours in the site's zone, one booking per free place even
under a rush, check-in at the kiosk, served before walk-ins once the slot has begun."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from smartqueue.errors import DomainError
from smartqueue.queues import appointments, clock, services
from smartqueue.queues.history import SYSTEM
from smartqueue.queues.models import Appointment, Customer, Holiday, OpeningHours, Ticket
from smartqueue.queues.slots import slots_of_day
from tests.factories import make_agent, make_counter, make_queue, make_site
from tests.threads import in_threads

MONDAY = date(2031, 3, 3)  # winter: Paris is UTC+1, Dakar UTC+0
SUNDAY = date(2031, 3, 9)


def at(day: date, hour: int, minute: int = 0, zone=UTC) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


@pytest.mark.django_db
def test_slots_follow_the_default_week_holidays_and_the_sites_zone(alpha):
    dakar = make_queue(make_site(timezone="Africa/Dakar"))
    with clock.frozen_at(at(MONDAY, 0)):
        slots = slots_of_day(dakar.site, dakar.service, MONDAY)
        assert len(slots) == 8 * 4 and slots[0].starts_at == at(MONDAY, 9)
        assert slots[-1].ends_at == at(MONDAY, 17)
        assert slots_of_day(dakar.site, dakar.service, SUNDAY) == []
        Holiday.objects.create(site=dakar.site, day=MONDAY, name="Korité")
        assert slots_of_day(dakar.site, dakar.service, MONDAY) == []
        paris = make_queue(make_site(timezone="Europe/Paris"))
        assert slots_of_day(paris.site, paris.service, MONDAY)[0].starts_at == at(MONDAY, 8)


@pytest.mark.django_db
def test_opening_hours_with_a_break_and_past_slots_hidden(alpha):
    queue = make_queue()
    for opens, closes in ((time(8), time(12)), (time(14), time(16))):
        OpeningHours.objects.create(site=queue.site, weekday=0, opens_at=opens, closes_at=closes)
    with clock.frozen_at(at(MONDAY, 11, 20)):
        starts = [slot.starts_at for slot in slots_of_day(queue.site, queue.service, MONDAY)]
    assert starts[:2] == [at(MONDAY, 11, 15), at(MONDAY, 11, 30)]  # the current one still open
    assert at(MONDAY, 12) not in starts and at(MONDAY, 14) in starts


@pytest.mark.django_db
def test_bookings_outside_the_slots_are_refused_with_a_reason(alpha):
    queue = make_queue()
    book = appointments.book_appointment
    with clock.frozen_at(at(MONDAY, 6)):
        for start, end, reason in (
            (at(MONDAY, 7), at(MONDAY, 7, 15), "créneau du site"),
            (at(MONDAY, 16, 30), at(MONDAY, 17, 30), "heures d'ouverture"),
            (at(SUNDAY, 10), at(SUNDAY, 10, 15), "jour fermé"),
            (at(MONDAY, 7, 30) - timedelta(days=7), at(MONDAY, 7, 45) - timedelta(days=7), "passé"),
        ):
            with pytest.raises(DomainError, match=reason):
                book(service=queue.service, starts_at=start, ends_at=end, by=SYSTEM)
        booked = book(
            service=queue.service, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 10, 15), by=SYSTEM
        )
        assert booked.site == queue.site and booked.status == Appointment.Status.SCHEDULED
        with pytest.raises(DomainError, match="complet"):
            book(
                service=queue.service,
                starts_at=at(MONDAY, 10),
                ends_at=at(MONDAY, 10, 15),
                by=SYSTEM,
            )
        slot = next(s for s in slots_of_day(queue.site, queue.service, MONDAY) if s.free == 0)
        assert slot.starts_at == at(MONDAY, 10)


def outcome_of(results: list) -> list[str]:
    """ "booked", or the refusal's message, for each booking made at once."""
    return [r.message if isinstance(r, DomainError) else "booked" for r in results]


def test_fifty_bookings_at_once_for_the_last_place_give_exactly_one(committed):
    queue = make_queue()
    queue.service.slot_capacity = 2
    queue.service.save()
    start = at(date.today() + timedelta(days=((7 - date.today().weekday()) % 7) or 7), 10)
    appointments.book_appointment(
        service=queue.service, starts_at=start, ends_at=start + timedelta(minutes=15), by=SYSTEM
    )

    def book(_):
        return appointments.book_appointment(
            service=queue.service, starts_at=start, ends_at=start + timedelta(minutes=15), by=SYSTEM
        )

    outcomes = outcome_of(in_threads(committed, book, 50))
    assert outcomes.count("booked") == 1
    assert outcomes.count("Ce créneau est complet : choisissez-en un autre.") == 49
    assert Appointment.objects.filter(starts_at=start).count() == 2


def test_one_customer_booking_ten_slots_at_once_gets_the_upcoming_limit(committed):
    queue = make_queue()
    customer = Customer.objects.create(first_name="Awa", phone="+221771234567")
    monday = date.today() + timedelta(days=((7 - date.today().weekday()) % 7) or 7)
    starts = [at(monday, 9, 15 * n) for n in range(4)] + [at(monday, 10, 15 * n) for n in range(4)]
    starts += [at(monday, 11), at(monday, 11, 15)]

    def book(i):
        return appointments.book_appointment(
            service=queue.service,
            site=queue.site,
            starts_at=starts[i],
            ends_at=starts[i] + timedelta(minutes=15),
            customer=customer,
            by=SYSTEM,
        )

    outcomes = outcome_of(in_threads(committed, book, len(starts)))
    limit = appointments.UPCOMING_LIMIT
    assert outcomes.count("booked") == limit
    refusal = (
        f"Vous avez déjà {limit} rendez-vous à venir : annulez-en un avant d'en prendre un autre."
    )
    assert sum(o.startswith(refusal) for o in outcomes) == len(starts) - limit, outcomes
    assert Appointment.objects.filter(customer=customer).count() == limit
    cancelled = appointments.cancel_appointment(
        appointment=Appointment.objects.filter(customer=customer).first(), by=SYSTEM
    )
    appointments.book_appointment(  # a place given back can be taken again (its own slot too)
        service=queue.service,
        site=queue.site,
        starts_at=cancelled.starts_at,
        ends_at=cancelled.ends_at,
        customer=customer,
        by=SYSTEM,
    )


@pytest.mark.django_db
def test_a_checked_in_appointment_is_called_before_earlier_walk_ins_once_its_slot_begins(alpha):
    queue = make_queue()
    agent = make_agent(make_counter(queue.site, [queue]))
    with clock.frozen_at(at(MONDAY, 8)):
        booked = appointments.book_appointment(
            service=queue.service, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 10, 15), by=SYSTEM
        )
    with clock.frozen_at(at(MONDAY, 9)):
        with pytest.raises(DomainError, match="tôt"):
            appointments.check_in(code=booked.code, site=queue.site, by=SYSTEM)
    with clock.frozen_at(at(MONDAY, 9, 35)):
        walk_ins = [services.create_ticket(queue=queue) for _ in range(2)]
    with clock.frozen_at(at(MONDAY, 9, 40)):
        ticket = appointments.check_in(code=booked.code.lower(), site=queue.site, by=SYSTEM)
        assert ticket.appointment_at == at(MONDAY, 10)
        with pytest.raises(DomainError, match="déjà"):
            appointments.check_in(code=booked.code, site=queue.site, by=SYSTEM)
        # Before its slot the appointment waits like anybody who came later.
        first = services.call_next(by=agent)
        assert first.pk in {walk_in.pk for walk_in in walk_ins}
        services.close_ticket(ticket=first, by=agent)
    with clock.frozen_at(at(MONDAY, 10, 1)):
        assert services.call_next(by=agent).pk == ticket.pk
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CHECKED_IN and booked.ticket_id == ticket.pk


@pytest.mark.django_db
def test_late_beyond_the_limit_joins_as_a_walk_in_and_the_unseen_become_no_shows(alpha):
    queue = make_queue()
    with clock.frozen_at(at(MONDAY, 8)):
        late, missed = (
            appointments.book_appointment(
                service=queue.service,
                starts_at=at(MONDAY, hour),
                ends_at=at(MONDAY, hour, 15),
                by=SYSTEM,
            )
            for hour in (9, 10)
        )
    with clock.frozen_at(at(MONDAY, 9, 20)):
        ticket = appointments.check_in(code=late.code, site=queue.site, by=SYSTEM)
    assert ticket.appointment_at is None and ticket.channel == Ticket.Channel.KIOSK
    assert appointments.mark_missed(at(MONDAY, 10, 14)) == []
    assert [a.pk for a in appointments.mark_missed(at(MONDAY, 10, 16))] == [missed.pk]
    missed.refresh_from_db()
    assert missed.status == Appointment.Status.NO_SHOW
    with pytest.raises(DomainError, match="plus valable"):
        appointments.check_in(code=missed.code, site=queue.site, by=SYSTEM)


@pytest.mark.django_db
def test_a_code_from_another_site_is_unknown_here(alpha):
    queue = make_queue()
    elsewhere = make_site()
    with clock.frozen_at(at(MONDAY, 8)):
        booked = appointments.book_appointment(
            service=queue.service, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 9, 15), by=SYSTEM
        )
        with pytest.raises(DomainError, match="inconnu"):
            appointments.check_in(code=booked.code, site=elsewhere, by=SYSTEM)
        with pytest.raises(DomainError, match="inconnu"):
            appointments.check_in(code="NOPE42", site=queue.site, by=SYSTEM)


@pytest.mark.django_db
def test_the_kiosk_checks_in_a_code_and_prints_its_ticket(alpha, client):
    from smartqueue.devices.models import Kiosk

    queue = make_queue()
    kiosk = Kiosk.objects.create(site=queue.site, name="Borne")
    soon = clock.now() + timedelta(days=1)
    OpeningHours.objects.create(
        site=queue.site,
        weekday=soon.astimezone(queue.site.zone).weekday(),
        opens_at=time(0),
        closes_at=time(23, 59),
    )
    start = soon.replace(minute=0, second=0, microsecond=0)
    booked = appointments.book_appointment(
        service=queue.service, starts_at=start, ends_at=start + timedelta(minutes=15), by=SYSTEM
    )
    path = f"/t/alpha/kiosk/{kiosk.secret}/check-in/"
    early = client.post(path, {"code": booked.code, "lang": "fr"})
    assert early.status_code == 400 and "tôt" in early.content.decode()
    with clock.frozen_at(start - timedelta(minutes=5)):
        response = client.post(path, {"code": booked.code.lower(), "lang": "fr"})
    assert response.status_code == 200 and 'data-testid="kiosk-number"' in response.content.decode()
    assert Ticket.objects.get().appointment_at == start
    unknown = client.post(path, {"code": "ZZZZZZ", "lang": "en"})
    assert unknown.status_code == 400 and "Unknown appointment code" in unknown.content.decode()


@pytest.mark.django_db
def test_with_several_queues_for_the_service_a_check_in_joins_its_first_open_one(alpha):
    from smartqueue.queues.models import Queue

    queue = make_queue()
    closed_first = queue
    main = Queue.objects.create(site=queue.site, service=queue.service, name="Principale")
    Queue.objects.create(site=queue.site, service=queue.service, name="VIP")
    services.set_queue_status(queue=closed_first, status="closed", by=SYSTEM)
    with clock.frozen_at(at(MONDAY, 8)):
        booked = appointments.book_appointment(
            service=queue.service, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 9, 15), by=SYSTEM
        )
    with clock.frozen_at(at(MONDAY, 8, 45)):
        ticket = appointments.check_in(code=booked.code, site=queue.site, by=SYSTEM)
    assert ticket.queue_id == main.pk
