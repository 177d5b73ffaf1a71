"""The OSRM HTTP API (v5, self-hostable): GET /route/v1/{profile}/{lon},{lat};{lon},{lat}
answers {"code": "Ok", "routes": [{"duration": seconds, "distance": metres, ...}], ...}, or a
code such as "NoRoute" with a message. Nothing here retries: the caller falls back to the model."""

import json
import math
import urllib.error
import urllib.request

from smartqueue.travel.model import Point


class RoutingUnavailable(Exception):
    """No answer, or no route: use the model instead."""


def route_url(base_url: str, origin: Point, destination: Point, profile: str = "driving") -> str:
    coordinates = ";".join(
        f"{point.longitude:.6f},{point.latitude:.6f}" for point in (origin, destination)
    )
    return f"{base_url.rstrip('/')}/route/v1/{profile}/{coordinates}?overview=false&steps=false"


def route_seconds(base_url: str, origin: Point, destination: Point, *, timeout: float) -> int:
    request = urllib.request.Request(
        route_url(base_url, origin, destination), headers={"Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:  # OSRM answers 400 with its code for NoRoute & co
        body = read_error(error)
    except (OSError, ValueError) as error:  # refused, timed out, not JSON
        raise RoutingUnavailable(str(error)) from error
    if body.get("code") != "Ok" or not body.get("routes"):
        raise RoutingUnavailable(f"{body.get('code')}: {body.get('message', '')}")
    duration = body["routes"][0].get("duration")
    if not isinstance(duration, int | float) or duration < 0:
        raise RoutingUnavailable(f"no duration in the answer: {body['routes'][0]!r}")
    return math.ceil(duration)


def read_error(error: urllib.error.HTTPError) -> dict:
    try:
        return json.load(error)
    except ValueError:
        return {"code": f"HTTP {error.code}"}
