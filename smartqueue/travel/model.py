"""Travel time without a routing service: the straight-line distance, stretched by a detour
factor (streets are not straight), at a speed that depends on the hour of the day.

The default profile is Dakar's: slow at the morning and evening rush (7–10 h, 17–20 h), faster
at night. An organisation can give its own (a speed in km/h for each hour, 0–23)."""

import math
from dataclasses import dataclass
from datetime import datetime

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError(f"not a place on Earth: {self.latitude}, {self.longitude}")


@dataclass(frozen=True)
class Profile:
    """Speeds in km/h by local hour (24 values) and the detour factor of the street network."""

    speeds_kmh: tuple[float, ...]
    detour: float = 1.4

    def __post_init__(self) -> None:
        if len(self.speeds_kmh) != 24 or min(self.speeds_kmh) <= 0:
            raise ValueError("a profile gives a positive speed for each of the 24 hours")
        if self.detour < 1:
            raise ValueError("the detour factor is at least 1")


def rush(night: float, day: float, peak: float) -> tuple[float, ...]:
    hours = []
    for hour in range(24):
        if hour < 6 or hour >= 22:
            hours.append(night)
        elif 7 <= hour < 10 or 17 <= hour < 20:
            hours.append(peak)
        else:
            hours.append(day)
    return tuple(hours)


# Measured figures for Dakar vary widely; these are deliberately modest (urban averages).
DAKAR = Profile(speeds_kmh=rush(night=35, day=22, peak=12), detour=1.4)


def distance_km(origin: Point, destination: Point) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(origin.latitude), math.radians(destination.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(destination.longitude - origin.longitude)
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def estimate_seconds(
    origin: Point, destination: Point, *, at: datetime, profile: Profile = DAKAR
) -> int:
    """At `at` (aware, in the site's zone: the hour is the local one)."""
    speed = profile.speeds_kmh[at.hour]
    return math.ceil(distance_km(origin, destination) * profile.detour / speed * 3600)
