"""Summary counts of the fact rows: what each row adds to the day / month / year it falls in.

A fact row (`DossierRecord`) contributes to up to five local days, each with a few counters:
- the day it was received: the "new" counters (channel, fee, digitization, …);
- the day it ended: the "finished" counters (outcome, end kind, result, resolution time, …);
- the day its result was handed over: `returned`;
- the first day it was both received and overdue, and the first day it was overdue and
  ended: `overdue_open` / `overdue_close`, whose difference summed over the days before a
  midnight is the number in progress and overdue at that midnight.
Each contribution is kept three times, for its day, its month and its year (`KpiCount.grain`),
so a period is read from a few rows per scope key: whole years, then whole months, then days.

"In progress at the period end" = received before it − ended before it: exact because a row
never ends before it was received (the `record_ends_after_receipt` constraint).
`services.put_record` keeps the counts current (the difference between a row's old and new
contributions, in the writer's transaction); `services.rebuild_counts` recomputes them all.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import Q
from django.utils import timezone

KEYS = ("center_id", "unit_id", "agency_id", "field_id", "procedure_id")
# The Decree 61 indices a fact row carries (points 0–2, or None), summed with their counts.
D61 = ("d61_time", "d61_agency_time", "d61_contacts", "d61_attitude")
NEW = (
    "new", "new_counter", "new_online", "new_postal", "new_dissatisfied", "with_fee",
    "paid_online", "components_digitized", "data_reused",
)  # fmt: skip
FINISHED = (
    "fin", "fin_counter", "fin_online", "fin_postal", "fin_dissatisfied", "early", "on_time",
    "late", "refused", "withdrawn", "renewed_kept", "renewed_missed", "with_result",
    "result_electronic", "digitized", "resolved", "resolution_units",
    *(f"{name}_{part}" for name in D61 for part in ("points", "n")),
)  # fmt: skip
OTHER = ("returned", "overdue_open", "overdue_close")
COLUMNS = NEW + FINISHED + OTHER
# The fact-row columns the contributions read.
READS = (
    *KEYS, "channel", "received_at", "ended_at", "returned_at", "end_kind", "outcome",
    "renewed_kept", "on_time_until", "late_from", "result_electronic", "components_digitized",
    "data_reused", "fee_total", "paid_online", "dissatisfied", "resolution_days", *D61,
)  # fmt: skip
GRAINS = ("d", "m", "y")
UNITS_PER_DAY = 10_000  # resolution_days has 4 decimals: summed exactly as integers
MICROSECOND = timedelta(microseconds=1)

Bucket = tuple[str, date, tuple[int, ...]]  # grain, first day, scope keys


def _day(at: datetime) -> date:
    return timezone.localtime(at, timezone.get_current_timezone()).date()


def overdue_after(late_from: datetime | None, on_time_until: datetime | None) -> datetime | None:
    """The last instant an unfinished dossier is on time: overdue at t ⇔ t > this
    (t >= late_from ⇔ t > late_from − 1 µs, timestamps being to the microsecond)."""
    candidates = [t for t in (late_from and late_from - MICROSECOND, on_time_until) if t]
    return min(candidates) if candidates else None


def contributions(row: Mapping[str, Any]) -> dict[tuple[str, date], dict[str, int]]:
    """The counters one fact row adds, per (grain, first day of the bucket)."""
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    received = _day(row["received_at"])
    fee = row["fee_total"] > 0
    by_day[received].update(
        new=1, **{f"new_{row['channel']}": 1}, new_dissatisfied=int(row["dissatisfied"]),
        with_fee=int(fee), paid_online=int(fee and row["paid_online"]),
        components_digitized=int(row["components_digitized"]),
        data_reused=int(row["data_reused"]),
    )  # fmt: skip
    ended = row["ended_at"] and _day(row["ended_at"])
    if ended:
        kind, result = row["end_kind"], row["end_kind"] == "result"
        electronic = result and row["result_electronic"]
        resolved = kind != "withdrawn"
        days = row["resolution_days"]
        values = {
            "fin": 1, f"fin_{row['channel']}": 1, "fin_dissatisfied": int(row["dissatisfied"]),
            row["outcome"]: 1, "refused": int(kind == "refused"),
            "withdrawn": int(kind == "withdrawn"),
            "renewed_kept": int(row["renewed_kept"] is True),
            "renewed_missed": int(row["renewed_kept"] is False), "with_result": int(result),
            "result_electronic": int(electronic),
            "digitized": int(electronic and row["components_digitized"]),
            "resolved": int(resolved),
            "resolution_units": int(Decimal(days) * UNITS_PER_DAY) if resolved and days else 0,
        }  # fmt: skip
        for name in D61:
            if row[name] is not None:
                values[f"{name}_points"] = row[name]
                values[f"{name}_n"] = 1
        add(by_day[ended], values)
    if row["returned_at"]:
        add(by_day[_day(row["returned_at"])], {"returned": 1})
    after = overdue_after(row["late_from"], row["on_time_until"])
    if after is not None:
        opens = max(received, _day(after))
        add(by_day[opens], {"overdue_open": 1})
        if ended:
            add(by_day[max(opens, ended)], {"overdue_close": 1})
    out: dict[tuple[str, date], dict[str, int]] = defaultdict(dict)
    for day, values in by_day.items():
        for grain in GRAINS:
            add(out[(grain, bucket_start(grain, day))], values)
    return out


def add(into: dict[str, int], values: Mapping[str, int]) -> None:
    for name, n in values.items():
        if n:
            into[name] = into.get(name, 0) + n


def bucket_start(grain: str, day: date) -> date:
    if grain == "d":
        return day
    if grain == "m":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def keys_of(row: Mapping[str, Any]) -> tuple[int, ...]:
    """The scope keys of a row (0 for a missing unit or field: NULL would not match itself)."""
    return tuple(row[k] or 0 for k in KEYS)


def difference(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[Bucket, dict[str, int]]:
    """What to add to each bucket when a fact row changes from `before` to `after` (None:
    no row); buckets whose counts do not change are left out."""
    delta: dict[Bucket, dict[str, int]] = defaultdict(dict)
    for row, sign in ((before, -1), (after, 1)):
        if row is None:
            continue
        keys = keys_of(row)
        for (grain, start), values in contributions(row).items():
            add(delta[(grain, start, keys)], {k: sign * v for k, v in values.items()})
    return {b: v for b, v in delta.items() if any(v.values())}


# --- reading: a period as buckets --------------------------------------------------------


def _next(grain: str, day: date) -> date:
    if grain == "d":
        return day + timedelta(days=1)
    if grain == "m":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day.replace(year=day.year + 1, month=1, day=1)


def ranges_between(start: date, end: date) -> list[tuple[str, date, date]]:
    """The buckets covering the days [start, end) exactly, the largest aligned ones first
    possible: (grain, first bucket start, first start after), consecutive ones merged."""
    ranges: list[list] = []
    day = start
    while day < end:
        for grain in ("y", "m", "d"):
            if bucket_start(grain, day) == day and _next(grain, day) <= end:
                break
        after = _next(grain, day)
        if ranges and ranges[-1][0] == grain and ranges[-1][2] == day:
            ranges[-1][2] = after
        else:
            ranges.append([grain, day, after])
        day = after
    return [tuple(r) for r in ranges]


def buckets_between(start: date, end: date) -> Q:
    return _q(ranges_between(start, end))


def buckets_before(end: date) -> Q:
    """The buckets covering every day before `end`: past years, this year's months, days."""
    year, month = end.replace(month=1, day=1), end.replace(day=1)
    ranges = [("y", None, year), ("m", year, month), ("d", month, end)]
    return _q([r for r in ranges if r[1] is None or r[1] < r[2]])


def _q(ranges: Iterable[tuple]) -> Q:
    qs = [
        Q(grain=grain, start__lt=after, **({"start__gte": first} if first else {}))
        for grain, first, after in ranges
    ]
    return reduce(operator.or_, qs)


def local_day(at: datetime) -> date | None:
    """The local date of a midnight (None for any other instant: no bucket starts there)."""
    local = timezone.localtime(at, timezone.get_current_timezone())
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date()
