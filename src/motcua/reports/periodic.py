"""The periodic report (báo cáo định kỳ: month, quarter, year) in the layout of TTHC reporting.

Per agency and, inside each, per field: received (total; carried over; new online; new in
person or by post), resolved (total; early; on time; late), in progress (total; on time;
overdue); a total row per agency and a grand total. Counts come from
`selectors.grouped_counts` (one query, the conditions of `kpi_figures`), so every row equals
`kpi_figures` over the same dossiers: the grand total over the whole scope, an agency's total
with `Scope(agency=…)`.

"Resolved" is the national portal's "đã giải quyết": the dossiers that ended in the period
(a result, else a refusal or a withdrawal), each early / on time / late by the on-time rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.catalog.models import Field
from motcua.directory.models import Agency
from motcua.domain import kpi
from motcua.reports import selectors

# (column key, label, heading group); the groups become merged headers.
COLUMNS = (
    ("received", gettext_noop("Tổng số"), "received"),
    ("carried_over", gettext_noop("Kỳ trước chuyển qua"), "received"),
    ("received_online", gettext_noop("Mới tiếp nhận trực tuyến"), "received"),
    ("received_direct", gettext_noop("Mới tiếp nhận trực tiếp, qua bưu chính"), "received"),
    ("finished", gettext_noop("Tổng số"), "resolved"),
    ("finished_early", gettext_noop("Trước hạn"), "resolved"),
    ("finished_on_time", gettext_noop("Đúng hạn"), "resolved"),
    ("finished_late", gettext_noop("Quá hạn"), "resolved"),
    ("in_progress", gettext_noop("Tổng số"), "in_progress"),
    ("in_progress_on_time", gettext_noop("Trong hạn"), "in_progress"),
    ("in_progress_overdue", gettext_noop("Quá hạn"), "in_progress"),
)
GROUPS = (
    ("received", gettext_noop("Số hồ sơ nhận giải quyết")),
    ("resolved", gettext_noop("Số hồ sơ đã giải quyết")),
    ("in_progress", gettext_noop("Số hồ sơ đang giải quyết")),
)
KEYS = tuple(key for key, _label, _group in COLUMNS)


def derive(counts: dict[str, int]) -> dict[str, int]:
    """The report's columns from the counts of `kpi_figures` (or of `grouped_counts`)."""
    c = counts
    return {
        "received": c["received"],
        "carried_over": c["carried_over"],
        "received_online": c["received_online"],
        "received_direct": c["received_counter"] + c["received_postal"],
        "finished": c["finished_early"] + c["finished_on_time"] + c["finished_late"],
        "finished_early": c["finished_early"],
        "finished_on_time": c["finished_on_time"],
        "finished_late": c["finished_late"],
        "in_progress": c["in_progress_on_time"] + c["in_progress_overdue"],
        "in_progress_on_time": c["in_progress_on_time"],
        "in_progress_overdue": c["in_progress_overdue"],
    }


def _add(rows: list[dict[str, int]]) -> dict[str, int]:
    return {key: sum(r[key] for r in rows) for key in KEYS}


@dataclass(frozen=True)
class Row:
    label: str
    values: dict[str, int]
    field_id: int | None = None
    field_slug: str = ""

    @property
    def cells(self) -> list[int]:
        return [self.values[k] for k in KEYS]

    @property
    def on_time_percent(self) -> str:
        """Share of the resolved dossiers resolved early or on time."""
        v = self.values
        if not v["finished"]:
            return "—"
        share = (v["finished_early"] + v["finished_on_time"]) * 100 / v["finished"]
        return f"{share:.1f}%".replace(".", ",")


@dataclass(frozen=True)
class Section:
    agency_id: int
    name: str
    code: str
    rows: list[Row]
    total: Row


@dataclass(frozen=True)
class Report:
    title: str
    period_label: str
    scope_label: str
    period: kpi.Period
    sections: list[Section]
    total: Row
    generated_at: datetime
    columns: list[tuple[str, str, str]] = field(default_factory=list)
    groups: list[tuple[str, str, int]] = field(default_factory=list)  # key, label, span


def build(p: kpi.Period, scope: selectors.Scope, *, period_label: str, scope_label: str) -> Report:
    grouped = selectors.grouped_counts(p, scope, by=("agency", "field"))
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={a for a, _f in grouped})}
    fields = {f.pk: f for f in Field.objects.filter(pk__in={f for _a, f in grouped if f})}
    sections = []
    by_agency: dict[int, list[Row]] = {}
    for (agency_id, field_id), counts in grouped.items():
        values = derive(counts)
        if not any(values.values()):
            continue  # only returned in the period: not a row of this layout
        f = fields.get(field_id)
        row = Row(f.name, values, field_id, f.slug) if f else Row(_("(Chưa phân lĩnh vực)"), values)
        by_agency.setdefault(agency_id, []).append(row)
    for agency_id, rows in by_agency.items():
        rows.sort(key=lambda r: (r.field_id is None, r.label))
        agency = agencies[agency_id]
        total = Row(_("Cộng"), _add([r.values for r in rows]))
        sections.append(Section(agency_id, agency.name, agency.code, rows, total))
    sections.sort(key=lambda s: s.name)
    grand = Row(_("Tổng cộng"), _add([s.total.values for s in sections]) if sections else
                dict.fromkeys(KEYS, 0))  # fmt: skip
    columns = [(key, _(label), group) for key, label, group in COLUMNS]
    spans = {g: sum(1 for _k, _l, gg in COLUMNS if gg == g) for g, _l in GROUPS}
    return Report(
        title=_("Báo cáo tình hình, kết quả giải quyết thủ tục hành chính"),
        period_label=period_label, scope_label=scope_label, period=p, sections=sections,
        total=grand, generated_at=timezone.now(), columns=columns,
        groups=[(g, _(label), spans[g]) for g, label in GROUPS],
    )  # fmt: skip
