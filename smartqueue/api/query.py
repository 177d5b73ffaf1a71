"""List filters from the query string: a bad value answers 400 with the field, never a 500."""

from django.db.models import QuerySet
from django.db.models.enums import TextChoices

from smartqueue.api.http import ApiError
from smartqueue.ids import as_uuid

FLAGS = {"true": True, "1": True, "false": False, "0": False}


def filtered(
    request,
    queryset: QuerySet,
    *,
    ids: dict[str, str] | None = None,
    choices: dict[str, type[TextChoices]] | None = None,
    exact: dict[str, str] | None = None,
    flags: dict[str, str] | None = None,
) -> QuerySet:
    """Apply each given query parameter: ids (UUIDs), choices (a TextChoices' values), exact
    text and true/false flags. `{"site": "site_id"}` maps ?site= to the lookup site_id."""
    params = request.GET
    conditions = {}
    for name, lookup in (ids or {}).items():
        if params.get(name):
            conditions[lookup] = parsed_id(name, params[name])
    for name, options in (choices or {}).items():
        if params.get(name):
            conditions[name] = one_of(name, params[name], options)
    for name, lookup in (exact or {}).items():
        if params.get(name):
            conditions[lookup] = params[name].strip()
    for name, lookup in (flags or {}).items():
        if params.get(name):
            conditions[lookup] = flag(name, params[name])
    return queryset.filter(**conditions)


def parsed_id(name: str, raw: str):
    value = as_uuid(raw)
    if value is None:
        raise ApiError(400, {name: [f"« {raw} » n'est pas un identifiant valide."]})
    return value


def one_of(name: str, raw: str, options: type[TextChoices]) -> str:
    if raw not in options.values:
        allowed = ", ".join(options.values)
        raise ApiError(400, {name: [f"« {raw} » n'est pas un choix valide ({allowed})."]})
    return raw


def flag(name: str, raw: str) -> bool:
    if raw.lower() not in FLAGS:
        raise ApiError(400, {name: ["Valeurs possibles : true, false."]})
    return FLAGS[raw.lower()]
