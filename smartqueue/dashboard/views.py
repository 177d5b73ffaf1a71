"""The manager's live dashboard: one site at a time, refreshed on every event of the site."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from smartqueue.accounts.decorators import member_required
from smartqueue.accounts.models import Role
from smartqueue.dashboard.selectors import active_sites, site_dashboard
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
