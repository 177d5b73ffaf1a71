"""Integrators' webhooks: which endpoints hear an event (endpoint_health.py keeps track of the
ones that keep failing)."""

import json
import logging
from datetime import timedelta

from smartqueue.notifications.models import Channel, Notification, WebhookEndpoint
from smartqueue.notifications.outbox import add
from smartqueue.queues import clock

logger = logging.getLogger(__name__)
GIVE_UP_AFTER = timedelta(days=1)


def for_endpoints(name: str, data: dict, event_id) -> list[Notification | None]:
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if e.wants(name)]
    if not endpoints:
        return []
    body = json.dumps(
        {"id": str(event_id), "event": name, "created_at": clock.now().isoformat(), "data": data},
        sort_keys=True,
    )
    return [
        add(
            f"{event_id}:{endpoint.pk}",
            event=name,
            event_id=event_id,
            channel=Channel.WEBHOOK,
            recipient=endpoint.url,
            body=body,
            endpoint=endpoint,
        )
        for endpoint in endpoints
    ]
