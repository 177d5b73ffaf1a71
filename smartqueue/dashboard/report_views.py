"""Reports page and its CSV export (streamed, so a year of tickets does not sit in memory)."""

import csv
from collections.abc import Generator
from datetime import timedelta
from typing import cast

from django import forms
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tenants.utils import tenant_context

from smartqueue.accounts.decorators import member_required
from smartqueue.accounts.models import Membership, Role
from smartqueue.dashboard.reports import (
    AGENT_SORTS,
    WAIT,
    Filters,
    agent_performance,
    build_report,
    sorted_agents,
)
from smartqueue.queues.models import Service, Site, Ticket

MAX_DAYS = 400
# Column heads of the heatmap, Monday first, in the page's language.
WEEKDAYS = [
    pgettext_lazy("weekday", "lun."),
    pgettext_lazy("weekday", "mar."),
    pgettext_lazy("weekday", "mer."),
    pgettext_lazy("weekday", "jeu."),
    pgettext_lazy("weekday", "ven."),
    pgettext_lazy("weekday", "sam."),
    pgettext_lazy("weekday", "dim."),
]


class ReportForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}))
    site = forms.ModelChoiceField(Site.objects.all(), required=False, label=_("Site"))
    service = forms.ModelChoiceField(Service.objects.all(), required=False, label=_("Service"))
    agent = forms.ChoiceField(required=False, label=_("Agent"))
    channel = forms.ChoiceField(
        choices=[("", _("Tous"))] + list(Ticket.Channel.choices), required=False, label=_("Canal")
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Membership.objects.filter(tenant=tenant).select_related("user")
        agent = self.fields["agent"]
        assert isinstance(agent, forms.ChoiceField)
        agent.choices = [("", _("Tous"))] + [(str(m.user_id), str(m.user)) for m in staff]
        for field in self.fields.values():  # Bootstrap look without a layout helper
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days > MAX_DAYS):
            raise forms.ValidationError(
                _("Choisissez une période de 1 à %(days)s jours.") % {"days": MAX_DAYS}
            )
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            site=data["site"].pk if data["site"] else None,
            service=data["service"].pk if data["service"] else None,
            agent=data["agent"] or None,
            channel=data["channel"] or None,
        )


def default_period() -> dict:
    today = timezone.localdate()
    return {"start": (today - timedelta(days=6)).isoformat(), "end": today.isoformat()}


def asked_period(query: QueryDict) -> QueryDict:
    """The query with the default period where it gives no dates (a fresh page's CSV link)."""
    asked = query.copy()
    if "start" not in asked and "end" not in asked:
        asked.update(default_period())
    return asked


@member_required(Role.ADMIN, Role.MANAGER)
def reports(request):
    asked = asked_period(request.GET)
    form = ReportForm(asked, tenant=request.tenant)
    if not form.is_valid():
        return render(request, "dashboard/reports.html", {"form": form}, status=400)
    if asked.get("format") == "csv":
        return csv_export(request.tenant, form.filters(), asked.get("table", ""))
    report = build_report(form.filters())
    sort = asked.get("sort", "name")
    context = {
        "form": form,
        "report": report,
        "agents": sorted_agents(report.agents, sort),
        "agent_columns": sort_links(sort),
        "weekdays": WEEKDAYS,
        "hours": range(24),
        "bars": day_bars(report.by_day),
        "query": without_format(asked).urlencode(),  # the CSV link adds its own
        "sort_query": without_sort(asked).urlencode(),  # the headers' links add theirs
    }
    return render(request, "dashboard/reports.html", context)


def without_format(query: QueryDict) -> QueryDict:
    query = query.copy()
    query.pop("format", None)
    query.pop("table", None)
    return query


def without_sort(query: QueryDict) -> QueryDict:
    query = without_format(query)
    query.pop("sort", None)
    return query


def sort_links(sort: str) -> dict[str, dict]:
    """Per column of the agents' table: the `sort` value its header link asks for (a second
    click reverses it) and how it is sorted now, for aria-sort."""
    links = {}
    for column in AGENT_SORTS:
        now = "ascending" if sort == column else "descending" if sort == f"-{column}" else "none"
        # Figures start with the largest, names with A; a second click reverses.
        first = column if column == "name" else f"-{column}"
        again = column if first.startswith("-") else f"-{column}"
        links[column] = {"sort": again if sort == first else first, "aria": now}
    return links


CHART_WIDTH, CHART_HEIGHT = 580, 180


def day_bars(by_day: list[dict]) -> list[dict]:
    """Bar geometry for the per-day chart (SVG drawn by the template, no chart library)."""
    if not by_day:
        return []
    top = max(day["created"] for day in by_day) or 1
    width = CHART_WIDTH / len(by_day)
    return [
        {
            "x": round(10 + i * width, 1),
            "width": round(min(max(width - 2, 1), 60), 1),
            "created": round(CHART_HEIGHT * day["created"] / top, 1),
            "served": round(CHART_HEIGHT * day["served"] / top, 1),
            "day": day,
            "labelled": len(by_day) <= 31,
        }
        for i, day in enumerate(by_day)
    ]


class Echo:
    """csv.writer writes into this and gets the line back, to stream it."""

    def write(self, value):
        return value


def csv_agent_lines(tenant, filters: Filters):
    """The agents' table as a file: entered in the tenant's schema by the generator itself,
    like the tickets' file (the server reads it after the view has returned)."""
    writer = csv.writer(Echo())
    yield writer.writerow(AGENT_CSV_COLUMNS)
    with tenant_context(tenant):
        rows = agent_performance(filters.tickets())
    for row in rows:
        yield writer.writerow([as_text_cell(row[column]) for column in AGENT_CSV_COLUMNS])


# The agents' file: the page's columns, with the hours as hours of service (no sign-in time).
AGENT_CSV_COLUMNS = [
    "agent_id",
    "name",
    "served",
    "handled",
    "per_hour",
    "handling_avg",
    "no_show",
    "csat",
]


def csv_lines(tenant, filters: Filters):
    """The file's lines. The server reads them after the view has returned, when the tenant
    middleware has put the connection back on the public schema: so the generator enters the
    tenant's schema itself, and leaving it (at the end, on an error or a closed download)
    closes the rows' cursor."""
    writer = csv.writer(Echo())
    yield writer.writerow(list(CSV_COLUMNS))
    with tenant_context(tenant):
        rows = cast(  # a generator: close() ends its cursor
            Generator,
            filters.tickets()
            .annotate(wait=WAIT)
            .values_list(*CSV_COLUMNS.values())
            .order_by("created_at")
            .iterator(chunk_size=2000),
        )
        try:
            for row in rows:
                yield writer.writerow([as_text_cell(value) for value in row])
        finally:
            rows.close()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value):
    """A text starting like a formula (a site named "=cmd|..."), quoted so spreadsheets show
    it as text instead of running it (CSV injection). Numbers and dates are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# CSV header → ticket field, in the file's order.
CSV_COLUMNS = {
    "number": "number",
    "business_day": "business_day",
    "site": "queue__site__name",
    "service": "queue__service__name",
    "channel": "channel",
    "priority": "priority",
    "status": "status",
    "outcome": "outcome",
    "created_at": "created_at",
    "called_at": "called_at",
    "ended_at": "ended_at",
    "wait_seconds": "wait",
    "agent_id": "agent_id",
}


def csv_export(tenant, filters: Filters, table: str = "") -> StreamingHttpResponse:
    """The tickets, one a line; or with table=agents the agents' performance table."""
    agents = table == "agents"
    lines = csv_agent_lines(tenant, filters) if agents else csv_lines(tenant, filters)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = f"smartqueue-{'agents-' if agents else ''}{filters.start}-{filters.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
