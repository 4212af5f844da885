"""Process files (JSON): read and check them, import them as a draft, write a process out.

The format is described, with a liên thông example, in docs/process-format.md. Reading collects
every problem, each located by path (`steps[2].actions[0]`), field and message; a file with any
problem is rejected whole (`ProcessFileRejected`) and nothing is written. An import always
creates a new draft (the procedure's next process version); `publish=True` also publishes it in
the same transaction, so a file that fails the publish check leaves nothing behind either.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.catalog.models import Procedure
from motcua.directory.models import Agency
from motcua.workflow import services
from motcua.workflow.models import (
    LEAD_UNIT,
    ONE_STOP_UNIT,
    ActionName,
    Process,
    step_key_validator,
)
from motcua.workflow.selectors import current_version
from motcua.workflow.specs import (
    END,
    END_IN_FILE,
    ActionSpec,
    ProcessSpec,
    StepSpec,
    spec_from_process,
)

FORMAT = "motcua-process"
FORMAT_VERSION = 1
MAX_DAYS = Decimal("9999.5")
MAX_HOURS = 999

TOP_FIELDS = {"format", "format_version", "procedure", "procedure_name", "note", "source", "steps"}
STEP_FIELDS = {
    "key",
    "name",
    "unit",
    "role",
    "days",
    "hours",
    "parallel",
    "join_before",
    "final",
    "actions",
}
ACTION_FIELDS = {"action", "target", "label"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a path in the document), which field, and what."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.path} · {self.field}: {self.message}"
        return f"{self.path}: {self.message}"


class ProcessFileRejected(Exception):
    """A process file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        head = _("Tệp bị từ chối, không có gì được ghi vào cơ sở dữ liệu. Có %(count)d lỗi:") % {
            "count": len(self.problems)
        }
        return "\n".join([head, *(f"  - {problem}" for problem in self.problems)])


@dataclass
class ProcessDocument:
    spec: ProcessSpec | None
    problems: list[Problem] = dataclass_field(default_factory=list)


# --- reading -----------------------------------------------------------------------------------


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, field: str, message: str) -> None:
        self.problems.append(Problem(path, field, message))

    def text(self, obj: dict, path: str, name: str, *, max_length: int, required: bool) -> str:
        value = obj.get(name)
        if value is None or value == "":
            if required:
                self.add(path, name, _("bắt buộc, chưa có."))
            return ""
        if not isinstance(value, str):
            self.add(path, name, _("phải là một chuỗi ký tự."))
            return ""
        value = value.strip()
        if len(value) > max_length:
            self.add(path, name, _("dài quá %(max)d ký tự.") % {"max": max_length})
        if required and not value:
            self.add(path, name, _("bắt buộc, chưa có."))
        return value

    def flag(self, obj: dict, path: str, name: str) -> bool:
        value = obj.get(name, False)
        if not isinstance(value, bool):
            self.add(path, name, _("phải là true hoặc false."))
            return False
        return value

    def unknown(self, obj: dict, path: str, allowed: set[str]) -> None:
        for name in sorted(set(obj) - allowed):
            self.add(path, name, _("trường không có trong định dạng (viết sai tên?)."))

    def days(self, obj: dict, path: str) -> Decimal:
        value = obj.get("days", 0)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.add(path, "days", _("phải là một số ngày, ví dụ 5 hoặc 0.5."))
            return Decimal(0)
        try:
            days = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.add(path, "days", _("“%(value)s” không phải là số.") % {"value": value})
            return Decimal(0)
        if not days.is_finite() or days < 0 or days > MAX_DAYS or (days * 2) % 1 != 0:
            self.add(
                path,
                "days",
                _("“%(value)s”: số ngày làm việc theo nửa ngày, từ 0 đến 9999,5.")
                % {"value": value},
            )
            return Decimal(0)
        return days.quantize(Decimal("0.1"))

    def hours(self, obj: dict, path: str) -> int:
        value = obj.get("hours", 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_HOURS:
            self.add(
                path, "hours", _("phải là số giờ nguyên từ 0 đến %(max)d.") % {"max": MAX_HOURS}
            )
            return 0
        return value


def parse_process(data: Any) -> ProcessDocument:
    """Check a decoded JSON document (no database access); every problem is collected."""
    reader = _Reader()
    if not isinstance(data, dict):
        reader.add(_("tệp"), "", _("nội dung phải là một đối tượng JSON {…}."))
        return ProcessDocument(None, reader.problems)
    top = _("tệp")
    reader.unknown(data, top, TOP_FIELDS)
    if data.get("format") != FORMAT:
        reader.add(top, "format", _("phải là “%(format)s”.") % {"format": FORMAT})
    if data.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        reader.add(
            top,
            "format_version",
            _("phiên bản định dạng %(value)s chưa được hỗ trợ (chỉ có %(supported)d).")
            % {"value": data.get("format_version"), "supported": FORMAT_VERSION},
        )
    code = reader.text(data, top, "procedure", max_length=20, required=True)
    note = reader.text(data, top, "note", max_length=500, required=False)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        reader.add(top, "steps", _("cần một danh sách các bước, ít nhất một bước."))
        return ProcessDocument(None, reader.problems)

    roles = {role.value for role in Role}
    actions = {name.value for name in ActionName}
    keys: list[str] = []
    for raw in raw_steps:
        key = raw.get("key") if isinstance(raw, dict) else None
        keys.append(key if isinstance(key, str) else "")
    duplicates = {k for k in keys if k and keys.count(k) > 1}

    steps = []
    for i, raw in enumerate(raw_steps):
        path = f"steps[{i}]"
        if not isinstance(raw, dict):
            reader.add(path, "", _("mỗi bước phải là một đối tượng JSON {…}."))
            continue
        reader.unknown(raw, path, STEP_FIELDS)
        key = reader.text(raw, path, "key", max_length=50, required=True)
        if key:
            try:
                step_key_validator(key)
            except ValidationError as exc:
                reader.add(path, "key", " ".join(str(m) for m in exc.messages))
            if key in duplicates:
                reader.add(path, "key", _("mã bước “%(key)s” bị trùng.") % {"key": key})
        name = reader.text(raw, path, "name", max_length=255, required=True)
        unit = reader.text(raw, path, "unit", max_length=40, required=True)
        role = reader.text(raw, path, "role", max_length=32, required=True)
        if role and role not in roles:
            reader.add(
                path,
                "role",
                _("vai trò “%(role)s” không tồn tại; dùng một trong: %(roles)s.")
                % {"role": role, "roles": ", ".join(sorted(roles))},
            )
        days = reader.days(raw, path)
        hours = reader.hours(raw, path)
        parallel = reader.flag(raw, path, "parallel")
        final = reader.flag(raw, path, "final")
        join_before = raw.get("join_before")
        if join_before is not None:
            if not isinstance(join_before, str) or join_before not in keys:
                reader.add(
                    path,
                    "join_before",
                    _("“%(value)s” không phải mã của một bước trong tệp.") % {"value": join_before},
                )
                join_before = None
            elif not parallel:
                reader.add(
                    path, "join_before", _("chỉ bước phối hợp (parallel) mới dùng trường này.")
                )
        elif parallel:
            reader.add(path, "join_before", _("bước phối hợp cần mã bước chính phải chờ nó."))

        raw_actions = raw.get("actions")
        step_actions = []
        if not isinstance(raw_actions, list) or not raw_actions:
            reader.add(path, "actions", _("cần một danh sách thao tác, ít nhất một thao tác."))
            raw_actions = []
        for j, raw_action in enumerate(raw_actions):
            apath = f"{path}.actions[{j}]"
            if not isinstance(raw_action, dict):
                reader.add(apath, "", _("mỗi thao tác phải là một đối tượng JSON {…}."))
                continue
            reader.unknown(raw_action, apath, ACTION_FIELDS)
            action = reader.text(raw_action, apath, "action", max_length=32, required=True)
            if action and action not in actions:
                reader.add(
                    apath,
                    "action",
                    _("thao tác “%(action)s” không tồn tại; dùng một trong: %(actions)s.")
                    % {"action": action, "actions": ", ".join(sorted(actions))},
                )
            target = raw_action.get("target")
            if target is None or target == "":
                reader.add(
                    apath,
                    "target",
                    _("thiếu bước đích: ghi mã một bước, hoặc “%(end)s” để kết thúc quy trình.")
                    % {"end": END_IN_FILE},
                )
                target = None
            elif target == END_IN_FILE:
                target = END
            elif not isinstance(target, str) or target not in keys:
                reader.add(
                    apath,
                    "target",
                    _("“%(value)s” không phải mã của một bước trong tệp (hoặc “%(end)s”).")
                    % {"value": target, "end": END_IN_FILE},
                )
                target = None
            label = reader.text(raw_action, apath, "label", max_length=100, required=False)
            step_actions.append(ActionSpec(name=action, target=target, label=label))
        steps.append(
            StepSpec(
                key=key,
                name=name,
                unit=unit,
                role=role,
                days=days,
                hours=hours,
                parallel=parallel,
                join_before=join_before,
                final=final,
                actions=tuple(step_actions),
            )
        )
    spec = ProcessSpec(procedure=code, steps=tuple(steps), note=note)
    return ProcessDocument(spec, reader.problems)


def check_against_database(document: ProcessDocument) -> None:
    """Add the problems that need the database: the procedure and the agencies must exist."""
    spec = document.spec
    if spec is None:
        return
    top = _("tệp")
    if spec.procedure and not Procedure.objects.filter(code=spec.procedure).exists():
        document.problems.append(
            Problem(top, "procedure", _("không có thủ tục mã “%(code)s” trong danh mục.") % {
                "code": spec.procedure
            })
        )  # fmt: skip
    codes = {s.unit for s in spec.steps if s.unit} - {ONE_STOP_UNIT, LEAD_UNIT}
    active = set(
        Agency.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True)
    )
    for i, step in enumerate(spec.steps):
        if step.unit and step.unit not in active and step.unit not in (ONE_STOP_UNIT, LEAD_UNIT):
            document.problems.append(
                Problem(
                    f"steps[{i}]",
                    "unit",
                    _(
                        "“%(unit)s” không phải “%(one_stop)s”, “%(lead)s” hay mã một cơ quan "
                        "đang hoạt động."
                    )
                    % {"unit": step.unit, "one_stop": ONE_STOP_UNIT, "lead": LEAD_UNIT},
                )
            )


def read_process(source: str | Path | bytes) -> ProcessDocument:
    """Read and check a JSON file (a path) or its bytes; the database is consulted too."""
    try:
        raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        problem = Problem(str(source), "", _("không đọc được tệp (%(error)s).") % {
            "error": exc.strerror or exc
        })  # fmt: skip
        return ProcessDocument(None, [problem])
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return ProcessDocument(None, [Problem(_("tệp"), "", _("không phải văn bản UTF-8."))])
    except json.JSONDecodeError as exc:
        return ProcessDocument(
            None,
            [
                Problem(
                    _("dòng %(line)d, cột %(column)d") % {"line": exc.lineno, "column": exc.colno},
                    "",
                    _("không phải JSON hợp lệ (%(error)s).") % {"error": exc.msg},
                )
            ],
        )
    document = parse_process(data)
    check_against_database(document)
    return document


def import_process(
    *, document: ProcessDocument, publish: bool = False, by: User | None = None
) -> Process:
    """Write a checked document as a new draft (and publish it), or reject it whole."""
    if document.problems or document.spec is None:
        raise ProcessFileRejected(document.problems)
    spec = document.spec
    with transaction.atomic():
        procedure = Procedure.objects.get(code=spec.procedure)
        process = services.create_draft(procedure=procedure, spec=spec, by=by)
        if publish:
            try:
                process = services.publish(process=process, by=by)
            except services.ProcessInvalid as exc:
                raise ProcessFileRejected(
                    [Problem(_("quy trình"), _("xuất bản"), p) for p in exc.problems]
                ) from exc
    return process


# --- writing -----------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def dump_spec(spec: ProcessSpec, *, procedure_name: str = "", source: dict | None = None) -> dict:
    """The JSON document for a spec (keys in the documented order)."""
    document: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
    document["procedure"] = spec.procedure
    if procedure_name:
        document["procedure_name"] = procedure_name
    if source:
        document["source"] = source
    document["note"] = spec.note
    steps = []
    for s in spec.steps:
        step: dict[str, Any] = {
            "key": s.key,
            "name": s.name,
            "unit": s.unit,
            "role": s.role,
            "days": _number(s.days),
        }
        if s.hours:
            step["hours"] = s.hours
        if s.parallel:
            step["parallel"] = True
            step["join_before"] = s.join_before
        if s.final:
            step["final"] = True
        step["actions"] = []
        for a in s.actions:
            action: dict[str, Any] = {
                "action": a.name,
                "target": END_IN_FILE if a.target == END else a.target,
            }
            if a.label:
                action["label"] = a.label
            step["actions"].append(action)
        steps.append(step)
    document["steps"] = steps
    return document


def export_process(process: Process) -> dict:
    version = current_version(process.procedure)
    source = {"number": process.number, "status": process.status}
    if process.published_at:
        source["published_at"] = process.published_at.isoformat()
    return dump_spec(
        spec_from_process(process),
        procedure_name=version.name if version else "",
        source=source,
    )


def write_json(document: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
