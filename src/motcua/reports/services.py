"""Writes of the reports app: the per-dossier fact rows and the citizens' ratings.

`refresh_record` is called explicitly, inside their transactions, by the services that change
a fact the indices read: the receipt (dossiers), every runtime action (workflow), a fee
exemption or an online payment (payments) and a rating (here). Not signals: the call sites
are where the facts change, and a failure rolls the change back with its fact row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Greatest,
    Round,
    TruncDate,
    TruncMonth,
    TruncYear,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.directory.models import Counter
from motcua.directory.selectors import calendar_for_center
from motcua.domain import deadlines, kpi
from motcua.domain.dossier_status import Status
from motcua.dossiers.models import Dossier
from motcua.reports import counts
from motcua.reports.models import (
    FACT_FIELDS,
    DossierRecord,
    ImportedDossier,
    KpiCount,
    Rating,
    RatingChannel,
    RatingValue,
)


class RatingError(Exception):
    """A rating the rules refuse; the message is for the citizen."""


def _clock(pauses) -> dict:
    """The clock inputs of `kpi.facts_for` from a dossier's `workflow.Pause` rows (in time
    order): every pause stops the clock, each supplement pause is a supplement request."""
    from motcua.workflow.models import Pause

    return {
        "pauses": [deadlines.Pause(p.started_at, p.ended_at, p.kind) for p in pauses],
        "supplement_requested_at": [
            p.started_at for p in pauses if p.kind == Pause.Kind.SUPPLEMENT
        ],
    }


def _pauses_of(dossier: Dossier) -> list:
    from motcua.workflow.models import Pause

    return list(Pause.objects.filter(dossier=dossier).order_by("started_at", "id"))


def _dissatisfied(dossier: Dossier) -> bool:
    return dossier.ratings.filter(value=RatingValue.UNSATISFIED).exists()


def _facts(dossier: Dossier) -> kpi.DossierFacts:
    from motcua.payments.models import Payment, PaymentMethod, PaymentStatus
    from motcua.workflow.models import (
        Apology,
        DossierProcess,
        ResultDocument,
        StepRun,
        Withdrawal,
    )

    apology = Apology.objects.filter(dossier=dossier).first()
    result = ResultDocument.objects.filter(dossier=dossier).first()
    process = DossierProcess.objects.filter(dossier=dossier).first()
    refused_at = withdrawn_at = None
    if dossier.status == Status.REFUSED and process is not None:
        refused_at = process.completed_at
    if dossier.status == Status.WITHDRAWN:
        withdrawal = Withdrawal.objects.filter(dossier=dossier).first()
        withdrawn_at = withdrawal.issued_at if withdrawal else process and process.completed_at
    components = dossier.components.filter(provided=True).annotate(n=Count("files"))
    provided = [(c.n > 0 or c.reused, c.reused) for c in components]
    fees = dossier.fees.filter(exempted=False).aggregate(s=Sum("amount"))["s"] or 0
    by_agency: dict[str, list] = defaultdict(list)
    runs = StepRun.objects.filter(dossier_process__dossier=dossier).exclude(outcome="")
    for unit_id, outcome in runs.filter(status=StepRun.Status.DONE).values_list(
        "unit_id", "outcome"
    ):
        by_agency[str(unit_id)].append(outcome)
    return kpi.facts_for(
        calendar_for_center(dossier.center),
        key=dossier.code,
        channel=dossier.channel,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        **_clock(_pauses_of(dossier)),
        apology_at=apology.issued_at if apology else None,
        new_due_at=apology.new_due_at if apology else None,
        result_at=result.recorded_at if result else None,
        returned_at=result.returned_at if result else None,
        refused_at=refused_at,
        withdrawn_at=withdrawn_at,
        result_electronic=bool(result and result.file and not result.paper_only),
        components_digitized=bool(provided) and all(d for d, _ in provided),
        data_reused=any(r for _, r in provided),
        fee_total=int(fees),
        paid_online=Payment.objects.filter(
            dossier=dossier, method=PaymentMethod.ONLINE, status=PaymentStatus.PAID
        ).exists(),
        dissatisfied=_dissatisfied(dossier),
        agency_step_outcomes=dict(by_agency),
        ratings=list(dossier.ratings.values_list("value", flat=True)),
    )


# Which end an imported dossier's `finished_at` is, by its status (the history gives one time
# for "the end": the result issued, the refusal or the withdrawal).
_IMPORTED_END = {
    Status.RESULT_READY: "result_at",
    Status.RETURNED: "result_at",
    Status.REFUSED: "refused_at",
    Status.WITHDRAWN: "withdrawn_at",
}


def imported_facts(
    calendar,
    *,
    dossier: Dossier,
    history: ImportedDossier,
    pauses: list,
    dissatisfied: bool,
    ratings: list[str] = (),
) -> kpi.DossierFacts:
    """The facts of a dossier carried over from the previous system (`reports.history`).

    The same `kpi.facts_for` as a native dossier, with the same clock inputs (its supplement
    requests are `workflow.Pause` rows); what motcua reads for a native dossier from the result
    document, refusal, withdrawal notice, apology, fees, payments and scans comes from
    `history`. The apology's issue time is not in the history (see docs/history-format.md).
    Works on unsaved objects too: the import computes the rows before writing them.
    """
    ends = {"result_at": None, "refused_at": None, "withdrawn_at": None}
    end = _IMPORTED_END.get(dossier.status)
    if end is not None:
        ends[end] = history.finished_at
    return kpi.facts_for(
        calendar,
        key=dossier.code,
        channel=dossier.channel,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        **_clock(pauses),
        new_due_at=history.new_due_at,
        returned_at=history.returned_at,
        **ends,
        result_electronic=history.result_digitized,
        components_digitized=history.components_digitized,
        data_reused=history.data_reused,
        fee_total=history.fee_total,
        paid_online=history.paid_online,
        dissatisfied=dissatisfied,
        ratings=list(ratings),
    )


def record_values(facts: kpi.DossierFacts) -> dict:
    """The DossierRecord columns holding `facts`."""
    values = {name: getattr(facts, name) for name in FACT_FIELDS}
    values["end_kind"] = facts.end_kind or ""
    values["outcome"] = facts.outcome or ""
    return values


def record_fields(
    *, dossier: Dossier, version, center, facts: kpi.DossierFacts, imported: bool
) -> dict:
    """Every column of the dossier's DossierRecord but its link: the facts and the scope keys
    (native and imported dossiers alike)."""
    values = record_values(facts)
    values.update(
        code=dossier.code, center_id=center.pk, unit_id=center.unit_id,
        agency_id=version.agency_id, receiving_agency_id=dossier.receiving_agency_id,
        field_id=version.field_id, procedure_id=version.procedure_id, status=dossier.status,
        imported=imported,
    )  # fmt: skip
    return values


def refresh_record(*, dossier: Dossier) -> DossierRecord | None:
    """Write the dossier's fact row from its current facts (None for a dossier not received:
    it counts in no index). Runs in the caller's transaction."""
    dossier = Dossier.objects.select_related("procedure_version", "center").get(pk=dossier.pk)
    if not dossier.code or dossier.received_at is None:
        delete_records(records=DossierRecord.objects.filter(dossier=dossier))
        return None
    history = ImportedDossier.objects.filter(dossier=dossier).first()
    if history is None:
        facts = _facts(dossier)
    else:
        facts = imported_facts(
            calendar_for_center(dossier.center), dossier=dossier, history=history,
            pauses=_pauses_of(dossier), dissatisfied=_dissatisfied(dossier),
            ratings=list(dossier.ratings.values_list("value", flat=True)),
        )  # fmt: skip
    values = record_fields(
        dossier=dossier, version=dossier.procedure_version, center=dossier.center, facts=facts,
        imported=history is not None,
    )  # fmt: skip
    return put_record(values=values, dossier=dossier)


def _reads(record: DossierRecord) -> dict:
    return {name: getattr(record, name) for name in counts.READS}


@transaction.atomic
def put_record(*, values: dict, dossier: Dossier | None = None) -> DossierRecord:
    """Create or update one fact row (by dossier, else by code: imported rows) and move the
    summary counts by the difference, in the same transaction. Every writer of fact rows
    (the receipt and runtime through `refresh_record`, the history import) goes through it."""
    rows = DossierRecord.objects.select_for_update()
    record = (rows.filter(dossier=dossier) if dossier else rows.filter(code=values["code"])).first()
    before = _reads(record) if record else None
    if record is None:
        record = DossierRecord.objects.create(dossier=dossier, **values)
    else:
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
    _move_counts(counts.difference(before, _reads(record)))
    return record


@transaction.atomic
def delete_records(*, records: QuerySet[DossierRecord]) -> int:
    """Delete fact rows and take them out of the summary counts."""
    doomed = list(records.select_for_update().values(*counts.READS, "pk"))
    for row in doomed:
        _move_counts(counts.difference(row, None))
    DossierRecord.objects.filter(pk__in=[r["pk"] for r in doomed]).delete()
    return len(doomed)


def count_new_records(*, records: list[DossierRecord]) -> None:
    """Add rows just bulk-inserted (e.g. by the history import, `bulk_create`) to the summary
    counts, in the inserting transaction: their contributions merged, one upsert per chunk."""
    total: dict[counts.Bucket, dict[str, int]] = {}
    for record in records:
        for bucket, values in counts.difference(None, _reads(record)).items():
            counts.add(total.setdefault(bucket, {}), values)
    items = sorted(total.items())
    for i in range(0, len(items), 500):  # SQLite takes up to 32,766 parameters a statement
        _move_counts(dict(items[i : i + 500]))


def _move_counts(delta: dict[counts.Bucket, dict[str, int]]) -> None:
    """Add `delta` to its buckets in one multi-row upsert, rows in key order (two writers lock
    the rows they share in the same order)."""
    if not delta:
        return
    table = KpiCount._meta.db_table
    key_columns = ("grain", "start", *counts.KEYS)
    columns = ", ".join((*key_columns, *counts.COLUMNS))
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts.COLUMNS)
    row = "(" + ", ".join(["%s"] * (len(key_columns) + len(counts.COLUMNS))) + ")"
    params: list = []
    for (grain, start, keys), values in sorted(delta.items()):
        params += [grain, start, *keys, *(values.get(c, 0) for c in counts.COLUMNS)]
    # Identifiers from the model's metadata, values as parameters.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(delta))} "  # noqa: S608
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild_records(*, batch: int = 500) -> int:
    """(Re)build the fact rows of every received dossier; one transaction per batch. Then the
    summary counts, from every row (native and imported)."""
    ids = list(
        Dossier.objects.filter(code__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    for i in range(0, len(ids), batch):
        with transaction.atomic():
            for dossier in Dossier.objects.filter(pk__in=ids[i : i + batch]):
                refresh_record(dossier=dossier)
    with transaction.atomic():
        orphans = DossierRecord.objects.filter(dossier__isnull=False).exclude(dossier_id__in=ids)
        delete_records(records=orphans)
    rebuild_counts()
    return len(ids)


# --- the summary counts, recomputed from the fact rows in SQL -------------------------------


def _day(expression) -> TruncDate:
    return TruncDate(expression, tzinfo=timezone.get_current_timezone())


def _events() -> dict[str, tuple[Q, object, dict]]:
    """Per event: which rows, the day they count on, the counters (as `counts.contributions`;
    the aggregates get an "a_" prefix in the query: several are also field names)."""
    one_less = ExpressionWrapper(
        F("late_from") - Value(counts.MICROSECOND), output_field=DateTimeField()
    )
    after = Case(
        When(late_from__isnull=True, then=F("on_time_until")),
        When(on_time_until__isnull=True, then=one_less),
        When(on_time_until__lt=one_less, then=F("on_time_until")),
        default=one_less,
        output_field=DateTimeField(),
    )
    overdue = Q(late_from__isnull=False) | Q(on_time_until__isnull=False)
    fee = Q(fee_total__gt=0)
    result = Q(end_kind="result")
    resolved = ~Q(end_kind="withdrawn")
    n = lambda q=None: Count("pk", filter=q)  # noqa: E731
    new = {
        "new": n(), **{f"new_{c}": n(Q(channel=c)) for c in kpi.CHANNELS},
        "new_dissatisfied": n(Q(dissatisfied=True)), "with_fee": n(fee),
        "paid_online": n(fee & Q(paid_online=True)),
        "components_digitized": n(Q(components_digitized=True)),
        "data_reused": n(Q(data_reused=True)),
    }  # fmt: skip
    units = Cast(Round(F("resolution_days") * counts.UNITS_PER_DAY), BigIntegerField())
    fin = {
        "fin": n(), **{f"fin_{c}": n(Q(channel=c)) for c in kpi.CHANNELS},
        "fin_dissatisfied": n(Q(dissatisfied=True)),
        **{o: n(Q(outcome=o)) for o in ("early", "on_time", "late")},
        "refused": n(Q(end_kind="refused")), "withdrawn": n(Q(end_kind="withdrawn")),
        "renewed_kept": n(Q(renewed_kept=True)), "renewed_missed": n(Q(renewed_kept=False)),
        "with_result": n(result), "result_electronic": n(result & Q(result_electronic=True)),
        "digitized": n(result & Q(result_electronic=True, components_digitized=True)),
        "resolved": n(resolved), "resolution_units": Sum(units, filter=resolved),
        **{f"{f}_points": Sum(f) for f in counts.D61},
        **{f"{f}_n": Count(f) for f in counts.D61},
    }  # fmt: skip
    opens = Greatest(_day("received_at"), _day(after))
    return {
        "new": (Q(), _day("received_at"), new),
        "fin": (Q(ended_at__isnull=False), _day("ended_at"), fin),
        "returned": (Q(returned_at__isnull=False), _day("returned_at"), {"returned": n()}),
        "overdue_open": (overdue, opens, {"overdue_open": n()}),
        "overdue_close": (
            overdue & Q(ended_at__isnull=False), Greatest(opens, _day("ended_at")),
            {"overdue_close": n()},
        ),
    }  # fmt: skip


def _select_sql(qs: QuerySet) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


@transaction.atomic
def rebuild_counts() -> None:
    """Recompute every summary count from the fact rows (after a bulk load or a repair):
    days in one INSERT … SELECT over the rows, then months and years from the days."""
    table = KpiCount._meta.db_table
    if connection.vendor == "postgresql":
        # Writers wait (their upserts need the table); those already in commit first, so the
        # rows read below include their changes, and later ones add to the new counts.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    KpiCount.objects.all().delete()
    keys = {"unit_key": Coalesce("unit_id", 0), "field_key": Coalesce("field_id", 0)}
    key_sql = "center_id, unit_key, agency_id, field_key, procedure_id"
    parts, params = [], []
    for where, day, aggregates in _events().values():
        qs = (
            DossierRecord.objects.filter(where).annotate(day=day, **keys)
            .values("day", "center_id", "unit_key", "agency_id", "field_key", "procedure_id")
            .annotate(**{f"a_{c}": a for c, a in aggregates.items()}).order_by()
        )  # fmt: skip
        sql, p = _select_sql(qs)
        picked = ", ".join(
            (f"COALESCE(a_{c}, 0)" if c in aggregates else "0") + f" AS c{i}"
            for i, c in enumerate(counts.COLUMNS)
        )
        parts.append(f"SELECT day, {key_sql}, {picked} FROM ({sql}) e")  # noqa: S608
        params.extend(p)
    sums = ", ".join(f"SUM(c{i})" for i in range(len(counts.COLUMNS)))
    columns = ", ".join(("grain", "start", *counts.KEYS, *counts.COLUMNS))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT 'd', day, {key_sql}, {sums} "  # noqa: S608
            f"FROM ({' UNION ALL '.join(parts)}) u "
            f"WHERE true GROUP BY day, {key_sql}",
            params,
        )
        for grain, trunc in (("m", TruncMonth), ("y", TruncYear)):
            qs = (
                KpiCount.objects.filter(grain="d").annotate(first=trunc("start"))
                .values("first", *counts.KEYS)
                .annotate(**{f"s_{c}": Sum(c) for c in counts.COLUMNS})
                .order_by()
            )  # fmt: skip
            sql, p = _select_sql(qs)
            picked = ", ".join(f"s_{c}" for c in counts.COLUMNS)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, first, {', '.join(counts.KEYS)}, "  # noqa: S608
                f"{picked} FROM ({sql}) s WHERE true",
                (grain, *p),
            )


# Portal and receipt-QR ratings come after the result is handed over; the counter tablet rates
# the service just given (receipt or return), so any received dossier.
AFTER_RETURN = frozenset({RatingChannel.PORTAL, RatingChannel.RECEIPT_QR})


@transaction.atomic
def submit_rating(
    *,
    dossier: Dossier,
    channel: str,
    value: str,
    comment: str = "",
    counter: Counter | None = None,
    officer: User | None = None,
    at: datetime | None = None,
) -> Rating:
    """Đánh giá: one rating per dossier per channel, linked to the counter and the officer."""
    if channel not in RatingChannel.values or channel == RatingChannel.HISTORY:
        raise RatingError(_("Kênh đánh giá không hợp lệ."))
    if value not in RatingValue.values:
        raise RatingError(_("Hãy chọn: rất hài lòng, hài lòng hoặc không hài lòng."))
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not dossier.code:
        raise RatingError(_("Hồ sơ chưa được tiếp nhận, chưa thể đánh giá."))
    if channel in AFTER_RETURN and dossier.status != Status.RETURNED:
        raise RatingError(_("Hồ sơ được đánh giá sau khi đã trả kết quả."))
    if counter is not None and counter.center_id != dossier.center_id:
        raise RatingError(_("Quầy không thuộc trung tâm tiếp nhận hồ sơ."))
    if Rating.objects.filter(dossier=dossier, channel=channel).exists():
        raise RatingError(_("Hồ sơ này đã được đánh giá qua kênh này."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier, channel=channel, value=value, comment=comment.strip()[:2000],
                counter=counter, officer=officer, created_at=at or timezone.now(),
            )  # fmt: skip
    except IntegrityError as exc:  # a concurrent rating of the same channel won
        raise RatingError(_("Hồ sơ này đã được đánh giá qua kênh này.")) from exc
    refresh_record(dossier=dossier)
    return rating
