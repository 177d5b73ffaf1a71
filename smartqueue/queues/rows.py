"""Models read from hand-written SQL on the engine's hot path (call next runs on every click):
the ORM's column lists and row mapping, without compiling a queryset each time."""

from functools import cache
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@cache  # models do not change at run time; this runs for every row the engine reads
def fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(model._meta.concrete_fields)


def columns(model: type[models.Model], alias: str) -> str:
    """`alias`.col, … for every stored field of the model, in the order `build` expects."""
    return ", ".join(f'{alias}."{field.column}"' for field in fields(model))


def width(model: type[models.Model]) -> int:
    return len(fields(model))


@cache
def converters(model: type[models.Model]) -> tuple[tuple[int, models.Field, tuple], ...]:
    """(position, field, its converters) for the fields the ORM converts (JSON…): the others
    are taken as psycopg gives them, as the ORM does."""
    found = []
    for i, field in enumerate(fields(model)):
        if field_converters := tuple(field.get_db_converters(connection)):
            found.append((i, field, field_converters))
    return tuple(found)


@cache
def attnames(model: type[models.Model]) -> list[str]:
    return [field.attname for field in fields(model)]


def build(model: type[M], values) -> M:
    """A model instance from a row slice, converted like the ORM converts."""
    if len(values) != width(model):
        raise ValueError(f"{model.__name__}: {len(values)} values for {width(model)} fields")
    converted = list(values)
    for i, field, field_converters in converters(model):
        for converter in field_converters:
            converted[i] = converter(converted[i], field, connection)
    return model.from_db("default", attnames(model), converted)


def split(row, *models_: type[models.Model]) -> list:
    """Cut a joined row into one slice per model (in order), and what is left after them."""
    parts, start = [], 0
    for model in models_:
        parts.append(row[start : start + width(model)])
        start += width(model)
    parts.append(row[start:])
    return parts
