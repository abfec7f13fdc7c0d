"""Insert many new rows of a model: ``bulk_create`` with less work per value.

``bulk_create`` sends every value of every object through its field's
``pre_save`` and ``get_db_prep_save`` and compiles an expression per value;
for a post (38 columns) that is most of the cost of writing it. Text,
numbers, booleans and foreign keys need nothing of that when they already
hold plain values, so ``insert`` passes those through and prepares only the
others (dates and times, above all). Objects are built as models, so their
defaults apply as with ``bulk_create``; expressions as values are not
supported (use ``bulk_create`` for those). No signals, as with
``bulk_create``.
"""

from collections.abc import Callable, Sequence
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple

from django.db import connection, models

_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


class _Columns(NamedTuple):
    fields: list[models.Field]  # every column but the primary key
    read: Callable[[models.Model], tuple[object, ...]]  # their values, in one call
    prepared: list[tuple[int, models.Field, bool]]  # index, field, even when None


@cache
def _columns(model: type[models.Model]) -> _Columns:
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    read = attrgetter(*(field.attname for field in fields))
    prepared = [
        (
            index,
            field,
            bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)),
        )
        for index, field in enumerate(fields)
        if not isinstance(field, _PLAIN_FIELDS)
    ]
    return _Columns(fields, read, prepared)


def insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT ``objects`` (new, unsaved) and set their primary keys. Values of
    text, number, boolean and foreign key fields must be plain values."""
    if not objects:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objects)
        return
    columns = _columns(model)
    width = len(columns.fields)
    values: list[Any] = []
    for obj in objects:
        row = list(columns.read(obj)) if width > 1 else [columns.read(obj)]
        for index, field, always in columns.prepared:
            if always or row[index] is not None:
                row[index] = field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        values += row
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in columns.fields)
    pk = model._meta.pk
    assert pk is not None
    placeholders = "(" + ", ".join(["%s"] * width) + ")"
    # PostgreSQL has no limit (None); 65,535 parameters is its wire protocol's.
    per_statement = max(1, (connection.features.max_query_params or 65535) // width)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), per_statement):
            chunk = objects[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholders] * len(chunk))} "
                f"RETURNING {quote(pk.column)}",
                values[start * width : (start + len(chunk)) * width],
            )
            # Rows come back in the order they were given, as bulk_create assumes.
            for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding = False
                obj._state.db = connection.alias
