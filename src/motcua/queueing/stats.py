"""Queue statistics for the center director (reads only), and the same as an Excel workbook.

Over the tickets of one center whose day is in [start, end]:
- waiting time: first call − issue (tickets called at least once);
- service time: finish − start (finished tickets);
- no-show rate: no-shows / (finished + no-shows), i.e. among the tickets that were concluded;
- tickets per hour of the day: issued per group, first calls per counter and per officer.

Counts and hourly distributions are aggregated by the database; durations and their percentiles
are computed here over the period's rows. A ticket counts for the group it ended in and the
counter/officer that last called it (after a transfer: the new ones).
"""

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import has_province_scope, scoped_center_ids
from motcua.directory.models import Counter, ServiceCenter
from motcua.queueing.models import ServiceGroup, Ticket

MAX_PERIOD_DAYS = 366
STATS_ROLES = frozenset({Role.CENTER_DIRECTOR, Role.SUPERVISOR, Role.ADMINISTRATOR})
DAY_HOURS = range(7, 18)  # always shown, even with no tickets: the working day


# --- pure helpers (no database) --------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    if not whole:
        return None
    return part / whole


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between ranks; None when empty."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = math.floor(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass(frozen=True)
class Durations:
    """A summary of durations in seconds; every figure None when there are none."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "Durations":
        if not seconds:
            return cls()
        return cls(
            count=len(seconds), mean=sum(seconds) / len(seconds),
            median=percentile(seconds, 50), p90=percentile(seconds, 90), max=max(seconds),
        )  # fmt: skip

    # In minutes, for the page (None when there are no durations).
    @property
    def mean_min(self) -> float | None:
        return minutes(self.mean)

    @property
    def median_min(self) -> float | None:
        return minutes(self.median)

    @property
    def p90_min(self) -> float | None:
        return minutes(self.p90)


def minutes(seconds: float | None) -> float | None:
    """Seconds as minutes with one decimal (None stays None)."""
    return None if seconds is None else round(seconds / 60, 1)


def seconds_between(a: datetime | None, b: datetime | None) -> float | None:
    """b − a in seconds, None if either is missing; never negative (clock skew)."""
    if a is None or b is None:
        return None
    return max((b - a).total_seconds(), 0.0)


# --- the figures ---------------------------------------------------------------------------


@dataclass
class Line:
    """One line of a breakdown: a group, a counter, an officer, or the whole center."""

    key: int | None
    label: str
    issued: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    waiting_now: int = 0
    wait: Durations = field(default_factory=Durations)
    service: Durations = field(default_factory=Durations)

    @property
    def no_show_rate(self) -> float | None:
        return rate(self.no_show, self.served + self.no_show)

    @property
    def no_show_percent(self) -> float | None:
        value = self.no_show_rate
        return None if value is None else round(value * 100, 1)


@dataclass
class HourTable:
    """Tickets per hour of the day: one row per group/counter/officer, one column per hour."""

    title: str
    hours: list[int]
    rows: list[tuple[str, list[int], int]]  # (label, count per hour, total)


@dataclass
class QueueStats:
    center: ServiceCenter
    start: date
    end: date
    total: Line
    by_group: list[Line]
    by_counter: list[Line]
    by_officer: list[Line]
    hour_tables: list[HourTable]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


COUNTS = {
    "issued": Count("id"),
    "called": Count("id", filter=Q(first_called_at__isnull=False)),
    "served": Count("id", filter=Q(status=Ticket.Status.FINISHED)),
    "no_show": Count("id", filter=Q(status=Ticket.Status.NO_SHOW)),
    "waiting_now": Count("id", filter=Q(status=Ticket.Status.WAITING)),
}


def period_tickets(*, center: ServiceCenter, start: date, end: date):
    return Ticket.objects.filter(center=center, day__gte=start, day__lte=end)


def _lines(tickets, dimension: str, labels: dict[int, str], rows) -> list[Line]:
    """Counts per value of `dimension` from the database, durations from `rows`."""
    lines: dict[int, Line] = {}
    for item in (
        tickets.filter(**{f"{dimension}__isnull": False}).values(dimension).annotate(**COUNTS)
    ):
        key = item.pop(dimension)
        lines[key] = Line(key=key, label=labels.get(key, str(key)), **item)
    waits: dict[int, list[float]] = {}
    services: dict[int, list[float]] = {}
    for row in rows:
        key = row[dimension]
        if key is None:
            continue
        if row["wait"] is not None:
            waits.setdefault(key, []).append(row["wait"])
        if row["service"] is not None:
            services.setdefault(key, []).append(row["service"])
    for key, line in lines.items():
        line.wait = Durations.of(waits.get(key, []))
        line.service = Durations.of(services.get(key, []))
    return sorted(lines.values(), key=lambda line: line.label)


def _hour_table(title: str, tickets, when: str, dimension: str, labels: dict) -> HourTable:
    counts: dict[int, dict[int, int]] = {}
    for item in (
        tickets.filter(**{f"{when}__isnull": False, f"{dimension}__isnull": False})
        .annotate(hour=ExtractHour(when, tzinfo=timezone.get_current_timezone()))
        .values(dimension, "hour")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(item[dimension], {})[item["hour"]] = item["n"]
    seen = {h for per_hour in counts.values() for h in per_hour}
    hours = sorted(seen | set(DAY_HOURS))
    rows = [
        (labels.get(key, str(key)), [per_hour.get(h, 0) for h in hours], sum(per_hour.values()))
        for key, per_hour in counts.items()
    ]
    rows.sort(key=lambda r: r[0])
    return HourTable(title=title, hours=hours, rows=rows)


def _officer_name(user: User) -> str:
    return user.full_name or user.username


def queue_stats(*, center: ServiceCenter, start: date, end: date) -> QueueStats:
    tickets = period_tickets(center=center, start=start, end=end)
    rows = [
        {
            "group": r["group_id"],
            "counter": r["counter_id"],
            "officer": r["officer_id"],
            "wait": seconds_between(r["issued_at"], r["first_called_at"]),
            "service": seconds_between(r["started_at"], r["finished_at"])
            if r["status"] == Ticket.Status.FINISHED
            else None,
        }
        for r in tickets.filter(first_called_at__isnull=False).values(
            "group_id", "counter_id", "officer_id", "status", "issued_at", "first_called_at",
            "started_at", "finished_at",
        )
    ]  # fmt: skip
    groups = {g.pk: f"{g.prefix} — {g.name}" for g in ServiceGroup.objects.filter(center=center)}
    counters = {
        c.pk: _("Quầy %(number)s") % {"number": c.number}
        for c in Counter.objects.filter(center=center)
    }
    officer_ids = set(tickets.exclude(officer=None).values_list("officer_id", flat=True))
    officers = {u.pk: _officer_name(u) for u in User.objects.filter(pk__in=officer_ids)}

    total = Line(key=None, label=_("Toàn trung tâm"), **tickets.aggregate(**COUNTS))
    total.wait = Durations.of([r["wait"] for r in rows if r["wait"] is not None])
    total.service = Durations.of([r["service"] for r in rows if r["service"] is not None])
    return QueueStats(
        center=center, start=start, end=end, total=total,
        by_group=_lines(tickets, "group", groups, rows),
        by_counter=_lines(tickets, "counter", counters, rows),
        by_officer=_lines(tickets, "officer", officers, rows),
        hour_tables=[
            _hour_table(_("Số phiếu lấy theo giờ, theo nhóm dịch vụ"), tickets, "issued_at",
                        "group", groups),
            _hour_table(_("Số lượt gọi theo giờ, theo quầy"), tickets, "first_called_at",
                        "counter", counters),
            _hour_table(_("Số lượt gọi theo giờ, theo cán bộ"), tickets, "first_called_at",
                        "officer", officers),
        ],
    )  # fmt: skip


# --- who may see them ----------------------------------------------------------------------


def centers_for_stats(user: User) -> list[ServiceCenter]:
    """Centers whose statistics the user may see: all for province scope; for a center
    director, supervisor or administrator, the centers in their scope."""
    if not user.is_authenticated:
        return []
    active = ServiceCenter.objects.filter(is_active=True).order_by("name")
    if has_province_scope(user):
        return list(active)
    if user.role not in STATS_ROLES:
        return []
    return list(active.filter(pk__in=scoped_center_ids(user)))


# --- the workbook --------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _cell(ws, row: int, column: int, value, *, bold: bool = False, number_format: str = ""):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # never a formula: names are data
    if bold:
        cell.font = Font(bold=True)
    if number_format:
        cell.number_format = number_format
    return cell


def _headers(ws, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, 1):
        cell = _cell(ws, row, col, text, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def line_headers() -> list[str]:
    return [
        _("Tên"), _("Số phiếu"), _("Đã gọi"), _("Đã phục vụ xong"), _("Vắng mặt"),
        _("Tỷ lệ vắng mặt"), _("Chờ trung bình (phút)"), _("Chờ trung vị (phút)"),
        _("Chờ P90 (phút)"), _("Phục vụ trung bình (phút)"), _("Phục vụ trung vị (phút)"),
        _("Phục vụ P90 (phút)"),
    ]  # fmt: skip


def line_values(line: Line) -> list:
    return [
        line.label, line.issued, line.called, line.served, line.no_show, line.no_show_rate,
        minutes(line.wait.mean), minutes(line.wait.median), minutes(line.wait.p90),
        minutes(line.service.mean), minutes(line.service.median), minutes(line.service.p90),
    ]  # fmt: skip


def _line_sheet(wb: Workbook, title: str, lines: list[Line]) -> None:
    ws = wb.create_sheet(title[:31])
    _headers(ws, 1, line_headers())
    for r, line in enumerate(lines, 2):
        for c, value in enumerate(line_values(line), 1):
            _cell(ws, r, c, value, number_format="0.0%" if c == 6 else "")
    ws.column_dimensions["A"].width = 40
    for c in range(2, len(line_headers()) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 13
    ws.freeze_panes = "B2"


def stats_workbook(stats: QueueStats) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tổng hợp")
    _cell(ws, 1, 1, _("THỐNG KÊ XẾP HÀNG"), bold=True).font = Font(bold=True, size=14)
    _cell(ws, 2, 1, stats.center.name, bold=True)
    _cell(ws, 3, 1, _("Từ ngày %(start)s đến ngày %(end)s")
          % {"start": f"{stats.start:%d/%m/%Y}", "end": f"{stats.end:%d/%m/%Y}"})  # fmt: skip
    _headers(ws, 5, line_headers())
    for c, value in enumerate(line_values(stats.total), 1):
        _cell(ws, 6, c, value, number_format="0.0%" if c == 6 else "")
    _cell(ws, 8, 1, _("Thời gian chờ: từ lúc lấy số đến lần gọi đầu tiên. Thời gian phục vụ: từ "
                      "lúc bắt đầu đến lúc kết thúc. Tỷ lệ vắng mặt: số vắng mặt / (số đã phục vụ "
                      "xong + số vắng mặt)."))  # fmt: skip
    ws.column_dimensions["A"].width = 40
    for c in range(2, len(line_headers()) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 13
    _line_sheet(wb, _("Theo nhóm dịch vụ"), stats.by_group)
    _line_sheet(wb, _("Theo quầy"), stats.by_counter)
    _line_sheet(wb, _("Theo cán bộ"), stats.by_officer)
    hours = wb.create_sheet(_("Theo giờ"))
    row = 1
    for table in stats.hour_tables:
        _cell(hours, row, 1, table.title, bold=True)
        row += 1
        _headers(hours, row, ["", *[f"{h:02d}:00" for h in table.hours], _("Tổng")])
        for label, counts, total in table.rows:
            row += 1
            for c, value in enumerate([label, *counts, total], 1):
                _cell(hours, row, c, value)
        row += 3
    hours.column_dimensions["A"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
