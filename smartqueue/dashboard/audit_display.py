"""The audit trail in words: "field: old → new" with names instead of ids, and the object it
is about by name. Names are read once per page (one query per kind of thing named)."""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from smartqueue.accounts.models import Membership, User
from smartqueue.ids import as_uuid
from smartqueue.queues.models import AuditLog

# Names of references when the row's model does not say (snapshots keep "queue_id" and the like).
REFERENCES = {"agent": User, "actor": User}


# Words for the fields most rows carry (the models' own names are English defaults).
LABELS = {
    "status": _("Statut"),
    "outcome": _("Issue"),
    "queue": _("File d'attente"),
    "counter": _("Guichet"),
    "agent": _("Agent"),
    "priority": _("Priorité"),
    "site": _("Site"),
    "service": _("Service"),
    "customer": _("Client"),
    "ticket": _("Ticket"),
    "starts_at": _("Début"),
    "ends_at": _("Fin"),
    "role": _("Rôle"),
    "is_active": _("Actif"),
    "email": _("E-mail"),
    "name": _("Nom"),
    "appointment": _("Rendez-vous"),
    "membership": _("Accès"),
    "display": _("Écran"),
    "kiosk": _("Borne"),
}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ReadableRow:
    row: AuditLog
    kind: str
    name: str
    changes: list[Change]


def model_named(model_name: str):
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return model
    return None


def field_of(model, key: str):
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def target_of(model, key: str):
    """The model a value refers to, or None for a plain value."""
    field = field_of(model, key)
    if field is not None and field.is_relation:
        return field.related_model
    return REFERENCES.get(key.removesuffix("_id"))


def valid_key(model, value):
    if isinstance(model._meta.pk, models.UUIDField):
        return as_uuid(value)
    return int(value) if str(value).isdigit() else None


class Names:
    """Every id mentioned on the page, looked up in one query per model."""

    def __init__(self) -> None:
        self.wanted: dict = {}
        self.found: dict = {}

    def want(self, model, value) -> None:
        key = valid_key(model, value)
        if key is not None:
            self.wanted.setdefault(model, set()).add(key)

    def load(self) -> None:
        for model, keys in self.wanted.items():
            for pk, obj in model._base_manager.in_bulk(list(keys)).items():
                self.found[(model, str(pk))] = obj

    def name(self, model, value) -> str:
        obj = self.found.get((model, str(value)))
        if obj is None:
            return str(value)  # gone since: the id is all there is
        return str(obj.user) if isinstance(obj, Membership) else str(obj)


def values_of(value) -> list:
    return value if isinstance(value, list) else [value]


def readable_rows(rows) -> list[ReadableRow]:
    rows = list(rows)
    names = Names()
    for row in rows:
        model = model_named(row.object_type)
        if model is not None:
            names.want(model, row.object_id)
        for key in {*row.before, *row.after}:
            target = target_of(model, key)
            if target is not None:
                for value in values_of(row.before.get(key)) + values_of(row.after.get(key)):
                    if value not in (None, ""):
                        names.want(target, value)
    names.load()
    return [readable(row, names) for row in rows]


def readable(row: AuditLog, names: Names) -> ReadableRow:
    model = model_named(row.object_type)
    kind = str(LABELS.get(row.object_type, model._meta.verbose_name if model else row.object_type))
    name = names.name(model, row.object_id) if model else row.object_id
    changes = []
    for key in sorted({*row.before, *row.after}):
        old, new = row.before.get(key), row.after.get(key)
        if key in row.before and old == new:
            continue  # unchanged: only what moved is worth reading
        label = label_of(model, key)
        changes.append(
            Change(
                label,
                shown(model, key, old, names, key in row.before),
                shown(model, key, new, names, key in row.after),
            )
        )
    return ReadableRow(row=row, kind=kind, name=name, changes=changes)


def label_of(model, key: str) -> str:
    name = key.removesuffix("_id")
    if name in LABELS:
        return str(LABELS[name])
    field = field_of(model, key)
    return str(getattr(field, "verbose_name", name))


def shown(model, key: str, value, names: Names, present: bool) -> str:
    if not present or value is None or value == "":
        return "—"
    target = target_of(model, key)
    if target is not None:
        return ", ".join(names.name(target, v) for v in values_of(value)) or "—"
    field = field_of(model, key)
    choices = (
        dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    )
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(choices.get(value, value))
