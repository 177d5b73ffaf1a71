"""Who did what: the ticket's history (TicketEvent) and the audit log, written together."""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import UUIDField
from django.forms.models import model_to_dict
from psycopg.types.json import Jsonb

from smartqueue.queues import clock
from smartqueue.queues.models import AuditLog, Ticket
from smartqueue.security import client_address

SNAPSHOT_FIELDS = ("status", "outcome", "queue_id", "agent_id", "counter_id", "priority")


@dataclass(frozen=True)
class Actor:
    """Whoever asks for a change: a signed-in user, a kiosk, a customer's phone or the system."""

    user: Any = None
    label: str = ""
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request, *, user=None, label: str = "") -> "Actor":
        user = user if user is not None else getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        return cls(
            user=user,
            label=label or (user.email if user is not None else ""),
            ip=client_address(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
        )

    @property
    def user_id(self):
        return self.user.pk if self.user is not None else None


SYSTEM = Actor(label="système")


def snapshot(obj, fields=SNAPSHOT_FIELDS) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | str | bool) else str(value)


SECRET_FIELDS = frozenset({"secret"})  # webhook signing keys, device links


def plain(values: dict) -> dict:
    """JSON-safe values for the audit log (ids and dates as text, related sets as id lists);
    secrets masked, their last characters kept to show that one changed."""
    return {
        key: masked(value)
        if key in SECRET_FIELDS
        else [str(getattr(v, "pk", v)) for v in value]
        if isinstance(value, list | tuple)
        else value
        if value is None or isinstance(value, bool | int | float | str)
        else str(value)
        for key, value in values.items()
    }


def masked(value) -> str:
    text = str(value or "")
    return "…" + text[-4:] if len(text) > 16 else "…"


def save_audited(form, *, by: Actor):
    """Save a settings form (site, service, counter…) and write who changed what. The stored row
    is read again for "before": validation has already changed the form's instance."""
    instance = form.instance
    stored = None if instance._state.adding else type(instance).objects.get(pk=instance.pk)
    before = plain(model_to_dict(stored)) if stored else {}
    saved = form.save()
    action = f"{saved._meta.model_name}.{'updated' if stored else 'created'}"
    audit(by=by, action=action, obj=saved, before=before, after=plain(model_to_dict(saved)))
    return saved


def audit(*, by: Actor, action: str, obj, before: dict, after: dict) -> None:
    AuditLog.objects.create(
        at=clock.now(),
        actor_id=by.user_id,
        actor_label=by.label[:254],
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        ip=by.ip,
        user_agent=by.user_agent[:300],
        before=before,
        after=after,
    )


# Both rows in one statement: every step of every ticket writes them, so one round trip less
# matters (measured: benchmark_engine). Columns are those of TicketEvent and AuditLog.
RECORD_SQL = """
WITH step AS (
    INSERT INTO queues_ticketevent (ticket_id, kind, at, queue_id, counter_id, actor_id, note)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
)
INSERT INTO queues_auditlog
    (at, actor_id, actor_label, action, object_type, object_id, ip, user_agent, before, after)
VALUES (%s, %s, %s, %s, 'ticket', %s, %s, %s, %s, %s)
"""


def record(ticket: Ticket, kind: str, *, by: Actor, before: dict | None = None, note: str = ""):
    """One step of a ticket: its history line and its audit entry."""
    now = clock.now()
    step = [ticket.pk, kind, now, ticket.queue_id, ticket.counter_id, by.user_id, note[:300]]
    entry = [
        now,
        by.user_id,
        by.label[:254],
        f"ticket.{kind}",
        str(ticket.pk),
        by.ip,
        by.user_agent[:300],
        Jsonb(before or {}),
        Jsonb(snapshot(ticket)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(RECORD_SQL, step + entry)


def snapshot_sql(row: str) -> str:
    """snapshot() written in SQL over `row`, for statements that record the rows they change
    (ids as text, like _plain)."""
    pairs = []
    for name in SNAPSHOT_FIELDS:
        field = Ticket._meta.get_field(name.removesuffix("_id"))
        target = getattr(field, "target_field", field)
        value = f"{row}.{name}::text" if isinstance(target, UUIDField) else f"{row}.{name}"
        pairs.append(f"'{name}', {value}")
    return f"jsonb_build_object({', '.join(pairs)})"


def record_rows(
    kind: str, *, source: str, by: Actor, before: dict | None = None, note: str = ""
) -> tuple[str, list]:
    """record() for the tickets that a statement's CTE `source` returns: two more CTEs and
    their parameters. `before` holds the values the statement changed (none: a new ticket)."""
    after = snapshot_sql(source)
    was = f"{after} || %s" if before is not None else "'{}'::jsonb"
    sql = f"""
    step AS (
        INSERT INTO queues_ticketevent (ticket_id, kind, at, queue_id, counter_id, actor_id, note)
        SELECT id, %s, %s, queue_id, counter_id, %s, %s FROM {source}
    ), entry AS (
        INSERT INTO queues_auditlog
            (at, actor_id, actor_label, action, object_type, object_id, ip, user_agent,
             before, after)
        SELECT %s, %s, %s, %s, 'ticket', id::text, %s::inet, %s, {was}, {after}
          FROM {source}
    )"""
    now = clock.now()
    params = [kind, now, by.user_id, note[:300]]
    params += [now, by.user_id, by.label[:254], f"ticket.{kind}", by.ip, by.user_agent[:300]]
    return sql, params + ([Jsonb(before)] if before is not None else [])
