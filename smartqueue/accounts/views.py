from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from smartqueue.accounts.decorators import member_required
from smartqueue.accounts.models import Membership
from smartqueue.devices.models import Display, Kiosk
from smartqueue.queues.models import Site


@login_required
def home(request):
    """After sign-in: straight to the only organisation, or a choice among several."""
    memberships = list(
        Membership.objects.filter(user=request.user, is_active=True, tenant__is_active=True)
        .select_related("tenant")
        .order_by("tenant__name")
    )
    if len(memberships) == 1:
        return redirect("tenant_home", tenant_slug=memberships[0].tenant.slug)
    return render(request, "accounts/choose_tenant.html", {"memberships": memberships})


@member_required()
def tenant_home(request):
    sites = Site.objects.filter(is_active=True).order_by("name")
    context = {"membership": request.membership, "sites": sites}
    if request.membership.role != "agent":  # device links are secrets: managers hand them out
        context["displays"] = Display.objects.select_related("site")
        context["kiosks"] = Kiosk.objects.select_related("site")
    return render(request, "accounts/tenant_home.html", context)
