from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smartqueue.errors import DomainError
from smartqueue.feedback.models import Feedback
from smartqueue.queues import events
from smartqueue.queues.models import Ticket


def record_feedback(*, ticket: Ticket, csat: int, nps: int | None, comment: str = "") -> Feedback:
    """Only a served ticket is rated, once."""
    if ticket.outcome != Ticket.Outcome.SERVED:
        raise DomainError(_("On ne peut donner son avis qu'après avoir été servi."))
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                ticket=ticket,
                service_id=ticket.queue.service_id,
                agent_id=ticket.agent_id,
                csat=csat,
                nps=nps,
                comment=comment[:2000],
            )
            # Dashboards and webhooks hear of it like of any ticket step.
            events.publish(
                "feedback.created",
                ticket_id=str(ticket.pk),
                queue_id=str(ticket.queue_id),
                site_id=str(ticket.queue.site_id),
                csat=csat,
                nps=nps,
            )
            return feedback
    except IntegrityError:
        raise DomainError(_("Vous avez déjà donné votre avis pour ce ticket. Merci !")) from None
