from django import template

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
