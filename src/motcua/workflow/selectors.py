"""Reads for process definitions: the published process, the publish check, the staff page."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.selectors import current_versions
from motcua.directory.models import Agency
from motcua.domain.process import validate
from motcua.workflow.models import LEAD_UNIT, ONE_STOP_UNIT, ActionName, Process
from motcua.workflow.specs import (
    END,
    ProcessSpec,
    StepSpec,
    default_spec,
    domain_steps,
    spec_from_process,
)


def current_version(procedure: Procedure) -> ProcedureVersion | None:
    """The catalog version in force today, else the open one (a version starting later)."""
    in_force = current_versions().filter(procedure=procedure).order_by("-number").first()
    return in_force or procedure.versions.filter(effective_to__isnull=True).first()


def published_process(procedure: Procedure) -> Process | None:
    return procedure.processes.filter(status=Process.Status.PUBLISHED).first()


def processes_of(procedure: Procedure) -> QuerySet[Process]:
    return procedure.processes.select_related("published_by").order_by("-number")


def known_units() -> set[str]:
    """Units a step may name: the active agencies' codes, the One-stop Department, the lead."""
    codes = set(Agency.objects.filter(is_active=True).values_list("code", flat=True))
    return codes | {ONE_STOP_UNIT, LEAD_UNIT}


def known_roles() -> set[str]:
    return {role.value for role in Role}


def publish_problems(spec: ProcessSpec, *, procedure: Procedure) -> list[str]:
    """Everything that forbids publishing `spec` for `procedure`, in Vietnamese (empty: OK).

    The domain check (every step reachable from the first main step, an end reachable from
    every step, roles and units known, the main line within the legal limit of the catalog
    version in force, every action with a target) plus the rules of stored processes: whole or
    half days, exactly one final (result-returning) main step that can end the process.
    """
    version = current_version(procedure)
    if version is None:
        return [_("Thủ tục chưa có phiên bản nào đang hiệu lực trong danh mục.")]
    problems = validate(
        domain_steps(spec),
        legal_limit_days=Fraction(version.time_limit_days),
        known_roles=known_roles(),
        known_units=known_units(),
    )
    for step in spec.steps:
        if step.days < 0 or (step.days * 2) % 1 != 0:
            problems.append(
                _("Bước “%(name)s”: thời gian tính theo nửa ngày (0; 0,5; 1…).")
                % {"name": step.name}
            )
        if step.hours < 0:
            problems.append(_("Bước “%(name)s”: số giờ không được âm.") % {"name": step.name})
    finals = [s for s in spec.steps if s.final]
    if not finals:
        problems.append(_("Chưa đánh dấu bước trả kết quả (bước cuối của luồng chính)."))
    elif len(finals) > 1:
        problems.append(
            _("Chỉ một bước là bước trả kết quả; đang có: %(names)s.")
            % {"names": ", ".join(f"“{s.name}”" for s in finals)}
        )
    for step in finals:
        if step.parallel:
            problems.append(
                _("Bước phối hợp “%(name)s” không thể là bước trả kết quả.") % {"name": step.name}
            )
        elif not any(a.target == END for a in step.actions):
            problems.append(
                _("Bước trả kết quả “%(name)s” cần một thao tác kết thúc quy trình.")
                % {"name": step.name}
            )
    return problems


# --- the staff page /quy-trinh/<code>/ -------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    step: StepSpec
    unit_name: str
    role_name: str
    allotted: Fraction
    actions: list[tuple[str, str]]  # (action label, target name)
    joined_by: list[StepSpec]


@dataclass(frozen=True)
class ProcessPage:
    procedure: Procedure
    version: ProcedureVersion | None
    process: Process | None  # None: the default process (not stored)
    spec: ProcessSpec
    main: list[StepRow]
    parallel: list[StepRow]
    total_days: Fraction
    legal_limit: Decimal | None
    problems: list[str]
    others: list[Process]

    @property
    def within_limit(self) -> bool:
        return self.legal_limit is not None and self.total_days <= Fraction(self.legal_limit)


def process_page(procedure: Procedure, *, number: int | None = None) -> ProcessPage | None:
    """The process shown to staff: version `number`, else the published one, else the default.

    None when `number` names no process of the procedure.
    """
    version = current_version(procedure)
    if number is not None:
        process = procedure.processes.filter(number=number).first()
        if process is None:
            return None
    else:
        process = published_process(procedure)
    if process is not None:
        spec = spec_from_process(process)
    else:
        limit = version.time_limit_days if version else Decimal(0)
        spec = default_spec(procedure_code=procedure.code, time_limit_days=limit)

    action_labels = {value: str(label) for value, label in ActionName.choices}
    role_labels = {role.value: str(role.label) for role in Role}
    agencies = dict(Agency.objects.values_list("code", "name"))
    names = {s.key: s.name for s in spec.steps}

    def unit_name(unit: str) -> str:
        if unit == ONE_STOP_UNIT:
            return _("Bộ phận Một cửa")
        if unit == LEAD_UNIT:
            lead = version.agency.name if version else _("cơ quan chủ trì")
            return _("%(agency)s (cơ quan chủ trì)") % {"agency": lead}
        return agencies.get(unit, unit)

    def target_name(target: str | None, here: str) -> str:
        if target == here:
            return _("ở lại bước này")
        if target == END:
            return _("Kết thúc")
        if target is None:
            return _("(chưa có bước đích)")
        return names.get(target, target)

    def row(step: StepSpec) -> StepRow:
        return StepRow(
            step=step,
            unit_name=unit_name(step.unit),
            role_name=role_labels.get(step.role, step.role),
            allotted=step.allotted(),
            actions=[
                (a.label or action_labels.get(a.name, a.name), target_name(a.target, step.key))
                for a in step.actions
            ],
            joined_by=[p for p in spec.parallel_steps if p.join_before == step.key],
        )

    return ProcessPage(
        procedure=procedure,
        version=version,
        process=process,
        spec=spec,
        main=[row(s) for s in spec.main_line],
        parallel=[row(s) for s in spec.parallel_steps],
        total_days=spec.main_line_days(),
        legal_limit=version.time_limit_days if version else None,
        problems=publish_problems(spec, procedure=procedure),
        others=list(processes_of(procedure)),
    )
