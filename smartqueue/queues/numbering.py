"""Ticket numbers: the service's letter and a gap-free number per queue per local day."""

from datetime import date, datetime

from django.db import connection

from smartqueue.queues import rows
from smartqueue.queues.history import Actor, record_rows
from smartqueue.queues.models import Queue, Ticket, TicketEvent

Kind = TicketEvent.Kind


def business_day(queue: Queue, moment: datetime) -> date:
    """The site's local date: numbering restarts at local midnight, DST included."""
    return moment.astimezone(queue.site.zone).date()


def insert_numbered(ticket: Ticket, *, by: Actor) -> Ticket | None:
    """Insert the ticket with the next number of its queue's day, and its history, in one
    statement that also takes the queue's lock and checks the queue takes tickets (None if it
    does not): on the busiest queue only this statement and the commit run under the lock.
    The day's row stays locked until the caller's transaction ends, and a rollback gives the
    number back (a sequence would leave a gap). Numbers read A001 … A999, A1000."""
    fields = [field for field in rows.fields(Ticket) if field.name != "number"]
    values = [field.get_db_prep_save(field.pre_save(ticket, True), connection) for field in fields]
    history, history_params = record_rows(Kind.CREATED, source="claimed", by=by)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH open AS (
                SELECT q.id, s.letter
                  FROM queues_queue q JOIN queues_service s ON s.id = q.service_id
                 WHERE q.id = %s AND q.status = %s
                   FOR NO KEY UPDATE OF q
            ), day AS (
                INSERT INTO queues_queueday (queue_id, day, last_number)
                SELECT id, %s, 1 FROM open
                ON CONFLICT (queue_id, day)
                DO UPDATE SET last_number = queues_queueday.last_number + 1
                RETURNING last_number::text AS n
            ), claimed AS (
                INSERT INTO queues_ticket
                       ({", ".join(f'"{field.column}"' for field in fields)}, number)
                SELECT {", ".join(["%s"] * len(fields))},
                       open.letter || lpad(n, greatest(3, length(n)), '0')
                  FROM day, open
                RETURNING *
            ), {history}
            SELECT number FROM claimed
            """,
            [ticket.queue_id, Queue.Status.ACTIVE, ticket.business_day, *values] + history_params,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    ticket.number = row[0]
    ticket._state.adding, ticket._state.db = False, connection.alias
    return ticket
