"""Decision 766 indices and the Decree 61 evaluation, as plain functions over per-dossier facts.

No Django here. A dossier is reduced to one frozen `DossierFacts` (built by `facts_for` from
the dossier's dates, pauses, apology, result and flags); every index is one function taking
the facts of a scope and a `Period` and returning a `Figure`: numerator, denominator, the
value as an exact fraction (None when the denominator is empty) and the dossier keys behind
both. `motcua.reports.selectors` computes the same figures in SQL over the stored fact rows;
tests check that the two agree.

Period semantics (domain reference, index 2.1), for a period `[start, end)`:
- received in the period ("new"): `start <= received_at < end`;
- carried over: received before `start` and not ended before `start`;
- handled ("received or processed in the period"): carried over + new; equivalently the
  dossiers finished in the period plus those still in progress at its end;
- finished in the period: `start <= ended_at < end`, where the end is the result issued, else
  the result returned (history without an issue time), else the refusal or withdrawal;
- in progress at the period end: judged at the period end (or now, for a period not over yet).

Where the domain reference gives no formula, threshold or points, nothing is invented: the
index is reported as not available (see `INDEX_766` and `DECREE_61`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from motcua.domain import deadlines
from motcua.domain.workcalendar import WorkCalendar

Channel = Literal["counter", "online", "postal"]
EndKind = Literal["result", "returned", "refused", "withdrawn"]
CHANNELS: tuple[Channel, ...] = ("counter", "online", "postal")
DAYS_QUANTUM = Decimal("0.0001")  # resolution time is stored to 1/10000 working day


# --- the facts of one dossier -----------------------------------------------------------------


@dataclass(frozen=True)
class DossierFacts:
    """What the formulas need to know about one received dossier (hồ sơ đã tiếp nhận)."""

    key: str  # the dossier code
    channel: Channel
    received_at: datetime
    due_at: datetime  # the original appointment (Mẫu 01)
    new_due_at: datetime | None = None  # the apology's renewed appointment (Mẫu 04)
    ended_at: datetime | None = None  # the end the on-time rule counts; None: in progress
    end_kind: EndKind | None = None
    outcome: deadlines.Outcome | None = None  # early / on_time / late, when ended
    renewed_kept: bool | None = None  # ended after an apology: was the new date kept?
    # Unfinished, the dossier is on time at any instant t <= on_time_until (None: it cannot
    # become overdue before a further fact changes, e.g. while waiting for a supplement) and
    # t < late_from (the second supplement request or the apology make it late at once).
    on_time_until: datetime | None = None
    late_from: datetime | None = None
    supplement_rounds: int = 0
    returned_at: datetime | None = None  # result handed over (trả kết quả)
    has_result: bool = False  # a result document was issued (the procedure yields one)
    result_electronic: bool = False  # the result exists as a file (not paper only)
    components_digitized: bool = False  # every component provided is scanned or reused
    data_reused: bool = False  # at least one component reused from stored data
    fee_total: int = 0  # fees charged after exemptions (đồng)
    paid_online: bool = False
    dissatisfied: bool = False  # a "không hài lòng" rating (or, later, a complaint)
    resolution_days: Decimal | None = None  # working days received → end, pauses excluded
    d61_time: int | None = None  # Decree 61 index 1 points (total time vs. the limit)
    d61_agency_time: int | None = None  # Decree 61 index 2: the worst agency's points
    d61_contacts: int | None = None  # Decree 61 index 3 points (contacts to complete)
    d61_attitude: int | None = None  # Decree 61 index 7, read from the ratings (see below)


def _merged(pauses: Iterable[deadlines.Pause]) -> list[deadlines.Pause]:
    """The pauses as disjoint intervals in time order (an open pause swallows what follows)."""
    merged: list[deadlines.Pause] = []
    for p in sorted(pauses, key=lambda p: p.start):
        if merged:
            last = merged[-1]
            if last.end is None or p.start <= last.end:
                end = None if last.end is None or p.end is None else max(last.end, p.end)
                merged[-1] = deadlines.Pause(last.start, end, last.kind)
                continue
        merged.append(p)
    return merged


def on_time_until(
    calendar: WorkCalendar, due_at: datetime, pauses: Sequence[deadlines.Pause]
) -> datetime | None:
    """The last instant at which the unfinished dossier is still within its appointment.

    `deadlines.in_progress_on_time` judges an instant t by `t <= effective_due(until=t)`.
    That holds up to one instant and never again (a pause moves the appointment only by the
    working time it lasts), so one datetime says it for every period end: the appointment as
    moved by the pauses before the first pause that started too late, or by all of them.
    None when a pause is still open and started in time: the clock is stopped.
    """
    for p in _merged(pauses):
        due = deadlines.effective_due(calendar, due_at, list(pauses), until=p.start)
        if p.start > due:
            return due
        if p.end is None:
            return None
    last = max((p.end for p in pauses if p.end is not None), default=due_at)
    return deadlines.effective_due(calendar, due_at, list(pauses), until=last)


def facts_for(
    calendar: WorkCalendar,
    *,
    key: str,
    channel: Channel,
    received_at: datetime,
    due_at: datetime,
    pauses: Sequence[deadlines.Pause] = (),
    supplement_requested_at: Sequence[datetime] = (),
    apology_at: datetime | None = None,
    new_due_at: datetime | None = None,
    result_at: datetime | None = None,
    returned_at: datetime | None = None,
    refused_at: datetime | None = None,
    withdrawn_at: datetime | None = None,
    result_electronic: bool = False,
    components_digitized: bool = False,
    data_reused: bool = False,
    fee_total: int = 0,
    paid_online: bool = False,
    dissatisfied: bool = False,
    agency_step_outcomes: dict[str, list[deadlines.Outcome]] | None = None,
    ratings: Sequence[str] = (),
) -> DossierFacts:
    """The facts of one dossier from what was recorded about it (native or imported).

    `supplement_requested_at`: the supplement requests made during processing (each opens a
    supplement pause). `agency_step_outcomes`: per agency involved, the outcomes of its steps.
    `ratings`: the citizen's ratings of the dossier (rất hài lòng / hài lòng / không hài lòng,
    as "very_satisfied" / "satisfied" / "unsatisfied"), one per channel.
    """
    ends: list[tuple[datetime | None, EndKind]] = [
        (result_at, "result"), (returned_at, "returned"), (refused_at, "refused"),
        (withdrawn_at, "withdrawn"),
    ]  # fmt: skip
    ended_at, end_kind = next(((at, kind) for at, kind in ends if at is not None), (None, None))
    rounds = len(supplement_requested_at)
    outcome = renewed_kept = None
    resolution = None
    if ended_at is not None:
        completion = deadlines.classify_finished(
            calendar, finished_at=ended_at, due_at=due_at, pauses=list(pauses),
            supplement_requests=rounds, new_due_at=new_due_at, apology_at=apology_at,
        )  # fmt: skip
        outcome, renewed_kept = completion.outcome, completion.renewed_kept
        days = calendar.working_days_between(
            received_at, ended_at, pauses=[(p.start, p.end) for p in pauses]
        )
        resolution = (Decimal(days.numerator) / Decimal(days.denominator)).quantize(
            DAYS_QUANTUM, rounding=ROUND_HALF_UP
        )
    flagged = sorted(supplement_requested_at)[1:2]
    if new_due_at is not None:
        flagged.append(apology_at or received_at)
    agency_points = [
        _outcome_points(_worst(outs)) for outs in (agency_step_outcomes or {}).values() if outs
    ]
    return DossierFacts(
        key=key,
        channel=channel,
        received_at=received_at,
        due_at=due_at,
        new_due_at=new_due_at,
        ended_at=ended_at,
        end_kind=end_kind,
        outcome=outcome,
        renewed_kept=renewed_kept,
        on_time_until=on_time_until(calendar, due_at, pauses),
        late_from=min(flagged) if flagged else None,
        supplement_rounds=rounds,
        returned_at=returned_at,
        has_result=result_at is not None,
        result_electronic=result_at is not None and result_electronic,
        components_digitized=components_digitized,
        data_reused=data_reused,
        fee_total=fee_total,
        paid_online=paid_online,
        dissatisfied=dissatisfied,
        resolution_days=resolution,
        d61_time=_outcome_points(outcome) if outcome else None,
        d61_agency_time=min(agency_points) if agency_points and ended_at else None,
        d61_contacts=contacts_points(rounds) if ended_at else None,
        d61_attitude=attitude_points(ratings),
    )


# --- periods and figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """`[start, end)`; the clock of unfinished dossiers is read at `judged_at` (the end, or
    now when the period is not over: a dossier is not overdue before its due date comes)."""

    start: datetime
    end: datetime
    judged_at: datetime | None = None

    @property
    def judge(self) -> datetime:
        return min(self.end, self.judged_at) if self.judged_at else self.end


@dataclass(frozen=True)
class Figure:
    """One index: numerator / denominator, the exact value (None: empty denominator), and the
    dossiers behind the numerator and the denominator."""

    numerator: int | Decimal
    denominator: int
    value: Fraction | None
    numerator_keys: tuple[str, ...] = ()
    denominator_keys: tuple[str, ...] = ()


def ratio(numerator: int | Decimal, denominator: int) -> Fraction | None:
    return Fraction(numerator) / denominator if denominator else None


def _figure(num: list[DossierFacts], den: list[DossierFacts]) -> Figure:
    return Figure(
        len(num), len(den), ratio(len(num), len(den)),
        tuple(f.key for f in num), tuple(f.key for f in den),
    )  # fmt: skip


def _count(facts: list[DossierFacts]) -> Figure:
    return Figure(len(facts), len(facts), None, tuple(f.key for f in facts), ())


# The sets every index is built from.


def received_new(facts: Iterable[DossierFacts], p: Period) -> list[DossierFacts]:
    return [f for f in facts if p.start <= f.received_at < p.end]


def carried_over(facts: Iterable[DossierFacts], p: Period) -> list[DossierFacts]:
    return [
        f
        for f in facts
        if f.received_at < p.start and (f.ended_at is None or f.ended_at >= p.start)
    ]


def handled(facts: Iterable[DossierFacts], p: Period) -> list[DossierFacts]:
    return [
        f for f in facts if f.received_at < p.end and (f.ended_at is None or f.ended_at >= p.start)
    ]


def finished(facts: Iterable[DossierFacts], p: Period) -> list[DossierFacts]:
    return [f for f in facts if f.ended_at is not None and p.start <= f.ended_at < p.end]


def in_progress(facts: Iterable[DossierFacts], p: Period) -> list[DossierFacts]:
    return [
        f for f in facts if f.received_at < p.end and (f.ended_at is None or f.ended_at >= p.end)
    ]


def is_on_time_at(f: DossierFacts, at: datetime) -> bool:
    """An unfinished dossier judged at `at`."""
    if f.late_from is not None and at >= f.late_from:
        return False
    return f.on_time_until is None or at <= f.on_time_until


# --- the counts ---------------------------------------------------------------------------------


def received(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """Nhận giải quyết: carried over + new."""
    return _count(handled(facts, p))


def received_new_count(facts: Sequence[DossierFacts], p: Period) -> Figure:
    return _count(received_new(facts, p))


def carried_over_count(facts: Sequence[DossierFacts], p: Period) -> Figure:
    return _count(carried_over(facts, p))


def received_by_channel(facts: Sequence[DossierFacts], p: Period, channel: Channel) -> Figure:
    """New dossiers of the period received through one channel."""
    return _count([f for f in received_new(facts, p) if f.channel == channel])


def finished_with(facts: Sequence[DossierFacts], p: Period, outcome: str) -> Figure:
    """Finished in the period early / on time / late."""
    return _count([f for f in finished(facts, p) if f.outcome == outcome])


def in_progress_on_time(facts: Sequence[DossierFacts], p: Period) -> Figure:
    return _count([f for f in in_progress(facts, p) if is_on_time_at(f, p.judge)])


def in_progress_overdue(facts: Sequence[DossierFacts], p: Period) -> Figure:
    return _count([f for f in in_progress(facts, p) if not is_on_time_at(f, p.judge)])


def returned(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """Results handed over in the period (đã trả kết quả)."""
    return _count([f for f in facts if f.returned_at and p.start <= f.returned_at < p.end])


def ended_as(facts: Sequence[DossierFacts], p: Period, kind: EndKind) -> Figure:
    """Refused (từ chối) or withdrawn (rút hồ sơ) in the period."""
    return _count([f for f in finished(facts, p) if f.end_kind == kind])


# --- the rates ----------------------------------------------------------------------------------


def on_time_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """2.1: (finished early or on time + in progress not yet due) / handled."""
    den = handled(facts, p)
    ended = {f.key for f in finished(facts, p) if f.outcome in ("early", "on_time")}
    running = {f.key for f in in_progress(facts, p) if is_on_time_at(f, p.judge)}
    return _figure([f for f in den if f.key in ended or f.key in running], den)


def late(facts: Sequence[DossierFacts], p: Period) -> list[DossierFacts]:
    """Finished late in the period, or overdue at its end."""
    done = {f.key for f in finished(facts, p) if f.outcome == "late"}
    running = {f.key for f in in_progress(facts, p) if not is_on_time_at(f, p.judge)}
    return [f for f in handled(facts, p) if f.key in done or f.key in running]


def average_resolution_days(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """Working days from receipt to the result or refusal (pauses excluded), over the dossiers
    that ended so in the period; withdrawn dossiers were not resolved and are left out."""
    den = [f for f in finished(facts, p) if f.end_kind != "withdrawn"]
    total = sum((f.resolution_days for f in den), Decimal(0))
    return Figure(total, len(den), ratio(total, len(den)), (), tuple(f.key for f in den))


def online_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """3.3: online / all dossiers received in the period."""
    den = received_new(facts, p)
    return _figure([f for f in den if f.channel == "online"], den)


def channel_share(facts: Sequence[DossierFacts], p: Period, channel: Channel) -> Figure:
    """3.3's companions: the counter and postal shares of the dossiers received."""
    den = received_new(facts, p)
    return _figure([f for f in den if f.channel == channel], den)


def online_payment_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """3.6: paid online / dossiers received in the period with fees to pay (after exemptions)."""
    den = [f for f in received_new(facts, p) if f.fee_total > 0]
    return _figure([f for f in den if f.paid_online], den)


def with_result(facts: Sequence[DossierFacts], p: Period) -> list[DossierFacts]:
    """Dossiers whose result document was issued in the period."""
    return [f for f in finished(facts, p) if f.end_kind == "result"]


def electronic_result_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """4.1 (and the result half of 4.2): an electronic result file / results issued."""
    den = with_result(facts, p)
    return _figure([f for f in den if f.result_electronic], den)


def digitized_components_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """4.2, component half: every component scanned (or reused) / dossiers received."""
    den = received_new(facts, p)
    return _figure([f for f in den if f.components_digitized], den)


def digitization_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """4.2: components digitized and an electronic result / results issued in the period."""
    den = with_result(facts, p)
    return _figure([f for f in den if f.components_digitized and f.result_electronic], den)


def data_reuse_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """4.3: at least one component reused from stored data / dossiers received."""
    den = received_new(facts, p)
    return _figure([f for f in den if f.data_reused], den)


def satisfaction_rate(facts: Sequence[DossierFacts], p: Period) -> Figure:
    """5.4: 100% − (late rate + rate of dissatisfied dossiers), over the dossiers handled.

    Numerator: handled − late − dissatisfied (a dossier both late and rated "không hài lòng"
    counts twice, as the formula adds the two rates), never below 0. The numerator keys are
    the dossiers neither late nor dissatisfied."""
    den = handled(facts, p)
    bad = {f.key for f in late(facts, p)}
    unhappy = {f.key for f in den if f.dissatisfied}
    num = max(0, len(den) - len(bad) - len(unhappy))
    good = tuple(f.key for f in den if f.key not in bad and f.key not in unhappy)
    return Figure(num, len(den), ratio(num, len(den)), good, tuple(f.key for f in den))


@dataclass(frozen=True)
class ProcedureFacts:
    code: str
    online_level: Literal["full", "partial", "none"]


def procedures_online_rate(procedures: Sequence[ProcedureFacts]) -> Figure:
    """3.1: procedures offered full or partial online / all procedures (in force)."""
    num = [p for p in procedures if p.online_level in ("full", "partial")]
    return Figure(
        len(num), len(procedures), ratio(len(num), len(procedures)),
        tuple(p.code for p in num), tuple(p.code for p in procedures),
    )  # fmt: skip


# --- Decision 766 scores ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexRule:
    key: str  # "2.1", "3.3"…
    name: str
    points: int | None  # None: the domain reference does not give the index's points
    threshold: Fraction | None  # the rate earning full points; None: not given


@dataclass(frozen=True)
class GroupRule:
    key: str
    name: str
    points: int
    indices: tuple[IndexRule, ...]
    note: str = ""


# Only what the domain reference states. A group's split among its indices is given for the
# online-services group alone (online service 12 + online payment 10); thresholds are given for
# 3.1, 3.3, 4.2, 4.3 and 5.4. An index is scored only when both its points and its threshold
# are known; everything else is listed as not available rather than guessed.
INDEX_766: tuple[GroupRule, ...] = (
    GroupRule("publicity", "Công khai, minh bạch", 18, (), note="no formula in the reference"),
    GroupRule(
        "progress",
        "Tiến độ, kết quả giải quyết",
        20,
        (IndexRule("2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", None, None),),
    ),  # fmt: skip
    GroupRule(
        "digitization",
        "Số hóa hồ sơ",
        22,
        (
            IndexRule("4.1", "Tỷ lệ hồ sơ có kết quả điện tử", None, None),
            IndexRule("4.2", "Tỷ lệ số hóa hồ sơ, kết quả", None, Fraction(4, 5)),
            IndexRule("4.3", "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa", None, Fraction(4, 5)),
        ),
    ),  # fmt: skip
    GroupRule(
        "online_service",
        "Cung cấp dịch vụ công trực tuyến",
        12,
        (
            IndexRule("3.1", "Tỷ lệ thủ tục cung cấp trực tuyến", None, Fraction(4, 5)),
            IndexRule("3.3", "Tỷ lệ hồ sơ trực tuyến", None, Fraction(1, 2)),
        ),
    ),  # fmt: skip
    GroupRule(
        "online_payment",
        "Thanh toán trực tuyến",
        10,
        (IndexRule("3.6", "Tỷ lệ thanh toán trực tuyến", 10, None),),
    ),  # fmt: skip
    GroupRule(
        "satisfaction",
        "Mức độ hài lòng",
        18,
        (
            IndexRule("5.2", "Xử lý phản ánh, kiến nghị đúng hạn", None, None),
            IndexRule("5.4", "Mức độ hài lòng trong giải quyết hồ sơ", None, Fraction(9, 10)),
        ),
    ),  # fmt: skip
)


def rules_766(
    overrides: dict[str, dict] | None = None, base: tuple[GroupRule, ...] = INDEX_766
) -> tuple[GroupRule, ...]:
    """The 766 rules with the points and thresholds a province enters from the Decision's text
    (`{"2.1": {"points": 20, "threshold": "1"}, …}`; a threshold as a fraction of 1, e.g.
    "0.8" or "4/5"). ValueError, with the index at fault, for an unknown index, a negative
    value, a threshold outside (0, 1], or a group whose indices' points exceed its points."""
    overrides = dict(overrides or {})
    known = {rule.key for group in base for rule in group.indices}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown Decision 766 index: {', '.join(unknown)}")
    groups = []
    for group in base:
        indices = []
        for rule in group.indices:
            change = overrides.get(rule.key) or {}
            points, threshold = rule.points, rule.threshold
            if change.get("points") is not None:
                points = int(change["points"])
                if points < 0:
                    raise ValueError(f"{rule.key}: points must not be negative")
            if change.get("threshold") is not None:
                threshold = Fraction(str(change["threshold"]))
                if not 0 < threshold <= 1:
                    raise ValueError(f"{rule.key}: threshold must be in (0, 1]")
            indices.append(IndexRule(rule.key, rule.name, points, threshold))
        total = sum(r.points or 0 for r in indices)
        if total > group.points:
            raise ValueError(
                f"{group.key}: {total} points for its indices, the group has {group.points}"
            )
        groups.append(GroupRule(group.key, group.name, group.points, tuple(indices), group.note))
    return tuple(groups)


def index_score(rule: IndexRule, rate: Fraction | None) -> Fraction | None:
    """min(1, rate / threshold) × points; None when the rate, points or threshold is missing."""
    if rate is None or rule.points is None or rule.threshold is None:
        return None
    return min(Fraction(1), rate / rule.threshold) * rule.points


@dataclass(frozen=True)
class IndexScore:
    key: str
    name: str
    rate: Fraction | None
    points: int | None
    threshold: Fraction | None
    score: Fraction | None
    missing: str = ""  # why there is no score


@dataclass(frozen=True)
class GroupScore:
    key: str
    name: str
    points: int
    score: Fraction | None  # None unless every part of the group is scored
    scored: Fraction  # the sum of the indices that could be scored
    indices: tuple[IndexScore, ...] = field(default_factory=tuple)
    note: str = ""


@dataclass(frozen=True)
class Score766:
    groups: tuple[GroupScore, ...]
    total: Fraction | None  # None unless every group is scored
    scored: Fraction  # the sum of what could be scored
    scored_max: int  # the points of the indices that could be scored


def _missing(rule: IndexRule, rate: Fraction | None) -> str:
    reasons = []
    if rule.points is None:
        reasons.append("points not given in the domain reference")
    if rule.threshold is None:
        reasons.append("threshold not given in the domain reference")
    if rate is None:
        reasons.append("not computed from this data" if rule.key == "5.2" else "empty period")
    return "; ".join(reasons)


def score_766(
    rates: dict[str, Fraction | None], rules: tuple[GroupRule, ...] = INDEX_766
) -> Score766:
    """The group scores and the total from the rates by index key ("2.1": …)."""
    groups = []
    scored_max = 0
    for g in rules:
        parts = []
        for rule in g.indices:
            rate = rates.get(rule.key)
            score = index_score(rule, rate)
            if score is not None:
                scored_max += rule.points
            parts.append(
                IndexScore(rule.key, rule.name, rate, rule.points, rule.threshold, score,
                           "" if score is not None else _missing(rule, rate))
            )  # fmt: skip
        scores = [s.score for s in parts]
        complete = bool(parts) and all(s is not None for s in scores)
        subtotal = sum((s for s in scores if s is not None), Fraction(0))
        groups.append(
            GroupScore(g.key, g.name, g.points, subtotal if complete else None, subtotal,
                       tuple(parts), g.note)
        )  # fmt: skip
    complete = all(g.score is not None for g in groups)
    scored = sum((g.scored for g in groups), Fraction(0))
    return Score766(tuple(groups), scored if complete else None, scored, scored_max)


# --- Decree 61 evaluation (Chapter V): nine indices, 0–2 points each ---------------------------


def _outcome_points(outcome: deadlines.Outcome | None) -> int | None:
    """2 better than the norm (early), 1 at the norm (on time), 0 worse (late)."""
    return {"early": 2, "on_time": 1, "late": 0}.get(outcome) if outcome else None


def _worst(outcomes: Sequence[deadlines.Outcome]) -> deadlines.Outcome:
    order = {"late": 0, "on_time": 1, "early": 2}
    return min(outcomes, key=lambda o: order[o])


def contacts_points(supplement_rounds: int) -> int:
    """Contacts to complete the dossier, read from the supplement requests during processing:
    none 2, one (the norm: everything missing asked for in one go) 1, more 0 — a reading
    *(check)* of "2 better than the norm, 1 at the norm, 0 worse"."""
    return 2 if supplement_rounds == 0 else 1 if supplement_rounds == 1 else 0


# The citizen's three answers as Decree 61 points: better than the norm, at it, worse.
RATING_POINTS = {"very_satisfied": 2, "satisfied": 1, "unsatisfied": 0}


def attitude_points(ratings: Iterable[str]) -> int | None:
    """Index 7 (staff attitude) read from the citizen's ratings of the dossier — a reading
    *(check)*: the rating asks about the handling of the dossier and the officers' attitude;
    rất hài lòng 2, hài lòng 1, không hài lòng 0; with ratings from several channels the
    lowest counts (as one "không hài lòng" marks the dossier for 5.4). None: not rated."""
    points = [RATING_POINTS[r] for r in ratings if r in RATING_POINTS]
    return min(points) if points else None


@dataclass(frozen=True)
class EvaluationIndex:
    number: int
    name: str
    field: str | None  # the DossierFacts field holding the points, None: not computable


DECREE_61: tuple[EvaluationIndex, ...] = (
    EvaluationIndex(1, "Tổng thời gian giải quyết so với quy định", "d61_time"),
    EvaluationIndex(2, "Thời gian thực hiện tại từng cơ quan", "d61_agency_time"),
    EvaluationIndex(3, "Số lần liên hệ để hoàn thiện hồ sơ", "d61_contacts"),
    EvaluationIndex(4, "Số cơ quan phải liên hệ", None),
    EvaluationIndex(5, "Thực hiện cơ chế một cửa, một cửa liên thông", None),
    EvaluationIndex(6, "Công khai thủ tục hành chính", None),
    EvaluationIndex(7, "Thái độ của cán bộ", "d61_attitude"),
    EvaluationIndex(8, "Tiếp thu, giải trình ý kiến phản ánh", None),
    EvaluationIndex(9, "Chất lượng dịch vụ công trực tuyến", None),
)
# The grade bands of the total are not in the domain reference: none is applied until they are.
DECREE_61_BANDS: tuple[tuple[Fraction, str], ...] = ()


@dataclass(frozen=True)
class EvaluationFigure:
    number: int
    name: str
    points: int | None  # the sum over the dossiers evaluated
    dossiers: int
    average: Fraction | None  # 0–2; None: not computable from this data or no dossier
    keys: tuple[str, ...] = ()


def evaluation(facts: Sequence[DossierFacts], p: Period) -> tuple[EvaluationFigure, ...]:
    """The nine indices over the dossiers finished in the period: the average points of those
    computable from the data (indices 1–3, and 7 over the rated dossiers), the others
    reported as not available."""
    done = finished(facts, p)
    out = []
    for idx in DECREE_61:
        if idx.field is None:
            out.append(EvaluationFigure(idx.number, idx.name, None, 0, None))
            continue
        rated = [f for f in done if getattr(f, idx.field) is not None]
        total = sum(getattr(f, idx.field) for f in rated)
        out.append(
            EvaluationFigure(idx.number, idx.name, total, len(rated), ratio(total, len(rated)),
                             tuple(f.key for f in rated))
        )  # fmt: skip
    return tuple(out)
