"""How long a customer needs to reach a site: the routing service when one is configured
(ROUTING_URL, speaking the OSRM HTTP API), else — or when it fails — our own model."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from smartqueue.travel.model import DAKAR, Point, Profile, estimate_seconds
from smartqueue.travel.osrm import RoutingUnavailable, route_seconds

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TravelTime:
    seconds: int
    source: str  # "routing" or "model"


def travel_time(
    origin: Point, destination: Point, *, at: datetime, profile: Profile = DAKAR
) -> TravelTime:
    if settings.ROUTING_URL:
        try:
            seconds = route_seconds(
                settings.ROUTING_URL, origin, destination, timeout=settings.ROUTING_TIMEOUT
            )
            return TravelTime(seconds, "routing")
        except RoutingUnavailable as error:
            logger.warning("routing unavailable, travel time from the model: %s", error)
    return TravelTime(estimate_seconds(origin, destination, at=at, profile=profile), "model")


__all__ = ["DAKAR", "Point", "Profile", "TravelTime", "travel_time"]
