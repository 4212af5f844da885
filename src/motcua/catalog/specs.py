"""Plain-value descriptions of a procedure version, shared by import, export and the admin."""

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass
from decimal import Decimal

from motcua.catalog.models import Component, ProcedureVersion
from motcua.domain.text import fold, search_key


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    required: bool = True
    copies: int = 1
    form: str = Component.Form.ORIGINAL
    note: str = ""


@dataclass(frozen=True)
class FeeSpec:
    name: str
    amount: int
    applicant_type: str = ""  # "" = any
    channel: str = ""  # "" = any
    note: str = ""
    kind: str = "standard"  # standard / alternative / extra (catalog.models.FeeKind)
    replaces: str = ""  # an alternative's standard line, by name


@dataclass(frozen=True)
class ProcedureSpec:
    """Everything that makes up one version of a procedure, in plain values."""

    code: str
    name: str
    agency_code: str
    field: str
    level: str
    time_limit_days: Decimal
    channels: tuple[str, ...] = ("counter", "postal")
    online_level: str = "none"
    applicant_types: tuple[str, ...] = ("individual",)
    components: tuple[ComponentSpec, ...] = ()
    fees: tuple[FeeSpec, ...] = ()
    legal_basis: tuple[str, ...] = ()
    result: str = ""
    description: str = ""
    steps: str = ""
    conditions: str = ""
    competent_authority: str = ""
    service_code: str = ""
    resolved_at_center: bool = False
    postal_return: bool = True

    def content_hash(self) -> str:
        """Hash of the content, blind to how it was typed: NFC/NFD, CRLF, set order."""
        data = _canonical(asdict(self))
        data["time_limit_days"] = str(Decimal(self.time_limit_days).normalize())
        data["channels"] = sorted(self.channels)
        data["applicant_types"] = sorted(self.applicant_types)
        for fee in data["fees"]:
            # Lines of the default kind hash as before fee kinds existed (no spurious versions).
            if fee["kind"] == "standard" and not fee["replaces"]:
                del fee["kind"], fee["replaces"]
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _canonical(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def spec_from_version(version: ProcedureVersion) -> ProcedureSpec:
    return ProcedureSpec(
        code=version.procedure.code,
        name=version.name,
        agency_code=version.agency.code,
        field=version.field.name,
        level=version.level,
        time_limit_days=version.time_limit_days,
        channels=tuple(version.channels),
        online_level=version.online_level,
        applicant_types=tuple(version.applicant_types),
        components=tuple(
            ComponentSpec(
                name=c.name, required=c.required, copies=c.copies, form=c.form, note=c.note
            )
            for c in version.components.all()
        ),
        fees=tuple(
            FeeSpec(
                name=f.name,
                amount=f.amount,
                applicant_type=f.applicant_type,
                channel=f.channel,
                note=f.note,
                kind=f.kind,
                replaces=f.replaces.name if f.replaces_id else "",
            )
            for f in version.fees.all()
        ),
        legal_basis=tuple(version.legal_basis or ()),
        result=version.result,
        description=version.description,
        steps=version.steps,
        conditions=version.conditions,
        competent_authority=version.competent_authority,
        service_code=version.service_code,
        resolved_at_center=version.resolved_at_center,
        postal_return=version.postal_return,
    )


def search_fields(version: ProcedureVersion) -> tuple[str, str]:
    """The folded search text and name key stored on a version (see ProcedureVersion)."""
    agency, field = version.agency, version.field
    text = search_key(
        version.procedure.code,
        version.service_code,
        version.name,
        field.name,
        agency.name,
        agency.short_name,
        version.result,
    )
    return text, " ".join(fold(version.name).split())
