"""The fragments pushed to pages: rendered once per site per batch of events, from the very
partials the pages render on load."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from smartqueue.devices.models import Display
from smartqueue.devices.selectors import display_board
from smartqueue.languages import STAFF_LANGUAGES
from smartqueue.live.groups import (
    counter_group,
    dashboard_group,
    display_group,
    kiosk_group,
    queue_tick_group,
)
from smartqueue.live.sequence import next_seq
from smartqueue.queues.events import DomainEvent
from smartqueue.queues.models import Counter, Queue, Site
from smartqueue.queues.selectors import waiting_lists

ANNOUNCED = ("ticket.called", "ticket.recalled")


def affected_queue_ids(events: list[DomainEvent]) -> list[str]:
    ids: list[str] = []
    for event in events:
        for key in ("queue_id", "from_queue_id"):
            value = event.data.get(key)
            if value and value not in ids:
                ids.append(value)
    return ids


def announcements(events: list[DomainEvent]) -> list[dict]:
    """What the display says: one entry per call or recall, keyed so a recall is said again."""
    calls = [event.data for event in events if event.name in ANNOUNCED]
    ids = {call["counter_id"] for call in calls if call.get("counter_id")}
    counters = Counter.objects.filter(pk__in=ids) if ids else Counter.objects.none()
    names = {str(pk): name for pk, name in counters.values_list("pk", "name")}
    return [
        {
            **call,
            "key": f"{call['ticket_id']}:{call.get('recall_count', 0)}",
            "counter_name": names.get(call.get("counter_id") or "", ""),
        }
        for call in calls
    ]


def site_messages(schema: str, site_id: str, events: list[DomainEvent]) -> list[tuple[str, str]]:
    with schema_context(schema):
        site = Site.objects.filter(pk=site_id).first()
        if site is None:
            return []
        seq = next_seq(schema, site_id)
        return render_messages(schema, site, seq, events)


def render_messages(schema: str, site: Site, seq: int, events) -> list[tuple[str, str]]:
    """The board once per language and layout of the site's displays, the waiting lists once
    per staff language: the data is read once, only the words differ."""
    site_id = str(site.pk)
    messages: list[tuple[str, str]] = []
    with timezone.override(site.zone):
        queue_ids = affected_queue_ids(events)
        queues = list(Queue.objects.filter(pk__in=queue_ids, site=site).select_related("service"))
        board = {**display_board(site), "seq": seq, "announcements": announcements(events)}
        for language, layout in display_variants(site):
            with translation.override(language):
                html = render_to_string(
                    "devices/display.html#push", {**board, "display": {"layout": layout}}
                )
            messages.append((display_group(schema, site_id, language, layout), html))
        lists = {"waiting_lists": waiting_lists(queues), "seq": seq}
        for language in STAFF_LANGUAGES:
            with translation.override(language):
                html = render_to_string("queues/counter.html#push", lists)
            messages.append((counter_group(schema, site_id, language), html))
    tick = render_to_string("live/tick.html", {"seq": seq})
    messages += [(queue_tick_group(schema, queue_id), tick) for queue_id in queue_ids]
    # Dashboards only need to know something changed: they fetch their board themselves.
    messages.append((dashboard_group(schema), tick))
    # Kiosks show each open service's waiting count and wait, which any event may change.
    messages.append((kiosk_group(schema, site_id), tick))
    return messages


def display_variants(site: Site) -> list[tuple[str, str]]:
    return list(
        Display.objects.filter(site=site, is_active=True)
        .values_list("language", "layout")
        .distinct()
        .order_by()
    )
