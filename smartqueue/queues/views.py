"""The agent's counter page: every action is an htmx POST that calls the engine and swaps the
desk; the waiting lists arrive live over the socket."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartqueue.accounts.decorators import member_required
from smartqueue.errors import DomainError
from smartqueue.ids import as_uuid
from smartqueue.live.sequence import current_seq
from smartqueue.queues import clock, services
from smartqueue.queues.history import Actor
from smartqueue.queues.models import AgentProfile, Counter, Queue, Ticket
from smartqueue.queues.selectors import desk_state, ticket_history, waiting_lists

TEMPLATE = "queues/counter.html"


@member_required()
def counter_page(request):
    context = counter_context(request)
    with site_time(context["counter"]):
        if request.GET.get("fragment") == "live":  # re-sync after a gap or a reconnection
            return render(request, f"{TEMPLATE}#push", {**context, "desk": True})
        return render(request, TEMPLATE, context)


def site_time(counter):
    """Times on the page are the site's local times."""
    return timezone.override(counter.site.zone if counter else None)


def counter_context(request, *, error: str = "", notice: str = "") -> dict:
    profile = (
        AgentProfile.objects.filter(user_id=request.user.pk).select_related("counter__site").first()
    )
    counter = profile.counter if profile and profile.counter and profile.counter.is_active else None
    current = (
        Ticket.objects.filter(agent_id=request.user.pk, status__in=Ticket.ACTIVE)
        .select_related("queue__service", "customer", "counter")
        .first()
    )
    queues = list(counter.queues.select_related("service", "site")) if counter else []
    return {
        "profile": profile,
        "counter": counter,
        "counters": Counter.objects.filter(is_active=True).select_related("site"),
        "statuses": AgentProfile.Status.choices,
        "current": current,
        "history": ticket_history(current) if current else [],
        "paused": Ticket.objects.filter(agent_id=request.user.pk, status=Ticket.Status.PAUSED)
        .select_related("queue")
        .order_by("paused_at"),
        "waiting_lists": waiting_lists(queues),
        "transfer_queues": transfer_targets(counter, current),
        "seq": current_seq(request.tenant.schema_name, counter.site_id) if counter else 0,
        "ws_url": f"/ws/tenants/{request.tenant.slug}/live/counter/{counter.site_id}/"
        if counter
        else "",
        "desk_state": desk_state(request.user.pk),
        "timer_seconds": timer_seconds(current),
        "break_reasons": AgentProfile.BreakReason.choices,
        "call_reasons": call_reasons(),
        "error": error,
        "notice": notice,
    }


def timer_seconds(current: Ticket | None) -> int:
    """How long the current ticket has been in service (or, not started yet, called)."""
    if current is None:
        return 0
    since = current.service_started_at or current.called_at or current.created_at
    return max(0, int((clock.now() - since).total_seconds()))


def call_reasons() -> list[str]:
    """The usual reasons to call a ticket before its turn; "other" lets the agent write one."""
    return [
        _("Rendez-vous"),
        _("Priorité (âge, handicap, grossesse)"),
        _("Suite d'un service déjà commencé"),
    ]


def transfer_targets(counter, current) -> list[Queue]:
    if counter is None or current is None:
        return []
    return list(
        Queue.objects.filter(site=counter.site_id)
        .exclude(status=Queue.Status.CLOSED)
        .exclude(pk=current.queue_id)
        .select_related("service")
    )


def desk_response(request, *, error: str = "", notice: str = ""):
    """htmx gets the desk fragment (with the message in it); a plain form post is redirected."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("counter", tenant_slug=request.tenant.slug)
    context = counter_context(request, error=error, notice=notice)
    with site_time(context["counter"]):
        return render(request, f"{TEMPLATE}#desk", context)


def posted(model, request, name: str, message: str):
    pk = as_uuid(request.POST.get(name, ""))
    found = model.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise DomainError(message)
    return found


def posted_ticket(request) -> Ticket:
    return posted(Ticket, request, "ticket", _("Ce ticket n'existe plus."))


def call_next(request, actor):
    ticket = services.call_next(by=actor)
    return _("Ticket %(number)s appelé.") % {"number": ticket.number}


def call_ticket(request, actor):
    choice = request.POST.get("reason", "").strip()
    note = request.POST.get("reason_note", "").strip()
    reason = note if choice in ("", "other") else (f"{choice} — {note}" if note else choice)
    ticket = services.call_ticket(ticket=posted_ticket(request), by=actor, reason=reason)
    return _("Ticket %(number)s appelé.") % {"number": ticket.number}


def auto_call(request, actor):
    services.set_auto_call(by=actor, on=request.POST.get("auto_call") == "on")
    return ""


def recall(request, actor):
    ticket = services.recall(ticket=posted_ticket(request), by=actor)
    return _("Ticket %(number)s rappelé.") % {"number": ticket.number}


def start(request, actor):
    services.start_service(ticket=posted_ticket(request), by=actor)
    return ""


def close(request, actor):
    ticket = services.close_ticket(ticket=posted_ticket(request), by=actor)
    return _("Ticket %(number)s clos.") % {"number": ticket.number}


def no_show(request, actor):
    ticket = services.mark_no_show(ticket=posted_ticket(request), by=actor)
    return _("Ticket %(number)s déclaré absent.") % {"number": ticket.number}


def pause(request, actor):
    reason = request.POST.get("reason", "").strip()
    ticket = services.pause_ticket(ticket=posted_ticket(request), by=actor, reason=reason)
    return _("Ticket %(number)s mis en pause.") % {"number": ticket.number}


def resume(request, actor):
    services.resume_ticket(ticket=posted_ticket(request), by=actor)
    return ""


def transfer(request, actor):
    leg = services.transfer_ticket(
        ticket=posted_ticket(request),
        target_queue=posted(Queue, request, "queue", _("Choisissez une file.")),
        by=actor,
        reason=request.POST.get("reason", "").strip(),
        to_back=request.POST.get("to_back") == "on",
    )
    return _("Ticket %(number)s transféré vers %(queue)s.") % {
        "number": leg.number,
        "queue": leg.queue.name,
    }


def set_status(request, actor):
    counter = None
    if request.POST.get("counter"):
        counter = posted(Counter, request, "counter", _("Choisissez un guichet."))
    status = request.POST.get("status", "")
    if status == AgentProfile.Status.PAUSED:  # the counter asks why (services.take_break)
        services.take_break(
            by=actor,
            reason=request.POST.get("break_reason", ""),
            note=request.POST.get("break_note", ""),
            counter=counter,
        )
    else:
        services.set_agent_status(by=actor, status=status, counter=counter)
    return ""


ACTIONS = {
    "call": call_next,
    "call-ticket": call_ticket,
    "auto-call": auto_call,
    "recall": recall,
    "start": start,
    "close": close,
    "no-show": no_show,
    "pause": pause,
    "resume": resume,
    "transfer": transfer,
    "status": set_status,
}


@require_POST
@member_required()
def counter_action(request, action: str):
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        notice = handler(request, Actor.from_request(request))
    except DomainError as error:
        return desk_response(request, error=error.message)
    response = desk_response(request, notice=notice)
    if action == "status":  # maybe another counter: its queues and socket come with the page
        response["HX-Refresh"] = "true"
    return response
