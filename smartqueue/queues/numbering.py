"""Ticket numbers: the service's letter and a gap-free number per queue per local day."""

from datetime import date, datetime

from django.db import connection

from smartqueue.queues.models import Queue


def business_day(queue: Queue, moment: datetime) -> date:
    """The site's local date: numbering restarts at local midnight, DST included."""
    return moment.astimezone(queue.site.zone).date()


def next_number(queue: Queue, day: date) -> str:
    """Take the next number in the caller's transaction: the row stays locked until it ends,
    and a rollback gives the number back (a sequence would leave a gap)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO queues_queueday (queue_id, day, last_number) VALUES (%s, %s, 1)
            ON CONFLICT (queue_id, day)
            DO UPDATE SET last_number = queues_queueday.last_number + 1
            RETURNING last_number
            """,
            [queue.id, day],
        )
        (number,) = cursor.fetchone()
    return f"{queue.service.letter}{number:03d}"
