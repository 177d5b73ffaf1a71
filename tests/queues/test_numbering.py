"""Ticket numbers: the service's letter, a gap-free number per queue per local day of the site,
restarting at local midnight (daylight saving included) with no job."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from smartqueue.queues import clock, services
from smartqueue.queues.models import QueueDay
from tests.factories import make_queue, make_site

DAKAR = ZoneInfo("Africa/Dakar")
PARIS = ZoneInfo("Europe/Paris")


def ticket_at(queue, moment: datetime):
    with clock.frozen_at(moment):
        return services.create_ticket(queue=queue)


def numbers_at(queue, moments: list[datetime]) -> list[str]:
    return [ticket_at(queue, moment).number for moment in moments]


def paris_queue():
    return make_queue(make_site(timezone="Europe/Paris"))


def test_numbering_restarts_at_local_midnight_in_dakar(alpha):
    queue = make_queue(make_site(timezone="Africa/Dakar"))
    before = [datetime(2026, 5, 4, 23, m, tzinfo=DAKAR) for m in (58, 59)]
    after = [datetime(2026, 5, 5, 0, m, tzinfo=DAKAR) for m in (1, 2)]
    assert numbers_at(queue, before + after) == ["A001", "A002", "A001", "A002"]
    assert ticket_at(queue, after[-1]).business_day == date(2026, 5, 5)


def test_numbering_restarts_at_paris_midnight_before_the_spring_change(alpha):
    queue = paris_queue()
    evening = datetime(2026, 3, 28, 23, 30, tzinfo=PARIS)  # 22:30 UTC
    night = datetime(2026, 3, 29, 0, 30, tzinfo=PARIS)  # 23:30 UTC, still the 28th in UTC
    first, second = ticket_at(queue, evening), ticket_at(queue, night)
    assert (first.number, second.number) == ("A001", "A001")
    assert (first.business_day, second.business_day) == (date(2026, 3, 28), date(2026, 3, 29))


def test_numbering_keeps_counting_across_the_spring_change(alpha):
    queue = paris_queue()
    moments = [
        datetime(2026, 3, 29, 0, 30, tzinfo=PARIS),
        datetime(2026, 3, 29, 1, 30, tzinfo=PARIS),  # CET, 00:30 UTC
        datetime(2026, 3, 29, 3, 30, tzinfo=PARIS),  # CEST, 01:30 UTC: 02:xx never happened
        datetime(2026, 3, 29, 23, 30, tzinfo=PARIS),  # 21:30 UTC
    ]
    assert numbers_at(queue, moments) == ["A001", "A002", "A003", "A004"]


def test_numbering_restarts_at_paris_midnight_before_the_autumn_change(alpha):
    queue = paris_queue()
    evening = datetime(2026, 10, 24, 23, 30, tzinfo=PARIS)  # CEST, 21:30 UTC
    night = datetime(2026, 10, 25, 0, 30, tzinfo=PARIS)  # 22:30 UTC on the 24th
    assert numbers_at(queue, [evening, night]) == ["A001", "A001"]


def test_numbering_keeps_counting_through_the_repeated_autumn_hour(alpha):
    queue = paris_queue()
    moments = [
        datetime(2026, 10, 25, 1, 30, tzinfo=PARIS),  # CEST, 23:30 UTC on the 24th
        datetime(2026, 10, 25, 2, 30, tzinfo=PARIS),  # CEST, 00:30 UTC
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PARIS),  # CET, 01:30 UTC: same clock time
        datetime(2026, 10, 25, 3, 30, tzinfo=PARIS),  # CET, 02:30 UTC
        datetime(2026, 10, 25, 23, 59, tzinfo=PARIS),
    ]
    assert numbers_at(queue, moments) == ["A001", "A002", "A003", "A004", "A005"]
    day = QueueDay.objects.get(queue=queue)
    assert (day.day, day.last_number) == (date(2026, 10, 25), 5)


def test_each_queue_has_its_own_numbers(alpha):
    site = make_site()
    first, second = make_queue(site, letter="A"), make_queue(site, letter="B")
    elsewhere = make_queue(letter="A")
    numbers = [services.create_ticket(queue=q).number for q in (first, first, second, elsewhere)]
    assert numbers == ["A001", "A002", "B001", "A001"]


def test_the_letter_comes_from_the_service(alpha):
    assert services.create_ticket(queue=make_queue(letter="CX")).number == "CX001"
    assert services.create_ticket(queue=make_queue(letter="Z")).number == "Z001"


def test_a_rolled_back_creation_gives_its_number_back(alpha):
    queue = make_queue()
    assert services.create_ticket(queue=queue).number == "A001"
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert services.create_ticket(queue=queue).number == "A002"
            raise RuntimeError("the kiosk failed to print")
    assert services.create_ticket(queue=queue).number == "A002"
    assert QueueDay.objects.get(queue=queue).last_number == 2
