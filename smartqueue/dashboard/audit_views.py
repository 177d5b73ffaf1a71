"""The audit trail, for admins: who did what, when, from where, with before and after."""

import zoneinfo
from datetime import UTC, date, tzinfo

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from smartqueue.accounts.decorators import member_required
from smartqueue.accounts.models import Role
from smartqueue.dashboard.audit_display import readable_rows
from smartqueue.queues.models import AuditLog, Site

PAGE_SIZE = 50


def parsed_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def filtered(params) -> tuple:
    rows = AuditLog.objects.all()
    action, who, kind = params.get("action", ""), params.get("who", ""), params.get("type", "")
    since, until = parsed_day(params.get("since", "")), parsed_day(params.get("until", ""))
    if action:
        rows = rows.filter(action__icontains=action)
    if who:
        rows = rows.filter(actor_label__icontains=who)
    if kind:
        rows = rows.filter(object_type=kind)
    if since:
        rows = rows.filter(at__date__gte=since)
    if until:
        rows = rows.filter(at__date__lte=until)
    return rows.order_by("-at", "-id"), {
        "action": action,
        "who": who,
        "type": kind,
        "since": since,
        "until": until,
    }


@member_required(Role.ADMIN)
def audit_trail(request):
    rows, filters = filtered(request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = AuditLog.objects.order_by().values_list("object_type", flat=True).distinct()
    query = request.GET.copy()
    query.pop("page", None)
    zone = organisation_zone()
    context = {
        "page": page,
        "rows": readable_rows(page),
        "filters": filters,
        "kinds": sorted(kinds),
        "query": query.urlencode(),
        "zone": zone,
    }
    with timezone.override(zone):
        return render(request, "dashboard/audit.html", context)


def organisation_zone() -> tzinfo:
    """The time zone of the organisation's sites when they share one, else UTC (named)."""
    zones = set(Site.objects.filter(is_active=True).values_list("timezone", flat=True))
    return zoneinfo.ZoneInfo(zones.pop()) if len(zones) == 1 else UTC
