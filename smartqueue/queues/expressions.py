"""SQL expressions the engine and the reports share, written once."""

from django.db.models import DurationField, ExpressionWrapper, F, Func


def interval_seconds(expression) -> Func:
    """A number of seconds as a PostgreSQL interval, to add to or compare with timestamps."""
    return Func(
        expression, template="make_interval(secs => %(expressions)s)", output_field=DurationField()
    )


# A ticket's SLA target, from its queue's service.
SLA = interval_seconds(F("queue__service__sla_seconds"))
# Waiting time (docs/measures.md): the call minus the ticket's creation.
WAIT = ExpressionWrapper(F("called_at") - F("created_at"), output_field=DurationField())
