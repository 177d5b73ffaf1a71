"""The fragments pushed to pages: rendered once per site per batch of events, from the very
partials the pages render on load."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django_tenants.utils import schema_context

from smartqueue.devices.models import Display
from smartqueue.devices.selectors import display_board
from smartqueue.languages import STAFF_LANGUAGES
from smartqueue.live.groups import (
    agent_group,
    counter_group,
    dashboard_group,
    display_group,
    kiosk_group,
    queue_tick_group,
)
from smartqueue.live.sequence import next_seq
from smartqueue.queues.events import DomainEvent
from smartqueue.queues.models import Counter, Queue, Site, Ticket
from smartqueue.queues.selectors import desk_state, waiting_lists

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
            # A call without a counter names the agent's desk (services.call_next).
            "counter_name": names.get(call.get("counter_id") or "", "") or call.get("desk", ""),
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
    """The board once per language, layout and choice of queues of the site's displays (the
    data read once per choice of queues, only the words differ), the waiting lists once per
    staff language."""
    site_id = str(site.pk)
    messages: list[tuple[str, str]] = []
    with timezone.override(site.zone):
        queue_ids = affected_queue_ids(events)
        queues = list(Queue.objects.filter(pk__in=queue_ids, site=site).select_related("service"))
        said = announcements(events)
        boards: dict[tuple[str, ...], dict] = {}
        for language, layout, shown in display_variants(site):
            if shown not in boards:
                boards[shown] = {**display_board(site, list(shown)), "seq": seq}
            # A screen limited to some queues announces only their calls.
            board = {**boards[shown], "announcements": heard(said, shown)}
            with translation.override(language):
                html = render_to_string(
                    "devices/display.html#push", {**board, "display": {"layout": layout}}
                )
            messages.append((display_group(schema, site_id, language, layout, shown), html))
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


def display_variants(site: Site) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each distinct (language, layout, queues shown) among the site's active displays."""
    displays = Display.objects.filter(site=site, is_active=True).prefetch_related("queues")
    variants = {
        (display.language, display.layout, tuple(sorted(str(q.pk) for q in display.queues.all())))
        for display in displays
    }
    return sorted(variants)


def heard(said: list[dict], shown: tuple[str, ...]) -> list[dict]:
    return [call for call in said if not shown or call.get("queue_id") in shown]


def desk_messages(schema: str, events: list[DomainEvent]) -> list[tuple[str, str]]:
    """Each agent whose desk changed hears its new state (selectors.desk_state) in all their
    counter tabs; a tab that shows another redraws its desk (counter.js)."""
    with schema_context(schema):
        return [
            (
                agent_group(schema, user_id),
                format_html(
                    '<div id="desk-state" data-state="{}" hx-swap-oob="true" hidden></div>',
                    desk_state(user_id),
                ),
            )
            for user_id in agents_of(events)
        ]


def agents_of(events: list[DomainEvent]) -> list[str]:
    """The agents concerned: whose state changed, and who holds (or held) the tickets."""
    users = {event.data["user_id"] for event in events if event.data.get("user_id")}
    tickets = {
        event.data[key]
        for event in events
        if event.name.startswith("ticket.")
        for key in ("ticket_id", "previous_ticket_id")
        if event.data.get(key)
    }
    if tickets:
        held = Ticket.objects.filter(pk__in=tickets).exclude(agent_id=None)
        users.update(str(pk) for pk in held.values_list("agent_id", flat=True))
    return sorted(users)
