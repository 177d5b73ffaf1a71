from django import template

from smartqueue.queues.estimates import wait_range

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds as people read them on a dashboard: "45 s", "12 min", "1 h 05"."""
    if seconds is None or seconds == "":
        return "—"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


@register.filter
def stopwatch(seconds) -> str:
    """Seconds as a running timer reads: "04:07", "1:02:09" (counter.js ticks it on)."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


@register.filter(name="wait_range")
def wait_range_filter(seconds) -> str:
    """An estimate as customers read it: a rounded-up range ("10–15 min")."""
    return wait_range(int(seconds))
