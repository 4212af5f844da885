"""Reads of running dossiers: worklists per user, where a dossier is now, its history.

Everything is scoped to the user asking (`motcua.workflow.permissions`); the worklists are
querysets (the pages paginate them) filtered on indexed columns of StepRun (status, role, unit,
assignee, effective due time) so they stay fast with many dossiers.

- `to_do(user)`: open step runs the user may act on — assigned to them, or unassigned with
  their role in their unit (the center, for one-stop steps) — of dossiers whose clock runs
  (or whose result waits to be returned);
- `due_soon(user)`: of those, due within one working day (the step's or the dossier's due
  time, on each center's calendar), not yet overdue;
- `overdue(user)`: of those, past the step's or the dossier's due time (pauses excluded);
- `waiting_for_applicant(user)`: open supplement pauses of dossiers the user works on;
- `agency_counts(user)`: per agency, for leaders, supervisors and the center's director;
- `dossier_state`, `available_actions`, `dossier_history`, `handovers` for the dossier page,
  the API and the control slip (Mẫu 05).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.models import Role, User
from motcua.directory.models import Agency, ServiceCenter
from motcua.directory.selectors import calendar_for_center
from motcua.domain import deadlines
from motcua.domain.dossier_status import LABELS, Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.workflow import permissions as perms
from motcua.workflow.models import (
    POSTAL_NEXT,
    Apology,
    DossierProcess,
    Pause,
    PostalStatus,
    ResultDocument,
    StepRun,
    UnitKind,
    Withdrawal,
)
from motcua.workflow.specs import END_IN_FILE

# Dossiers whose open step runs are work to do: the clock runs, or the result waits.
WORKING_STATES = (Status.RECEIVED, Status.IN_PROGRESS, Status.RESULT_READY)
CLOCK_STATES = (Status.RECEIVED, Status.IN_PROGRESS)
LEADER_VIEW_ROLES = frozenset(
    {Role.AGENCY_LEADER, Role.HEAD_OF_DIVISION, Role.CENTER_DIRECTOR, Role.SUPERVISOR}
)

_RUN_RELATED = (
    "step",
    "unit",
    "assignee",
    "dossier_process__dossier__procedure_version",
    "dossier_process__dossier__center",
)


# --- worklists --------------------------------------------------------------------------------


def _unit_q(actor: perms.Actor, prefix: str = "") -> Q:
    """Runs whose unit the actor works in (mirrors permissions.in_unit).

    Both branches filter on the run's own columns (its center is the dossier's, copied), so the
    (status, role, unit) and (status, role, center) indexes serve them. A branch for an empty
    set of agencies or centers is left out rather than written as `IN (-1)`: it matches nothing
    either way, but in an OR it kept the database from using the index for the other branch."""
    branches = []
    if actor.agency_ids:
        branches.append(Q(**{f"{prefix}unit_id__in": sorted(actor.agency_ids)}))
    if actor.center_ids:
        branches.append(
            Q(**{f"{prefix}unit_kind": UnitKind.ONE_STOP,
                 f"{prefix}center_id__in": sorted(actor.center_ids)})
        )  # fmt: skip
    if not branches:
        return Q(pk__in=[])
    condition = branches[0]
    for branch in branches[1:]:
        condition |= branch
    return condition


def _actor(user: User, actor: perms.Actor | None = None) -> perms.Actor:
    """`actor`: the user's facts when the caller already has them (`worklist` computes them
    once for its five lists: two or three queries each time otherwise)."""
    return actor if actor is not None else perms.actor_for(user)


def to_do(user: User, *, actor: perms.Actor | None = None) -> QuerySet[StepRun]:
    """Open step runs the user may act on, oldest due first."""
    actor = _actor(user, actor)
    if not actor.active or actor.role in perms.READ_ONLY_ROLES:
        return StepRun.objects.none()
    return (
        _open_runs_of(actor)
        .filter(dossier_status__in=WORKING_STATES)
        .select_related(*_RUN_RELATED)
        .order_by("effective_due_at", "id")
    )


def _open_runs_of(actor: perms.Actor) -> QuerySet[StepRun]:
    """`to_do` before the dossiers' status: on the runs' own columns only."""
    mine = Q(assignee_id=actor.user_id)
    theirs = Q(assignee__isnull=True, role=actor.role) & _unit_q(actor)
    return StepRun.objects.filter(mine | theirs, status=StepRun.Status.OPEN)


def _day_limits(runs: QuerySet[StepRun], now: datetime) -> dict[int, datetime]:
    """Per center of `runs`: one working day from `now` on that center's calendar."""
    # order_by(): the list order would otherwise join the DISTINCT (one row per run).
    center_ids = set(runs.order_by().values_list("center_id", flat=True).distinct())
    return _limits(ServiceCenter.objects.filter(pk__in=center_ids), now)


def _all_day_limits(now: datetime) -> dict[int, datetime]:
    """`_day_limits` for every center."""
    return _limits(ServiceCenter.objects.all(), now)


def _limits(centers: QuerySet[ServiceCenter], now: datetime) -> dict[int, datetime]:
    return {c.pk: calendar_for_center(c).add_working_days(now, 1) for c in centers}


def _within_one_day_q(limits: dict[int, datetime], now: datetime, field_name: str) -> Q:
    """`field_name` falls within one working day from `now` (`limits`: `_day_limits`).

    One branch per distinct limit, not per center: the centers of a province mostly keep the
    same calendar, and a hundred commune centers were a hundred ORed branches on every row.
    With one limit for all, no condition on the center at all: `limits` covers every center
    the rows can have, and with one PostgreSQL was drawn to a worse index."""
    by_limit: dict[datetime, list[int]] = {}
    for center_id, limit in limits.items():
        by_limit.setdefault(limit, []).append(center_id)
    if len(by_limit) == 1:
        (limit,) = by_limit
        return Q(**{f"{field_name}__gte": now, f"{field_name}__lte": limit})
    condition = Q(pk__in=[])
    for limit, center_ids in sorted(by_limit.items()):
        condition |= Q(
            **{"center_id__in": sorted(center_ids),
               f"{field_name}__gte": now, f"{field_name}__lte": limit}
        )  # fmt: skip
    return condition


def _overdue_q(now: datetime) -> Q:
    return Q(effective_due_at__lt=now) | Q(
        dossier_deadline_at__lt=now,
        dossier_status__in=CLOCK_STATES,
    )


def with_overdue_flag(runs: QuerySet[StepRun], *, now: datetime | None = None) -> QuerySet[StepRun]:
    """The runs with `is_overdue`: the rule of `overdue` (past the step's due time, or the
    dossier's deadline while its clock runs), for the list to mark them."""
    flag = ExpressionWrapper(_overdue_q(now or timezone.now()), output_field=BooleanField())
    return runs.annotate(is_overdue=flag)


def overdue(
    user: User, *, now: datetime | None = None, actor: perms.Actor | None = None
) -> QuerySet[StepRun]:
    """The user's open runs past the step's due time or the dossier's deadline."""
    now = now or timezone.now()
    return to_do(user, actor=actor).filter(_overdue_q(now))


def due_soon(
    user: User, *, now: datetime | None = None, actor: perms.Actor | None = None
) -> QuerySet[StepRun]:
    """The user's open runs due (step or dossier) within one working day, not yet overdue."""
    now = now or timezone.now()
    actor = _actor(user, actor)
    runs = to_do(user, actor=actor)
    if runs.query.is_empty():  # nothing to do for this role
        return runs
    # The centers from the runs without their dossiers' join: a center more only adds a
    # branch that matches nothing.
    limits = _day_limits(_open_runs_of(actor), now)
    soon = _within_one_day_q(limits, now, "effective_due_at") | (
        _within_one_day_q(limits, now, "dossier_deadline_at") & Q(dossier_status__in=CLOCK_STATES)
    )
    return runs.filter(soon).exclude(_overdue_q(now))


def waiting_for_applicant(user: User, *, actor: perms.Actor | None = None) -> QuerySet[Pause]:
    """Open supplement pauses of dossiers the user works on (or, for reception officers, of
    their centers: they receive the supplement)."""
    actor = _actor(user, actor)
    if not actor.active or actor.role == Role.CITIZEN:
        return Pause.objects.none()
    pauses = Pause.objects.filter(ended_at__isnull=True, kind=Pause.Kind.SUPPLEMENT)
    if actor.province or actor.role == Role.SUPERVISOR:
        scope = Q()
    else:
        # The scope is on the paused run, looked up among the open runs (the indexes lead with
        # the status) so the database starts from the user's runs rather than from every open
        # pause. Exact because an open pause's run is always open: a pause is opened on the
        # acting (open) run, and while the dossier is paused no action closes a run
        # (permissions.STATUS_NEEDED: forward, approve, return… need a running clock) except
        # refuse and withdraw, which close the pause first (runtime._close_open_pause).
        theirs = Q(assignee_id=actor.user_id) | (Q(role=actor.role) & _unit_q(actor))
        if actor.role in perms.LEADER_ROLES and actor.agency_ids:
            theirs |= Q(unit_id__in=sorted(actor.agency_ids))
        runs = StepRun.objects.filter(theirs, status=StepRun.Status.OPEN)
        scope = Q(step_run__in=runs.values("id"))
        if actor.role == Role.RECEPTION_OFFICER and actor.center_ids:
            # A subquery, not an OR on the dossier's column (PostgreSQL then read every
            # dossier), through the dossiers' (center, status) index: a dossier with an open
            # pause is paused (the runtime opens a pause with that status and closes it on
            # leaving it: supplement received, resume, refuse, withdraw).
            of_centers = pauses.filter(
                dossier__center_id__in=sorted(actor.center_ids),
                dossier__status__in=sorted(perms.PAUSED),
            )
            scope |= Q(pk__in=of_centers.values("id"))
    return (
        pauses.filter(scope)
        .select_related("dossier__procedure_version", "dossier__center", "notice", "step_run__step")
        .order_by("started_at", "id")
    )


@dataclass(frozen=True)
class AgencyCount:
    agency: Agency
    open: int
    unassigned: int
    due_soon: int
    overdue: int
    waiting: int


def _leader_agency_ids(user: User, actor: perms.Actor) -> set[int] | None:
    """Agencies whose counts the user sees (None: all)."""
    if actor.province or actor.role == Role.SUPERVISOR:
        return None
    if actor.role not in LEADER_VIEW_ROLES:
        return set()
    ids = set(actor.agency_ids)
    if actor.role == Role.CENTER_DIRECTOR:
        ids |= set(
            ServiceCenter.objects.filter(pk__in=actor.center_ids, agency__isnull=False).values_list(
                "agency_id", flat=True
            )
        )
    return ids


def agency_counts(
    user: User, *, now: datetime | None = None, actor: perms.Actor | None = None
) -> list[AgencyCount]:
    """Per agency in the leader's scope: open steps, unassigned, due soon, overdue, waiting."""
    now = now or timezone.now()
    actor = _actor(user, actor)
    agencies = _leader_agency_ids(user, actor)
    if agencies is not None and not agencies:
        return []
    open_runs = StepRun.objects.filter(status=StepRun.Status.OPEN)
    if agencies is not None:
        open_runs = open_runs.filter(unit_id__in=agencies)
    # Every open run is of a running dossier (ending a process closes all its runs), so no
    # filter on the status here: with one, PostgreSQL misjudged how many rows it keeps and
    # left the index below for a slower one.
    working = Q(dossier_status__in=WORKING_STATES)
    # The centers of the open runs, without the dossiers' join: a center more (no running
    # dossier) only adds a branch that matches nothing. With every agency in scope, that is
    # every center (listing those of 100,000 open runs took longer than their calendars).
    soon = _within_one_day_q(
        _day_limits(open_runs, now) if agencies is not None else _all_day_limits(now),
        now,
        "effective_due_at",
    )
    # Counting the unit (never empty), not the id: the id is not in the index below, and
    # reading it meant reading the rows.
    rows = open_runs.values("unit_id").annotate(
        open=Count("unit_id"),
        unassigned=Count("unit_id", filter=Q(assignee__isnull=True) & working),
        due_soon=Count("unit_id", filter=soon & working & ~_overdue_q(now)),
        overdue=Count("unit_id", filter=_overdue_q(now) & working),
        waiting=Count("unit_id", filter=Q(dossier_status=Status.WAITING_SUPPLEMENT)),
    )
    by_id = {a.pk: a for a in Agency.objects.filter(pk__in=[r["unit_id"] for r in rows])}
    counts = [
        AgencyCount(
            agency=by_id[r["unit_id"]], open=r["open"], unassigned=r["unassigned"],
            due_soon=r["due_soon"], overdue=r["overdue"], waiting=r["waiting"],
        )
        for r in rows
    ]  # fmt: skip
    return sorted(counts, key=lambda c: (-c.overdue, c.agency.name))


def first_rows(rows: QuerySet, n: int, *, fields: tuple[str, ...] = ()) -> tuple[list, int]:
    """The first `n` rows of a worklist (`to_do`, `due_soon`, `overdue`, `waiting_for_applicant`)
    and the list's full count; with `fields`, the rows as dicts of those (`values()`).

    The page's ids are chosen on the list's own table (its filters and order need no join),
    then only those rows are read with their dossier, step and unit: read in one query, the
    database joined every row of the list before keeping the first `n`. A page shorter than
    `n` is the whole list, so the count is only asked for a full page. `fields` spares
    building eight model instances per row (a third of the API's time for four lists)."""
    ids = list(rows.values_list("pk", flat=True)[:n])
    total = len(ids) if len(ids) < n else rows.count()
    if not ids:
        return [], total
    if not fields:
        return list(rows.filter(pk__in=ids)), total
    # By id alone: the list's filters were applied in choosing them (the waiting list's scope
    # subqueries again cost more than reading the rows).
    found = {
        r["pk"]: r for r in rows.model._default_manager.filter(pk__in=ids).values("pk", *fields)
    }
    return [found[pk] for pk in ids if pk in found], total


@dataclass(frozen=True)
class Worklist:
    to_do: QuerySet[StepRun]
    due_soon: QuerySet[StepRun]
    overdue: QuerySet[StepRun]
    waiting: QuerySet[Pause]
    counts: list[AgencyCount]


def worklist(
    user: User, *, now: datetime | None = None, actor: perms.Actor | None = None
) -> Worklist:
    """The five lists of the worklist page and API, with the user's scope computed once."""
    now = now or timezone.now()
    actor = _actor(user, actor)
    return Worklist(
        to_do=to_do(user, actor=actor),
        due_soon=due_soon(user, now=now, actor=actor),
        overdue=overdue(user, now=now, actor=actor),
        waiting=waiting_for_applicant(user, actor=actor),
        counts=agency_counts(user, now=now, actor=actor),
    )


# --- one dossier --------------------------------------------------------------------------------


def process_of(dossier: Dossier) -> DossierProcess | None:
    return DossierProcess.objects.select_related("process").filter(dossier=dossier).first()


def result_of(dossier: Dossier) -> ResultDocument | None:
    return ResultDocument.objects.filter(dossier=dossier).first()


def postal_reports_for(user: User, state: DossierState) -> tuple[PostalStatus, ...]:
    """The postal statuses the user may report now (none: no form): those that may follow the
    result's (`POSTAL_NEXT`), for reception officers and postal staff of the dossier's center
    (runtime.record_postal_delivery checks the same)."""
    result = state.result
    following = POSTAL_NEXT.get(result.postal_status, ()) if result else ()
    if not following:
        return ()
    actor = _actor(user)
    may = (
        actor.active
        and actor.role in (Role.RECEPTION_OFFICER, Role.POSTAL_STAFF)
        and state.dossier.center_id in actor.center_ids
    )
    return following if may else ()


def can_view(user: User, dossier: Dossier) -> bool:
    return perms.may_view(_actor(user), perms.dossier_facts(dossier))


@dataclass
class DossierState:
    """Where the dossier is now, for the dossier page and the API."""

    dossier: Dossier
    process: DossierProcess | None
    runs: list[StepRun] = field(default_factory=list)
    current: StepRun | None = None  # the main line's open run
    consultations: list[StepRun] = field(default_factory=list)  # open parallel runs
    pause: Pause | None = None
    apology: Apology | None = None
    result: ResultDocument | None = None
    withdrawal: Withdrawal | None = None
    effective_due_at: datetime | None = None  # the appointment, pauses (so far) excluded
    deadline_at: datetime | None = None  # the apology's new date when there is one
    overdue: bool = False

    @property
    def revision(self) -> int:
        return self.process.revision if self.process else 0


def dossier_state(dossier: Dossier, *, now: datetime | None = None) -> DossierState:
    now = now or timezone.now()
    dp = process_of(dossier)
    state = DossierState(dossier=dossier, process=dp)
    state.apology = Apology.objects.filter(dossier=dossier).first()
    state.result = result_of(dossier)
    state.withdrawal = Withdrawal.objects.filter(dossier=dossier).first()
    if dp is None:
        state.effective_due_at = state.deadline_at = dossier.due_at
        return state
    state.runs = list(
        dp.runs.select_related("step", "unit", "assignee").prefetch_related("step__actions")
    )
    state.current = next((r for r in state.runs if r.is_open and not r.parallel), None)
    state.consultations = [r for r in state.runs if r.is_open and r.parallel]
    state.pause = Pause.objects.filter(dossier=dossier, ended_at__isnull=True).first()
    if dp.finished_at is not None:
        state.effective_due_at = dp.effective_due_at
        state.deadline_at = dp.deadline_at
        return state
    calendar = calendar_for_center(dossier.center)
    pauses = [
        deadlines.Pause(p.started_at, p.ended_at, p.kind)
        for p in Pause.objects.filter(dossier=dossier)
    ]
    state.effective_due_at = deadlines.effective_due(calendar, dossier.due_at, pauses, until=now)
    state.deadline_at = (
        deadlines.renewed_due(
            calendar, state.apology.new_due_at, pauses, state.apology.issued_at, until=now
        )
        if state.apology
        else state.effective_due_at
    )
    state.overdue = dossier.status in CLOCK_STATES and now > state.deadline_at
    return state


@dataclass(frozen=True)
class AvailableAction:
    action: str
    label: str
    step: str | None  # the step key of the run it applies to
    targets: tuple[tuple[str, str], ...] = ()  # (step key or "END", step name)
    run_id: int | None = None
    step_name: str = ""


_ANY_STEP = (perms.SUPPLEMENT_RECEIVED, perms.RESUME, perms.WITHDRAW, perms.APOLOGIZE)


def available_actions(
    user: User, dossier: Dossier, *, state: DossierState | None = None
) -> list[AvailableAction]:
    """The actions `user` may perform now (the buttons of the dossier page); `state`: the
    dossier's state when already read."""
    state = state or dossier_state(dossier)
    if state.process is None or state.process.finished_at is not None:
        return []
    actor = _actor(user)
    facts = perms.dossier_facts(dossier, runs=state.runs)
    found: list[AvailableAction] = []
    for run in [r for r in state.runs if r.is_open]:
        run_facts = perms.run_facts(run)
        actions = list(run.step.actions.all())
        for name in (perms.CLAIM, perms.ASSIGN, *sorted(perms.STEP_ACTIONS)):
            if not perms.check(name, actor, facts, run_facts):
                continue
            targets = tuple(
                (a.target.key, a.target.name) if a.target_id else (END_IN_FILE, _("Kết thúc"))
                for a in actions
                if a.name == name
            )
            found.append(AvailableAction(
                action=name, label=perms.action_label(name), step=run.step.key,
                targets=targets, run_id=run.pk, step_name=run.step.name,
            ))  # fmt: skip
    for name in _ANY_STEP:
        paused_run = None
        if state.pause is not None and state.pause.step_run_id:
            paused_run = next((r for r in state.runs if r.pk == state.pause.step_run_id), None)
        run = paused_run if name in (perms.SUPPLEMENT_RECEIVED, perms.RESUME) else state.current
        run_facts = perms.run_facts(run) if run is not None and run.is_open else None
        if perms.check(name, actor, facts, run_facts):
            found.append(AvailableAction(action=name, label=perms.action_label(name),
                                         step=run.step.key if run else None,
                                         step_name=run.step.name if run else ""))  # fmt: skip
    return found


# --- history and the control slip --------------------------------------------------------------

EVENT_LABELS = {
    "created": gettext_noop("Tạo hồ sơ"),
    "presented": gettext_noop("Nộp hồ sơ tại quầy"),
    "submitted": gettext_noop("Nộp hồ sơ trực tuyến"),
    "draft_saved": gettext_noop("Lưu bản nháp"),
    "file_removed": gettext_noop("Xóa tệp"),
    "received": gettext_noop("Tiếp nhận hồ sơ"),
    "supplement_requested": gettext_noop("Yêu cầu bổ sung, hoàn thiện hồ sơ (khi tiếp nhận)"),
    "refused": gettext_noop("Từ chối tiếp nhận hồ sơ"),
    "fee_paid": gettext_noop("Nộp phí, lệ phí"),
    "fee_exempted": gettext_noop("Miễn, giảm phí, lệ phí"),
    "fee_restored": gettext_noop("Bỏ miễn, giảm phí, lệ phí"),
    "fee_alternative": gettext_noop("Áp dụng mức thu thay thế"),
    "fee_extra": gettext_noop("Thu thêm khoản phí, lệ phí"),
    "postal_delivery": gettext_noop("Cập nhật tình trạng bưu gửi kết quả"),
    "imported": gettext_noop("Nhập từ dữ liệu lịch sử"),
}


def event_label(action: str) -> str:
    if action in perms.ACTION_LABELS:
        return perms.action_label(action)
    return _(EVENT_LABELS[action]) if action in EVENT_LABELS else action


def _status_label(status: str) -> str:
    try:
        return _(LABELS[Status(status)])
    except ValueError:
        return status


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    label: str
    actor_id: int | None
    actor_name: str
    from_status: str
    to_status: str
    from_status_label: str
    to_status_label: str
    step: str
    step_name: str
    to_step: str
    to_step_name: str
    note: str
    outcome: str
    data: dict


def dossier_history(dossier: Dossier) -> list[HistoryEntry]:
    """Every event of the dossier in order, with the actor's name and the steps involved."""
    entries = []
    for event in DossierEvent.objects.filter(dossier=dossier).select_related("actor"):
        data = event.data or {}
        label = event_label(event.action)
        if event.action == "postal_delivery" and data.get("postal_status") in PostalStatus.values:
            label = f"{label}: {PostalStatus(data['postal_status']).label}"
            if data.get("collected_by_name"):
                label = f"{label} ({data['collected_by_name']})"
        entries.append(
            HistoryEntry(
                at=event.at,
                action=event.action,
                label=label,
                actor_id=event.actor_id,
                actor_name=str(event.actor) if event.actor else "",
                from_status=event.from_status,
                to_status=event.to_status,
                from_status_label=_status_label(event.from_status) if event.from_status else "",
                to_status_label=_status_label(event.to_status) if event.to_status else "",
                step=data.get("step", ""),
                step_name=data.get("step_name", ""),
                to_step=data.get("to_step", ""),
                to_step_name=data.get("to_step_name", ""),
                note=data.get("note", "") or data.get("reason", ""),
                outcome=data.get("outcome", ""),
                data=data,
            )
        )
    return entries


@dataclass(frozen=True)
class Handover:
    """One row of the control slip (Mẫu 05)."""

    at: datetime
    giver_name: str
    giver_unit: str
    step_name: str
    receiver_name: str  # who took the next step (its assignee), blank until someone does
    receiver_unit: str
    to_step_name: str
    outcome: str  # early / on_time / late for the giver's step ("" for the receipt)
    note: str


def handovers(dossier: Dossier) -> list[Handover]:
    """The hand-overs of the dossier, from its event log: the receipt, each move to another
    step (forward, approve, return, consultation, result), and the return of the result."""
    runs = {
        r.pk: r
        for r in StepRun.objects.filter(dossier_process__dossier=dossier).select_related(
            "assignee", "unit", "step"
        )
    }
    first = min(runs.values(), key=lambda r: (r.started_at, r.pk), default=None)
    rows = []
    for event in DossierEvent.objects.filter(dossier=dossier).select_related("actor"):
        data = event.data or {}
        giver = str(event.actor) if event.actor else ""
        if event.action == "received" and first is not None:
            rows.append(Handover(
                at=event.at, giver_name=dossier.applicant_name, giver_unit=_("Người nộp hồ sơ"),
                step_name="", receiver_name=giver, receiver_unit=first.unit.name,
                to_step_name=first.step.name, outcome="", note="",
            ))  # fmt: skip
            continue
        if event.action == "postal_delivery" and data.get("postal_status") == "collected":
            # A result the post sent back, handed over at the counter afterwards.
            last = max(runs.values(), key=lambda r: (r.started_at, r.pk), default=None)
            rows.append(Handover(
                at=event.at, giver_name=giver, giver_unit=last.unit.name if last else "",
                step_name=last.step.name if last else "",
                receiver_name=data.get("collected_by_name", ""), receiver_unit=_("Người nộp hồ sơ"),
                to_step_name="", outcome="", note=data.get("note", ""),
            ))  # fmt: skip
            continue
        if "to_step" in data or (data.get("run") and event.action in _ENDING):
            to_run = runs.get(data.get("to_run"))
            receiver = to_run.assignee if to_run and to_run.assignee else None
            rows.append(Handover(
                at=event.at, giver_name=giver, giver_unit=data.get("unit", ""),
                step_name=data.get("step_name", ""),
                receiver_name=str(receiver) if receiver else _receiver_of_end(dossier, event),
                receiver_unit=data.get("to_unit", "") or _unit_of_end(event)
                or _main_holder_at(runs.values(), event.at, data.get("run")),
                to_step_name=data.get("to_step_name", ""), outcome=data.get("outcome", ""),
                note=data.get("note", ""),
            ))  # fmt: skip
    return rows


_ENDING = ("return_result", "refuse", "withdraw")


def _main_holder_at(runs, at: datetime, from_run: int | None) -> str:
    """The unit holding the main line at `at`: where a consultation's opinion goes back to."""
    for run in runs:
        if run.parallel or run.pk == from_run or run.started_at > at:
            continue
        if run.finished_at is None or run.finished_at >= at:
            return run.unit.name
    return ""


def _receiver_of_end(dossier: Dossier, event: DossierEvent) -> str:
    if event.action == "return_result":
        return event.data.get("collected_by_name") or dossier.applicant_name
    return ""


def _unit_of_end(event: DossierEvent) -> str:
    if event.action == "return_result":
        return _("Người nộp hồ sơ")
    return ""


# --- the dossier page -------------------------------------------------------------------------


def assignable_users(run: StepRun) -> list[User]:
    """Who a leader may give the step to: active users with the step's role in its unit —
    of the unit's agency or one above it (their scope covers the unit), or, for one-stop
    steps, posted to the dossier's center today. Exactly those `permissions.check_assignee`
    accepts (`permissions.in_unit`), so no per-user check is needed."""
    ancestors, agency = [], run.unit
    while agency is not None and agency.pk not in ancestors:
        ancestors.append(agency.pk)
        agency = agency.parent
    where = Q(agency_id__in=ancestors)
    if run.unit_kind == UnitKind.ONE_STOP:
        today = timezone.localdate()
        where |= Q(
            assignments__center_id=run.dossier_process.dossier.center_id,
            assignments__start_date__lte=today,
            assignments__end_date__gte=today,
        )
    candidates = User.objects.filter(where, role=run.role, is_active=True).distinct()
    return list(candidates.order_by("last_name", "first_name", "username")[:200])
