"""Writes to process definitions. Each public function is one transaction.

Life of a process: `create_draft` (empty, from a spec, or `default_process_for` a catalog
version) or `new_draft_from` an existing one → edited in the admin while a draft → `publish`
(checked by `selectors.publish_problems`; the previously published process of the procedure is
retired in the same transaction) → `retire`. Published and retired processes never change:
dossiers keep the process they started with.

Procedures without their own process use the default one: `process_for` returns the published
process, or creates and publishes the default process scaled to the legal time limit of the
catalog version in force (marked `is_default`). When that limit later changes, the next
`process_for` publishes a rescaled default; a process an administrator published is never
replaced automatically.

Every function takes the procedure row lock (SELECT … FOR UPDATE on catalog.Procedure), so
version numbers and "one published process per procedure" stay consistent under concurrency.
"""

from datetime import datetime
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.directory.models import Agency
from motcua.workflow import selectors
from motcua.workflow.models import (
    LEAD_UNIT,
    ONE_STOP_UNIT,
    Process,
    ProcessAction,
    ProcessStep,
    UnitKind,
)
from motcua.workflow.specs import END, ProcessSpec, default_spec, spec_from_process


class ProcessError(Exception):
    """A write the rules do not allow; the message is for the user."""


class ProcessInvalid(ProcessError):
    """A process that cannot be published; `problems` lists every reason, in Vietnamese."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            _("Quy trình chưa xuất bản được (%(count)d lỗi): %(problems)s")
            % {"count": len(self.problems), "problems": " ".join(self.problems)}
        )


def _lock(procedure: Procedure) -> Procedure:
    return Procedure.objects.select_for_update().get(pk=procedure.pk)


def _next_number(procedure: Procedure) -> int:
    last = procedure.processes.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _write_steps(process: Process, spec: ProcessSpec) -> None:
    """Store the spec's steps and actions in a new, empty draft."""
    codes = {s.unit for s in spec.steps} - {ONE_STOP_UNIT, LEAD_UNIT}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    steps = []
    for position, s in enumerate(spec.steps, start=1):
        if s.unit == ONE_STOP_UNIT:
            kind, agency = UnitKind.ONE_STOP, None
        elif s.unit == LEAD_UNIT:
            kind, agency = UnitKind.LEAD_AGENCY, None
        else:
            # An unknown code (only possible when copying an incomplete draft) stays unchosen.
            kind, agency = UnitKind.AGENCY, agencies.get(s.unit)
        steps.append(
            ProcessStep(
                process=process,
                key=s.key,
                name=s.name,
                position=position,
                unit_kind=kind,
                agency=agency,
                role=s.role,
                allotted_days=s.days,
                allotted_hours=s.hours,
                is_parallel=s.parallel,
                is_final=s.final,
            )
        )
    ProcessStep.objects.bulk_create(steps)
    by_key = {step.key: step for step in steps}
    joins = []
    for step, s in zip(steps, spec.steps, strict=True):
        if s.join_before in by_key:
            step.join_before = by_key[s.join_before]
            joins.append(step)
    ProcessStep.objects.bulk_update(joins, ["join_before"])
    ProcessAction.objects.bulk_create(
        ProcessAction(
            step=step,
            name=a.name,
            target=by_key.get(a.target) if a.target not in (None, END) else None,
            target_is_end=a.target == END,
            label=a.label,
        )
        for step, s in zip(steps, spec.steps, strict=True)
        for a in s.actions
    )


@transaction.atomic
def create_draft(
    *,
    procedure: Procedure,
    spec: ProcessSpec | None = None,
    note: str | None = None,
    by: User | None = None,
    is_default: bool = False,
) -> Process:
    """A new draft for `procedure` (the next version number), empty or filled from `spec`."""
    procedure = _lock(procedure)
    process = Process.objects.create(
        procedure=procedure,
        number=_next_number(procedure),
        note=(note if note is not None else (spec.note if spec else ""))[:500],
        created_by=by,
        is_default=is_default,
    )
    if spec is not None:
        _write_steps(process, spec)
    return process


@transaction.atomic
def new_draft_from(*, process: Process, by: User | None = None, note: str | None = None) -> Process:
    """A draft copying `process`'s steps and actions: the way to change a published process."""
    spec = spec_from_process(process)
    if note is None:
        note = _("Sao chép từ phiên bản %(number)d.") % {"number": process.number}
    return create_draft(procedure=process.procedure, spec=spec, note=note, by=by)


@transaction.atomic
def default_process_for(*, version: ProcedureVersion, by: User | None = None) -> Process:
    """A draft holding the default process scaled to `version`'s legal time limit."""
    spec = default_spec(
        procedure_code=version.procedure.code, time_limit_days=version.time_limit_days
    )
    return create_draft(procedure=version.procedure, spec=spec, by=by, is_default=True)


@transaction.atomic
def publish(*, process: Process, by: User | None = None, at: datetime | None = None) -> Process:
    """Publish a draft after the checks; the procedure's published process is retired.

    Raises ProcessInvalid with every problem found; nothing changes then.
    """
    _lock(process.procedure)
    process = Process.objects.select_for_update().select_related("procedure").get(pk=process.pk)
    if process.status != Process.Status.DRAFT:
        raise ProcessError(
            _("Chỉ xuất bản được bản nháp; quy trình này đang ở trạng thái “%(status)s”.")
            % {"status": process.get_status_display()}
        )
    problems = selectors.publish_problems(spec_from_process(process), procedure=process.procedure)
    if problems:
        raise ProcessInvalid(problems)
    at = at or timezone.now()
    Process.objects.filter(procedure=process.procedure, status=Process.Status.PUBLISHED).update(
        status=Process.Status.RETIRED, retired_at=at
    )
    process.status = Process.Status.PUBLISHED
    process.published_at = at
    process.published_by = by
    process.save(update_fields=["status", "published_at", "published_by"])
    return process


@transaction.atomic
def retire(*, process: Process, at: datetime | None = None) -> Process:
    """Stop using a published process; the procedure falls back to the default process.

    Dossiers that started under it keep it.
    """
    _lock(process.procedure)
    process = Process.objects.select_for_update().get(pk=process.pk)
    if process.status != Process.Status.PUBLISHED:
        raise ProcessError(_("Chỉ ngừng áp dụng được quy trình đang áp dụng."))
    process.status = Process.Status.RETIRED
    process.retired_at = at or timezone.now()
    process.save(update_fields=["status", "retired_at"])
    return process


def _stale_default(process: Process, version: ProcedureVersion | None) -> bool:
    """A published default process whose main line no longer matches the legal limit."""
    if not process.is_default or version is None:
        return False
    total = spec_from_process(process).main_line_days()
    return total != Fraction(version.time_limit_days)


@transaction.atomic
def process_for(*, procedure: Procedure, by: User | None = None) -> Process:
    """The process new dossiers of `procedure` follow: the published one, else the default.

    Procedures without their own process use the default process: it is created, scaled to
    the legal time limit of the catalog version in force, and published (so dossiers can keep
    it like any other). Raises ProcessError when the procedure has no version in force.
    """
    version = selectors.current_version(procedure)
    published = selectors.published_process(procedure)
    if published is not None and not _stale_default(published, version):
        return published
    _lock(procedure)
    published = selectors.published_process(procedure)  # another request may have done it
    if published is not None and not _stale_default(published, version):
        return published
    if version is None:
        raise ProcessError(_("Thủ tục chưa có phiên bản nào đang hiệu lực trong danh mục."))
    draft = default_process_for(version=version, by=by)
    return publish(process=draft, by=by)
