"""Reporting periods as day ranges: a month, a quarter, a year, a week; the trend windows.

No Django here. A range holds its first and last day (both included); the reports turn it into
`[first 00:00, last+1 00:00)` local time (`reports.selectors.period_of`). Codes are the ones
the pages, the exports and `motcua export-report` accept: `2026-11`, `2026-Q4`, `2026`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["month", "quarter", "year", "week", "range", "day"]
KINDS: tuple[Kind, ...] = ("month", "quarter", "year")
ROMAN = ("I", "II", "III", "IV")

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class DayRange:
    kind: Kind
    first: date
    last: date
    number: int = 0  # the month (1–12), quarter (1–4) or ISO week; 0 for a year or a range

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        if self.kind == "year":
            return f"{self.year:04d}"
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def month(year: int, number: int) -> DayRange:
    return DayRange("month", date(year, number, 1), _month_end(year, number), number)


def quarter(year: int, number: int) -> DayRange:
    first_month = 3 * (number - 1) + 1
    return DayRange(
        "quarter", date(year, first_month, 1), _month_end(year, first_month + 2), number
    )


def year(number: int) -> DayRange:
    return DayRange("year", date(number, 1, 1), date(number, 12, 31))


def week_of(day: date) -> DayRange:
    """The Monday–Sunday week holding `day` (numbered as ISO weeks)."""
    first = day - timedelta(days=day.weekday())
    return DayRange("week", first, first + timedelta(days=6), first.isocalendar().week)


def day_range(first: date, last: date) -> DayRange:
    if last < first:
        raise ValueError("the last day comes before the first")
    return DayRange("range", first, last)


def parse(kind: str, code: str) -> DayRange:
    """`month` + `2026-11`, `quarter` + `2026-Q4`, `year` + `2026`. ValueError otherwise."""
    code = code.strip()
    if kind == "month" and (m := _MONTH.match(code)) and 1 <= int(m[2]) <= 12:
        return month(int(m[1]), int(m[2]))
    if kind == "quarter" and (m := _QUARTER.match(code)):
        return quarter(int(m[1]), int(m[2]))
    if kind == "year" and (m := _YEAR.match(code)) and int(m[1]) >= 1:
        return year(int(m[1]))
    raise ValueError(f"not a {kind} code: {code!r}")


def current(kind: str, today: date) -> DayRange:
    """The month, quarter or year holding `today`."""
    if kind == "month":
        return month(today.year, today.month)
    if kind == "quarter":
        return quarter(today.year, (today.month - 1) // 3 + 1)
    if kind == "year":
        return year(today.year)
    raise ValueError(kind)


def last_weeks(until: date, n: int = 12) -> list[DayRange]:
    """The `n` weeks ending with the week holding `until`, oldest first."""
    last = week_of(until)
    return [week_of(last.first - timedelta(weeks=i)) for i in range(n - 1, -1, -1)]


def last_months(until: date, n: int = 12) -> list[DayRange]:
    """The `n` months ending with the month holding `until`, oldest first."""
    out = []
    y, m = until.year, until.month
    for _ in range(n):
        out.append(month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]
