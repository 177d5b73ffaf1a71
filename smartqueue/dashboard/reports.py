"""Reports over a date range: every figure is computed in PostgreSQL, in a fixed number of
queries whatever the number of tickets. Definitions: docs/measures.md."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Aggregate,
    Avg,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from smartqueue.feedback.models import Feedback
from smartqueue.queues.expressions import SLA
from smartqueue.queues.expressions import WAIT as WAIT_INTERVAL
from smartqueue.queues.models import Ticket

Outcome = Ticket.Outcome


def seconds(expression) -> Func:
    return Func(
        expression, template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField()
    )


class Percentile(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=fraction, **extra)


def local(part: str, prefix: str = "") -> Func:
    """The hour or weekday of arrival in the site's own zone (ISO weekday: 1 = Monday);
    `prefix` reaches the ticket from another model ("ticket__")."""
    return Func(
        F(f"{prefix}created_at"),
        F(f"{prefix}queue__site__timezone"),
        template=f"EXTRACT({part} FROM (%(expressions)s))::int",
        arg_joiner=" AT TIME ZONE ",
        output_field=FloatField(),
    )


WAIT = seconds(WAIT_INTERVAL)
SERVICE = seconds(F("ended_at") - Coalesce("service_started_at", "called_at"))
# Legs with a service time: closed or transferred (a transfer ends one leg, docs/measures.md).
HANDLED = Q(outcome__in=[Outcome.SERVED, Outcome.TRANSFERRED])


@dataclass
class Filters:
    start: date
    end: date
    site: str | None = None
    service: str | None = None
    agent: str | None = None
    channel: str | None = None
    queue: str | None = None

    def tickets(self) -> QuerySet[Ticket]:
        rows = Ticket.objects.filter(business_day__range=(self.start, self.end))
        for name, lookup in (
            ("site", "queue__site_id"),
            ("queue", "queue_id"),
            ("service", "queue__service_id"),
            ("agent", "agent_id"),
            ("channel", "channel"),
        ):
            if getattr(self, name):
                rows = rows.filter(**{lookup: getattr(self, name)})
        return rows


@dataclass
class Report:
    figures: dict
    by_day: list[dict]
    heatmap: dict[tuple[int, int], int] = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    scores: dict[str, list[dict]] = field(default_factory=dict)  # by "service" and "agent"
    agents: list[dict] = field(default_factory=list)  # performance, one row per agent

    @property
    def heat_max(self) -> int:
        return max(self.heatmap.values(), default=0)


def build_report(filters: Filters) -> Report:
    tickets = filters.tickets()
    return Report(
        figures=main_figures(tickets),
        by_day=[
            dict(row)
            for row in tickets.values("business_day")
            .annotate(created=Count("id"), served=Count("id", filter=Q(outcome=Outcome.SERVED)))
            .order_by("business_day")
        ],
        heatmap={
            (int(row["weekday"]), int(row["hour"])): row["n"]
            for row in tickets.annotate(weekday=local("ISODOW"), hour=local("HOUR"))
            .values("weekday", "hour")
            .annotate(n=Count("id"))
        },
        feedback=feedback_figures(tickets),
        scores={
            "service": feedback_scores(tickets, "service_id", F("service__name")),
            "agent": feedback_scores(tickets, "agent_id", person_name("agent")),
        },
        agents=agent_performance(tickets),
    )


def ticket_measures() -> dict:
    """The ticket figures of docs/measures.md, as aggregates (whole period or per group)."""
    called = Q(called_at__isnull=False)
    served = Q(outcome=Outcome.SERVED)
    return {
        "created": Count("id"),
        "called": Count("id", filter=called),
        "served": Count("id", filter=served),
        "no_show": Count("id", filter=Q(outcome=Outcome.NO_SHOW)),
        "cancelled": Count("id", filter=Q(outcome=Outcome.CANCELLED)),
        "within_sla": Count("id", filter=served & Q(called_at__lte=F("created_at") + SLA)),
        "wait_avg": Avg(WAIT, filter=called),
        "wait_median": Percentile(WAIT, 0.5, filter=called),
        "wait_p90": Percentile(WAIT, 0.9, filter=called),
        "service_avg": Avg(SERVICE, filter=HANDLED),
    }


def with_rates(figures: dict) -> dict:
    figures["within_sla_share"] = share(figures["within_sla"], figures["served"])
    figures["no_show_rate"] = share(figures["no_show"], figures["called"])
    figures["cancel_rate"] = share(figures["cancelled"], figures["created"])
    return figures


def main_figures(tickets: QuerySet[Ticket]) -> dict:
    return with_rates(tickets.aggregate(**ticket_measures()))


def feedback_measures() -> dict:
    return {
        "answers": Count("id"),
        "happy": Count("id", filter=Q(csat__gte=4)),
        "csat_avg": Avg("csat"),
        "rated": Count("id", filter=Q(nps__isnull=False)),
        "promoters": Count("id", filter=Q(nps__gte=9)),
        "detractors": Count("id", filter=Q(nps__lte=6)),
    }


def with_scores(counts: dict) -> dict:
    """CSAT: share of 4–5 answers; NPS: % promoters − % detractors (docs/measures.md)."""
    counts["csat"] = share(counts["happy"], counts["answers"])
    rated = counts["rated"]
    counts["nps"] = (
        round(100 * (counts["promoters"] - counts["detractors"]) / rated) if rated else None
    )
    return counts


def feedback_figures(tickets: QuerySet[Ticket]) -> dict:
    answers = Feedback.objects.filter(ticket__in=tickets.values("pk"))
    return with_scores(answers.aggregate(**feedback_measures()))


# Groupings of the analytics API: (key, label) of a ticket, as expressions; a prefix reaches
# the ticket from its feedback.
GROUPINGS = ("day", "hour", "site", "service", "queue", "agent", "channel")


def grouping(name: str, prefix: str = "") -> tuple:
    if name == "day":
        return F(f"{prefix}business_day"), None
    if name == "hour":
        return local("HOUR", prefix), None
    if name == "channel":
        return F(f"{prefix}channel"), None
    if name == "agent":
        return F(f"{prefix}agent_id"), person_name(f"{prefix}agent")
    if name == "queue":
        return F(f"{prefix}queue_id"), F(f"{prefix}queue__name")
    return F(f"{prefix}queue__{name}_id"), F(f"{prefix}queue__{name}__name")


def figures_by(tickets: QuerySet[Ticket], name: str) -> list[dict]:
    """Every figure of the period per day, hour of arrival (site's zone), site, service,
    queue, agent or channel: two queries (tickets, feedback) whatever the number of groups."""
    key, label = grouping(name)
    labels = {"label": label} if label is not None else {}
    rows = tickets.values(key=key, **labels).annotate(**ticket_measures()).order_by("key")
    fkey, _ = grouping(name, "ticket__")
    answers = {
        row["key"]: with_scores(dict(row))
        for row in Feedback.objects.filter(ticket__in=tickets.values("pk"))
        .values(key=fkey)
        .annotate(**feedback_measures())
        .order_by()
    }
    empty = with_scores({name: 0 for name in ("answers", "happy", "rated", "promoters",
                                                "detractors")} | {"csat_avg": None})  # fmt: skip
    return [{**with_rates(dict(row)), **answers.get(row["key"], empty)} for row in rows]


def person_name(user: str):
    """A person as people call them: their name, their email only when they have none."""
    full = Trim(Concat(f"{user}__first_name", Value(" "), f"{user}__last_name"))
    return Coalesce(NullIf(full, Value("")), f"{user}__email", output_field=CharField())


def feedback_scores(tickets: QuerySet[Ticket], key: str, name) -> list[dict]:
    """CSAT and NPS per service or per agent (grouped by `key`, shown by `name`): one query."""
    rows = (
        Feedback.objects.filter(ticket__in=tickets.values("pk"))
        .values(key, name=name)
        .annotate(
            answers=Count("id"),
            happy=Count("id", filter=Q(csat__gte=4)),
            rated=Count("id", filter=Q(nps__isnull=False)),
            promoters=Count("id", filter=Q(nps__gte=9)),
            detractors=Count("id", filter=Q(nps__lte=6)),
        )
        .order_by("-answers", "name")
    )
    return [
        {
            "name": row["name"] or "—",
            "answers": row["answers"],
            "csat": share(row["happy"], row["answers"]),
            "nps": round(100 * (row["promoters"] - row["detractors"]) / row["rated"])
            if row["rated"]
            else None,
        }
        for row in rows
    ]


def agent_performance(tickets: QuerySet[Ticket]) -> list[dict]:
    """Per agent over the period, in two queries: tickets served, served per hour of service
    (sign-in time is not recorded: the hours are the sum of the agent's service times), average
    handling time (service time of each leg, a transfer ending one), no-shows, and CSAT (share of
    4–5 answers on the tickets they served). Ordered by name; the page sorts on request."""
    legs = (
        tickets.filter(agent__isnull=False)
        .values("agent_id", name=person_name("agent"))
        .annotate(
            served=Count("id", filter=Q(outcome=Outcome.SERVED)),
            handled=Count("id", filter=HANDLED),
            service_seconds=Sum(SERVICE, filter=HANDLED),
            handling_avg=Avg(SERVICE, filter=HANDLED),
            no_show=Count("id", filter=Q(outcome=Outcome.NO_SHOW)),
        )
        .order_by("name", "agent_id")
    )
    answers = {
        row["agent_id"]: share(row["happy"], row["answers"])
        for row in Feedback.objects.filter(ticket__in=tickets.values("pk"), agent__isnull=False)
        .values("agent_id")
        .annotate(answers=Count("id"), happy=Count("id", filter=Q(csat__gte=4)))
        .order_by()
    }
    return [
        {
            "agent_id": row["agent_id"],
            "name": row["name"] or "—",
            "served": row["served"],
            "handled": row["handled"],
            "per_hour": per_hour(row["served"], row["service_seconds"]),
            "handling_avg": round(row["handling_avg"]) if row["handling_avg"] is not None else None,
            "no_show": row["no_show"],
            "csat": answers.get(row["agent_id"]),
        }
        for row in legs
    ]


def per_hour(count: int, seconds_spent: float | None) -> float | None:
    return round(count * 3600 / seconds_spent, 1) if seconds_spent else None


AGENT_SORTS = ("name", "served", "per_hour", "handling_avg", "no_show", "csat")


def sorted_agents(rows: list[dict], sort: str) -> list[dict]:
    """The rows by one column ("-served": descending); rows without a figure always last.
    An unknown column keeps the order by name."""
    key = sort.removeprefix("-")
    if key not in AGENT_SORTS:
        return rows
    present = [row for row in rows if row[key] is not None]
    missing = [row for row in rows if row[key] is None]
    present.sort(
        key=lambda row: row[key].casefold() if key == "name" else row[key],
        reverse=sort.startswith("-"),
    )
    return present + missing


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
