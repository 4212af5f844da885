"""Reads of the reports app: the Decision 766 figures in SQL over the fact rows.

`kpi()` computes, in one aggregate query (COUNT(*) FILTER / conditional SUM), the same figures
as the pure functions of `motcua.domain.kpi` over the same dossiers (tests compare them on the
golden data); `dossiers_behind()` gives the dossiers behind a figure, for the pages to list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import has_province_scope, scoped_agency_ids, scoped_center_ids
from motcua.catalog.selectors import current_versions
from motcua.domain import kpi
from motcua.reports import counts as buckets
from motcua.reports.models import FACT_FIELDS, DossierRecord, KpiCount


@dataclass(frozen=True)
class Scope:
    """Which dossiers: any combination of ids; the id sets restrict to a user's reach."""

    center: int | None = None
    agency: int | None = None
    field: int | None = None
    procedure: int | None = None
    unit: int | None = None  # the commune (administrative unit of the center)
    center_in: frozenset[int] | None = None
    agency_in: frozenset[int] | None = None

    def filter(self, qs: QuerySet[DossierRecord]) -> QuerySet[DossierRecord]:
        for name in ("center", "agency", "field", "procedure", "unit"):
            value = getattr(self, name)
            if value is not None:
                qs = qs.filter(**{f"{name}_id": value})
        if self.center_in is not None:
            qs = qs.filter(center_id__in=self.center_in)
        if self.agency_in is not None:
            qs = qs.filter(agency_id__in=self.agency_in)
        return qs


def index_766_rules() -> tuple[kpi.GroupRule, ...]:
    """The Decision 766 rules: the domain's, with the points and thresholds the province set in
    settings.MOTCUA_INDEX_766 (environment variable of the same name, JSON; checked at start-up
    by the system check reports.E001)."""
    value = getattr(settings, "MOTCUA_INDEX_766", None) or {}
    return kpi.rules_766(json.loads(value) if isinstance(value, str) else value)


def reach_of(user: User) -> Scope | None:
    """What the user may see of the figures (None: nothing). Supervisors and province
    administrators everything (supervisors see every dossier, read-only); a center's director
    the centers they are posted to; an agency leader their agency and those under it."""
    if not user.is_authenticated or not user.is_active:
        return None
    if has_province_scope(user) or user.role == Role.SUPERVISOR:
        return Scope()
    if user.role == Role.CENTER_DIRECTOR:
        return Scope(center_in=frozenset(scoped_center_ids(user)))
    if user.role == Role.AGENCY_LEADER and user.agency_id is not None:
        return Scope(agency_in=frozenset(scoped_agency_ids(user)))
    return None


def period_of(start: date, end: date, *, now: datetime | None = None) -> kpi.Period:
    """The days `start`..`end` (both included, local time) as `[start 00:00, end+1 00:00)`."""
    tz = timezone.get_current_timezone()
    return kpi.Period(
        datetime.combine(start, time(0), tz),
        datetime.combine(end + timedelta(days=1), time(0), tz),
        judged_at=now or timezone.now(),
    )


def _sets(p: kpi.Period) -> dict[str, Q]:
    s, e, j = p.start, p.end, p.judge
    not_ended_before = Q(ended_at__isnull=True) | Q(ended_at__gte=s)
    in_progress = Q(received_at__lt=e) & (Q(ended_at__isnull=True) | Q(ended_at__gte=e))
    overdue = Q(late_from__lte=j) | Q(on_time_until__lt=j)
    finished = Q(ended_at__gte=s, ended_at__lt=e)
    return {
        "handled": Q(received_at__lt=e) & not_ended_before,
        "new": Q(received_at__gte=s, received_at__lt=e),
        "carried_over": Q(received_at__lt=s) & not_ended_before,
        "finished": finished,
        "in_progress": in_progress,
        "in_progress_on_time": in_progress & ~overdue,
        "in_progress_overdue": in_progress & overdue,
        "returned": Q(returned_at__gte=s, returned_at__lt=e),
        "with_result": finished & Q(end_kind="result"),
        "resolved": finished & ~Q(end_kind="withdrawn"),
    }


def _base(p: kpi.Period, scope: Scope) -> QuerySet[DossierRecord]:
    sets = _sets(p)
    return scope.filter(DossierRecord.objects.filter(sets["handled"] | sets["returned"]))


def _queries(p: kpi.Period) -> dict[str, Q]:
    """Every figure's numerator and denominator as a filter over the base rows."""
    q = _sets(p)
    fin = q["finished"]
    on_time_done = fin & Q(outcome__in=["early", "on_time"])
    return {
        "received": q["handled"],
        "received_new": q["new"],
        "carried_over": q["carried_over"],
        **{f"received_{c}": q["new"] & Q(channel=c) for c in kpi.CHANNELS},
        **{f"handled_{c}": q["handled"] & Q(channel=c) for c in kpi.CHANNELS},
        "finished_early": fin & Q(outcome="early"),
        "finished_on_time": fin & Q(outcome="on_time"),
        "finished_late": fin & Q(outcome="late"),
        "in_progress_on_time": q["in_progress_on_time"],
        "in_progress_overdue": q["in_progress_overdue"],
        "returned": q["returned"],
        "refused": fin & Q(end_kind="refused"),
        "withdrawn": fin & Q(end_kind="withdrawn"),
        "renewed_kept": fin & Q(renewed_kept=True),
        "renewed_missed": fin & Q(renewed_kept=False),
        "on_time": on_time_done | q["in_progress_on_time"],
        "late": (fin & Q(outcome="late")) | q["in_progress_overdue"],
        "dissatisfied": q["handled"] & Q(dissatisfied=True),
        "resolved": q["resolved"],
        "online": q["new"] & Q(channel="online"),
        "with_fee": q["new"] & Q(fee_total__gt=0),
        "paid_online": q["new"] & Q(fee_total__gt=0, paid_online=True),
        "with_result": q["with_result"],
        "result_electronic": q["with_result"] & Q(result_electronic=True),
        "components_digitized": q["new"] & Q(components_digitized=True),
        "digitized": q["with_result"] & Q(components_digitized=True, result_electronic=True),
        "data_reused": q["new"] & Q(data_reused=True),
        "evaluated": fin,
    }


# figure name → (numerator set, denominator set); rates are numerator / denominator.
RATES = {
    "on_time_rate": ("on_time", "received"),
    "online_rate": ("online", "received_new"),
    "counter_rate": ("received_counter", "received_new"),
    "postal_rate": ("received_postal", "received_new"),
    "online_payment_rate": ("paid_online", "with_fee"),
    "electronic_result_rate": ("result_electronic", "with_result"),
    "digitized_components_rate": ("components_digitized", "received_new"),
    "digitized_results_rate": ("result_electronic", "with_result"),
    "digitization_rate": ("digitized", "with_result"),
    "data_reuse_rate": ("data_reused", "received_new"),
}


@dataclass(frozen=True)
class Kpi:
    counts: dict[str, int]
    figures: dict[str, kpi.Figure]  # the rates, the average and 5.4 (no keys: see dossiers_behind)
    procedures_online: kpi.Figure
    score: kpi.Score766
    evaluation: tuple[kpi.EvaluationFigure, ...]


def _procedures(scope: Scope, on: date) -> list[kpi.ProcedureFacts]:
    versions = current_versions(on=on)
    if scope.agency is not None:
        versions = versions.filter(agency_id=scope.agency)
    if scope.agency_in is not None:
        versions = versions.filter(agency_id__in=scope.agency_in)
    if scope.field is not None:
        versions = versions.filter(field_id=scope.field)
    if scope.procedure is not None:
        versions = versions.filter(procedure_id=scope.procedure)
    centers = [c for c in (scope.center,) if c is not None] or list(scope.center_in or ())
    if centers:  # the procedures received at the center: those of the agencies it serves
        versions = versions.filter(agency__centers__id__in=centers).distinct()
    return [
        kpi.ProcedureFacts(code, level)
        for code, level in versions.values_list("procedure__code", "online_level")
    ]


def _row_from_facts(p: kpi.Period, scope: Scope) -> dict:
    """The counts and sums of `kpi_figures`, straight from the fact rows: one aggregate query."""
    queries = _queries(p)
    # Aggregate names must not be field names (renewed_kept, returned…): "n_" prefix.
    aggregates = {f"n_{name}": Count("pk", filter=cond) for name, cond in queries.items()}
    aggregates["sum_resolution_days"] = Sum("resolution_days", filter=queries["resolved"])
    for idx in kpi.DECREE_61:
        if idx.field:
            aggregates[f"d61_{idx.number}_points"] = Sum(idx.field, filter=queries["evaluated"])
            aggregates[f"d61_{idx.number}_n"] = Count(
                idx.field, filter=queries["evaluated"] & Q(**{f"{idx.field}__isnull": False})
            )
    return _base(p, scope).aggregate(**aggregates)


# Stocks at the period end: received before it − ended before it (the same channel or flag).
STOCKS = {"": ("new", "fin"), "dissatisfied": ("new_dissatisfied", "fin_dissatisfied"),
          **{c: (f"new_{c}", f"fin_{c}") for c in kpi.CHANNELS}}  # fmt: skip


def _row_from_counts(p: kpi.Period, scope: Scope) -> dict | None:
    """The same as `_row_from_facts`, read from the summary counts (`KpiCount`): flows from
    the buckets of the period, what is in progress at its end from the buckets before it.
    None when the period does not start and end at local midnights (no bucket does)."""
    start, end = buckets.local_day(p.start), buckets.local_day(p.end)
    if start is None or end is None or start >= end:
        return None
    inside, before = buckets.buckets_between(start, end), buckets.buckets_before(end)
    aggregates = {f"f_{c}": Sum(c, filter=inside) for c in buckets.COLUMNS}
    stock_columns = {c for pair in STOCKS.values() for c in pair} | {
        "overdue_open", "overdue_close"
    }  # fmt: skip
    aggregates |= {f"b_{c}": Sum(c, filter=before) for c in stock_columns}
    got = scope.filter(KpiCount.objects.filter(inside | before)).aggregate(**aggregates)
    f = {c: int(got[f"f_{c}"] or 0) for c in buckets.COLUMNS}
    b = {c: int(got[f"b_{c}"] or 0) for c in stock_columns}
    open_ = {name: b[new] - b[fin] for name, (new, fin) in STOCKS.items()}
    if p.judge == p.end:
        overdue = b["overdue_open"] - b["overdue_close"]
    else:  # judged before the end (a period not over): the unfinished rows, judged now
        q = _sets(p)
        overdue = scope.filter(DossierRecord.objects.filter(q["in_progress_overdue"])).count()
    on_time_open = open_[""] - overdue
    handled = f["fin"] + open_[""]
    n = {
        "received": handled, "received_new": f["new"], "carried_over": handled - f["new"],
        **{f"received_{c}": f[f"new_{c}"] for c in kpi.CHANNELS},
        **{f"handled_{c}": f[f"fin_{c}"] + open_[c] for c in kpi.CHANNELS},
        "finished_early": f["early"], "finished_on_time": f["on_time"],
        "finished_late": f["late"], "in_progress_on_time": on_time_open,
        "in_progress_overdue": overdue, "returned": f["returned"], "refused": f["refused"],
        "withdrawn": f["withdrawn"], "renewed_kept": f["renewed_kept"],
        "renewed_missed": f["renewed_missed"],
        "on_time": f["early"] + f["on_time"] + on_time_open, "late": f["late"] + overdue,
        "dissatisfied": f["fin_dissatisfied"] + open_["dissatisfied"],
        "resolved": f["resolved"], "online": f["new_online"], "with_fee": f["with_fee"],
        "paid_online": f["paid_online"], "with_result": f["with_result"],
        "result_electronic": f["result_electronic"],
        "components_digitized": f["components_digitized"], "digitized": f["digitized"],
        "data_reused": f["data_reused"], "evaluated": f["fin"],
    }  # fmt: skip
    row = {f"n_{name}": value for name, value in n.items()}
    row["sum_resolution_days"] = Decimal(f["resolution_units"]).scaleb(-4)
    for idx in kpi.DECREE_61:
        if idx.field:
            row[f"d61_{idx.number}_points"] = f[f"{idx.field}_points"]
            row[f"d61_{idx.number}_n"] = f[f"{idx.field}_n"]
    return row


def kpi_figures(p: kpi.Period, scope: Scope = Scope(), *, from_counts: bool = True) -> Kpi:
    """Every figure of the period and scope: from the summary counts for a period of whole
    days (a few rows per scope key and bucket), else (or `from_counts=False`) in one
    aggregate query over the fact rows. Both give the same figures (tests compare them)."""
    queries = _queries(p)
    row = (_row_from_counts(p, scope) if from_counts else None) or _row_from_facts(p, scope)
    counts = {name: int(row[f"n_{name}"]) for name in queries}
    figures = {
        name: kpi.Figure(counts[n], counts[d], kpi.ratio(counts[n], counts[d]))
        for name, (n, d) in RATES.items()
    }
    total_days = Decimal(row["sum_resolution_days"] or 0)
    figures["average_resolution_days"] = kpi.Figure(
        total_days, counts["resolved"], kpi.ratio(total_days, counts["resolved"])
    )
    handled = counts["received"]
    good = max(0, handled - counts["late"] - counts["dissatisfied"])
    figures["satisfaction_rate"] = kpi.Figure(good, handled, kpi.ratio(good, handled))
    procedures = kpi.procedures_online_rate(_procedures(scope, (p.end - timedelta(days=1)).date()))
    rates: dict[str, Fraction | None] = {
        "2.1": figures["on_time_rate"].value,
        "3.1": procedures.value,
        "3.3": figures["online_rate"].value,
        "3.6": figures["online_payment_rate"].value,
        "4.1": figures["electronic_result_rate"].value,
        "4.2": figures["digitization_rate"].value,
        "4.3": figures["data_reuse_rate"].value,
        "5.4": figures["satisfaction_rate"].value,
    }
    evaluation = []
    for idx in kpi.DECREE_61:
        if idx.field is None:
            evaluation.append(kpi.EvaluationFigure(idx.number, idx.name, None, 0, None))
            continue
        points, n = int(row[f"d61_{idx.number}_points"] or 0), int(row[f"d61_{idx.number}_n"])
        evaluation.append(
            kpi.EvaluationFigure(idx.number, idx.name, points, n, kpi.ratio(points, n))
        )
    return Kpi(
        counts, figures, procedures, kpi.score_766(rates, index_766_rules()), tuple(evaluation)
    )


# What each figure lists: the set of its numerator (or of the count).
BEHIND = {**{name: n for name, (n, _d) in RATES.items()}, "satisfaction_rate": "received",
          "average_resolution_days": "resolved"}  # fmt: skip


def dossiers_behind(
    figure: str, p: kpi.Period, scope: Scope = Scope(), *, denominator: bool = False
) -> QuerySet[DossierRecord]:
    """The fact rows (and through `dossier`, the dossiers) behind a count or a rate.

    `figure`: a count name of `Kpi.counts` or a rate of `RATES`; for a rate, its numerator's
    dossiers, or its denominator's with `denominator=True`."""
    queries = _queries(p)
    if figure in RATES:
        name = RATES[figure][1 if denominator else 0]
    elif figure == "satisfaction_rate":
        name = "received"
        if not denominator:
            return (
                _base(p, scope)
                .filter(queries["received"])
                .exclude(queries["late"] | queries["dissatisfied"])
                .order_by("received_at", "code")
            )
    else:
        name = BEHIND.get(figure, figure)
    if name not in queries:
        raise KeyError(figure)
    return _base(p, scope).filter(queries[name]).order_by("received_at", "code")


def facts_of(records: QuerySet[DossierRecord]) -> list[kpi.DossierFacts]:
    """The rows back as the pure records (to compute the pure functions over them)."""
    out = []
    for r in records:
        out.append(
            kpi.DossierFacts(
                key=r.code, end_kind=r.end_kind or None, outcome=r.outcome or None,
                **{name: getattr(r, name) for name in FACT_FIELDS},
            )
        )  # fmt: skip
    return out


# --- for the pages and exports (issue 6): grouped counts, series, today's deadlines ----------
# Built on the same `_base` rows and `_queries` conditions as `kpi_figures`, so a group's
# counts, a point of a series and today's figures equal `kpi_figures` over the same dossiers.

# The counts of the periodic report (TTHC reporting layout).
REPORT_COUNTS = (
    "received", "carried_over", "received_new", "received_online", "received_counter",
    "received_postal", "finished_early", "finished_on_time", "finished_late",
    "in_progress_on_time", "in_progress_overdue",
)  # fmt: skip
GROUP_KEYS = ("center", "agency", "field", "procedure", "unit")


def grouped_counts(
    p: kpi.Period,
    scope: Scope = Scope(),
    *,
    by: tuple[str, ...] = ("agency", "field"),
    names: tuple[str, ...] = REPORT_COUNTS,
) -> dict[tuple[int | None, ...], dict[str, int]]:
    """Counts of `kpi_figures` per group of scope keys (e.g. agency × field), in one query.

    Only groups with at least one dossier in the period's base rows appear."""
    if not set(by) <= set(GROUP_KEYS):
        raise ValueError(f"cannot group by {by}")
    queries = _queries(p)
    keys = [f"{name}_id" for name in by]
    rows = (
        _base(p, scope)
        .order_by()
        .values(*keys)
        .annotate(**{f"n_{name}": Count("pk", filter=queries[name]) for name in names})
    )
    return {
        tuple(row[k] for k in keys): {name: int(row[f"n_{name}"]) for name in names} for row in rows
    }


def series(
    periods: list[kpi.Period],
    scope: Scope = Scope(),
    *,
    names: tuple[str, ...] = ("received", "on_time"),
) -> list[dict[str, int]]:
    """Counts of `kpi_figures` for each of several periods (a trend): from the summary counts
    when every period is of whole days (a few indexed reads each, whatever the volume), else
    in one query over the fact rows."""
    if not periods:
        return []
    from_counts = [_row_from_counts(p, scope) for p in periods]
    if all(row is not None for row in from_counts):
        return [{name: int(row[f"n_{name}"]) for name in names} for row in from_counts]
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    touched = Q(received_at__lt=last) & (Q(ended_at__isnull=True) | Q(ended_at__gte=first))
    rows = scope.filter(
        DossierRecord.objects.filter(touched | Q(returned_at__gte=first, returned_at__lt=last))
    )
    aggregates = {}
    for i, p in enumerate(periods):
        sets, queries = _sets(p), _queries(p)
        base = sets["handled"] | sets["returned"]
        for name in names:
            aggregates[f"p{i}_{name}"] = Count("pk", filter=base & queries[name])
    row = rows.aggregate(**aggregates)
    return [{name: int(row[f"p{i}_{name}"]) for name in names} for i in range(len(periods))]


def _due_before_end(p: kpi.Period) -> Q:
    """In progress and on time at the judging instant, but due before the period ends."""
    return _sets(p)["in_progress_on_time"] & Q(on_time_until__lt=p.end)


def deadline_counts(p: kpi.Period, scope: Scope = Scope()) -> dict[int, dict[str, int]]:
    """Per agency (of the procedure): in progress on time, due before the period's end (for
    today's period: due today) and overdue, judged as `kpi_figures` judges them."""
    sets = _sets(p)
    rows = (
        _base(p, scope)
        .order_by()
        .values("agency_id")
        .annotate(
            n_on_time=Count("pk", filter=sets["in_progress_on_time"]),
            n_due=Count("pk", filter=_due_before_end(p)),
            n_overdue=Count("pk", filter=sets["in_progress_overdue"]),
        )
    )
    return {
        row["agency_id"]: {"in_progress_on_time": row["n_on_time"], "due": row["n_due"],
                           "in_progress_overdue": row["n_overdue"]}
        for row in rows if row["n_on_time"] or row["n_overdue"]
    }  # fmt: skip


def dossiers_due(p: kpi.Period, scope: Scope = Scope()) -> QuerySet[DossierRecord]:
    """The rows behind `deadline_counts(...)["due"]`, soonest due first."""
    return _base(p, scope).filter(_due_before_end(p)).order_by("on_time_until", "code")


def procedure_names(procedure_ids) -> dict[int, str]:
    """The name of each procedure, from its latest version (rows keep only the procedure)."""
    from motcua.catalog.models import ProcedureVersion

    names: dict[int, str] = {}
    versions = (
        ProcedureVersion.objects.filter(procedure_id__in=set(procedure_ids))
        .order_by("procedure_id", "effective_from", "pk")
        .values_list("procedure_id", "name")
    )
    for procedure_id, name in versions:
        names[procedure_id] = name  # the later version wins
    return names
