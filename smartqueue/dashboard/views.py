"""The manager's live dashboard: one site at a time, refreshed on every event of the site."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from smartqueue.accounts.decorators import member_required
from smartqueue.accounts.models import Role
from smartqueue.dashboard.selectors import active_sites, past_sla, site_dashboard, waited
from smartqueue.ids import as_uuid
from smartqueue.queues.models import Site

TEMPLATE = "dashboard/dashboard.html"


@member_required(Role.ADMIN, Role.MANAGER)
def dashboard(request):
    sites = list(active_sites())
    chosen = as_uuid(request.GET.get("site", ""))
    site = get_object_or_404(Site, pk=chosen) if chosen else (sites[0] if sites else None)
    context = {
        "sites": sites,
        "site": site,
        "board": site_dashboard(site) if site else None,
        "ws_url": f"/ws/tenants/{request.tenant.slug}/live/dashboard/sites/",
    }
    with timezone.override(site.zone if site else None):
        if request.GET.get("fragment") == "board":
            return render(request, f"{TEMPLATE}#board", {**context, "oob": True})
        return render(request, TEMPLATE, context)


PAST_SLA_PAGE = 50


@member_required(Role.ADMIN, Role.MANAGER)
def past_sla_list(request):
    """Every ticket of a site waiting past its SLA, longest first, a page at a time (the board
    shows only the first few)."""
    site = get_object_or_404(Site, pk=as_uuid(request.GET.get("site", "")))
    page = Paginator(past_sla(site), PAST_SLA_PAGE).get_page(request.GET.get("page"))
    with timezone.override(site.zone):
        return render(
            request,
            "dashboard/past_sla.html",
            {"site": site, "page": page, "rows": [(t, waited(t)) for t in page]},
        )
