"""Writes to the catalog. Each public function is one transaction."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    Component,
    Fee,
    FeeKind,
    Field,
    Procedure,
    ProcedureVersion,
    Synonym,
)
from motcua.catalog.specs import ProcedureSpec, search_fields, spec_from_version
from motcua.directory.models import Agency
from motcua.domain.text import fold


class CatalogError(Exception):
    """A catalog write that the rules do not allow; the message is for the user."""


UpsertOutcome = Literal["created", "amended", "unchanged"]


def _field(name: str) -> Field:
    found = Field.objects.filter(name=name).first()
    if found:
        return found
    base = slugify(fold(name))[:190] or "linh-vuc"
    slug, n = base, 1
    while Field.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Field.objects.create(name=name, slug=slug)


def _write_version(
    *, procedure: Procedure, spec: ProcedureSpec, number: int, effective_from: date
) -> ProcedureVersion:
    agency = Agency.objects.filter(code=spec.agency_code).first()
    if agency is None:
        raise CatalogError(_("Không có cơ quan mã %(code)s.") % {"code": spec.agency_code})
    field_obj = _field(spec.field)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        effective_from=effective_from,
        service_code=spec.service_code,
        name=spec.name,
        field=field_obj,
        agency=agency,
        competent_authority=spec.competent_authority,
        level=spec.level,
        for_individuals="individual" in spec.applicant_types,
        for_organizations="organization" in spec.applicant_types,
        time_limit_days=Decimal(spec.time_limit_days),
        accepts_counter="counter" in spec.channels,
        accepts_online="online" in spec.channels,
        accepts_postal="postal" in spec.channels,
        online_level=spec.online_level,
        description=spec.description,
        steps=spec.steps,
        conditions=spec.conditions,
        result=spec.result,
        legal_basis=list(spec.legal_basis),
        resolved_at_center=spec.resolved_at_center,
        postal_return=spec.postal_return,
        content_hash=spec.content_hash(),
    )
    version.search_text, version.name_key = search_fields(version)
    version.save(update_fields=["search_text", "name_key"])
    Component.objects.bulk_create(
        Component(
            version=version,
            position=i,
            name=c.name,
            required=c.required,
            copies=c.copies,
            form=c.form,
            note=c.note,
        )
        for i, c in enumerate(spec.components)
    )
    fees = [
        Fee.objects.create(
            version=version,
            position=i,
            name=f.name,
            amount=f.amount,
            applicant_type=f.applicant_type,
            channel=f.channel,
            note=f.note,
            kind=f.kind,
        )
        for i, f in enumerate(spec.fees)
    ]
    # An alternative rate points at the standard line it replaces (named in the spec).
    standard: dict[str, Fee] = {}
    for fee in fees:
        if fee.kind == FeeKind.STANDARD:
            standard.setdefault(fee.name, fee)
    for fee, f in zip(fees, spec.fees, strict=True):
        if fee.kind == FeeKind.ALTERNATIVE and f.replaces in standard:
            fee.replaces = standard[f.replaces]
            fee.save(update_fields=["replaces"])
    return version


@transaction.atomic
def upsert_procedure(
    *, spec: ProcedureSpec, effective_from: date | None = None
) -> tuple[ProcedureVersion, UpsertOutcome]:
    """Create a procedure, or amend it with a new version when its content changed.

    The same content again changes nothing (imports are idempotent). An amendment closes the
    open version on `effective_from` (default: today) and keeps it in the history.
    """
    effective_from = effective_from or timezone.localdate()
    procedure, created = Procedure.objects.get_or_create(code=spec.code)
    if created:
        version = _write_version(
            procedure=procedure, spec=spec, number=1, effective_from=effective_from
        )
        return version, "created"

    open_version = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure=procedure, effective_to__isnull=True)
        .first()
    )
    if open_version is not None and open_version.content_hash == spec.content_hash():
        return open_version, "unchanged"
    _close_open_version(procedure=procedure, effective_from=effective_from)
    last_number = procedure.versions.order_by("-number").values_list("number", flat=True).first()
    version = _write_version(
        procedure=procedure,
        spec=spec,
        number=(last_number or 0) + 1,
        effective_from=effective_from,
    )
    return version, "amended"


@transaction.atomic
def save_synonym(*, phrase: str, meaning: str, synonym: Synonym | None = None) -> Synonym:
    """Add or change a colloquial name used by the public search (e.g. "sổ đỏ")."""
    key = " ".join(fold(phrase).split())
    if not key or not fold(meaning).strip():
        raise CatalogError(_("Cần nhập cả cách gọi thông dụng và tên chính thức."))
    clash = Synonym.objects.filter(phrase_key=key)
    if synonym is not None and synonym.pk:
        clash = clash.exclude(pk=synonym.pk)
    if clash.exists():
        raise CatalogError(_("Cách gọi “%(phrase)s” đã có.") % {"phrase": phrase})
    synonym = synonym or Synonym()
    synonym.phrase, synonym.meaning, synonym.phrase_key = phrase.strip(), meaning.strip(), key
    synonym.save()
    return synonym


def _close_open_version(*, procedure: Procedure, effective_from: date) -> None:
    open_version = (
        ProcedureVersion.objects.select_for_update()
        .filter(procedure=procedure, effective_to__isnull=True)
        .first()
    )
    if open_version is None:
        return
    if effective_from < open_version.effective_from:
        raise CatalogError(
            _("Thủ tục %(code)s: ngày hiệu lực %(new)s sớm hơn phiên bản hiện hành (%(current)s).")
            % {
                "code": procedure.code,
                "new": effective_from.strftime("%d/%m/%Y"),
                "current": open_version.effective_from.strftime("%d/%m/%Y"),
            }
        )
    open_version.effective_to = effective_from
    open_version.save(update_fields=["effective_to"])


@transaction.atomic
def save_version(*, version: ProcedureVersion) -> ProcedureVersion:
    """Save a version edited in the admin; a new one becomes the procedure's open version."""
    if version.pk is None:
        _close_open_version(procedure=version.procedure, effective_from=version.effective_from)
        last = version.procedure.versions.order_by("-number").values_list("number", flat=True)
        version.number = (last.first() or 0) + 1
    version.save()
    return version


@transaction.atomic
def refresh_version_keys(*, version: ProcedureVersion) -> None:
    """Recompute the search text and content hash after the version or its parts changed."""
    version.search_text, version.name_key = search_fields(version)
    version.content_hash = spec_from_version(version).content_hash()
    version.save(update_fields=["search_text", "name_key", "content_hash"])
