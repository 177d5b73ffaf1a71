"""The JSON API described in OpenAPI 3.1, built as a plain dict (served by docs.py).

Each resource's schema follows its function in shapes.py, each request body its form in forms.py
(or the body the action reads in actions.py); enums are the models' TextChoices and lengths the
models' own. tests/api/test_schema.py checks that every route of the API is described here and
fuzzes the running app against this document.

Routes of the `legacy` namespace (the same views without /tenants/{tenant_slug}/, the tenant
given in the X-Tenant header) are left out: they answer exactly as their tenant twins.
"""

import re
from functools import cache
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from smartqueue.api.http import NO_PERMISSION, NOT_AUTHENTICATED, NOT_MEMBER
from smartqueue.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from smartqueue.notifications.models import WebhookEndpoint
from smartqueue.queues.models import (
    AgentProfile,
    Appointment,
    Counter,
    Customer,
    Queue,
    Service,
    Site,
    Ticket,
)
from smartqueue.tenants.models import Tenant

Schema = dict[str, Any]

API = "/api/v1"
TENANT = f"{API}/tenants/{{tenant_slug}}"
JSON = "application/json"


# --- schema helpers --------------------------------------------------------------------------


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """The same schema with null allowed (in OpenAPI 3.1, "null" is one more type)."""
    allowed = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        allowed["enum"] = [*schema["enum"], None]
    return allowed


def string(**extra: Any) -> Schema:
    return {"type": "string", **extra}


def uuid(**extra: Any) -> Schema:
    return string(format="uuid", **extra)


def moment(**extra: Any) -> Schema:
    return string(format="date-time", **extra)


def boolean(**extra: Any) -> Schema:
    return {"type": "boolean", **extra}


def integer(**extra: Any) -> Schema:
    return {"type": "integer", **extra}


def number(**extra: Any) -> Schema:
    return {"type": "number", **extra}


def free_object(description: str) -> Schema:
    return {"type": "object", "additionalProperties": True, "description": description}


def choice(choices: type[models.TextChoices], *, blank: bool = False, **extra: Any) -> Schema:
    """One of the TextChoices' values ("" too for a field stored blank until set)."""
    values = list(choices.values)
    return string(enum=[*values, ""] if blank else values, **extra)


def text(model: type[models.Model], name: str, **extra: Any) -> Schema:
    """A text field of a model, as long as the model lets it be."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is a relation"
    return string(maxLength=field.max_length, **extra)


def whole(model: type[models.Model], name: str, **extra: Any) -> Schema:
    """An integer field of a model, within the bounds of its validators (the database's too)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is a relation"
    lows = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    bounds = {"minimum": max(lows)} if lows else {}
    if highs:
        bounds["maximum"] = min(highs)
    return integer(**bounds, **extra)


def array(items: Schema, **extra: Any) -> Schema:
    return {"type": "array", "items": items, **extra}


def obj(
    properties: dict[str, Schema],
    *,
    required: list[str] | None = None,
    description: str | None = None,
    closed: bool = True,
) -> Schema:
    """An object. By default every property is required and no other is allowed: what the API
    answers (shapes.py) always carries exactly these keys. Request bodies pass `required` and
    `closed=False` (unknown keys are ignored by the views)."""
    schema: Schema = {"type": "object", "properties": properties}
    needed = list(properties) if required is None else required
    if needed:
        schema["required"] = needed
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def body(properties: dict[str, Schema], *, required: tuple[str, ...] = ()) -> Schema:
    return obj(properties, required=list(required), closed=False)


def paginated(name: str) -> Schema:
    return obj(
        {
            "count": integer(minimum=0),
            "next": nullable(string(format="uri")),
            "previous": nullable(string(format="uri")),
            "results": array(ref(name)),
        },
        description=f"One page of {name} rows.",
    )


# --- components: what the API answers --------------------------------------------------------

LANGUAGE_CODES = [code for code, _ in settings.LANGUAGES]
SERVICE_SETTINGS = {
    "name_en": text(Service, "name_en", description="Name shown in English; empty: the name."),
    "name_wo": text(Service, "name_wo", description="Name shown in Wolof; empty: the name."),
    "sla_seconds": whole(Service, "sla_seconds", description="Target wait."),
    "no_show_after_seconds": whole(
        Service, "no_show_after_seconds", description="A called ticket not started then: no-show."
    ),
    "approaching_position": whole(
        Service, "approaching_position", description="The customer is told at this position."
    ),
    "slot_minutes": whole(Service, "slot_minutes", description="Length of appointment slots."),
    "slot_capacity": whole(Service, "slot_capacity", description="Customers per slot."),
    "checkin_before_minutes": whole(
        Service, "checkin_before_minutes", description="Check-in opens this long before."
    ),
    "late_after_minutes": whole(
        Service, "late_after_minutes", description="Later than this, one joins as a walk-in."
    ),
    "reminder_minutes": whole(
        Service, "reminder_minutes", description="The reminder goes this long before."
    ),
}


def resource_schemas() -> dict[str, Schema]:
    return {
        "Tenant": obj(
            {
                "id": uuid(),
                "name": text(Tenant, "name"),
                "slug": text(Tenant, "slug"),
                "is_active": boolean(),
                "created_at": moment(),
            }
        ),
        "User": obj(
            {
                "id": uuid(),
                "email": string(format="email"),
                "first_name": string(),
                "last_name": string(),
            }
        ),
        "Login": obj({"token": string(minLength=1), "user": ref("User")}),
        "Health": obj(
            {
                "status": string(enum=["ok", "error"]),
                "database": string(description='"ok" or "error: <exception class>".'),
                "channel_layer": string(description='"ok" or "error: <reason>".'),
                "channel_layer_backend": nullable(string()),
                "huey_consumers": integer(
                    minimum=0, description="Huey consumers that announced themselves lately."
                ),
            }
        ),
        "Site": obj(
            {
                "id": uuid(),
                "name": text(Site, "name"),
                "slug": text(Site, "slug"),
                "address": text(Site, "address"),
                "city": text(Site, "city"),
                "country": text(Site, "country", description="ISO 3166 code, e.g. SN"),
                "latitude": nullable(number()),
                "longitude": nullable(number()),
                "phone": text(Site, "phone"),
                "timezone": text(Site, "timezone", examples=["Africa/Dakar"]),
                "closing_time": string(
                    pattern=r"^\d{2}:\d{2}$", description="Local time of the site, HH:MM."
                ),
                "end_of_day": choice(Site.EndOfDay, description="What closing does to tickets."),
                "is_active": boolean(),
                "created_at": moment(),
            }
        ),
        "Service": obj(
            {
                "id": uuid(),
                "name": text(Service, "name"),
                "letter": string(pattern=r"^[A-Z]{1,2}$", description="Letter of its tickets."),
                **SERVICE_SETTINGS,
                "priority_rules": free_object('e.g. {"step_seconds": 300}'),
                "is_active": boolean(),
                "created_at": moment(),
            }
        ),
        "Counter": obj(
            {
                "id": uuid(),
                "name": text(Counter, "name"),
                "site": uuid(),
                "queues": array(uuid(), description="The queues served at this counter."),
                "is_active": boolean(),
            }
        ),
        "Queue": obj(
            {
                "id": uuid(),
                "name": text(Queue, "name"),
                "site": uuid(),
                "service": uuid(),
                "status": choice(Queue.Status),
                "algorithm": choice(Queue.Algorithm),
                "created_at": moment(),
            }
        ),
        "QueueStats": obj(
            {
                "queue_id": uuid(),
                "queue_name": string(),
                "status": choice(Queue.Status),
                "waiting_count": integer(minimum=0),
                "called_count": integer(minimum=0),
                "in_service_count": integer(minimum=0),
                "paused_count": integer(minimum=0),
                "total_active": integer(
                    minimum=0, description="Waiting, called and in service together."
                ),
                "avg_wait_seconds": integer(minimum=0, description="Today's, until called."),
                "longest_wait_seconds": integer(minimum=0),
                "served_today": integer(minimum=0),
                "served_within_sla_share": nullable(
                    number(minimum=0, maximum=1, description="null until a ticket is served.")
                ),
                "no_show_count": integer(minimum=0),
            },
            description="A queue's counts now and today (its site's business day).",
        ),
        "Customer": obj(
            {
                "id": uuid(),
                "first_name": text(Customer, "first_name"),
                "last_name": text(Customer, "last_name"),
                "email": string(description="An email address or empty."),
                "phone": text(Customer, "phone", description="E.164 (+221771234567) or empty."),
                "language": text(Customer, "language"),
                "notify_sms": boolean(),
                "notify_email": boolean(),
                "notify_whatsapp": boolean(),
                "metadata": free_object("Free data of the integrator."),
                "is_active": boolean(),
                "created_at": moment(),
            }
        ),
        "Ticket": obj(
            {
                "id": uuid(),
                "number": text(Ticket, "number", examples=["A001"]),
                "queue": uuid(),
                "customer": nullable(uuid()),
                "customer_name": text(Ticket, "customer_name"),
                "customer_phone": text(Ticket, "customer_phone"),
                "channel": choice(Ticket.Channel),
                "priority": whole(Ticket, "priority"),
                "status": choice(Ticket.Status),
                "outcome": choice(Ticket.Outcome, blank=True, description='"" while open.'),
                "agent": nullable(uuid(description="The user serving it.")),
                "counter": nullable(uuid()),
                "created_at": moment(),
                "arrived_at": moment(description="Place in line, kept across transfers."),
                "called_at": nullable(moment()),
                "service_started_at": nullable(moment()),
                "paused_at": nullable(moment()),
                "ended_at": nullable(moment()),
                "recall_count": whole(Ticket, "recall_count"),
                "pause_reason": text(Ticket, "pause_reason"),
                "transferred_from": nullable(uuid(description="The previous leg.")),
                "transfer_reason": text(Ticket, "transfer_reason"),
            },
            description="One leg of a visit in one queue; a transfer starts a new leg.",
        ),
        "Agent": obj(
            {
                "id": uuid(),
                "user": uuid(),
                "counter": nullable(uuid()),
                "current_status": choice(AgentProfile.Status),
                "status_updated_at": nullable(moment()),
            }
        ),
        "Appointment": obj(
            {
                "id": uuid(),
                "code": text(Appointment, "code"),
                "service": uuid(),
                "site": nullable(uuid()),
                "customer": nullable(uuid()),
                "starts_at": moment(),
                "ends_at": moment(),
                "status": choice(Appointment.Status),
                "metadata": free_object("Free data of the integrator."),
                "ticket": nullable(uuid()),
                "created_at": moment(),
            }
        ),
        "AppointmentSlots": obj(
            {
                "site": uuid(),
                "service": uuid(),
                "day": string(format="date"),
                "slots": array(
                    obj({"starts_at": moment(), "ends_at": moment(), "free": integer(minimum=0)}),
                    description="The day's slots not over yet, with their free places.",
                ),
            }
        ),
        "Webhook": obj(
            {
                "id": uuid(),
                "url": text(WebhookEndpoint, "url", format="uri"),
                "events": array(string(), description="Event names; name.* for a family."),
                "secret": text(WebhookEndpoint, "secret", description="Key of the HMAC."),
                "is_active": boolean(),
                "failing_since": nullable(moment()),
                "disabled_reason": text(WebhookEndpoint, "disabled_reason"),
                "created_at": moment(),
            },
            description="An HTTPS address told of the chosen events (HMAC-signed bodies).",
        ),
    }


def error_schemas() -> dict[str, Schema]:
    return {
        "Detail": obj(
            {"detail": string()},
            description="Authentication, permission, not found, malformed or too large body.",
        ),
        "Error": obj(
            {"error": string()},
            description='A business rule refused the request, e.g. "queue_id est requis".',
        ),
        "FieldErrors": {
            "type": "object",
            "description": "The messages of each invalid field; non_field_errors for the body.",
            "minProperties": 1,
            "additionalProperties": array(string(), minItems=1),
        },
    }


LISTED = [
    "Tenant",
    "Site",
    "Service",
    "Counter",
    "Queue",
    "Customer",
    "Ticket",
    "Appointment",
    "Webhook",
]


def schemas() -> dict[str, Schema]:
    found = {**resource_schemas(), **error_schemas(), **request_schemas()}
    found.update({f"{name}Page": paginated(name) for name in LISTED})
    return found


# --- components: request bodies (forms.py) ---------------------------------------------------

TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
WEBHOOK_FIELDS = {
    "url": text(WebhookEndpoint, "url", format="uri", pattern="^https://"),
    "events": array(string(enum=list(WebhookEndpoint.EVENTS)), minItems=1),
    "is_active": boolean(),
}


def request_schemas() -> dict[str, Schema]:
    """Fields a create leaves out take the model's default; PUT and PATCH keep stored values."""
    return {
        "LoginInput": body(
            {"email": string(minLength=1), "password": string(minLength=1)},
            required=("email", "password"),
        ),
        "TenantInput": body(
            {
                "name": text(Tenant, "name", minLength=1),
                "slug": text(Tenant, "slug", pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
                "admin_email": string(format="email"),
            },
            required=("name", "slug", "admin_email"),
        ),
        "SiteInput": body(
            {
                "name": text(Site, "name", minLength=1),
                "slug": text(Site, "slug", pattern=r"^[-a-zA-Z0-9_]+$"),
                "address": text(Site, "address"),
                "city": text(Site, "city"),
                "country": text(Site, "country"),
                "phone": text(Site, "phone"),
                "timezone": text(Site, "timezone", description="An IANA zone, e.g. Africa/Dakar."),
                "latitude": nullable(number(minimum=-90, maximum=90)),
                "longitude": nullable(number(minimum=-180, maximum=180)),
                "closing_time": string(pattern=TIME_OF_DAY, description="HH:MM[:SS], local."),
                "end_of_day": choice(Site.EndOfDay),
                "is_active": boolean(),
            },
            required=("name", "slug"),
        ),
        "ServiceInput": body(
            {
                "name": text(Service, "name", minLength=1),
                "letter": string(
                    pattern=r"^[A-Z]{1,2}$", description="The first free letter if left out."
                ),
                **SERVICE_SETTINGS,
                "priority_rules": obj(
                    {"step_seconds": integer(minimum=0)},
                    required=[],
                    closed=False,
                    description="Each priority level counts as step_seconds of waiting done.",
                ),
                "is_active": boolean(),
            },
            required=("name",),
        ),
        "CounterInput": body(
            {
                "site": uuid(),
                "name": text(Counter, "name", minLength=1),
                "queues": array(uuid(), description="Queues of the same site."),
                "is_active": boolean(),
            },
            required=("site", "name"),
        ),
        "QueueInput": body(
            {
                "site": uuid(),
                "service": uuid(),
                "name": text(Queue, "name", description='"File <service>" if left out.'),
                "algorithm": choice(Queue.Algorithm),
                "status": choice(Queue.Status),
            },
            required=("site", "service"),
        ),
        "QueueStatusInput": body({"status": choice(Queue.Status)}, required=("status",)),
        "CustomerInput": body(
            {
                "first_name": text(Customer, "first_name"),
                "last_name": text(Customer, "last_name"),
                "email": string(format="email", maxLength=254),
                "phone": text(Customer, "phone", description="Senegalese if no country code."),
                "language": string(enum=LANGUAGE_CODES),
                "notify_sms": boolean(),
                "notify_email": boolean(),
                "notify_whatsapp": boolean(),
                "metadata": free_object("Free data of the integrator."),
                "is_active": boolean(),
            }
        ),
        "TicketInput": body(
            {
                "queue": uuid(),
                "customer": nullable(uuid()),
                "channel": choice(Ticket.Channel, description="web if left out."),
                "priority": integer(minimum=0, maximum=9),
                "customer_name": text(Ticket, "customer_name", description="Without a customer."),
                "customer_phone": text(Ticket, "customer_phone"),
            },
            required=("queue",),
        ),
        "AppointmentInput": body(
            {
                "service": uuid(),
                "customer": nullable(uuid()),
                "site": nullable(uuid(description="The service's only site if left out.")),
                "starts_at": moment(description="A free slot's start: see .../slots/."),
                "ends_at": moment(description="That slot's end."),
                "metadata": free_object("Free data of the integrator."),
            },
            required=("service", "starts_at", "ends_at"),
        ),
        "WebhookInput": body(WEBHOOK_FIELDS, required=("url", "events")),
        "WebhookChange": body(WEBHOOK_FIELDS),
        "TransferInput": body(
            {
                "target_queue_id": uuid(),
                "reason": string(description="Cut to 300 characters."),
                "to_back": boolean(description="Back of the line instead of its arrival time."),
            },
            required=("target_queue_id",),
        ),
        "PauseInput": body({"reason": string(description="Cut to 300 characters.")}),
        "CallNextInput": body(
            {"queue_id": uuid(description="Any queue of the agent's counter if left out.")}
        ),
        "AgentStatusInput": body(
            {
                "status": choice(AgentProfile.Status),
                "counter_id": uuid(description="The counter the agent sits at."),
            },
            required=("status",),
        ),
    }


# --- components: parameters, responses, security ---------------------------------------------


def parameters() -> dict[str, Schema]:
    return {
        "tenant_slug": {
            "name": "tenant_slug",
            "in": "path",
            "required": True,
            "description": "The organisation's slug.",
            "schema": string(pattern=r"^[-a-zA-Z0-9_]+$"),
        },
        "pk": {
            "name": "pk",
            "in": "path",
            "required": True,
            "description": "The row's id (another value answers 404).",
            "schema": uuid(),
        },
        "XTenant": {
            "name": "X-Tenant",
            "in": "header",
            "required": False,
            "description": "Older clients' way to name the tenant: if given here, it must be the "
            "slug of the path (400 otherwise).",
            "schema": string(),
        },
        "page": query(
            "page", integer(minimum=1, default=1), "Page number (404 past the last page)."
        ),
        "page_size": query(
            "page_size",
            integer(minimum=1, default=DEFAULT_PAGE_SIZE),
            f"Rows per page; more than {MAX_PAGE_SIZE} gives {MAX_PAGE_SIZE}.",
        ),
    }


def query(name: str, schema: Schema, description: str, *, required: bool = False) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def parameter(name: str) -> Schema:
    return {"$ref": f"#/components/parameters/{name}"}


def json_content(schema: Schema) -> Schema:
    return {JSON: {"schema": schema}}


# The error answers every operation shares, by status.
ERRORS: dict[int, tuple[str, str, Schema]] = {
    400: (
        "BadRequest",
        "Invalid request: a business rule (error), invalid fields (FieldErrors) or a malformed "
        "body, a bad X-Tenant header (detail).",
        {"anyOf": [ref("Error"), ref("FieldErrors"), ref("Detail")]},
    ),
    401: ("Unauthorized", f'No or bad token: "{NOT_AUTHENTICATED}"', ref("Detail")),
    403: (
        "Forbidden",
        f'Not a member ("{NOT_MEMBER}"), or a missing scope ("{NO_PERMISSION}").',
        ref("Detail"),
    ),
    404: ("NotFound", "Unknown tenant, row or page.", ref("Detail")),
    413: ("TooLarge", "Body larger than the server accepts.", ref("Detail")),
    415: ("UnsupportedMediaType", "A body that is not JSON (application/json).", ref("Detail")),
    429: ("TooManyRequests", "Too many failed sign-ins: wait a few minutes.", ref("Detail")),
}


def responses() -> dict[str, Schema]:
    return {
        name: {"description": description, "content": json_content(schema)}
        for name, description, schema in ERRORS.values()
    }


SECURITY_SCHEMES = {
    "TokenAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Token <key>`, the key from POST /api/v1/auth/.",
    }
}


# --- operations ------------------------------------------------------------------------------


def operation(
    operation_id: str,
    summary: str,
    *,
    tag: str,
    ok: Schema | None,
    status: int = 200,
    request: str | None = None,
    params: tuple[str, ...] | list[Schema] = (),
    errors: tuple[int, ...] = (),
    also: dict[int, Schema] | None = None,
    public: bool = False,
    headers: tuple[str, ...] = (),
    content_type: str = JSON,
    description: str | None = None,
) -> Schema:
    """One operation: its success answer (`ok` under `status`, other answers in `also`), the
    request body named `request`, its parameters (names of components or full parameters) and
    its error statuses (the shared answers of ERRORS)."""
    found: Schema = {"operationId": operation_id, "summary": summary, "tags": [tag]}
    if description:
        found["description"] = description
    listed = [parameter(item) if isinstance(item, str) else item for item in params]
    listed += [parameter(name) for name in headers]
    if listed:
        found["parameters"] = listed
    if request is not None:
        found["requestBody"] = {"required": True, "content": json_content(ref(request))}
    answer: Schema = {"description": "Success."}
    if ok is not None:
        answer["content"] = {content_type: {"schema": ok}}
    answers = {status: answer, **(also or {})}
    answers.update({code: {"$ref": f"#/components/responses/{ERRORS[code][0]}"} for code in errors})
    found["responses"] = {str(code): answers[code] for code in sorted(answers)}
    if public:
        found["security"] = []
    return found


PAGE = ("page", "page_size")
WRITE = (400, 413, 415)  # any POST, PUT or PATCH: malformed JSON, too large, not JSON


def public_operations() -> dict[str, dict[str, Schema]]:
    """Routes outside any tenant."""
    return {
        f"{API}/health/": {
            "get": operation(
                "health",
                "Health of the database and the channel layer",
                tag="health",
                ok=ref("Health"),
                also={503: {"description": "Unhealthy.", "content": json_content(ref("Health"))}},
                public=True,
            )
        },
        f"{API}/schema/": {
            "get": operation(
                "schema",
                "This OpenAPI document",
                tag="docs",
                ok={"type": "object"},
                public=True,
            )
        },
        f"{API}/docs/": {
            "get": operation(
                "docs",
                "This document in Swagger UI",
                tag="docs",
                ok=string(),
                content_type="text/html",
                public=True,
            )
        },
        f"{API}/auth/": {
            "post": operation(
                "login",
                "Get a token",
                tag="auth",
                ok=ref("Login"),
                request="LoginInput",
                errors=(*WRITE, 429),
                public=True,
                description="Wrong credentials answer 400 with non_field_errors.",
            )
        },
        f"{API}/auth/me/": {
            "get": operation("me", "The caller", tag="auth", ok=ref("User"), errors=(401,))
        },
        f"{API}/auth/logout/": {
            "post": operation(
                "logout",
                "Revoke the token of this request",
                tag="auth",
                ok=ref("Detail"),
                errors=(*WRITE, 401, 403),
                description="403 for a session caller without the CSRF token.",
            )
        },
        f"{API}/tenants/": {
            "get": operation(
                "tenants_list",
                "Tenants: all for staff, a member's own otherwise",
                tag="tenants",
                ok=ref("TenantPage"),
                params=PAGE,
                errors=(400, 401, 404),
            ),
            "post": operation(
                "tenants_create",
                "Create a tenant with its schema and first admin (staff only)",
                tag="tenants",
                ok=ref("Tenant"),
                status=201,
                request="TenantInput",
                errors=(*WRITE, 401, 403),
            ),
        },
        f"{API}/tenants/{{pk}}/": {
            "get": operation(
                "tenants_read", "One tenant", tag="tenants", ok=ref("Tenant"), errors=(401, 404)
            )
        },
    }


TENANT_ERRORS = (400, 401, 403, 404)  # bad X-Tenant, no token, not a member, unknown tenant


def tenant_operation(method: str, operation_id: str, summary: str, **options: Any) -> Schema:
    """An operation of one tenant: its errors (plus the write ones) and the X-Tenant header."""
    errors = TENANT_ERRORS + (WRITE if method in ("post", "put", "patch") else ())
    return operation(operation_id, summary, errors=errors, headers=("XTenant",), **options)


def list_and_create(
    name: str, tag: str, what: str, *, filters: tuple[Schema, ...] = (), request: str
) -> dict[str, Schema]:
    return {
        "get": tenant_operation(
            "get",
            f"{tag}_list",
            f"List {what}",
            tag=tag,
            ok=ref(f"{name}Page"),
            params=[*map(parameter, PAGE), *filters],
        ),
        "post": tenant_operation(
            "post",
            f"{tag}_create",
            f"Create a {name.lower()}",
            tag=tag,
            ok=ref(name),
            status=201,
            request=request,
        ),
    }


def read(name: str, tag: str) -> dict[str, Schema]:
    return {
        "get": tenant_operation("get", f"{tag}_read", f"One {name.lower()}", tag=tag, ok=ref(name))
    }


def ticket_action(name: str, summary: str, *, request: str | None = None) -> dict[str, Schema]:
    return {
        "post": tenant_operation(
            "post",
            f"tickets_{name}",
            summary,
            tag="tickets",
            ok=ref("Ticket"),
            request=request,
            description="400 with error when the ticket's status does not allow it.",
        )
    }


def filter_by_id(name: str, what: str) -> Schema:
    return query(name, uuid(), f"Only rows of this {what}.")


def filter_by_choice(name: str, choices: type[models.TextChoices]) -> Schema:
    return query(name, choice(choices), f"Only rows with this {name}.")


def tenant_operations() -> dict[str, dict[str, Schema]]:
    """Routes of tenant_urls.py, under /api/v1/tenants/{tenant_slug}/."""
    return {
        f"{TENANT}/sites/": list_and_create("Site", "sites", "sites", request="SiteInput"),
        f"{TENANT}/sites/{{pk}}/": read("Site", "sites"),
        f"{TENANT}/counters/": list_and_create(
            "Counter", "counters", "counters", request="CounterInput"
        ),
        f"{TENANT}/queues/services/": list_and_create(
            "Service", "services", "services", request="ServiceInput"
        ),
        f"{TENANT}/queues/services/{{pk}}/": read("Service", "services"),
        f"{TENANT}/queues/": list_and_create(
            "Queue",
            "queues",
            "queues",
            request="QueueInput",
            filters=(
                filter_by_id("site", "site"),
                filter_by_id("service", "service"),
                filter_by_choice("status", Queue.Status),
                filter_by_choice("algorithm", Queue.Algorithm),
            ),
        ),
        f"{TENANT}/queues/{{pk}}/": read("Queue", "queues"),
        f"{TENANT}/queues/{{pk}}/stats/": {
            "get": tenant_operation(
                "get", "queues_stats", "A queue's counts", tag="queues", ok=ref("QueueStats")
            )
        },
        f"{TENANT}/queues/{{pk}}/set_status/": {
            "post": tenant_operation(
                "post",
                "queues_set_status",
                "Open, pause or close a queue",
                tag="queues",
                ok=ref("Queue"),
                request="QueueStatusInput",
            )
        },
        f"{TENANT}/customers/": list_and_create(
            "Customer",
            "customers",
            "customers",
            request="CustomerInput",
            filters=(
                query("phone", string(), "Only this exact phone number."),
                query("email", string(), "Only this email (any case)."),
                query("is_active", boolean(), "Only active (true) or inactive (false) ones."),
                query("search", string(), "Part of the name, phone or email."),
            ),
        ),
        f"{TENANT}/customers/{{pk}}/": {
            **read("Customer", "customers"),
            **{
                method: tenant_operation(
                    method,
                    f"customers_{verb}",
                    "Change a customer (fields left out keep their value)",
                    tag="customers",
                    ok=ref("Customer"),
                    request="CustomerInput",
                )
                for method, verb in (("put", "update"), ("patch", "partial_update"))
            },
        },
        f"{TENANT}/tickets/": list_and_create(
            "Ticket",
            "tickets",
            "tickets, newest first",
            request="TicketInput",
            filters=(
                filter_by_id("queue", "queue"),
                filter_by_choice("status", Ticket.Status),
                filter_by_choice("channel", Ticket.Channel),
            ),
        ),
        f"{TENANT}/tickets/appointments/": list_and_create(
            "Appointment",
            "appointments",
            "appointments",
            request="AppointmentInput",
            filters=(
                filter_by_id("service", "service"),
                filter_by_choice("status", Appointment.Status),
            ),
        ),
        f"{TENANT}/tickets/appointments/slots/": {
            "get": tenant_operation(
                "get",
                "appointments_slots",
                "A day's appointment slots of a service at a site",
                tag="appointments",
                ok=ref("AppointmentSlots"),
                params=[
                    query("site", uuid(), "The site.", required=True),
                    query("service", uuid(), "The service.", required=True),
                    query("day", string(format="date"), "The site's local day.", required=True),
                ],
            )
        },
        f"{TENANT}/tickets/{{pk}}/": read("Ticket", "tickets"),
        f"{TENANT}/tickets/{{pk}}/start_service/": ticket_action(
            "start_service", "Start serving a called ticket"
        ),
        f"{TENANT}/tickets/{{pk}}/close/": ticket_action("close", "Close a ticket (served)"),
        f"{TENANT}/tickets/{{pk}}/recall/": ticket_action("recall", "Call a ticket again"),
        f"{TENANT}/tickets/{{pk}}/transfer/": ticket_action(
            "transfer", "Send a ticket to another queue", request="TransferInput"
        ),
        f"{TENANT}/tickets/{{pk}}/pause/": ticket_action(
            "pause", "Put a ticket aside", request="PauseInput"
        ),
        f"{TENANT}/tickets/{{pk}}/resume/": ticket_action("resume", "Take a paused ticket back"),
        f"{TENANT}/tickets/{{pk}}/mark_no_show/": ticket_action(
            "mark_no_show", "The called customer did not come"
        ),
        f"{TENANT}/tickets/{{pk}}/cancel/": ticket_action(
            "cancel", "The customer gives up (before being called)"
        ),
        f"{TENANT}/webhooks/": list_and_create(
            "Webhook", "webhooks", "webhook endpoints", request="WebhookInput"
        ),
        f"{TENANT}/webhooks/{{pk}}/": {
            **read("Webhook", "webhooks"),
            "patch": tenant_operation(
                "patch",
                "webhooks_partial_update",
                "Change a webhook endpoint (fields left out keep their value)",
                tag="webhooks",
                ok=ref("Webhook"),
                request="WebhookChange",
            ),
            "delete": tenant_operation(
                "delete",
                "webhooks_delete",
                "Remove a webhook endpoint",
                tag="webhooks",
                ok=None,
                status=204,
            ),
        },
        f"{TENANT}/agents/": {
            "get": tenant_operation(
                "get",
                "agents_me",
                "The caller's own agent profile",
                tag="agents",
                ok=ref("Agent"),
            )
        },
        f"{TENANT}/agents/call-next/": {
            "post": tenant_operation(
                "post",
                "agents_call_next",
                "Call the next ticket",
                tag="agents",
                ok=ref("Ticket"),
                request="CallNextInput",
                description="400 if the agent already has an active ticket; 404 if no ticket "
                "is waiting.",
            )
        },
        f"{TENANT}/agents/set-status/": {
            "post": tenant_operation(
                "post",
                "agents_set_status",
                "Set the caller's status and counter",
                tag="agents",
                ok=ref("Agent"),
                request="AgentStatusInput",
            )
        },
    }


PATH_PARAMETER = re.compile(r"{(\w+)}")


def with_path_parameters(path: str, item: dict[str, Schema]) -> dict[str, Any]:
    """The path's own parameters ({tenant_slug}, {pk}) declared once for all its methods."""
    names = PATH_PARAMETER.findall(path)
    return {"parameters": [parameter(name) for name in names], **item} if names else item


# --- the document ----------------------------------------------------------------------------


@cache
def openapi_document() -> dict[str, Any]:
    paths = {**public_operations(), **tenant_operations()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SmartQueue API",
            "version": "1.0.0",
            "description": "Queue management: sites, services, queues, tickets, agents and "
            "appointments of one organisation (tenant), under /api/v1/tenants/{tenant_slug}/. "
            "Lists are paginated (page, page_size). Live updates go through WebSockets "
            "(/ws/tenants/{tenant_slug}/...), not described here.",
        },
        "servers": [{"url": "/"}],
        "security": [{"TokenAuth": []}],
        "tags": [
            {"name": name}
            for name in (
                "auth",
                "tenants",
                "sites",
                "services",
                "counters",
                "queues",
                "customers",
                "tickets",
                "appointments",
                "agents",
                "webhooks",
                "health",
                "docs",
            )
        ],
        "paths": {path: with_path_parameters(path, item) for path, item in paths.items()},
        "components": {
            "schemas": schemas(),
            "parameters": parameters(),
            "responses": responses(),
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
