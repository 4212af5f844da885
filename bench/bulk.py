"""Bench rows in bulk: one INSERT … SELECT per table, its columns taken from the model's metadata.

Used by the benchmarks that need a million dossiers (bench/lookup.py, bench/workflow_lists.py).
The rows are bench rows, not demo data: each benchmark gives SQL expressions for the columns it
cares about (in terms of `n`, the row number, or of the tables in its FROM clause); every other
column gets NULL when nullable, else the field's literal default, else a neutral value.
"""

import time
from collections.abc import Mapping


def _literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict | list) and not value:
        return "'{}'" if isinstance(value, dict) else "'[]'"
    return "'" + str(value).replace("'", "''") + "'"


def _fallback(field) -> str:
    from django.db import models

    if field.null:
        return "NULL"
    if field.has_default() and not callable(field.default):
        return _literal(field.default)
    if field.has_default() and field.default in (dict, list):
        return _literal(field.default())
    if isinstance(field, models.DateTimeField):
        return "CURRENT_TIMESTAMP"
    if isinstance(field, models.BooleanField):
        return "FALSE"
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return "0"
    return "''"


def insert_sql(model, exprs: Mapping[str, str], source: str, *, prefix: str = "") -> str:
    """[prefix] INSERT INTO <model's table> (every concrete column but id) SELECT … <source>.

    `exprs`: column name → SQL expression; `source`: the FROM clause (with joins, WHERE);
    `prefix`: a WITH clause (see `series`). Parameters are `%(name)s` placeholders (a literal
    % is written %%).
    """
    fields = [f for f in model._meta.concrete_fields if f.column != "id"]
    unknown = set(exprs) - {f.column for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    columns = ", ".join(f.column for f in fields)
    values = ", ".join(exprs.get(f.column) or _fallback(f) for f in fields)
    table = model._meta.db_table
    return f"{prefix} INSERT INTO {table} ({columns}) SELECT {values} {source}".strip()


def series(vendor: str) -> tuple[str, str]:
    """(prefix, source) for `insert_sql`: rows numbered `n` = 1..%(total)s."""
    if vendor == "postgresql":
        return "", "FROM generate_series(1, %(total)s) AS n"
    return (
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %(total)s)",
        "FROM seq",
    )


def execute(
    sql: str, params: Mapping[str, object], *, table: str = "", analyze: bool = False
) -> float:
    """Run one generated INSERT in its own transaction; seconds taken.

    On PostgreSQL, with `table`: its secondary indexes are dropped before the INSERT and built
    again after it (faster than updating them row by row), the foreign-key triggers are skipped
    (session_replication_role = replica: the rows reference what the same SQL joined), and the
    table is analyzed when `analyze`.
    """
    from django.db import connection, transaction

    start = time.perf_counter()
    pg = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        definitions = []
        if pg and table:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND "
                "i.indexname NOT IN (SELECT conname FROM pg_constraint)",
                [table],
            )
            definitions = cursor.fetchall()
            for name, _definition in definitions:
                cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(sql, params)
        for _name, definition in definitions:
            cursor.execute(definition)
    if pg and table and analyze:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - start
