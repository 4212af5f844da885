"""Running received dossiers through their process (issue 4, "Running a dossier").

Every public function here is one transaction that first locks the dossier row (SELECT … FOR
UPDATE; on SQLite the IMMEDIATE transaction takes the write lock), so concurrent actions on one
dossier run one after the other. The second then sees the dossier as the first left it: if the
caller said what it saw — `expected_revision` (DossierProcess.revision, raised by every action)
or `current_step` (the key of the step it acted on) — and that changed, it gets
`StaleAction` ("Hồ sơ vừa được người khác xử lý, hãy tải lại."); otherwise the precise reason
(e.g. the step now belongs to someone else). A database conflict (two open main steps, a second
apology…) is reported the same way, never as a server error, and a refused action writes
nothing. Every action appends one DossierEvent or more (actor, status from → to, step keys,
note): the control slip (Mẫu 05) is drawn from them.

Life of a dossier:

- `start_processing` — called by the intake when a dossier is received: the dossier gets the
  procedure's published process (else the default process, published on the fly) and its
  first main step opens. No event: the "received" event is the first hand-over. The dossier
  stays "mới tiếp nhận" at its first step and becomes "đang xử lý" when it leaves it.
- `claim` / `assign` — who works on an open step.
- `forward` (forward / approve), `return_to` (trả lại), `consult` (parallel consultation),
  `record_result` — move along the process: the step's run is closed with its outcome (early /
  on time / late against the step's allotted time, pauses excluded) and the target step opens
  with its own due time on the center's working calendar.
- `request_supplement` / `supplement_received`, `suspend_financial` / `resume` — the clock
  stops while a `Pause` is open; closing it moves the appointment and the open steps' due
  times later by the working time spent paused.
- `apologize` (Mẫu 04, once, before the dossier is overdue), `refuse`, `withdraw`,
  `return_result` — the last three end the process and classify its completion
  (`domain.deadlines.classify_finished`).

Permissions are checked here, server-side (`motcua.workflow.permissions`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.core.sequences import next_number
from motcua.directory.selectors import calendar_for_center
from motcua.domain import deadlines
from motcua.domain.dossier_status import Status
from motcua.domain.workcalendar import WorkCalendar
from motcua.dossiers.files import FileRejected, check_upload
from motcua.dossiers.models import Dossier, Notice
from motcua.dossiers.services import IntakeError, _event, _move, _notice_number, _notify_on_commit
from motcua.workflow import permissions as perms
from motcua.workflow.models import (
    POSTAL_NEXT,
    ActionName,
    Apology,
    DossierProcess,
    Pause,
    PostalStatus,
    Process,
    ProcessAction,
    ProcessStep,
    ResultDocument,
    ReturnMethod,
    StepRun,
    UnitKind,
    Withdrawal,
)
from motcua.workflow.specs import END_IN_FILE

logger = logging.getLogger(__name__)


class WorkflowError(IntakeError):
    """An action the rules refuse; the message is for the user (`field`: the input at fault).

    A subclass of IntakeError so that the intake, which starts the process of every dossier
    it receives, reports a failure like its own."""

    def __init__(self, message: str, *, field: str | None = None):
        self.message = str(message)
        self.field = field
        super().__init__({field or "__all__": self.message})


class ActionDenied(WorkflowError):
    """The user may not do this (API: 403)."""


class StaleAction(WorkflowError):
    """The dossier changed since the user looked at it (API: 409)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _(perms.STALE_MESSAGE))


class SystemBusy(WorkflowError):
    """The database stayed locked past its timeout (SQLite); nothing was written (API: 503)."""


def _service(func):
    """One transaction; a conflict at the database becomes the stale message, a lock timeout
    the busy message. Nothing is half-written: the transaction is rolled back whole."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except IntegrityError as exc:
            logger.info("Workflow action %s refused by the database: %s", func.__name__, exc)
            raise StaleAction() from exc
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            raise SystemBusy(
                _("Hệ thống đang bận, chưa thực hiện được. Vui lòng thử lại.")
            ) from exc

    return wrapper


# --- the locked context of one action ---------------------------------------------------------


@dataclass
class _Ctx:
    dossier: Dossier
    dp: DossierProcess
    user: User
    actor: perms.Actor
    calendar: WorkCalendar
    at: datetime
    steps: list[ProcessStep]
    runs: list[StepRun]  # every run of the dossier, oldest first

    @property
    def open_runs(self) -> list[StepRun]:
        return [r for r in self.runs if r.status == StepRun.Status.OPEN]

    @property
    def main_run(self) -> StepRun | None:
        return next((r for r in self.open_runs if not r.parallel), None)

    @property
    def facts(self) -> perms.DossierFacts:
        return perms.dossier_facts(self.dossier, runs=self.runs)


def _lock(
    dossier: Dossier | int, user: User, at: datetime | None, expected_revision: int | None
) -> _Ctx:
    pk = dossier if isinstance(dossier, int) else dossier.pk
    try:
        locked = Dossier.objects.select_for_update().get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise WorkflowError(_("Không tìm thấy hồ sơ.")) from exc
    dp = DossierProcess.objects.select_related("process").filter(dossier=locked).first()
    if dp is None:
        raise WorkflowError(_("Hồ sơ chưa được tiếp nhận vào quy trình xử lý."))
    if expected_revision is not None and expected_revision != dp.revision:
        raise StaleAction()
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise WorkflowError(_("Thời điểm phải kèm múi giờ."))
    steps = list(dp.process.steps.select_related("join_before", "agency").prefetch_related(
        "actions__target"
    ))  # fmt: skip
    by_id = {s.pk: s for s in steps}
    runs = list(dp.runs.order_by("started_at", "id"))
    for run in runs:
        run.step = by_id[run.step_id]  # the prefetched step, actions included
    return _Ctx(
        dossier=locked,
        dp=dp,
        user=user,
        actor=perms.actor_for(user),
        calendar=calendar_for_center(locked.center),
        at=at,
        steps=steps,
        runs=runs,
    )


def _require(ctx: _Ctx, action: str, run: StepRun | None) -> None:
    facts = perms.run_facts(run) if run is not None else None
    verdict = perms.check(action, ctx.actor, ctx.facts, facts)
    if not verdict:
        if verdict.reason == _(perms.STALE_MESSAGE):
            raise StaleAction()
        raise ActionDenied(verdict.reason)


def _acting_run(ctx: _Ctx, action: str, current_step: str | None) -> StepRun | None:
    """The open run the user acts on: the one at `current_step`, else the only one they may
    perform `action` on, else the main line's."""
    if current_step:
        for run in ctx.open_runs:
            if run.step.key == current_step:
                return run
        if any(s.key == current_step for s in ctx.steps):
            raise StaleAction()  # the step the user saw is no longer open
        raise WorkflowError(
            _("Quy trình của hồ sơ không có bước “%(key)s”.") % {"key": current_step},
            field="step",
        )
    facts = ctx.facts
    allowed = [
        r for r in ctx.open_runs if perms.check(action, ctx.actor, facts, perms.run_facts(r))
    ]
    main = ctx.main_run
    if len(allowed) == 1:
        return allowed[0]
    if allowed:
        return main if main in allowed else allowed[0]
    return main or (ctx.open_runs[0] if ctx.open_runs else None)


def _step_action(run: StepRun, name: str, target_key: str | None) -> ProcessAction:
    """The step's action `name` (to `target_key` when the step has several)."""
    actions = [a for a in run.step.actions.all() if a.name == name]
    if target_key:
        chosen = [
            a for a in actions if (a.target.key if a.target_id else END_IN_FILE) == target_key
        ]
        if not chosen:
            raise WorkflowError(
                _("Bước “%(step)s” không có thao tác “%(action)s” tới bước “%(target)s”.")
                % {"step": run.step.name, "action": perms.action_label(name),
                   "target": target_key},
                field="target",
            )  # fmt: skip
        return chosen[0]
    if not actions:
        raise ActionDenied(
            _("Bước “%(step)s” không có thao tác “%(action)s”.")
            % {"step": run.step.name, "action": perms.action_label(name)}
        )
    if len(actions) > 1:
        targets = ", ".join(a.target.key if a.target_id else END_IN_FILE for a in actions)
        raise WorkflowError(
            _("Chọn bước đích cho thao tác “%(action)s”: %(targets)s.")
            % {"action": perms.action_label(name), "targets": targets},
            field="target",
        )
    return actions[0]


# --- the clock --------------------------------------------------------------------------------


def _domain_pauses(dossier: Dossier) -> list[deadlines.Pause]:
    return [
        deadlines.Pause(start=p.started_at, end=p.ended_at, kind=p.kind)
        for p in Pause.objects.filter(dossier=dossier).order_by("started_at", "id")
    ]


def _since(pauses: list[deadlines.Pause], start: datetime) -> list[deadlines.Pause]:
    """The pauses clipped to begin at `start` (a step run counts only its own pauses)."""
    return [
        deadlines.Pause(start=max(p.start, start), end=p.end, kind=p.kind)
        for p in pauses
        if p.end is None or p.end > start
    ]


def step_due_at(calendar: WorkCalendar, step: ProcessStep, start: datetime) -> datetime:
    """The step's allotted working time counted from `start` on the center's calendar (a step
    of 0 days and 0 hours is due at the end of the working day, like a "within the day" limit)."""
    return calendar.due_at(start, step.allotted_as_days(calendar.day_length))


def _run_outcome(ctx: _Ctx, run: StepRun, pauses: list[deadlines.Pause]) -> str:
    completion = deadlines.classify_finished(
        ctx.calendar, finished_at=ctx.at, due_at=run.due_at,
        pauses=_since(pauses, run.started_at),
    )  # fmt: skip
    return completion.outcome


def _refresh_deadlines(ctx: _Ctx) -> None:
    """After a pause ends or an apology: the appointment, the deadline and the open steps' due
    times moved later by the working time spent paused. Notification marks are cleared where a
    due time moved past them, so the sweep warns again for the new time."""
    closed = [p for p in _domain_pauses(ctx.dossier) if p.end is not None]
    dp, cal, at = ctx.dp, ctx.calendar, ctx.at
    dp.effective_due_at = deadlines.effective_due(cal, ctx.dossier.due_at, closed, until=at)
    apology = Apology.objects.filter(dossier=ctx.dossier).first()
    deadline = (
        deadlines.renewed_due(cal, apology.new_due_at, closed, apology.issued_at, until=at)
        if apology
        else dp.effective_due_at
    )
    if deadline > dp.deadline_at:
        dp.due_soon_notified_at = dp.overdue_notified_at = None
    dp.deadline_at = deadline
    for run in ctx.open_runs:
        due = deadlines.effective_due(cal, run.due_at, _since(closed, run.started_at), until=at)
        if due > run.effective_due_at:
            run.due_soon_notified_at = run.overdue_notified_at = None
        run.effective_due_at = due
        run.save(update_fields=["effective_due_at", "due_soon_notified_at", "overdue_notified_at"])


def _finish(ctx: _Ctx, *, completed_at: datetime) -> deadlines.Completion:
    """The process ends: early / on time / late against the original appointment, pauses
    excluded, more than one supplement request late, an apology late (its new date kept?)."""
    apology = Apology.objects.filter(dossier=ctx.dossier).first()
    completion = deadlines.classify_finished(
        ctx.calendar,
        finished_at=completed_at,
        due_at=ctx.dossier.due_at,
        pauses=_domain_pauses(ctx.dossier),
        supplement_requests=ctx.dp.supplement_rounds,
        new_due_at=apology.new_due_at if apology else None,
        apology_at=apology.issued_at if apology else None,
    )
    dp = ctx.dp
    dp.finished_at = ctx.at
    dp.completed_at = completed_at
    dp.outcome = completion.outcome
    dp.renewed_kept = completion.renewed_kept
    dp.effective_due_at = completion.effective_due
    return completion


# --- runs ---------------------------------------------------------------------------------------


def _unit_for(dossier: Dossier, step: ProcessStep):
    if step.unit_kind == UnitKind.ONE_STOP:
        return dossier.center.agency or dossier.receiving_agency
    if step.unit_kind == UnitKind.AGENCY and step.agency_id is not None:
        return step.agency
    return dossier.procedure_version.agency


def _new_run(
    dossier: Dossier, dp: DossierProcess, step: ProcessStep, calendar: WorkCalendar,
    at: datetime, by: User | None,
) -> StepRun:  # fmt: skip
    due = step_due_at(calendar, step, at)
    run = StepRun.objects.create(
        dossier_process=dp, step=step, role=step.role, unit_kind=step.unit_kind,
        unit=_unit_for(dossier, step), center_id=dossier.center_id, parallel=step.is_parallel,
        dossier_status=dossier.status, dossier_deadline_at=dp.deadline_at, started_at=at,
        started_by=by, due_at=due, effective_due_at=due,
    )  # fmt: skip
    run.step = step
    return run


def _open_run(ctx: _Ctx, step: ProcessStep) -> StepRun:
    run = _new_run(ctx.dossier, ctx.dp, step, ctx.calendar, ctx.at, ctx.user)
    ctx.runs.append(run)
    return run


def _close_run(ctx: _Ctx, run: StepRun, status: str, pauses=None) -> None:
    if pauses is None:
        pauses = _domain_pauses(ctx.dossier)
    run.status = status
    run.finished_at = ctx.at
    run.finished_by = ctx.user
    run.outcome = _run_outcome(ctx, run, pauses)
    run.save(update_fields=["status", "finished_at", "finished_by", "outcome"])


def _close_all(ctx: _Ctx, acting: StepRun | None, acting_status: str) -> None:
    """Ending the process: the acting run with `acting_status`, every other one cancelled."""
    pauses = _domain_pauses(ctx.dossier)
    for run in ctx.open_runs:
        status = acting_status if run is acting else StepRun.Status.CANCELLED
        _close_run(ctx, run, status, pauses)


def _close_open_pause(ctx: _Ctx) -> Pause | None:
    pause = Pause.objects.filter(dossier=ctx.dossier, ended_at__isnull=True).first()
    if pause is not None:
        pause.ended_at = max(ctx.at, pause.started_at)
        pause.ended_by = ctx.user
        pause.save(update_fields=["ended_at", "ended_by"])
    return pause


def _run_data(run: StepRun | None, prefix: str = "") -> dict:
    if run is None:
        return {}
    data = {
        f"{prefix}step": run.step.key,
        f"{prefix}step_name": run.step.name,
        f"{prefix}run": run.pk,
        f"{prefix}unit": run.unit.name,
        f"{prefix}unit_id": run.unit_id,
    }
    if not prefix:
        data["outcome"] = run.outcome
    else:
        data[f"{prefix}due_at"] = timezone.localtime(run.due_at).isoformat()
    return data


def _log(
    ctx: _Ctx, action: str, *, to_status: str | None = None, run: StepRun | None = None,
    to_run: StepRun | None = None, note: str = "", **data,
) -> None:  # fmt: skip
    """One event: the status move (checked against the status table) and the step hand-over."""
    payload = {**_run_data(run), **_run_data(to_run, "to_"), **data}
    payload["revision"] = ctx.dp.revision + 1  # the revision this action leaves
    if note:
        payload["note"] = note
    current = ctx.dossier.status
    target = to_status or current
    if target == current:
        _event(ctx.dossier, action=action, actor=ctx.user, at=ctx.at, from_status=current,
               to_status=current, **payload)  # fmt: skip
        return
    try:
        _move(ctx.dossier, Status(target), actor=ctx.user, at=ctx.at, action=action, **payload)
    except IntakeError as exc:  # a move the status table does not allow
        raise WorkflowError(str(exc)) from exc
    ctx.dossier.save(update_fields=["status", "holder_agency"])


def _bump(ctx: _Ctx) -> None:
    """The last write of every action: the revision, then the dossier's fact row for the
    indices (pauses, apology, result, end: whatever the action changed)."""
    from motcua.reports.services import refresh_record  # reports reads every app

    ctx.dp.revision += 1
    ctx.dp.save()
    _copy_to_open_runs(ctx)
    refresh_record(dossier=ctx.dossier)


def _copy_to_open_runs(ctx: _Ctx) -> None:
    """The dossier's status and deadline onto its open runs, where the worklists read them
    (StepRun.dossier_status): one UPDATE when the action changed either, none otherwise."""
    status, deadline = ctx.dossier.status, ctx.dp.deadline_at
    stale = [
        r for r in ctx.open_runs
        if r.dossier_status != status or r.dossier_deadline_at != deadline
    ]  # fmt: skip
    if not stale:
        return
    StepRun.objects.filter(pk__in=[r.pk for r in stale]).update(
        dossier_status=status, dossier_deadline_at=deadline
    )
    for run in stale:
        run.dossier_status, run.dossier_deadline_at = status, deadline


def _check_joins(ctx: _Ctx, from_step: ProcessStep, target: ProcessStep) -> None:
    """Consultations that must finish before a main step the dossier reaches are done."""
    for step in ctx.steps:
        join = step.join_before
        if not step.is_parallel or join is None:
            continue
        if not from_step.position < join.position <= target.position:
            continue
        runs = [r for r in ctx.runs if r.step_id == step.pk]
        if any(r.status == StepRun.Status.OPEN for r in runs):
            raise WorkflowError(
                _("Đang chờ ý kiến phối hợp “%(step)s”: cần có ý kiến trước khi chuyển sang "
                  "bước “%(join)s”.") % {"step": step.name, "join": join.name}
            )  # fmt: skip
        if not any(r.status == StepRun.Status.DONE for r in runs):
            raise WorkflowError(
                _("Chưa có ý kiến phối hợp “%(step)s”: cần xin ý kiến và nhận trả lời trước "
                  "khi chuyển sang bước “%(join)s”.") % {"step": step.name, "join": join.name}
            )  # fmt: skip


def _hand_over(
    ctx: _Ctx, run: StepRun, action: ProcessAction, note: str, *, to_status: str | None = None,
    **data,
) -> StepRun | None:  # fmt: skip
    """Perform a moving action of the step: close the run, open the target step's run."""
    target = action.target
    returning = action.name == ActionName.RETURN
    closed_as = StepRun.Status.RETURNED if returning else StepRun.Status.DONE
    if run.parallel:
        # A consultation answers (to its join step) or is sent back: it just ends.
        _close_run(ctx, run, closed_as)
        target_data = {"to_step": target.key, "to_step_name": target.name} if target else {}
        _log(ctx, action.name, to_status=to_status, run=run, note=note, **target_data, **data)
        _bump(ctx)
        return None
    if action.target_is_end or target is None:
        raise WorkflowError(
            _("Thao tác “%(action)s” của bước “%(step)s” kết thúc quy trình; dùng thao tác trả "
              "kết quả, từ chối hoặc dừng xử lý.")
            % {"action": perms.action_label(action.name), "step": run.step.name}
        )  # fmt: skip
    if target.is_parallel:
        raise WorkflowError(_("Bước phối hợp được mở bằng thao tác xin ý kiến phối hợp."))
    if target.pk == run.step_id:
        raise WorkflowError(
            _("Thao tác “%(action)s” giữ hồ sơ ở bước này.")
            % {"action": perms.action_label(action.name)}
        )
    if returning and target.position >= run.step.position:
        raise WorkflowError(_("Chỉ trả lại hồ sơ về một bước trước."), field="step")
    if not returning and target.position > run.step.position:
        _check_joins(ctx, run.step, target)
    _close_run(ctx, run, closed_as)
    new = _open_run(ctx, target)
    ctx.dossier.holder_agency = new.unit
    status = to_status or (
        Status.IN_PROGRESS if ctx.dossier.status == Status.RECEIVED else ctx.dossier.status
    )
    if status == ctx.dossier.status:
        ctx.dossier.save(update_fields=["holder_agency"])
    _log(ctx, action.name, to_status=status, run=run, to_run=new, note=note, **data)
    _bump(ctx)
    return new


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message, field=field)
    return value


def _notify(dossier: Dossier, kind: str) -> None:
    """Tell the applicant after the commit, for the kinds the notifications app can send."""
    from motcua.notifications.services import SUBJECTS

    if kind not in SUBJECTS:
        logger.info("No applicant notification “%s” yet (dossier %s)", kind, dossier.pk)
        return
    _notify_on_commit(dossier, kind)


def _form_number(prefix: str, scope: str, dossier: Dossier, at: datetime) -> str:
    day = timezone.localtime(at).date()
    code = dossier.receiving_agency.code
    n = next_number(scope=f"{scope}:{code}", day=day)
    return f"{prefix}/{code}-{day:%y%m%d}-{n:04d}"


# --- start -----------------------------------------------------------------------------------


def _process_for(dossier: Dossier) -> Process:
    from motcua.workflow.services import ProcessError, process_for

    try:
        return process_for(procedure=dossier.procedure_version.procedure)
    except ProcessError as exc:
        raise WorkflowError(
            _("Thủ tục chưa có quy trình xử lý áp dụng được: %(reason)s") % {"reason": exc}
        ) from exc


@transaction.atomic
def start_processing(*, dossier: Dossier, at: datetime | None = None) -> DossierProcess:
    """The received dossier enters its procedure's process at the first main step.

    Called by the intake for every dossier it receives (in the same transaction). Idempotent:
    a dossier that already has its process keeps it.
    """
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    existing = DossierProcess.objects.filter(dossier=locked).first()
    if existing is not None:
        return existing
    if locked.status != Status.RECEIVED or locked.due_at is None:
        raise WorkflowError(_("Chỉ hồ sơ đã tiếp nhận mới vào quy trình xử lý."))
    at = at or locked.received_at or timezone.now()
    process = _process_for(locked)
    first = process.steps.filter(is_parallel=False).order_by("position", "id").first()
    if first is None:
        raise WorkflowError(_("Quy trình xử lý của thủ tục chưa có bước nào."))
    dp = DossierProcess.objects.create(
        dossier=locked, process=process, started_at=at, effective_due_at=locked.due_at,
        deadline_at=locked.due_at,
    )  # fmt: skip
    run = _new_run(locked, dp, first, calendar_for_center(locked.center), at, locked.received_by)
    if locked.holder_agency_id != run.unit_id:
        Dossier.objects.filter(pk=locked.pk).update(holder_agency=run.unit)
        dossier.holder_agency = run.unit
    return dp


# --- who works on a step --------------------------------------------------------------------


def _run_in(ctx: _Ctx, step_run: StepRun) -> StepRun:
    run = next((r for r in ctx.runs if r.pk == step_run.pk), None)
    if run is None or run.status != StepRun.Status.OPEN:
        raise StaleAction()
    return run


@_service
def claim(
    *, step_run: StepRun, user: User, at: datetime | None = None,
    expected_revision: int | None = None,
) -> StepRun:  # fmt: skip
    """Nhận xử lý: the user takes an unassigned step they may act on."""
    ctx = _lock(step_run.dossier_process.dossier_id, user, at, expected_revision)
    run = _run_in(ctx, step_run)
    _require(ctx, perms.CLAIM, run)
    run.assignee = user
    run.assigned_at = ctx.at
    run.save(update_fields=["assignee", "assigned_at"])
    _log(ctx, ActionName.CLAIM, run=run, assignee=user.pk, assignee_name=str(user))
    _bump(ctx)
    return run


@_service
def assign(
    *, step_run: StepRun, user: User, assignee: User, at: datetime | None = None,
    note: str = "", expected_revision: int | None = None,
) -> StepRun:  # fmt: skip
    """Giao xử lý: a leader of the step's unit gives the step to someone who can hold it."""
    ctx = _lock(step_run.dossier_process.dossier_id, user, at, expected_revision)
    run = _run_in(ctx, step_run)
    _require(ctx, perms.ASSIGN, run)
    verdict = perms.check_assignee(perms.actor_for(assignee), perms.run_facts(run), ctx.facts)
    if not verdict:
        raise WorkflowError(verdict.reason, field="assignee")
    previous = run.assignee_id
    run.assignee = assignee
    run.assigned_at = ctx.at
    run.save(update_fields=["assignee", "assigned_at"])
    _log(ctx, "assign", run=run, note=note.strip(), assignee=assignee.pk,
         assignee_name=str(assignee), previous_assignee=previous)  # fmt: skip
    _bump(ctx)
    return run


# --- moving along the process ------------------------------------------------------------


@_service
def forward(
    *, dossier: Dossier, user: User, action_name: str = ActionName.FORWARD, note: str = "",
    target_step: str | None = None, current_step: str | None = None, at: datetime | None = None,
    expected_revision: int | None = None,
) -> StepRun | None:  # fmt: skip
    """Chuyển / phê duyệt: perform the step's `forward` or `approve` action.

    The run is closed (done, with its outcome) and the action's target step opens with its due
    time; consultations that must finish before a step the dossier reaches must be done. From a
    parallel consultation, the action gives the opinion and ends the consultation (None is
    returned). `target_step` chooses among several actions of that name.
    """
    if action_name not in (ActionName.FORWARD, ActionName.APPROVE):
        raise WorkflowError(_("Thao tác chuyển bước là forward hoặc approve."), field="action")
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, action_name, current_step)
    _require(ctx, action_name, run)
    action = _step_action(run, action_name, target_step)
    return _hand_over(ctx, run, action, note.strip())


@_service
def return_to(
    *, dossier: Dossier, user: User, reason: str, step_key: str | None = None,
    current_step: str | None = None, at: datetime | None = None,
    expected_revision: int | None = None,
) -> StepRun | None:  # fmt: skip
    """Trả lại: back to an earlier step (one the step's `return` actions lead to), with the
    reason. A consultation sent back just ends (it is asked again with `consult`)."""
    reason = _text(reason, "reason", _("Cần ghi lý do trả lại."))
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.RETURN, current_step)
    _require(ctx, perms.RETURN, run)
    action = _step_action(run, ActionName.RETURN, step_key)
    return _hand_over(ctx, run, action, reason)


@_service
def consult(
    *, dossier: Dossier, user: User, step_key: str | None = None, note: str = "",
    current_step: str | None = None, at: datetime | None = None,
    expected_revision: int | None = None,
) -> StepRun:  # fmt: skip
    """Xin ý kiến phối hợp: open a parallel consultation step beside the main line."""
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.CONSULT, current_step)
    _require(ctx, perms.CONSULT, run)
    action = _step_action(run, ActionName.CONSULT, step_key)
    target = action.target
    if target is None or not target.is_parallel:
        raise WorkflowError(_("Thao tác xin ý kiến phải dẫn tới một bước phối hợp."))
    if any(r.step_id == target.pk for r in ctx.open_runs):
        raise WorkflowError(
            _("Đang chờ ý kiến phối hợp “%(step)s”.") % {"step": target.name}, field="step"
        )
    new = _open_run(ctx, target)
    _log(ctx, ActionName.CONSULT, run=run, to_run=new, note=note.strip())
    _bump(ctx)
    return new


# --- pauses -----------------------------------------------------------------------------------


@_service
def request_supplement(
    *, dossier: Dossier, user: User, missing: Sequence[int | str] = (), note: str = "",
    current_step: str | None = None, at: datetime | None = None,
    expected_revision: int | None = None,
) -> Notice:  # fmt: skip
    """Mẫu 02 during processing: the clock stops until the applicant supplements.

    `missing`: ids of the procedure's components (catalog Component ids, as on the dossier) or
    free-text items. The applicant is notified after the commit.
    """
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.REQUEST_SUPPLEMENT, current_step)
    _require(ctx, perms.REQUEST_SUPPLEMENT, run)
    components = {c.component_id: c for c in ctx.dossier.components.select_related("component")}
    items = []
    for entry in missing:
        if isinstance(entry, int) and not isinstance(entry, bool):
            row = components.get(entry)
            if row is None:
                raise WorkflowError(_("Thành phần hồ sơ không thuộc thủ tục này."), field="missing")
            c = row.component
            items.append({"id": c.pk, "name": c.name, "form": c.get_form_display(),
                          "copies": c.copies})  # fmt: skip
        elif isinstance(entry, str) and entry.strip():
            items.append({"name": entry.strip()})
    note = note.strip()
    if not items and not note:
        raise WorkflowError(
            _("Cần nêu các giấy tờ phải bổ sung hoặc nội dung cần hoàn thiện."), field="missing"
        )
    ctx.dp.supplement_rounds += 1
    round_ = ctx.dp.supplement_rounds
    notice = Notice.objects.create(
        dossier=ctx.dossier, kind=Notice.Kind.SUPPLEMENT,
        number=_notice_number(Notice.Kind.SUPPLEMENT, ctx.dossier, ctx.at), issued_at=ctx.at,
        issued_by=user,
        content={"missing": items, "note": note, "round": round_, "stage": "processing",
                 "step": run.step.key},
    )  # fmt: skip
    Pause.objects.create(
        dossier=ctx.dossier, kind=Pause.Kind.SUPPLEMENT, started_at=ctx.at,
        supplement_round=round_, step_run=run, notice=notice, note=note[:1000], started_by=user,
    )  # fmt: skip
    _log(ctx, ActionName.REQUEST_SUPPLEMENT, to_status=Status.WAITING_SUPPLEMENT, run=run,
         note=note, notice=notice.number, missing=[i["name"] for i in items], round=round_)  # fmt: skip
    _bump(ctx)
    _notify(ctx.dossier, "supplement_requested")
    return notice


def _end_pause(ctx: _Ctx, kind: str, action: str, note: str) -> Pause:
    pause = Pause.objects.filter(dossier=ctx.dossier, ended_at__isnull=True).first()
    if pause is None or pause.kind != kind:
        _require(ctx, action, ctx.main_run)  # the status tells why (not waiting / suspended)
        raise WorkflowError(_("Hồ sơ không ở trạng thái tạm dừng tương ứng."))
    run = next((r for r in ctx.open_runs if r.pk == pause.step_run_id), ctx.main_run)
    _require(ctx, action, run)
    if ctx.at < pause.started_at:
        raise WorkflowError(_("Thời điểm tiếp tục phải sau lúc tạm dừng."))
    pause.ended_at = ctx.at
    pause.ended_by = ctx.user
    pause.save(update_fields=["ended_at", "ended_by"])
    _refresh_deadlines(ctx)
    paused = ctx.calendar.working_days_between(pause.started_at, pause.ended_at)
    _log(ctx, action, to_status=Status.IN_PROGRESS, run=run, note=note.strip(),
         pause_kind=kind, paused_days=str(paused), round=pause.supplement_round,
         due_at=timezone.localtime(ctx.dp.deadline_at).isoformat())  # fmt: skip
    _bump(ctx)
    return pause


@_service
def supplement_received(
    *, dossier: Dossier, user: User, note: str = "", at: datetime | None = None,
    expected_revision: int | None = None,
) -> Pause:  # fmt: skip
    """The applicant's supplement arrived: the clock resumes at the same step."""
    ctx = _lock(dossier, user, at, expected_revision)
    return _end_pause(ctx, Pause.Kind.SUPPLEMENT, perms.SUPPLEMENT_RECEIVED, note)


@_service
def suspend_financial(
    *, dossier: Dossier, user: User, note: str = "", current_step: str | None = None,
    at: datetime | None = None, expected_revision: int | None = None,
) -> Pause:  # fmt: skip
    """Tạm dừng: the applicant fulfils financial obligations; the time is not counted."""
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.SUSPEND, current_step)
    _require(ctx, perms.SUSPEND, run)
    pause = Pause.objects.create(
        dossier=ctx.dossier, kind=Pause.Kind.FINANCIAL, started_at=ctx.at, step_run=run,
        note=note.strip()[:1000], started_by=user,
    )  # fmt: skip
    _log(ctx, ActionName.SUSPEND, to_status=Status.SUSPENDED, run=run, note=note.strip())
    _bump(ctx)
    return pause


@_service
def resume(
    *, dossier: Dossier, user: User, note: str = "", at: datetime | None = None,
    expected_revision: int | None = None,
) -> Pause:  # fmt: skip
    """The financial obligations are met: the clock resumes at the same step."""
    ctx = _lock(dossier, user, at, expected_revision)
    return _end_pause(ctx, Pause.Kind.FINANCIAL, perms.RESUME, note)


# --- apology, refusal, withdrawal ---------------------------------------------------------


@_service
def apologize(
    *, dossier: Dossier, user: User, reason: str, new_due_at: datetime,
    at: datetime | None = None, expected_revision: int | None = None,
) -> Apology:  # fmt: skip
    """Mẫu 04 — apology with a new appointment: once, and only before the dossier is overdue.

    The new appointment must be later than the current (pause-adjusted) one. The dossier then
    counts as late; whether the new appointment is kept is recorded when it finishes. One
    issued with less than a working day left is accepted but marked not `timely` (the law
    asks for it a day before the due date).
    """
    reason = _text(reason, "reason", _("Cần ghi lý do chậm trả kết quả."))
    if new_due_at is None or timezone.is_naive(new_due_at):
        raise WorkflowError(_("Cần ngày giờ hẹn lại (kèm múi giờ)."), field="new_due_at")
    ctx = _lock(dossier, user, at, expected_revision)
    _require(ctx, perms.APOLOGIZE, ctx.main_run)
    if Apology.objects.filter(dossier=ctx.dossier).exists():
        raise WorkflowError(_("Hồ sơ đã có phiếu xin lỗi, hẹn lại; chỉ được hẹn lại một lần."))
    effective = deadlines.effective_due(
        ctx.calendar, ctx.dossier.due_at, _domain_pauses(ctx.dossier), until=ctx.at
    )
    shown = timezone.localtime(effective).strftime("%H:%M %d/%m/%Y")
    if ctx.at > effective:
        raise WorkflowError(
            _("Hồ sơ đã quá hạn (hạn %(due)s): phiếu xin lỗi phải lập trước khi quá hạn.")
            % {"due": shown}
        )
    if new_due_at <= effective:
        raise WorkflowError(
            _("Ngày hẹn lại phải sau hạn hiện tại (%(due)s).") % {"due": shown},
            field="new_due_at",
        )
    new_day = new_due_at.astimezone(ctx.calendar.tz).date()
    if not ctx.calendar.is_working_day(new_day):
        # The applicant comes for the result that day: the center must be open.
        raise WorkflowError(
            _("Ngày hẹn lại %(day)s là ngày nghỉ của Trung tâm: chọn một ngày làm việc.")
            % {"day": new_day.strftime("%d/%m/%Y")},
            field="new_due_at",
        )
    timely = ctx.calendar.working_time_between(ctx.at, effective) >= ctx.calendar.day_length
    apology = Apology.objects.create(
        dossier=ctx.dossier, number=_form_number("04", "apology", ctx.dossier, ctx.at),
        issued_at=ctx.at, issued_by=user, reason=reason, original_due_at=ctx.dossier.due_at,
        effective_due_at=effective, new_due_at=new_due_at, timely=timely,
    )  # fmt: skip
    _refresh_deadlines(ctx)
    _log(ctx, ActionName.APOLOGIZE, run=ctx.main_run, note=reason, number=apology.number,
         timely=timely,
         original_due_at=timezone.localtime(ctx.dossier.due_at).isoformat(),
         new_due_at=timezone.localtime(new_due_at).isoformat())  # fmt: skip
    _bump(ctx)
    _notify(ctx.dossier, "apology")
    return apology


@_service
def refuse(
    *, dossier: Dossier, user: User, reason: str, current_step: str | None = None,
    at: datetime | None = None, expected_revision: int | None = None,
) -> Notice:  # fmt: skip
    """Từ chối giải quyết: not eligible, found during processing; a notice with the reason
    (Mẫu 03 numbering) is issued and the applicant notified. The process ends."""
    reason = _text(reason, "reason", _("Cần ghi rõ lý do từ chối."))
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.REFUSE, current_step)
    _require(ctx, perms.REFUSE, run)
    action = _step_action(run, ActionName.REFUSE, None)
    if not action.target_is_end:
        raise WorkflowError(_("Thao tác từ chối của bước này phải kết thúc quy trình."))
    notice = Notice.objects.create(
        dossier=ctx.dossier, kind=Notice.Kind.REFUSAL,
        number=_notice_number(Notice.Kind.REFUSAL, ctx.dossier, ctx.at), issued_at=ctx.at,
        issued_by=user, content={"reason": reason, "stage": "processing", "step": run.step.key},
    )  # fmt: skip
    _close_open_pause(ctx)
    _close_all(ctx, run, StepRun.Status.DONE)
    completion = _finish(ctx, completed_at=ctx.at)
    _log(ctx, ActionName.REFUSE, to_status=Status.REFUSED, run=run, note=reason,
         notice=notice.number, completion=completion.outcome)  # fmt: skip
    _bump(ctx)
    _notify(ctx.dossier, "refused")
    return notice


@_service
def withdraw(
    *, dossier: Dossier, user: User, note: str = "", at: datetime | None = None,
    expected_revision: int | None = None,
) -> Withdrawal:  # fmt: skip
    """Dừng xử lý: the applicant withdraws before a decision; a stop notice is recorded."""
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.WITHDRAW, None)
    _require(ctx, perms.WITHDRAW, run)
    withdrawal = Withdrawal.objects.create(
        dossier=ctx.dossier, number=_form_number("DX", "withdrawal", ctx.dossier, ctx.at),
        issued_at=ctx.at, issued_by=user, note=note.strip(),
    )  # fmt: skip
    _close_open_pause(ctx)
    _close_all(ctx, None, StepRun.Status.CANCELLED)
    completion = _finish(ctx, completed_at=ctx.at)
    _log(ctx, ActionName.WITHDRAW, to_status=Status.WITHDRAWN, run=run, note=note.strip(),
         number=withdrawal.number, completion=completion.outcome)  # fmt: skip
    _bump(ctx)
    _notify(ctx.dossier, "withdrawn")
    return withdrawal


# --- the result ---------------------------------------------------------------------------------


@_service
def record_result(
    *, dossier: Dossier, user: User, file: UploadedFile | None = None, paper_only: bool = False,
    note: str = "", current_step: str | None = None, at: datetime | None = None,
    expected_revision: int | None = None,
) -> ResultDocument:  # fmt: skip
    """Đã có kết quả: the signed PDF (an electronic result), or paper only; the dossier goes to
    the step the action leads to (returning the result) and the applicant is notified."""
    if file is None and not paper_only:
        raise WorkflowError(
            _("Cần tải lên tệp kết quả (PDF đã ký số), hoặc ghi nhận kết quả chỉ có bản giấy."),
            field="file",
        )
    if file is not None and paper_only:
        raise WorkflowError(_("Kết quả chỉ có bản giấy thì không kèm tệp."), field="file")
    checked = None
    if file is not None:
        try:
            checked = check_upload(file)
        except FileRejected as exc:
            raise WorkflowError(str(exc), field="file") from exc
        if checked.content_type != "application/pdf":
            raise WorkflowError(_("Tệp kết quả phải là tệp PDF."), field="file")
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.RECORD_RESULT, current_step)
    _require(ctx, perms.RECORD_RESULT, run)
    action = _step_action(run, ActionName.RECORD_RESULT, None)
    result = ResultDocument(
        dossier=ctx.dossier, paper_only=paper_only, note=note.strip()[:1000], recorded_at=ctx.at,
        recorded_by=user,
    )  # fmt: skip
    stored = None
    try:
        if checked is not None:
            result.original_name = (file.name or "")[:255]
            result.content_type = checked.content_type
            result.size = checked.size
            result.sha256 = checked.sha256
            result.file.save(f"{ctx.dossier.public_id}.{checked.extension}", file, save=False)
            stored = result.file.name
        result.save()
        _hand_over(ctx, run, action, note.strip(), to_status=Status.RESULT_READY,
                   result="paper" if paper_only else "file", sha256=result.sha256)  # fmt: skip
    except BaseException:
        if stored:
            result.file.storage.delete(stored)
        raise
    _notify(ctx.dossier, "result_ready")
    return result


def _collector(name: str, id_checked: bool) -> str:
    """Who collects a result at the counter: named, and their ID checked."""
    name = _text(name, "collected_by_name", _("Cần ghi họ tên người nhận kết quả."))
    if not id_checked:
        raise WorkflowError(
            _("Cần kiểm tra giấy tờ tùy thân của người nhận trước khi trả kết quả."),
            field="id_checked",
        )
    return name


@_service
def return_result(
    *, dossier: Dossier, user: User, method: str, collected_by_name: str = "",
    id_checked: bool = False, tracking_number: str = "", note: str = "",
    current_step: str | None = None, at: datetime | None = None,
    expected_revision: int | None = None,
) -> DossierProcess:  # fmt: skip
    """Trả kết quả: at the counter (who collected it, ID checked), by post (tracking number) or
    electronically (the result file). The process ends; its completion is classified early / on
    time / late with the end the on-time rule counts: when the result was issued."""
    if method not in ReturnMethod.values:
        raise WorkflowError(
            _("Hình thức trả kết quả phải là counter, post hoặc electronic."), field="method"
        )
    if method == ReturnMethod.COUNTER:
        collected_by_name = _collector(collected_by_name, id_checked)
    if method == ReturnMethod.POST:
        tracking_number = _text(tracking_number, "tracking_number", _("Cần ghi số hiệu bưu gửi."))
    ctx = _lock(dossier, user, at, expected_revision)
    run = _acting_run(ctx, perms.RETURN_RESULT, current_step)
    _require(ctx, perms.RETURN_RESULT, run)
    action = _step_action(run, ActionName.RETURN_RESULT, None)
    if not action.target_is_end:
        raise WorkflowError(_("Thao tác trả kết quả phải kết thúc quy trình."))
    result = ResultDocument.objects.filter(dossier=ctx.dossier).first()
    if result is None:
        raise WorkflowError(_("Hồ sơ chưa có kết quả giải quyết."))
    if method == ReturnMethod.ELECTRONIC and result.paper_only:
        raise WorkflowError(
            _("Kết quả chỉ có bản giấy, không trả bản điện tử được."), field="method"
        )
    result.returned_at = ctx.at
    result.returned_by = user
    result.return_method = method
    result.collected_by_name = collected_by_name.strip()[:255]
    result.id_checked = bool(id_checked)
    result.tracking_number = tracking_number.strip()[:40]
    if method == ReturnMethod.POST:
        result.postal_status, result.postal_status_at = PostalStatus.SENT, ctx.at
    result.save()
    _close_all(ctx, run, StepRun.Status.DONE)
    completion = _finish(ctx, completed_at=result.recorded_at)
    _log(ctx, ActionName.RETURN_RESULT, to_status=Status.RETURNED, run=run, note=note.strip(),
         method=method, collected_by_name=result.collected_by_name, id_checked=result.id_checked,
         tracking_number=result.tracking_number, completion=completion.outcome,
         renewed_kept=completion.renewed_kept)  # fmt: skip
    _bump(ctx)
    _notify(ctx.dossier, "returned")
    return ctx.dp


@_service
def record_postal_delivery(
    *, dossier: Dossier, user: User, status: str, note: str = "", collected_by_name: str = "",
    id_checked: bool = False, at: datetime | None = None,
) -> ResultDocument:  # fmt: skip
    """The postal service reports on a result sent by post: delivered, or sent back (chuyển
    hoàn: the applicant is told, and the result waits at the counter); then, for one sent
    back, its collection at the counter (who collected it, ID checked). Recorded by the
    center's reception officers or its postal staff; the process has ended, so the dossier's
    status and its on-time classification do not change."""
    if status not in {s for following in POSTAL_NEXT.values() for s in following}:
        raise WorkflowError(_("Tình trạng bưu gửi không hợp lệ."), field="postal_status")
    if status == PostalStatus.COLLECTED:
        collected_by_name = _collector(collected_by_name, id_checked)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    actor = perms.actor_for(user)
    if not (
        actor.active
        and actor.role in (Role.RECEPTION_OFFICER, Role.POSTAL_STAFF)
        and locked.center_id in actor.center_ids
    ):
        raise ActionDenied(
            _(
                "Tình trạng bưu gửi do cán bộ tiếp nhận hoặc nhân viên bưu chính của Trung tâm cập nhật."
            )
        )
    result = ResultDocument.objects.filter(dossier=locked).first()
    if result is None or result.return_method != ReturnMethod.POST:
        raise WorkflowError(_("Kết quả của hồ sơ này không trả qua bưu chính."))
    allowed = POSTAL_NEXT.get(result.postal_status, ())
    if not allowed:
        raise WorkflowError(
            _("Bưu gửi đã có tình trạng cuối: %(status)s.")
            % {"status": result.get_postal_status_display()}
        )
    if status not in allowed:
        raise WorkflowError(
            _("Bưu gửi đang ở tình trạng “%(status)s”: chỉ cập nhật được %(next)s.")
            % {"status": result.get_postal_status_display(),
               "next": ", ".join(f"“{PostalStatus(s).label}”" for s in allowed)},
            field="postal_status",
        )  # fmt: skip
    at = at or timezone.now()
    result.postal_status, result.postal_status_at = status, at
    fields = ["postal_status", "postal_status_at"]
    data = {}
    if status == PostalStatus.COLLECTED:
        result.collected_by_name, result.id_checked = collected_by_name[:255], True
        fields += ["collected_by_name", "id_checked"]
        data = {"collected_by_name": result.collected_by_name, "id_checked": True}
    result.save(update_fields=fields)
    _event(locked, action="postal_delivery", actor=user, at=at, from_status=locked.status,
           to_status=locked.status, postal_status=status, note=note.strip(),
           tracking_number=result.tracking_number, **data)  # fmt: skip
    if status == PostalStatus.RETURNED:
        _notify(locked, "postal_returned")
    return result
