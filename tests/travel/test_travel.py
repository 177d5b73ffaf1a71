"""Travel time to a site: through a routing service speaking the OSRM HTTP API (a fake one
here, on 127.0.0.1), and our own model when none is configured or it fails."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from smartqueue.travel import DAKAR, Point, Profile, travel_time
from smartqueue.travel.model import distance_km, estimate_seconds
from tests.fakes import FakeOsrm

DAKAR_ZONE = ZoneInfo("Africa/Dakar")
PLATEAU = Point(14.6708, -17.4381)  # Dakar-Plateau
ALMADIES = Point(14.7447, -17.5132)  # Les Almadies
MIDDAY = datetime(2026, 12, 2, 12, 0, tzinfo=DAKAR_ZONE)
MORNING_RUSH = datetime(2026, 12, 2, 8, 0, tzinfo=DAKAR_ZONE)


@pytest.fixture
def osrm(settings):
    with FakeOsrm() as fake:
        settings.ROUTING_URL = fake.url
        settings.ROUTING_TIMEOUT = 0.5
        yield fake


def test_the_straight_line_between_two_districts_of_dakar():
    assert 11 < distance_km(PLATEAU, ALMADIES) < 12


def test_the_model_is_slower_at_the_morning_rush_than_at_midday():
    midday = estimate_seconds(PLATEAU, ALMADIES, at=MIDDAY)
    rush = estimate_seconds(PLATEAU, ALMADIES, at=MORNING_RUSH)
    # 11.5 km × 1.4 at 22 km/h ≈ 44 min; at 12 km/h ≈ 80 min.
    assert 40 * 60 < midday < 48 * 60
    assert 75 * 60 < rush < 85 * 60


def test_an_organisation_profile_replaces_dakars():
    fast = Profile(speeds_kmh=(60.0,) * 24, detour=1.0)
    assert estimate_seconds(PLATEAU, ALMADIES, at=MIDDAY, profile=fast) < 12 * 60
    with pytest.raises(ValueError):
        Profile(speeds_kmh=(20.0,) * 23)
    with pytest.raises(ValueError):
        Profile(speeds_kmh=(20.0,) * 24, detour=0.5)


def test_coordinates_off_the_earth_are_refused():
    with pytest.raises(ValueError):
        Point(91, 0)
    with pytest.raises(ValueError):
        Point(0, 181)


def test_without_a_routing_service_the_model_answers(settings):
    settings.ROUTING_URL = ""
    answer = travel_time(PLATEAU, ALMADIES, at=MIDDAY)
    assert answer.source == "model"
    assert answer.seconds == estimate_seconds(PLATEAU, ALMADIES, at=MIDDAY)


def test_the_routing_service_is_asked_in_osrms_format(osrm):
    answer = travel_time(PLATEAU, ALMADIES, at=MIDDAY)
    assert answer.source == "routing"
    (request,) = osrm.received
    # Longitude first, as OSRM wants it.
    assert request["path"].startswith("/route/v1/driving/-17.438100,14.670800;-17.513200,14.744700")
    expected = distance_km(PLATEAU, ALMADIES) * 150  # the fake's network: 150 s per km
    assert abs(answer.seconds - expected) < 0.03 * expected


@pytest.mark.parametrize("fault", ["error", "no-route", "slow", "down"])
def test_the_model_takes_over_when_the_routing_service_fails(osrm, settings, fault):
    if fault == "error":
        osrm.failures_left = 1
    elif fault == "no-route":
        osrm.unreachable.add((ALMADIES.latitude, ALMADIES.longitude))
    elif fault == "slow":
        osrm.delay_seconds = 1.0  # beyond the 0.5 s timeout
    else:
        settings.ROUTING_URL = "http://127.0.0.1:9"  # nothing listens there
    answer = travel_time(PLATEAU, ALMADIES, at=MORNING_RUSH)
    assert answer.source == "model"
    assert answer.seconds == estimate_seconds(PLATEAU, ALMADIES, at=MORNING_RUSH)


def test_the_hour_is_the_sites_local_hour():
    utc_eight = datetime(2026, 12, 2, 8, 0, tzinfo=ZoneInfo("UTC"))
    paris_nine = utc_eight.astimezone(ZoneInfo("Europe/Paris"))  # 9:00 there: still the rush
    assert estimate_seconds(PLATEAU, ALMADIES, at=paris_nine) == estimate_seconds(
        PLATEAU, ALMADIES, at=MORNING_RUSH
    )
    assert DAKAR.speeds_kmh[paris_nine.hour] == DAKAR.speeds_kmh[8]
