"""Analytics for integrators (scope read:reports): the figures of the reports page, from the
same selectors (smartqueue.dashboard.reports; definitions in docs/measures.md), for a period
and optionally per day, hour, site, service, queue, agent or channel. Four queries."""

from datetime import date, timedelta
from typing import Any

from ninja import Query, Router

from smartqueue.api.schemas import AnalyticsOut, AnalyticsQuery, TenantSlug
from smartqueue.api.support import ApiError, TokenAuth
from smartqueue.dashboard.reports import Filters, feedback_figures, figures_by, main_figures

LONGEST = timedelta(days=366)

analytics = Router(tags=["analytics"])


@analytics.get("/", response=AnalyticsOut, auth=TokenAuth("read:reports"), summary="Figures")
def figures(request, tenant_slug: TenantSlug, query: Query[AnalyticsQuery]):
    """Counts, waits (mean, median, 90th percentile, seconds), service times, the share
    served within the SLA, no-show and cancel rates, CSAT and NPS of the tickets of the period
    (business days, both ends included); with group_by, the same per group."""
    if query.end < query.start:
        raise ApiError(400, {"end": ["La fin précède le début."]})
    if query.end - query.start > LONGEST:
        raise ApiError(400, {"end": ["Une période d'au plus 366 jours."]})
    filters = Filters(
        start=query.start,
        end=query.end,
        site=text(query.site),
        service=text(query.service),
        queue=text(query.queue),
        agent=text(query.agent),
        channel=query.channel,
    )
    tickets = filters.tickets()
    groups = figures_by(tickets, query.group_by) if query.group_by else []
    return {
        "start": query.start,
        "end": query.end,
        "group_by": query.group_by,
        "totals": {**main_figures(tickets), **feedback_figures(tickets)},
        "groups": [{**row, "key": key_text(row["key"])} for row in groups],
    }


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def key_text(key: Any) -> str | None:
    if key is None:
        return None
    if isinstance(key, date):
        return key.isoformat()
    if isinstance(key, float):
        return str(int(key))
    return str(key)
