"""A process as plain data (`ProcessSpec`), the one shape every path goes through.

The database (`spec_from_process`), the JSON format (`process_io`) and the default process
(`default_spec`) all produce a spec; the services write a spec into a draft
(`services._write_steps`) and the publish check turns a spec into `motcua.domain.process` steps
(`domain_steps`). Comparing two specs compares two processes' structure.

Units are named as in the JSON format and the domain check: "one-stop" (the center's One-stop
Department), "lead" (the procedure's lead agency) or an agency code (liên thông). Action targets
are a step key or `END`.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from motcua.domain import process as domain
from motcua.domain.process import DEFAULT_SHARES, default_allotments
from motcua.workflow.models import (
    LEAD_UNIT,
    ONE_STOP_UNIT,
    ActionName,
    Process,
    working_day_hours,
)

END = domain.END
# How the JSON format writes END (step keys are lower case, so it cannot clash with a key).
END_IN_FILE = "END"


@dataclass(frozen=True)
class ActionSpec:
    name: str
    target: str | None  # a step key, END, or None (incomplete: refused on publish)
    label: str = ""


@dataclass(frozen=True)
class StepSpec:
    key: str
    name: str
    unit: str  # ONE_STOP_UNIT, LEAD_UNIT or an agency code
    role: str
    days: Decimal = Decimal(0)
    hours: int = 0
    parallel: bool = False
    join_before: str | None = None
    final: bool = False
    actions: tuple[ActionSpec, ...] = ()

    def allotted(self, day_hours: int | None = None) -> Fraction:
        """The step's share of the time limit in working days (hours at `day_hours` a day)."""
        return Fraction(self.days) + Fraction(self.hours, day_hours or working_day_hours())


@dataclass(frozen=True)
class ProcessSpec:
    procedure: str  # the procedure code
    steps: tuple[StepSpec, ...] = ()
    note: str = ""

    @property
    def main_line(self) -> tuple[StepSpec, ...]:
        return tuple(s for s in self.steps if not s.parallel)

    @property
    def parallel_steps(self) -> tuple[StepSpec, ...]:
        return tuple(s for s in self.steps if s.parallel)

    def main_line_days(self, day_hours: int | None = None) -> Fraction:
        return sum((s.allotted(day_hours) for s in self.main_line), Fraction(0))


# Stand-ins for links the domain check must report as broken: they are never step keys or
# units (keys and agency codes have no spaces or angle brackets).
MISSING_AGENCY = "<chưa chọn cơ quan>"
OTHER_PROCESS = "<bước của quy trình khác>"


def spec_from_process(process: Process) -> ProcessSpec:
    """The process as stored, steps in order (main line and parallel steps by position)."""
    steps = list(
        process.steps.select_related("agency", "join_before").prefetch_related("actions__target")
    )
    specs = []
    for step in steps:
        actions = tuple(
            ActionSpec(name=a.name, target=_target_key(a, process.pk), label=a.label)
            for a in step.actions.all()
        )
        join = None
        if step.join_before_id is not None:
            join = (
                step.join_before.key if step.join_before.process_id == process.pk else OTHER_PROCESS
            )
        specs.append(
            StepSpec(
                key=step.key,
                name=step.name,
                unit=step.unit_code or MISSING_AGENCY,
                role=step.role,
                days=Decimal(step.allotted_days),
                hours=step.allotted_hours,
                parallel=step.is_parallel,
                join_before=join,
                final=step.is_final,
                actions=actions,
            )
        )
    return ProcessSpec(procedure=process.procedure.code, steps=tuple(specs), note=process.note)


def _target_key(action, process_id: int) -> str | None:
    if action.target_is_end:
        return END
    if action.target_id is None:
        return None
    return action.target.key if action.target.process_id == process_id else OTHER_PROCESS


def domain_steps(spec: ProcessSpec, day_hours: int | None = None) -> list[domain.Step]:
    return [
        domain.Step(
            key=s.key,
            name=s.name,
            unit=s.unit,
            role=s.role,
            allotted_days=s.allotted(day_hours),
            actions=tuple(domain.Action(a.name, a.target) for a in s.actions),
            parallel=s.parallel,
            join_before=s.join_before,
        )
        for s in spec.steps
    ]


# --- the default process ---------------------------------------------------------------------

_DEFAULT_UNITS = {"one-stop": ONE_STOP_UNIT, "agency": LEAD_UNIT}


def _actions(*pairs: tuple[str, str]) -> tuple[ActionSpec, ...]:
    return tuple(ActionSpec(name=name, target=target) for name, target in pairs)


# Per step of domain.process.DEFAULT_SHARES: the actions allowed and where they lead. Actions that
# keep the dossier at its step (claim, supplement, suspend, apology) target the step itself.
_DEFAULT_ACTIONS = {
    "reception": _actions(
        (ActionName.CLAIM, "reception"),
        (ActionName.FORWARD, "specialist"),
        (ActionName.WITHDRAW, END),
    ),
    "specialist": _actions(
        (ActionName.CLAIM, "specialist"),
        (ActionName.FORWARD, "head"),
        (ActionName.RETURN, "reception"),
        (ActionName.REQUEST_SUPPLEMENT, "specialist"),
        (ActionName.SUSPEND, "specialist"),
        (ActionName.WITHDRAW, END),
    ),
    "head": _actions(
        (ActionName.CLAIM, "head"),
        (ActionName.APPROVE, "leader"),
        (ActionName.RETURN, "specialist"),
    ),
    "leader": _actions(
        (ActionName.CLAIM, "leader"),
        (ActionName.APPROVE, "clerk"),
        (ActionName.RETURN, "head"),
        (ActionName.APOLOGIZE, "leader"),
        (ActionName.REFUSE, END),
    ),
    "clerk": _actions(
        (ActionName.CLAIM, "clerk"),
        (ActionName.RECORD_RESULT, "return"),
    ),
    "return": _actions(
        (ActionName.CLAIM, "return"),
        (ActionName.RETURN_RESULT, END),
    ),
}


def default_spec(*, procedure_code: str, time_limit_days: Decimal | Fraction) -> ProcessSpec:
    """The default process (reception → specialist → head of division → leader → clerk →
    return), its main line sharing exactly the legal time limit by half days
    (`domain.process.default_allotments`)."""
    allotments = dict(default_allotments(Fraction(time_limit_days)))
    steps = tuple(
        StepSpec(
            key=key,
            name=name,
            unit=_DEFAULT_UNITS[unit],
            role=role,
            days=Decimal(allotments[key].numerator) / Decimal(allotments[key].denominator),
            final=key == "return",
            actions=_DEFAULT_ACTIONS[key],
        )
        for key, name, unit, role, _share in DEFAULT_SHARES
    )
    return ProcessSpec(
        procedure=procedure_code,
        steps=steps,
        note="Quy trình mặc định",
    )


def format_days(value: Fraction | Decimal) -> str:
    """5 → "5", 0.5 → "0,5", 1/3 → "0,33" (Vietnamese decimal comma)."""
    number = float(value)
    text = f"{number:.2f}".rstrip("0").rstrip(".") if number % 1 else f"{number:.0f}"
    return text.replace(".", ",")
