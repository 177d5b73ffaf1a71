from datetime import UTC, datetime, timedelta

from smartqueue.queues import clock, services

# A weekday morning in January (Paris is UTC+1, Dakar UTC+0).
T0 = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def at(moment: datetime, **delta):
    """The engine's clock frozen `delta` after `moment`."""
    return clock.frozen_at(moment + timedelta(**delta))


def called_at(desk, moment: datetime):
    """A ticket taken and called by the desk's agent at `moment`."""
    queue, _, agent = desk
    with clock.frozen_at(moment):
        services.create_ticket(queue=queue)
        return services.call_next(by=agent)
