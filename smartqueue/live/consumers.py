"""The pages' WebSocket: /ws/tenants/<slug>/live/<kind>/<key>/ → one channel group.

Channels has no tenant middleware: the tenant comes from the path and every database read
happens in a sync helper that enters the tenant's schema itself (django-tenants#1168)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone
from django_tenants.utils import schema_context

from smartqueue.accounts.models import Role
from smartqueue.accounts.roles import membership_for
from smartqueue.devices.models import Display, Kiosk, with_secret
from smartqueue.ids import as_uuid
from smartqueue.languages import chosen_language
from smartqueue.live.groups import (
    agent_group,
    counter_group,
    dashboard_group,
    device_link_group,
    display_group,
    kiosk_group,
    queue_tick_group,
    schema_of,
    session_group,
)
from smartqueue.live.watchdog import WatchedSocket, leave_group, watchdog
from smartqueue.queues.models import Site, Ticket
from smartqueue.queues.selectors import latest_leg
from smartqueue.tenants.models import Tenant

NOT_FOUND, FORBIDDEN = 4404, 4403
DEVICES = ("display", "kiosk")  # opened with a link's secret, closed when it is renewed
SIGNED_OUT = 4401  # the page reloads, and the sign-in page takes over


class LivePageConsumer(WatchedSocket, AsyncWebsocketConsumer):
    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        group, refusal = await database_sync_to_async(group_for)(
            kwargs["tenant_slug"],
            kwargs["kind"],
            kwargs["key"],
            self.scope.get("user"),
            chosen_language(self.scope.get("cookies", {})),
        )
        if group is None:
            await self.close(code=refusal)
            return
        self.group = group
        self.staff_groups = staff_groups(group, self.scope) if kwargs["kind"] == "counter" else []
        for each in (group, *self.staff_groups):
            await self.channel_layer.group_add(each, self.channel_name)
        if kwargs["kind"] in DEVICES:
            self.link_group = device_link_group(schema_of(group), kwargs["key"])
            await self.channel_layer.group_add(self.link_group, self.channel_name)
        await self.accept()
        watchdog.watch(self)

    async def disconnect(self, code):
        if getattr(self, "group", None):
            for each in (self.group, *getattr(self, "staff_groups", [])):
                await leave_group(self, each)
        if getattr(self, "link_group", None):
            await leave_group(self, self.link_group)

    async def receive(self, text_data=None, bytes_data=None):
        pass  # pages talk to the server over HTTP; the socket only listens

    async def live_html(self, message):
        await self.send(text_data=message["html"])

    async def live_link_renewed(self, message):
        """The device's link was renewed: the old one hears nothing more, even before the
        browser has acknowledged the close."""
        await self.disconnect(FORBIDDEN)  # leaves the groups
        self.group = self.link_group = None
        await self.close(code=FORBIDDEN)

    async def live_signed_out(self, message):
        """The sign-in this socket was opened with has ended: it hears nothing more."""
        await self.close(code=SIGNED_OUT)


def staff_groups(group: str, scope) -> list[str]:
    """A counter page also hears its agent's own desk, and is closed on sign-out."""
    groups = [agent_group(schema_of(group), scope["user"].pk)]
    session = scope.get("session")
    key = session.session_key if session is not None else None
    return [*groups, session_group(key)] if key else groups


def group_for(slug: str, kind: str, key: str, user, language: str) -> tuple[str | None, int]:
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        return None, NOT_FOUND
    finder = FINDERS.get(kind)
    if finder is None:
        return None, NOT_FOUND
    membership = membership_for(user, tenant) if kind in STAFF_KINDS else None
    if kind == "counter" and membership is None:
        return None, FORBIDDEN
    if kind == "dashboard" and (membership is None or membership.role == Role.AGENT):
        return None, FORBIDDEN
    with schema_context(tenant.schema_name):
        return finder(tenant.schema_name, key, language)


def counter_site(schema: str, key: str, language: str):
    pk = as_uuid(key)
    site = Site.objects.filter(pk=pk).first() if pk else None
    return (counter_group(schema, site.pk, language), 0) if site else (None, NOT_FOUND)


def dashboard_sites(schema: str, key: str, language: str):
    """Every site of the tenant: the key names no site (the dashboard's tabs show them all)."""
    return (dashboard_group(schema), 0) if key == "sites" else (None, NOT_FOUND)


def display_site(schema: str, key: str, language: str):
    """The display's own language, layout and queues, not the visitor's."""
    display = with_secret(Display, key)
    if display is None:
        return None, NOT_FOUND
    Display.objects.filter(pk=display.pk).update(last_seen_at=timezone.now())
    group = display_group(
        schema, display.site_id, display.language, display.layout, display.shown_queue_ids()
    )
    return group, 0


def kiosk_site(schema: str, key: str, language: str):
    kiosk = with_secret(Kiosk, key)
    return (kiosk_group(schema, kiosk.site_id), 0) if kiosk else (None, NOT_FOUND)


def ticket_queue(schema: str, key: str, language: str):
    pk = as_uuid(key)
    ticket = Ticket.objects.filter(pk=pk).first() if pk else None
    if ticket is None:
        return None, NOT_FOUND
    return queue_tick_group(schema, latest_leg(ticket).queue_id), 0


STAFF_KINDS = ("counter", "dashboard")
FINDERS = {
    "counter": counter_site,
    "dashboard": dashboard_sites,
    "display": display_site,
    "kiosk": kiosk_site,
    "ticket": ticket_queue,
}
