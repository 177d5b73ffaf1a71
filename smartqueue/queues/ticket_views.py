"""The customer's ticket page (from the QR code or SMS link): no login, the id is the secret."""

from uuid import UUID

from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from smartqueue.errors import DomainError
from smartqueue.feedback.forms import FeedbackForm
from smartqueue.feedback.models import Feedback
from smartqueue.feedback.services import record_feedback
from smartqueue.languages import supported
from smartqueue.queues import services
from smartqueue.queues.estimates import quoted_wait
from smartqueue.queues.history import Actor
from smartqueue.queues.models import Ticket
from smartqueue.queues.selectors import latest_leg, position_in_queue

TEMPLATE = "queues/ticket.html"


def find_ticket(ticket_id: UUID) -> Ticket:
    return get_object_or_404(Ticket.objects.select_related("queue__site"), pk=ticket_id)


def ticket_context(request, first: Ticket, *, error: str = "", form=None) -> dict:
    leg = latest_leg(first)
    position = position_in_queue(leg)
    served = leg.outcome == Ticket.Outcome.SERVED
    feedback = Feedback.objects.filter(ticket=leg).first() if served else None
    lang = supported(request.GET.get("lang") or request.POST.get("lang"))
    with translation.override(lang):
        wait = quoted_wait(leg.queue, position) if position else ""
    return {
        "live": leg.status in Ticket.OPEN,
        "feedback": feedback,
        "feedback_form": (form or FeedbackForm()) if served and feedback is None else None,
        "ws_url": f"/ws/tenants/{request.tenant.slug}/live/ticket/{first.pk}/",
        "first": first,
        "ticket": leg,
        "position": position,
        "wait": wait,
        "error": error,
        "lang": lang,
    }


def shown(request, context: dict, template: str):
    """In the site's time and the customer's language."""
    zone = context["ticket"].queue.site.zone
    with timezone.override(zone), translation.override(context["lang"]):
        return render(request, template, context)


def ticket_page(request, tenant_slug: str, ticket_id: UUID):
    context = ticket_context(request, find_ticket(ticket_id))
    if request.htmx and request.GET.get("fragment") == "status":
        response = shown(request, context, f"{TEMPLATE}#status")
        if request.GET.get("leg") not in (None, str(context["ticket"].pk)):
            response["HX-Refresh"] = "true"  # transferred: reload to follow the new queue
        return response
    return shown(request, context, TEMPLATE)


@require_POST
def give_feedback(request, tenant_slug: str, ticket_id: UUID):
    first = find_ticket(ticket_id)
    form = FeedbackForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            record_feedback(ticket=latest_leg(first), **form.cleaned_data)
        except DomainError as problem:
            error = problem.message
    context = ticket_context(request, find_ticket(ticket_id), error=error, form=form)
    return shown(request, context, f"{TEMPLATE}#status")


@require_POST
def cancel_ticket(request, tenant_slug: str, ticket_id: UUID):
    first = find_ticket(ticket_id)
    error = ""
    try:
        services.cancel_ticket(
            ticket=latest_leg(first), by=Actor.from_request(request, label="client")
        )
    except DomainError as problem:
        error = problem.message
    context = ticket_context(request, find_ticket(ticket_id), error=error)  # as it is now
    return shown(request, context, f"{TEMPLATE}#status")
