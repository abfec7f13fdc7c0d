"""Column names for the few correlated subqueries written as SQL.

On the busiest pages, compiling an ORM ``Subquery`` costs more Python than
running the whole query; a ``RawSQL`` annotation built from these names once
per process costs next to nothing and still follows the models' tables.
"""

from typing import Any

from django.db import connection


def sql_names(model: Any, *fields: str) -> list[str]:
    """``model``'s quoted table, then each field's column qualified by it."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    return [table] + [f"{table}.{quote(model._meta.get_field(f).column)}" for f in fields]
