"""Catalog files (JSON and Excel): read and check them, and write the catalog back out.

Reading turns a file into a `CatalogDocument`: the agencies, one `ProcedureEntry` per
procedure (a `ProcedureSpec` plus its optional effective date) and every problem found, each
located by row and field. Nothing here writes to the database: `motcua.catalog.importing`
does, after adding the checks that need the database (unknown agencies, levels, dates).

Writing reads the versions in force (`selectors.current_versions`) and produces the same
format, so an export imports back as "unchanged". The format is described, with examples, in
docs/catalog-format.md.
"""

import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from motcua.catalog.models import (
    ApplicantType,
    Channel,
    Component,
    Fee,
    FeeKind,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    procedure_code_validator,
    service_code_validator,
)
from motcua.catalog.selectors import current_versions
from motcua.catalog.specs import ComponentSpec, FeeSpec, ProcedureSpec, spec_from_version
from motcua.directory.models import Agency, Level, agency_code_validator

# ----------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (row), which field, and what, in Vietnamese."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where} · {self.field}: {self.message}"
        return f"{self.where}: {self.message}"


class CatalogRejected(Exception):
    """A catalog file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        head = _("Tệp bị từ chối, không có gì được ghi vào cơ sở dữ liệu. Có %(count)d lỗi:") % {
            "count": len(self.problems)
        }
        return "\n".join([head, *(f"  - {problem}" for problem in self.problems)])


# ----------------------------------------------------------------------------- document


@dataclass(frozen=True)
class AgencyEntry:
    where: str
    code: str
    name: str
    level: str
    kind: str = ""  # "" = keep the agency's kind (a new agency is a department)


@dataclass(frozen=True)
class ProcedureEntry:
    """One procedure of a file. `spec` is None when the entry itself has problems.

    `code`, `agency_code` and `level` are kept (when valid) even then, so the checks that need
    the database can still report on the entry.
    """

    where: str
    code: str | None
    agency_code: str | None
    level: str | None
    effective_from: date | None
    spec: ProcedureSpec | None


@dataclass
class CatalogDocument:
    source: str
    agencies: list[AgencyEntry] = dataclass_field(default_factory=list)
    # Every agency code the file lists, valid or not: a procedure naming one of them is not
    # also reported as "unknown agency".
    listed_agency_codes: set[str] = dataclass_field(default_factory=set)
    procedures: list[ProcedureEntry] = dataclass_field(default_factory=list)
    problems: list[Problem] = dataclass_field(default_factory=list)
    warnings: list[Problem] = dataclass_field(default_factory=list)
    # Where each record sits in the file (section, index), to report problems in file order.
    order: dict[str, tuple[int, int]] = dataclass_field(default_factory=dict)

    def in_file_order(self, problems: Iterable[Problem]) -> list[Problem]:
        """Problems sorted by the row they concern, then by the field's place in the format."""

        def key(problem: Problem) -> tuple[tuple[int, int], int]:
            base = re.split(r"[\[.]", problem.field, maxsplit=1)[0]
            field_rank = _FIELD_RANK.get(base, len(_FIELD_RANK))
            return self.order.get(problem.where, (0, 0)), field_rank

        return sorted(problems, key=key)


# ----------------------------------------------------------------------------- the format

LEVELS = tuple(Level.values)
CHANNELS = tuple(Channel.values)  # canonical order: counter, online, postal
APPLICANT_TYPES = tuple(ApplicantType.values)
ONLINE_LEVELS = tuple(OnlineLevel.values)
FORMS = tuple(Component.Form.values)
AGENCY_KINDS = tuple(Agency.Kind.values)

AGENCY_KEYS = ("code", "name", "level", "kind")
PROCEDURE_KEYS = (
    "code",
    "name",
    "agency_code",
    "field",
    "level",
    "time_limit_days",
    "channels",
    "online_level",
    "applicant_types",
    "components",
    "fees",
    "legal_basis",
    "result",
    "description",
    "steps",
    "conditions",
    "competent_authority",
    "service_code",
    "resolved_at_center",
    "postal_return",
    "effective_from",
)
COMPONENT_KEYS = ("name", "required", "copies", "original", "note")
FEE_KEYS = ("name", "amount", "applicant_type", "channel", "note", "kind", "replaces")
FEE_KINDS = tuple(FeeKind.values)
_FIELD_RANK = {
    key: i
    for i, key in enumerate(dict.fromkeys(("procedure_code", *PROCEDURE_KEYS, *COMPONENT_KEYS)))
}

MAX_TIME_LIMIT = Decimal("9999.5")  # ProcedureVersion.time_limit_days: 5 digits, 1 decimal
MAX_COPIES = 32767  # PositiveSmallIntegerField
MAX_AMOUNT = 9_223_372_036_854_775_807  # PositiveBigIntegerField


def _max_length(model: type[Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


# ----------------------------------------------------------------------------- checking


@dataclass
class _Record:
    """A raw object from the file (a JSON object or an Excel row) and where it came from."""

    data: dict[str, Any]
    where: str
    prefix: str = ""  # "components[0]." for a component nested in a JSON procedure


_MISSING = object()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _clean(value: str, *, one_line: bool) -> str:
    """NFC, no control characters, \\n line ends, trimmed; one-line text has no line breaks."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value).strip()
    if one_line:
        value = " ".join(value.split())
    return value


def _allowed(values: Iterable[str]) -> str:
    return ", ".join(values)


class _Checker:
    """Collects problems while turning raw records into specs; never raises."""

    def __init__(self, document: CatalogDocument) -> None:
        self.document = document

    @property
    def count(self) -> int:
        return len(self.document.problems)

    def problem(self, rec: _Record, key: str, message: str) -> None:
        self.document.problems.append(Problem(rec.where, rec.prefix + key, message))

    def unknown_keys(self, rec: _Record, known: Sequence[str]) -> None:
        for key in rec.data:
            if key not in known:
                self.document.warnings.append(
                    Problem(rec.where, rec.prefix + str(key), _("trường không được hỗ trợ, bỏ qua"))
                )

    def _get(self, rec: _Record, key: str, *, required: bool) -> Any:
        """The raw value; _MISSING (after reporting it when required) if absent."""
        if key not in rec.data:
            if required:
                self.problem(rec, key, _("thiếu trường bắt buộc"))
            return _MISSING
        return rec.data[key]

    # Each reader returns the clean value, or None after recording a problem.

    def text(
        self,
        rec: _Record,
        key: str,
        *,
        max_length: int | None,
        required: bool = True,
        blank: bool = False,
        one_line: bool = True,
    ) -> str | None:
        value = self._get(rec, key, required=required)
        if value is _MISSING:
            return None if required else ""
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(rec, key, _("phải là chuỗi ký tự"))
            return None
        value = _clean(value, one_line=one_line)
        if not value and not blank:
            self.problem(rec, key, _("không được để trống"))
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(
                rec,
                key,
                _("dài quá %(max)d ký tự (%(length)d)") % {"max": max_length, "length": len(value)},
            )
            return None
        return value

    def code(
        self, rec: _Record, key: str, validator: Callable[[str], None], *, max_length: int | None
    ) -> str | None:
        value = self.text(rec, key, max_length=max_length)
        if value is None:
            return None
        try:
            validator(value)
        except ValidationError as exc:
            self.problem(rec, key, f"“{value}”: {' '.join(exc.messages)}")
            return None
        return value

    def choice(
        self,
        rec: _Record,
        key: str,
        allowed: Sequence[str],
        *,
        required: bool = True,
        nullable: bool = False,
        default: str = "",
    ) -> str | None:
        value = self._get(rec, key, required=required)
        if value is _MISSING:
            return None if required else default
        if value is None or (nullable and value == ""):
            if nullable:
                return ""
            if required:
                self.problem(rec, key, _("không được để trống"))
                return None
            return default
        if not isinstance(value, str) or value not in allowed:
            self.problem(
                rec,
                key,
                _("giá trị “%(value)s” không hợp lệ; chỉ nhận: %(allowed)s")
                % {"value": value, "allowed": _allowed(allowed)},
            )
            return None
        return value

    def choices(self, rec: _Record, key: str, allowed: Sequence[str]) -> tuple[str, ...] | None:
        """A non-empty list of distinct allowed values, returned in the canonical order."""
        value = self._get(rec, key, required=True)
        if value is _MISSING:
            return None
        if value is None:
            value = []
        if not isinstance(value, list):
            self.problem(
                rec,
                key,
                _("phải là danh sách, ví dụ [%(example)s]")
                % {"example": ", ".join(f'"{v}"' for v in allowed[:2])},
            )
            return None
        before = self.count
        seen: set[str] = set()
        for item in value:
            if not isinstance(item, str) or item not in allowed:
                self.problem(
                    rec,
                    key,
                    _("giá trị “%(value)s” không hợp lệ; chỉ nhận: %(allowed)s")
                    % {"value": item, "allowed": _allowed(allowed)},
                )
            elif item in seen:
                self.problem(rec, key, _("giá trị “%(value)s” bị lặp") % {"value": item})
            else:
                seen.add(item)
        if not value:
            self.problem(
                rec,
                key,
                _("cần ít nhất một giá trị; chỉ nhận: %(allowed)s")
                % {"allowed": _allowed(allowed)},
            )
        if self.count > before:
            return None
        return tuple(v for v in allowed if v in seen)

    def boolean(self, rec: _Record, key: str, *, default: bool | None) -> bool | None:
        value = self._get(rec, key, required=default is None)
        if value is _MISSING:
            return default
        if value is None:
            if default is None:
                self.problem(rec, key, _("không được để trống"))
            return default
        if not isinstance(value, bool):
            self.problem(rec, key, _("phải là true/false (trong Excel: TRUE/FALSE hoặc có/không)"))
            return None
        return value

    def integer(
        self,
        rec: _Record,
        key: str,
        *,
        maximum: int,
        message: str,
        default: int | None = None,
    ) -> int | None:
        """A whole number from 0 to `maximum`; JSON 3.0 counts as 3."""
        value = self._get(rec, key, required=default is None)
        if value is _MISSING:
            return default
        if value is None:
            if default is None:
                self.problem(rec, key, _("không được để trống"))
            return default
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral():
            number = int(value)
        if number is None or not 0 <= number <= maximum:
            self.problem(rec, key, message)
            return None
        return number

    def time_limit(self, rec: _Record, key: str) -> Decimal | None:
        value = self._get(rec, key, required=True)
        if value is _MISSING:
            return None
        number: Decimal | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = Decimal(value)
        elif isinstance(value, Decimal) and value.is_finite():
            number = value
        if number is None or number < 0 or number > MAX_TIME_LIMIT or (number * 2) % 1 != 0:
            self.problem(rec, key, _("phải là số ngày làm việc không âm, bội số của 0,5"))
            return None
        return number

    def date_value(self, rec: _Record, key: str) -> date | None:
        value = self._get(rec, key, required=False)
        if value is _MISSING or value is None or value == "":
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(
            rec, key, _("“%(value)s” không phải ngày hợp lệ dạng YYYY-MM-DD") % {"value": value}
        )
        return None

    def string_list(self, rec: _Record, key: str, *, max_length: int) -> tuple[str, ...] | None:
        value = self._get(rec, key, required=True)
        if value is _MISSING:
            return None
        if value is None:
            value = []
        if not isinstance(value, list):
            self.problem(rec, key, _("phải là danh sách các chuỗi ký tự"))
            return None
        items: list[str] = []
        before = self.count
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(rec, f"{key}[{i}]", _("phải là chuỗi ký tự"))
                continue
            text = _clean(item, one_line=True)
            if not text:
                self.problem(rec, f"{key}[{i}]", _("không được để trống"))
            elif len(text) > max_length:
                self.problem(
                    rec,
                    f"{key}[{i}]",
                    _("dài quá %(max)d ký tự (%(length)d)")
                    % {"max": max_length, "length": len(text)},
                )
            else:
                items.append(text)
        return tuple(items) if self.count == before else None

    # Entries -------------------------------------------------------------------------------

    def agency(self, rec: _Record) -> None:
        self.unknown_keys(rec, AGENCY_KEYS)
        raw_code = rec.data.get("code")
        if isinstance(raw_code, str) and raw_code.strip():
            self.document.listed_agency_codes.add(raw_code.strip())
        before = self.count
        code = self.code(rec, "code", agency_code_validator, max_length=_max_length(Agency, "code"))
        name = self.text(rec, "name", max_length=_max_length(Agency, "name"))
        level = self.choice(rec, "level", LEVELS)
        kind = self.choice(rec, "kind", AGENCY_KINDS, required=False, nullable=True)
        if self.count == before:
            assert code and name and level and kind is not None
            self.document.agencies.append(
                AgencyEntry(where=rec.where, code=code, name=name, level=level, kind=kind)
            )

    def component(self, rec: _Record) -> ComponentSpec | None:
        self.unknown_keys(rec, COMPONENT_KEYS)
        before = self.count
        name = self.text(rec, "name", max_length=_max_length(Component, "name"))
        required = self.boolean(rec, "required", default=None)
        copies = self.integer(
            rec,
            "copies",
            maximum=MAX_COPIES,
            message=_("phải là số nguyên không âm (số bản)"),
        )
        form = self.choice(
            rec, "original", FORMS, required=False, default=Component.Form.ORIGINAL.value
        )
        note = self.text(
            rec, "note", max_length=_max_length(Component, "note"), required=False, blank=True
        )
        if self.count > before:
            return None
        assert name is not None and required is not None and copies is not None
        return ComponentSpec(
            name=name, required=required, copies=copies, form=form or "", note=note or ""
        )

    def fee(self, rec: _Record) -> FeeSpec | None:
        self.unknown_keys(rec, FEE_KEYS)
        before = self.count
        name = self.text(rec, "name", max_length=_max_length(Fee, "name"))
        amount = self.integer(
            rec, "amount", maximum=MAX_AMOUNT, message=_("phải là số tiền nguyên không âm (đồng)")
        )
        applicant_type = self.choice(
            rec, "applicant_type", APPLICANT_TYPES, required=False, nullable=True
        )
        channel = self.choice(rec, "channel", CHANNELS, required=False, nullable=True)
        note = self.text(
            rec, "note", max_length=_max_length(Fee, "note"), required=False, blank=True
        )
        kind = self.fee_kind(rec)
        replaces = self.text(
            rec, "replaces", max_length=_max_length(Fee, "name"), required=False, blank=True
        )
        if self.count > before:
            return None
        assert name is not None and amount is not None and kind
        return FeeSpec(
            name=name,
            amount=amount,
            applicant_type=applicant_type or "",
            channel=channel or "",
            note=note or "",
            kind=kind,
            replaces=replaces or "",
        )

    def fee_kind(self, rec: _Record) -> str | None:
        value = self._get(rec, "kind", required=False)
        if value is _MISSING or value is None or value == "":
            return FeeKind.STANDARD.value
        if isinstance(value, str) and value.strip() in FEE_KINDS:
            return value.strip()
        self.problem(
            rec,
            "kind",
            _(
                "loại khoản thu “%(value)s” không hợp lệ; chỉ nhận: standard (mức thu), "
                "alternative (mức thu thay thế cho đối tượng được áp dụng), "
                "extra (khoản thu thêm khi phát sinh)"
            )
            % {"value": value},
        )
        return None

    def fee_replacements(
        self, records: Sequence[_Record], specs: list[FeeSpec | None]
    ) -> list[FeeSpec | None]:
        """Each alternative rate names the standard line it replaces (`replaces`); with a
        single standard line in the procedure the name may be left out."""
        standard = list(
            dict.fromkeys(s.name for s in specs if s is not None and s.kind == FeeKind.STANDARD)
        )
        resolved: list[FeeSpec | None] = []
        for rec, spec in zip(records, specs, strict=True):
            if spec is None:
                resolved.append(None)
                continue
            if spec.kind != FeeKind.ALTERNATIVE:
                if spec.replaces:
                    self.problem(
                        rec,
                        "replaces",
                        _("chỉ mức thu thay thế (kind “alternative”) mới ghi khoản thu được thay"),
                    )
                resolved.append(spec)
                continue
            if spec.replaces and spec.replaces not in standard:
                self.problem(
                    rec,
                    "replaces",
                    _("thủ tục không có mức thu chuẩn (standard) tên “%(name)s”")
                    % {"name": spec.replaces},
                )
            elif not spec.replaces and len(standard) == 1:
                spec = replace(spec, replaces=standard[0])
            elif not spec.replaces:
                self.problem(
                    rec,
                    "replaces",
                    _("mức thu thay thế cần ghi tên mức thu chuẩn được thay (replaces)")
                    if standard
                    else _("thủ tục không có mức thu chuẩn (standard) nào để thay"),
                )
            resolved.append(spec)
        return resolved

    def procedure(
        self, rec: _Record, components: Sequence[_Record], fees: Sequence[_Record]
    ) -> ProcedureEntry:
        """Check one procedure and its parts; `components`/`fees` are already records."""
        self.unknown_keys(rec, PROCEDURE_KEYS)
        before = self.count

        def length(name: str) -> int | None:
            return _max_length(ProcedureVersion, name)

        code = self.code(
            rec, "code", procedure_code_validator, max_length=_max_length(Procedure, "code")
        )
        name = self.text(rec, "name", max_length=length("name"))
        agency_code = self.code(
            rec, "agency_code", agency_code_validator, max_length=_max_length(Agency, "code")
        )
        field_name = self.text(rec, "field", max_length=_max_length(Field, "name"))
        level = self.choice(rec, "level", LEVELS)
        time_limit = self.time_limit(rec, "time_limit_days")
        channels = self.choices(rec, "channels", CHANNELS)
        online_level = self.choice(rec, "online_level", ONLINE_LEVELS)
        applicant_types = self.choices(rec, "applicant_types", APPLICANT_TYPES)
        legal_basis = self.string_list(rec, "legal_basis", max_length=1000)
        result = self.text(rec, "result", max_length=length("result"), blank=True)
        description = self.text(rec, "description", max_length=None, blank=True, one_line=False)
        steps = self.text(rec, "steps", max_length=None, required=False, blank=True, one_line=False)
        conditions = self.text(
            rec, "conditions", max_length=None, required=False, blank=True, one_line=False
        )
        competent_authority = self.text(
            rec,
            "competent_authority",
            max_length=length("competent_authority"),
            required=False,
            blank=True,
        )
        service_code = self.text(
            rec, "service_code", max_length=length("service_code"), required=False, blank=True
        )
        if service_code:
            try:
                service_code_validator(service_code)
            except ValidationError as exc:
                self.problem(rec, "service_code", f"“{service_code}”: {' '.join(exc.messages)}")
            else:
                if code and not service_code.startswith(code + "."):
                    self.problem(
                        rec,
                        "service_code",
                        _("mã dịch vụ “%(service)s” phải bắt đầu bằng mã thủ tục %(code)s")
                        % {"service": service_code, "code": code},
                    )
        resolved_at_center = self.boolean(rec, "resolved_at_center", default=False)
        postal_return = self.boolean(rec, "postal_return", default=True)
        effective_from = self.date_value(rec, "effective_from")
        component_specs = [self.component(c) for c in components]
        fee_specs = self.fee_replacements(fees, [self.fee(f) for f in fees])

        spec = None
        if self.count == before:
            assert code and name and agency_code and field_name and level and online_level
            assert time_limit is not None and channels and applicant_types
            assert legal_basis is not None and result is not None and description is not None
            spec = ProcedureSpec(
                code=code,
                name=name,
                agency_code=agency_code,
                field=field_name,
                level=level,
                time_limit_days=time_limit,
                channels=channels,
                online_level=online_level,
                applicant_types=applicant_types,
                components=tuple(c for c in component_specs if c is not None),
                fees=tuple(f for f in fee_specs if f is not None),
                legal_basis=legal_basis,
                result=result,
                description=description,
                steps=steps or "",
                conditions=conditions or "",
                competent_authority=competent_authority or "",
                service_code=service_code or "",
                resolved_at_center=bool(resolved_at_center),
                postal_return=bool(postal_return),
            )
        return ProcedureEntry(
            where=rec.where,
            code=code,
            agency_code=agency_code,
            level=level,
            effective_from=effective_from,
            spec=spec,
        )

    def finish(self) -> None:
        """Checks across entries: duplicate codes."""
        first: dict[str, str] = {}
        for entry in self.document.agencies:
            if entry.code in first:
                self.document.problems.append(
                    Problem(
                        entry.where,
                        "code",
                        _("mã cơ quan trùng với %(other)s") % {"other": first[entry.code]},
                    )
                )
            else:
                first[entry.code] = entry.where
        first = {}
        for proc in self.document.procedures:
            if proc.code is None:
                continue
            if proc.code in first:
                self.document.problems.append(
                    Problem(
                        proc.where,
                        "code",
                        _("mã thủ tục trùng với %(other)s") % {"other": first[proc.code]},
                    )
                )
            else:
                first[proc.code] = proc.where
        self.document.problems = self.document.in_file_order(self.document.problems)
        self.document.warnings = self.document.in_file_order(self.document.warnings)


def _with_code(where: str, code: Any) -> str:
    if isinstance(code, str) and code.strip():
        return f"{where} ({code.strip()})"
    return where


# ----------------------------------------------------------------------------- JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(_("giá trị %(name)s không có trong JSON") % {"name": name})


def parse_json(content: bytes | str, *, source: str) -> CatalogDocument:
    """Read and check a catalog in the JSON format; problems are recorded, never raised."""
    document = CatalogDocument(source=source)
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        document.problems.append(Problem(source, "", _("tệp không phải văn bản UTF-8")))
        return document
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        document.problems.append(
            Problem(
                source,
                "",
                _("không phải tệp JSON hợp lệ (dòng %(line)d, cột %(column)d: %(error)s)")
                % {"line": exc.lineno, "column": exc.colno, "error": exc.msg},
            )
        )
        return document
    except ValueError as exc:
        document.problems.append(
            Problem(source, "", _("không phải tệp JSON hợp lệ: %(error)s") % {"error": exc})
        )
        return document
    if not isinstance(data, dict):
        document.problems.append(
            Problem(source, "", _("tệp JSON phải là một đối tượng có khóa “procedures”"))
        )
        return document

    top = _Record(data, source)
    checker = _Checker(document)
    checker.unknown_keys(top, ("agencies", "procedures"))
    agencies = data.get("agencies", [])
    if agencies is None:
        agencies = []
    if not isinstance(agencies, list):
        checker.problem(top, "agencies", _("phải là danh sách"))
        agencies = []
    for i, item in enumerate(agencies):
        where = f"agencies[{i}]"
        document.order[where] = (1, i)
        if not isinstance(item, dict):
            document.problems.append(Problem(where, "", _("phải là một đối tượng JSON")))
            continue
        rec = _Record(item, _with_code(where, item.get("code")))
        document.order[rec.where] = (1, i)
        checker.agency(rec)

    if "procedures" not in data:
        checker.problem(top, "procedures", _("thiếu trường bắt buộc"))
        procedures: list[Any] = []
    elif not isinstance(data["procedures"], list):
        checker.problem(top, "procedures", _("phải là danh sách"))
        procedures = []
    else:
        procedures = data["procedures"]
    for i, item in enumerate(procedures):
        where = f"procedures[{i}]"
        document.order[where] = (2, i)
        if not isinstance(item, dict):
            document.problems.append(Problem(where, "", _("phải là một đối tượng JSON")))
            continue
        rec = _Record(item, _with_code(where, item.get("code")))
        document.order[rec.where] = (2, i)
        parts = {}
        for key in ("components", "fees"):
            value = checker._get(rec, key, required=True)
            records: list[_Record] = []
            if value is _MISSING:
                pass
            elif not isinstance(value, list):
                checker.problem(rec, key, _("phải là danh sách"))
            else:
                for j, part in enumerate(value):
                    if isinstance(part, dict):
                        records.append(_Record(part, rec.where, f"{key}[{j}]."))
                    else:
                        checker.problem(rec, f"{key}[{j}]", _("phải là một đối tượng JSON"))
            parts[key] = records
        document.procedures.append(checker.procedure(rec, parts["components"], parts["fees"]))
    checker.finish()
    return document


# ----------------------------------------------------------------------------- Excel

# Column kinds say how a cell becomes a JSON-like value before the common checks.
_SHEETS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    # sheet: ((column, kind, required column), ...)
    "agencies": (
        ("code", "code", True),
        ("name", "text", True),
        ("level", "choice", True),
        ("kind", "choice", False),
    ),
    "procedures": (
        ("code", "procedure_code", True),
        ("name", "text", True),
        ("agency_code", "code", True),
        ("field", "text", True),
        ("level", "choice", True),
        ("time_limit_days", "decimal", True),
        ("channels", "choices", True),
        ("online_level", "choice", True),
        ("applicant_types", "choices", True),
        ("legal_basis", "lines", True),
        ("result", "text", True),
        ("description", "text", True),
        ("steps", "text", False),
        ("conditions", "text", False),
        ("competent_authority", "text", False),
        ("service_code", "code", False),
        ("resolved_at_center", "bool", False),
        ("postal_return", "bool", False),
        ("effective_from", "date", False),
    ),
    "components": (
        ("procedure_code", "procedure_code", True),
        ("name", "text", True),
        ("required", "bool", True),
        ("copies", "int", True),
        ("original", "choice", False),
        ("note", "text", False),
    ),
    "fees": (
        ("procedure_code", "procedure_code", True),
        ("name", "text", True),
        ("amount", "int", True),
        ("applicant_type", "choice", False),
        ("channel", "choice", False),
        ("note", "text", False),
        ("kind", "choice", False),
        ("replaces", "text", False),
    ),
}

_TRUE = {"true", "có", "co", "x", "1", "yes", "đúng"}
_FALSE = {"false", "không", "khong", "0", "no", "sai"}
_GROUPED_INT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(kind: str, value: Any) -> Any:
    """An Excel cell as the JSON value the checks expect; odd values are passed on unchanged
    so the checks report them."""
    if isinstance(value, str) and kind not in ("text", "lines") and not value.strip():
        value = None
    if kind in ("choices", "lines") and value is None:
        return []
    if value is None:
        return None
    if kind == "procedure_code":
        # Excel turns 1.012780 typed in a cell into the number 1.01278.
        if isinstance(value, float):
            return f"{value:.6f}"
        return value.strip() if isinstance(value, str) else _number_text(value)
    if kind in ("code", "text"):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return _number_text(value)
        if isinstance(value, datetime):
            return value.date().isoformat()
        return value
    if kind == "choice":
        return value.strip().lower() if isinstance(value, str) else value
    if kind == "choices":
        if isinstance(value, str):
            return [p.strip().lower() for p in re.split(r"[,;\n]", value) if p.strip()]
        return value
    if kind == "lines":
        if isinstance(value, str):
            return [line for line in value.splitlines() if line.strip()]
        return [_number_text(value)] if isinstance(value, int | float) else value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = unicodedata.normalize("NFC", value).strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        return value
    if kind == "int":
        if isinstance(value, float):
            return int(value) if value.is_integer() else Decimal(str(value))
        if isinstance(value, str):
            raw = value.strip()
            if raw.isdigit():
                return int(raw)
            if _GROUPED_INT.match(raw):  # 50.000 or 50,000 or 50 000
                return int(re.sub(r"\D", "", raw))
        return value
    if kind == "decimal":
        if isinstance(value, float):
            return Decimal(str(value))
        if isinstance(value, str):
            try:
                return Decimal(value.strip().replace(",", "."))
            except InvalidOperation:
                return value
        return value
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str):
            match = _VN_DATE.match(value.strip())
            if match:
                day, month, year = (int(g) for g in match.groups())
                try:
                    return date(year, month, day)
                except ValueError:
                    return value
        return value
    return value


def _read_sheet(
    workbook: Any, sheet: str, document: CatalogDocument
) -> list[tuple[int, dict[str, Any]]] | None:
    """The non-empty rows of a sheet as (row number, {column: value}); None if unusable."""
    columns = _SHEETS[sheet]
    if sheet not in workbook.sheetnames:
        document.problems.append(
            Problem(document.source, "", _("thiếu trang tính “%(sheet)s”") % {"sheet": sheet})
        )
        return None
    rows = workbook[sheet].iter_rows(values_only=True)
    header = next(rows, None) or ()
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    kinds = {name: kind for name, kind, _required in columns}
    positions: dict[str, int] = {}
    usable = True
    for i, name in enumerate(names):
        if not name:
            continue
        if name in positions:
            document.problems.append(Problem(sheet, name, _("cột bị lặp ở dòng tiêu đề")))
            usable = False
        elif name not in kinds:
            document.warnings.append(Problem(sheet, name, _("cột không được hỗ trợ, bỏ qua")))
        else:
            positions[name] = i
    for name, _kind, required in columns:
        if required and name not in positions:
            document.problems.append(
                Problem(
                    sheet,
                    name,
                    _("thiếu cột “%(column)s” ở dòng tiêu đề (dòng 1)") % {"column": name},
                )
            )
            usable = False
    if not usable:
        return None
    result = []
    for number, row in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        data = {
            name: _cell(kinds[name], row[i] if i < len(row) else None)
            for name, i in positions.items()
        }
        result.append((number, data))
    return result


def _row_where(sheet: str, number: int, code: Any) -> str:
    return _with_code(_("%(sheet)s dòng %(row)d") % {"sheet": sheet, "row": number}, code)


def parse_xlsx(file: str | Path | BinaryIO, *, source: str) -> CatalogDocument:
    """Read and check a catalog in the Excel layout; problems are recorded, never raised."""
    document = CatalogDocument(source=source)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken or foreign file
        document.problems.append(
            Problem(
                source,
                "",
                _("không đọc được tệp Excel .xlsx (%(error)s)")
                % {"error": str(exc) or type(exc).__name__},
            )
        )
        return document
    try:
        sheets = {name: _read_sheet(workbook, name, document) for name in _SHEETS}
    finally:
        workbook.close()
    if any(rows is None for rows in sheets.values()):
        return document

    checker = _Checker(document)
    for number, data in sheets["agencies"] or []:
        rec = _Record(data, _row_where("agencies", number, data.get("code")))
        document.order[rec.where] = (1, number)
        checker.agency(rec)

    parts: dict[str, dict[str, list[_Record]]] = {"components": {}, "fees": {}}
    for sheet, by_code in parts.items():
        for number, data in sheets[sheet] or []:
            code = data.pop("procedure_code", None)
            rec = _Record(data, _row_where(sheet, number, code))
            document.order[rec.where] = (3 if sheet == "components" else 4, number)
            if not isinstance(code, str) or not code:
                checker.problem(rec, "procedure_code", _("không được để trống"))
                continue
            by_code.setdefault(code, []).append(rec)

    seen: set[str] = set()
    for number, data in sheets["procedures"] or []:
        code = data.get("code")
        rec = _Record(data, _row_where("procedures", number, code))
        document.order[rec.where] = (2, number)
        key = code if isinstance(code, str) else ""
        components = parts["components"].get(key, []) if key not in seen else []
        fees = parts["fees"].get(key, []) if key not in seen else []
        seen.add(key)
        document.procedures.append(checker.procedure(rec, components, fees))
    for _sheet, by_code in parts.items():
        for code, records in by_code.items():
            if code not in seen:
                for rec in records:
                    checker.problem(
                        rec,
                        "procedure_code",
                        _("không có thủ tục mã %(code)s ở trang procedures") % {"code": code},
                    )
    checker.finish()
    return document


# ----------------------------------------------------------------------------- any file


def read_catalog(path: str | Path) -> CatalogDocument:
    """Read and check a catalog file, JSON or Excel by its extension."""
    path = Path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        document = CatalogDocument(source=source)
        message = _("chỉ nhận tệp .json hoặc .xlsx")
        if suffix in (".xls", ".ods", ".csv"):
            message += _("; hãy lưu tệp dưới dạng Excel Workbook (.xlsx)")
        document.problems.append(Problem(source, "", message))
        return document
    try:
        content = path.read_bytes()
    except OSError as exc:
        document = CatalogDocument(source=source)
        document.problems.append(
            Problem(source, "", _("không mở được tệp (%(error)s)") % {"error": exc.strerror or exc})
        )
        return document
    if suffix == ".json":
        return parse_json(content, source=source)
    return parse_xlsx(io.BytesIO(content), source=source)


# ----------------------------------------------------------------------------- writing


def _days(value: Decimal) -> int | float:
    value = Decimal(value)
    return int(value) if value == value.to_integral() else float(value)


def procedure_data(version: ProcedureVersion) -> dict[str, Any]:
    """One version in the JSON contract (the key order is the documented one)."""
    spec = spec_from_version(version)
    return {
        "code": spec.code,
        "name": spec.name,
        "agency_code": spec.agency_code,
        "field": spec.field,
        "level": spec.level,
        "time_limit_days": _days(spec.time_limit_days),
        "channels": list(spec.channels),
        "online_level": spec.online_level,
        "applicant_types": list(spec.applicant_types),
        "components": [
            {
                "name": c.name,
                "required": c.required,
                "copies": c.copies,
                "original": str(c.form),
                "note": c.note,
            }
            for c in spec.components
        ],
        "fees": [
            {
                "name": f.name,
                "amount": f.amount,
                "applicant_type": f.applicant_type or None,
                "channel": f.channel or None,
                "note": f.note,
                "kind": f.kind,
                "replaces": f.replaces or None,
            }
            for f in spec.fees
        ],
        "legal_basis": list(spec.legal_basis),
        "result": spec.result,
        "description": spec.description,
        "steps": spec.steps,
        "conditions": spec.conditions,
        "competent_authority": spec.competent_authority,
        "service_code": spec.service_code,
        "resolved_at_center": spec.resolved_at_center,
        "postal_return": spec.postal_return,
        "effective_from": version.effective_from.isoformat(),
    }


def catalog_data(*, on: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The catalog in force on `on` (default today) in the JSON contract, sorted by code.

    Every agency of the directory is listed, so a spreadsheet editor sees the codes to use.
    """
    versions = (
        current_versions(on=on)
        .select_related("procedure", "agency", "field")
        .order_by("procedure__code")
    )
    agencies = [
        {"code": a.code, "name": a.name, "level": a.level, "kind": a.kind}
        for a in Agency.objects.order_by("code")
    ]
    return {"agencies": agencies, "procedures": [procedure_data(v) for v in versions]}


def dump_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_WIDTHS = {
    "code": 14,
    "procedure_code": 14,
    "name": 60,
    "agency_code": 18,
    "field": 28,
    "level": 11,
    "kind": 20,
    "time_limit_days": 10,
    "channels": 24,
    "online_level": 12,
    "applicant_types": 24,
    "legal_basis": 60,
    "result": 40,
    "description": 60,
    "steps": 60,
    "conditions": 50,
    "competent_authority": 32,
    "service_code": 26,
    "resolved_at_center": 12,
    "postal_return": 12,
    "effective_from": 13,
    "required": 10,
    "copies": 8,
    "original": 18,
    "note": 40,
    "amount": 14,
    "applicant_type": 16,
    "channel": 12,
    "replaces": 40,
}

_CHOICES_FOR = {
    ("agencies", "level"): LEVELS,
    ("agencies", "kind"): AGENCY_KINDS,
    ("procedures", "level"): LEVELS,
    ("procedures", "online_level"): ONLINE_LEVELS,
    ("components", "original"): FORMS,
    ("fees", "applicant_type"): APPLICANT_TYPES,
    ("fees", "channel"): CHANNELS,
    ("fees", "kind"): FEE_KINDS,
}


def _help(sheet: str, column: str) -> str:
    """The header comment: what the column holds, in Vietnamese."""
    texts = {
        "code": _("Mã định danh điện tử, ví dụ 000.00.12.H13")
        if sheet == "agencies"
        else _("Mã thủ tục, ví dụ 1.001193 (nhập dạng văn bản)"),
        "procedure_code": _("Mã thủ tục ở trang procedures"),
        "name": {
            "agencies": _("Tên cơ quan"),
            "procedures": _("Tên thủ tục"),
            "components": _("Tên giấy tờ"),
            "fees": _("Tên phí, lệ phí"),
        }[sheet],
        "field": _("Lĩnh vực, ví dụ Hộ tịch"),
        "result": _("Kết quả thực hiện"),
        "description": _("Mô tả; được xuống dòng"),
        "steps": _("Trình tự thực hiện; được xuống dòng"),
        "conditions": _("Yêu cầu, điều kiện; được xuống dòng"),
        "competent_authority": _("Cơ quan có thẩm quyền"),
        "service_code": _("Mã dịch vụ công, ví dụ 1.001193.000.00.00.H12; có thể để trống"),
        "note": _("Ghi chú"),
        "level": _("province (cấp tỉnh) hoặc commune (cấp xã)"),
        "kind": _("Loại cơ quan: %(values)s") % {"values": _allowed(AGENCY_KINDS)}
        if sheet == "agencies"
        else _(
            "standard (mức thu), alternative (mức thu thay thế), extra (thu thêm); trống = standard"
        ),
        "agency_code": _("Mã cơ quan thực hiện (trang agencies hoặc đã có)"),
        "time_limit_days": _("Số ngày làm việc; 0 = trong ngày; cho phép 0,5"),
        "channels": _("Cách nộp, cách nhau bởi dấu phẩy: counter, online, postal"),
        "online_level": _("full (toàn trình), partial (một phần) hoặc none"),
        "applicant_types": _("individual, organization (cách nhau bởi dấu phẩy)"),
        "legal_basis": _("Mỗi văn bản một dòng (Alt+Enter để xuống dòng)"),
        "resolved_at_center": _("TRUE/FALSE hoặc có/không; trống = không"),
        "postal_return": _("TRUE/FALSE hoặc có/không; trống = có"),
        "effective_from": _("Ngày hiệu lực YYYY-MM-DD; trống = ngày nhập"),
        "required": _("Bắt buộc: TRUE/FALSE hoặc có/không"),
        "copies": _("Số bản"),
        "original": _("original, certified_copy, copy hoặc original_or_copy; trống = original"),
        "amount": _("Mức thu (đồng), số nguyên"),
        "applicant_type": _("individual hoặc organization; trống = mọi đối tượng"),
        "channel": _("counter, online hoặc postal; trống = mọi kênh"),
        "replaces": _("Với mức thu thay thế: tên mức thu chuẩn được thay"),
    }
    return texts.get(column, "")


def _excel_rows(data: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Rows per sheet for `data` in the JSON contract (optional keys may be missing)."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in _SHEETS}
    for agency in data.get("agencies", []):
        rows["agencies"].append(
            [agency["code"], agency["name"], agency["level"], agency.get("kind") or None]
        )
    for proc in data["procedures"]:
        effective = proc.get("effective_from")
        rows["procedures"].append(
            [
                proc["code"],
                proc["name"],
                proc["agency_code"],
                proc["field"],
                proc["level"],
                proc["time_limit_days"],
                ", ".join(proc["channels"]),
                proc["online_level"],
                ", ".join(proc["applicant_types"]),
                "\n".join(proc["legal_basis"]),
                proc["result"],
                proc["description"],
                proc.get("steps", ""),
                proc.get("conditions", ""),
                proc.get("competent_authority", ""),
                proc.get("service_code", ""),
                proc.get("resolved_at_center", False),
                proc.get("postal_return", True),
                date.fromisoformat(effective) if effective else None,
            ]
        )
        for c in proc["components"]:
            rows["components"].append(
                [
                    proc["code"],
                    c["name"],
                    c["required"],
                    c["copies"],
                    c.get("original", Component.Form.ORIGINAL.value),
                    c.get("note", ""),
                ]
            )
        for f in proc["fees"]:
            rows["fees"].append(
                [
                    proc["code"],
                    f["name"],
                    f["amount"],
                    f.get("applicant_type") or None,
                    f.get("channel") or None,
                    f.get("note", ""),
                    f.get("kind") or FeeKind.STANDARD.value,
                    f.get("replaces") or None,
                ]
            )
    return rows


def build_workbook(data: dict[str, Any]) -> Workbook:
    """The Excel layout of `data` (the JSON contract): four sheets, one header row each."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for sheet, rows in _excel_rows(data).items():
        ws = workbook.create_sheet(sheet)
        columns = [name for name, _kind, _required in _SHEETS[sheet]]
        kinds = {name: kind for name, kind, _required in _SHEETS[sheet]}
        ws.append(columns)
        for i, name in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=i)
            cell.font = bold
            if text := _help(sheet, name):
                cell.comment = Comment(text, "motcua")
            ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, 16)
        ws.freeze_panes = "A2"
        for row_number, values in enumerate(rows, start=2):
            for i, value in enumerate(values, start=1):
                name = columns[i - 1]
                cell = ws.cell(row=row_number, column=i)
                if isinstance(value, str):
                    value = _CONTROL.sub("", value)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # a text starting with "=" stays text
                if kinds[name] in ("code", "procedure_code"):
                    cell.number_format = "@"
                elif kinds[name] == "date":
                    cell.number_format = "yyyy-mm-dd"
                cell.alignment = wrap if isinstance(value, str) and "\n" in value else top
        last = max(len(rows) + 500, 1000)
        for (choice_sheet, name), allowed in _CHOICES_FOR.items():
            if choice_sheet != sheet:
                continue
            letter = get_column_letter(columns.index(name) + 1)
            validation = DataValidation(
                type="list", formula1=f'"{",".join(allowed)}"', allow_blank=True
            )
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)
        if rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    return workbook


def write_catalog(path: str | Path, *, on: date | None = None) -> dict[str, int]:
    """Export the catalog in force to `path` (.json or .xlsx); returns what was written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise ValueError(_("Chỉ xuất ra tệp .json hoặc .xlsx."))
    data = catalog_data(on=on)
    if suffix == ".json":
        path.write_text(dump_json(data), encoding="utf-8")
    else:
        build_workbook(data).save(path)
    return {"agencies": len(data["agencies"]), "procedures": len(data["procedures"])}
