"""Lobby display and kiosk pages: opened with the device's secret link, no staff login."""

import segno
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartqueue.cache import over_limit
from smartqueue.devices.forms import CheckInForm, KioskTicketForm
from smartqueue.devices.models import Display, Kiosk, with_secret
from smartqueue.devices.selectors import display_board, kiosk_services
from smartqueue.errors import DomainError
from smartqueue.languages import supported
from smartqueue.live.sequence import current_seq
from smartqueue.queues import appointments, services
from smartqueue.queues.estimates import quoted_wait
from smartqueue.queues.history import Actor
from smartqueue.queues.models import APPOINTMENT_CODE_ALPHABET
from smartqueue.queues.selectors import position_in_queue

DISPLAY = "devices/display.html"
KIOSK = "devices/kiosk.html"
UNAVAILABLE = "devices/unavailable.html"
KIOSK_BURST_SECONDS = 2  # a double tap must not print two tickets
KIOSK_PER_MINUTE = 30
# The code keypad: digits first, then the letters, as on a phone's keypad screen.
APPOINTMENT_CODE_KEYS = sorted(APPOINTMENT_CODE_ALPHABET, key=lambda key: (not key.isdigit(), key))


def device(model, secret: str):
    found = with_secret(model, secret, "site")
    if found is None:
        raise Http404
    return found


def unavailable(request, model, secret: str):
    """A device whose link no longer opens: a page the lobby can read, not a bare 404. A
    deactivated device (410) speaks its own language; an unknown link (404) the page's."""
    off = with_secret(model, secret, active=False)
    language = off.language if off else supported(request.GET.get("lang"))
    context = {"off": off, "kiosk": model is Kiosk}
    with translation.override(language):
        return render(request, UNAVAILABLE, context, status=410 if off else 404)


# --- display --------------------------------------------------------------------------------


def display_page(request, tenant_slug: str, secret: str):
    display = with_secret(Display, secret, "site")
    if display is None:
        return unavailable(request, Display, secret)
    context = {
        **display_board(display.site, display.shown_queue_ids()),
        "display": display,
        "seq": current_seq(request.tenant.schema_name, display.site_id),
        "ws_url": f"/ws/tenants/{request.tenant.slug}/live/display/{secret}/",
    }
    template = f"{DISPLAY}#push" if request.GET.get("fragment") == "board" else DISPLAY
    with timezone.override(display.site.zone), translation.override(display.language):
        return render(request, template, context)


@require_POST
def heartbeat(request, tenant_slug: str, kind: str, secret: str):
    """The page says it is alive; managers see screens and kiosks that stopped saying so."""
    model = {"display": Display, "kiosk": Kiosk}.get(kind)
    if model is None:
        raise Http404
    found = device(model, secret)
    model._default_manager.filter(pk=found.pk).update(last_seen_at=timezone.now())
    return HttpResponse(status=204)


# --- kiosk ----------------------------------------------------------------------------------


def kiosk_page(request, tenant_slug: str, secret: str):
    kiosk = with_secret(Kiosk, secret, "site")
    if kiosk is None:
        return unavailable(request, Kiosk, secret)
    language = supported(request.GET.get("lang"), kiosk.language)
    context = {
        "kiosk": kiosk,
        "services": kiosk_services(kiosk.site),
        "code_keys": APPOINTMENT_CODE_KEYS,
        "ws_url": f"/ws/tenants/{request.tenant.slug}/live/kiosk/{secret}/",
        "language": language,
    }
    template = f"{KIOSK}#services" if request.GET.get("fragment") == "services" else KIOSK
    with translation.override(language):
        return render(request, template, context)


@require_POST
def kiosk_ticket(request, tenant_slug: str, secret: str):
    kiosk = device(Kiosk, secret)
    language = supported(request.POST.get("lang"), kiosk.language)
    form = KioskTicketForm(request.POST, site=kiosk.site)
    with translation.override(language):
        if not form.is_valid():
            if set(form.errors) == {"phone"} and request.headers.get("HX-Request"):
                return phone_error(request, form)
            return render(request, f"{KIOSK}#problem", {"form": form}, status=400)
        if too_fast(kiosk):
            form.add_error(None, _("Un instant, s'il vous plaît… puis touchez de nouveau."))
            return render(request, f"{KIOSK}#problem", {"form": form}, status=429)
        try:
            with transaction.atomic():  # no customer row left behind by a refused ticket
                ticket = services.create_ticket(
                    queue=form.cleaned_data["queue"],
                    channel="kiosk",
                    customer=form.customer(),
                    by=Actor.from_request(request, label=f"borne {kiosk.name}"),
                )
        except DomainError as error:
            form.add_error(None, error.message)
            return render(request, f"{KIOSK}#problem", {"form": form}, status=400)
        return render(request, f"{KIOSK}#ticket", ticket_context(request, kiosk, ticket))


@require_POST
def kiosk_check_in(request, tenant_slug: str, secret: str):
    """An appointment's code gives its ticket (appointments.check_in decides on time or not)."""
    kiosk = device(Kiosk, secret)
    language = supported(request.POST.get("lang"), kiosk.language)
    form = CheckInForm(request.POST)
    with translation.override(language):
        if form.is_valid():
            try:
                ticket = appointments.check_in(
                    code=form.cleaned_data["code"],
                    site=kiosk.site,
                    by=Actor.from_request(request, label=f"borne {kiosk.name}"),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return render(request, f"{KIOSK}#ticket", ticket_context(request, kiosk, ticket))
        return render(request, f"{KIOSK}#problem", {"form": form}, status=400)


def phone_error(request, form: KioskTicketForm):
    """Only the number is wrong: the message goes next to the phone field and the chosen
    service stays, instead of a screen that sends the customer back to the start."""
    response = render(request, f"{KIOSK}#phone_error", {"form": form}, status=400)
    response["HX-Retarget"] = "#phone-error"
    response["HX-Reswap"] = "innerHTML"
    return response


def too_fast(kiosk: Kiosk) -> bool:
    """Slow a kiosk down (a stuck key, a child at play) instead of printing a roll of tickets.
    Without Redis the cache lets every ticket through (smartqueue/cache.py)."""
    if not cache.add(f"kiosk:{kiosk.pk}:burst", 1, KIOSK_BURST_SECONDS):
        return True
    return over_limit(f"kiosk:{kiosk.pk}:minute", limit=KIOSK_PER_MINUTE, window_seconds=60)


def ticket_context(request, kiosk: Kiosk, ticket) -> dict:
    path = reverse("ticket", kwargs={"tenant_slug": request.tenant.slug, "ticket_id": ticket.pk})
    # The phone page opens in the language the customer chose at the kiosk.
    link = request.build_absolute_uri(f"{path}?lang={translation.get_language()}")
    position = position_in_queue(ticket) or 1
    with timezone.override(kiosk.site.zone):
        return {
            "kiosk": kiosk,
            "ticket": ticket,
            "position": position,
            "wait": quoted_wait(ticket.queue, position),
            "link": link,
            "qr_svg": segno.make(link, error="m").svg_inline(scale=4, dark="#111", omitsize=True),
            "issued_at": timezone.localtime(ticket.created_at),
        }
