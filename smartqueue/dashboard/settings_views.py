"""Settings pages for managers and admins: one list and one form per kind of thing, each change
audited. Queue status and device secrets have their own buttons."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from smartqueue.accounts.decorators import member_required
from smartqueue.accounts.models import Role
from smartqueue.dashboard import forms
from smartqueue.devices.models import Display, Kiosk, new_secret
from smartqueue.errors import DomainError
from smartqueue.live.dispatcher import dispatcher
from smartqueue.live.groups import device_link_group
from smartqueue.queues import services
from smartqueue.queues.history import Actor, audit, save_audited
from smartqueue.queues.models import Counter, Queue

logger = logging.getLogger(__name__)
ONLINE_WITHIN = timedelta(minutes=2)
MANAGERS = (Role.ADMIN, Role.MANAGER)


@dataclass(frozen=True)
class Section:
    title: str | Promise
    form: type
    related: tuple[str, ...] = ()
    admins_only: bool = False  # what customers read and where our data goes

    @property
    def model(self):
        return self.form._meta.model


SECTIONS = {
    "sites": Section(_("Sites"), forms.SiteForm),
    "services": Section(_("Services"), forms.ServiceForm),
    "queues": Section(_("Files d'attente"), forms.QueueForm, ("site", "service")),
    "counters": Section(_("Guichets"), forms.CounterForm, ("site",)),
    "displays": Section(_("Écrans"), forms.DisplayForm, ("site",)),
    "kiosks": Section(_("Bornes"), forms.KioskForm, ("site",)),
    "hours": Section(_("Horaires des rendez-vous"), forms.OpeningHoursForm, ("site",)),
    "holidays": Section(_("Jours fermés"), forms.HolidayForm, ("site",)),
    "sla-alerts": Section(_("Alertes SLA"), forms.SlaAlertForm, ("site",)),
    "notifications": Section(_("Messages aux clients"), forms.NotificationTemplateForm, (), True),
    "webhooks": Section(_("Webhooks"), forms.WebhookEndpointForm, (), True),
}


def section_of(name: str, request) -> Section:
    if name not in SECTIONS:
        raise Http404
    section = SECTIONS[name]
    if section.admins_only and request.membership.role != Role.ADMIN:
        raise PermissionDenied(_("Réservé aux administrateurs."))
    return section


@member_required(*MANAGERS)
def settings_index(request):
    """/settings/: every section the member may open, with how many items each has."""
    admin = request.membership.role == Role.ADMIN
    shown = [
        (name, section, section.model.objects.count())
        for name, section in SECTIONS.items()
        if admin or not section.admins_only
    ]
    return render(request, "dashboard/settings_index.html", {"shown": shown})


@member_required(*MANAGERS)
def settings_list(request, section: str):
    chosen = section_of(section, request)
    items = chosen.model.objects.select_related(*chosen.related)
    if chosen.model is Counter:
        items = items.prefetch_related("queues")
    context = {
        "sections": SECTIONS,
        "section": section,
        "chosen": chosen,
        "items": items,
        "devices": section in ("displays", "kiosks"),
        "online_since": timezone.now() - ONLINE_WITHIN,
    }
    return render(request, "dashboard/settings_list.html", context)


@member_required(Role.ADMIN)
def organisation(request):
    """The organisation's own settings (the tenant row, shared by all its sites): admins."""
    form = forms.OrganisationForm(request.POST or None, instance=request.tenant)
    if request.method == "POST" and form.is_valid():
        save_audited(form, by=Actor.from_request(request))
        messages.success(request, _("Réglages de l'organisation enregistrés."))
        return redirect("settings_organisation", tenant_slug=request.tenant.slug)
    context = {"sections": SECTIONS, "section": "organisation", "form": form}
    return render(request, "dashboard/settings_organisation.html", context)


@member_required(*MANAGERS)
def settings_edit(request, section: str, pk: UUID | None = None):
    chosen = section_of(section, request)
    instance = get_object_or_404(chosen.model, pk=pk) if pk else None
    form = chosen.form(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = save_audited(form, by=Actor.from_request(request))
        if isinstance(saved, Display):
            schema, secret = request.tenant.schema_name, saved.secret
            transaction.on_commit(lambda: reload_display(schema, secret))
        messages.success(request, _("« %(name)s » enregistré.") % {"name": saved})
        return redirect("settings_list", tenant_slug=request.tenant.slug, section=section)
    context = {
        "sections": SECTIONS,
        "section": section,
        "chosen": chosen,
        "form": form,
        "instance": instance,
    }
    return render(request, "dashboard/settings_form.html", context)


@require_POST
@member_required(*MANAGERS)
def queue_status(request, pk: UUID):
    queue = get_object_or_404(Queue, pk=pk)
    try:
        services.set_queue_status(
            queue=queue, status=request.POST.get("status", ""), by=Actor.from_request(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("settings_list", tenant_slug=request.tenant.slug, section="queues")


@require_POST
@member_required(*MANAGERS)
def new_device_secret(request, section: str, pk: UUID):
    """A leaked link stops working at once: the device must be opened with the new one."""
    model = {"displays": Display, "kiosks": Kiosk}.get(section)
    if model is None:
        raise Http404
    device = get_object_or_404(model, pk=pk)
    old_secret = device.secret
    device.secret = new_secret()
    device.save(update_fields=["secret"])
    schema = request.tenant.schema_name
    transaction.on_commit(lambda: close_link_sockets(schema, old_secret))
    audit(
        by=Actor.from_request(request),
        action=f"{section[:-1]}.secret_renewed",
        obj=device,
        before={},
        after={},
    )
    messages.success(
        request,
        _("Nouveau lien pour « %(device)s » : l'ancien ne fonctionne plus.") % {"device": device},
    )
    return redirect("settings_list", tenant_slug=request.tenant.slug, section=section)


def close_link_sockets(schema: str, secret: str) -> None:
    """The screens opened with the old link stop hearing the board at once."""
    try:
        dispatcher.send_message(device_link_group(schema, secret), {"type": "live.link_renewed"})
    except Exception:  # noqa: BLE001 (the link is renewed even with the channel layer away)
        logger.exception("could not close the sockets of a renewed device link")


RELOAD = '<div id="display-reload" data-reload="1" hx-swap-oob="true" hidden></div>'


def reload_display(schema: str, secret: str) -> None:
    """A screen whose settings changed reloads itself: its colours, logo and message are in the
    page, and its queues decide which board it hears."""
    try:
        dispatcher.send_message(
            device_link_group(schema, secret), {"type": "live.html", "html": RELOAD}
        )
    except Exception:  # noqa: BLE001 (the settings are saved even with the channel layer away)
        logger.exception("could not tell a display to reload")


def device_link(request, section: str, device) -> str:
    name = "display" if section == "displays" else "kiosk"
    path = reverse(name, kwargs={"tenant_slug": request.tenant.slug, "secret": device.secret})
    return request.build_absolute_uri(path)


@member_required(*MANAGERS)
def device_qr(request, section: str, pk: UUID):
    """The device link as a QR code, to open it on the screen or kiosk without typing."""
    model = {"displays": Display, "kiosks": Kiosk}.get(section)
    if model is None:
        raise Http404
    device = get_object_or_404(model, pk=pk)
    link = device_link(request, section, device)
    context = {
        "device": device,
        "link": link,
        "qr_svg": segno.make(link, error="m").svg_inline(scale=5),
        "sections": SECTIONS,
        "section": section,
    }
    return render(request, "dashboard/device_link.html", context)
