"""Gap-free daily numbering that holds under concurrent writers, on SQLite and PostgreSQL."""

from datetime import date

from django.db import connection

from motcua.core.models import DailySequence


def next_number(*, scope: str, day: date) -> int:
    """Take the next number of the series `scope` for `day` (1, 2, 3…).

    One `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement: the row lock it takes is held
    until the caller's transaction ends, so concurrent callers queue and never share a number.
    """
    table = DailySequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (scope, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [scope, day],
        )
        return cursor.fetchone()[0]
