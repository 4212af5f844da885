"""Writes to dossiers: intake at the counter, online and by post. One transaction each.

Every change appends a DossierEvent; nothing is changed in place without one.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.catalog.models import Channel, Fee, FeeKind, ProcedureVersion
from motcua.core.sequences import next_number
from motcua.directory.models import Agency, ReceptionPoint, ServiceCenter
from motcua.directory.selectors import calendar_for_center
from motcua.domain.dossier_status import Status, TransitionError, check_transition
from motcua.domain.identity import (
    citizen_id_problem,
    normalize_phone,
    phone_problem,
    tax_code_problem,
)
from motcua.dossiers.files import FileRejected, check_upload, max_dossier_size
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFee,
    DossierFile,
    Notice,
    ResultDelivery,
)
from motcua.dossiers.selectors import fee_option_problem, replaced_line


class IntakeError(Exception):
    """Input the rules do not accept. `errors` maps a field (or "__all__") to messages."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"__all__": errors}
        super().__init__("; ".join(self.errors.values()))


@dataclass(frozen=True)
class ApplicantData:
    """Người nộp hồ sơ: an individual (ID number validated) or an organization (tax code)."""

    name: str
    type: str = "individual"
    id_number: str = ""
    birth_date: date | None = None
    tax_code: str = ""
    representative: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    submitter_name: str = ""
    submitter_id_number: str = ""
    submitter_phone: str = ""


@dataclass(frozen=True)
class ComponentInput:
    """What was presented for one catalog component at intake."""

    component_id: int
    provided: bool = True
    original_seen: bool | None = None  # None: leave as it is
    copies: int | None = None  # None: leave as it is
    files: Sequence[UploadedFile] = field(default_factory=tuple)


def applicant_problems(applicant: ApplicantData) -> dict[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    errors: dict[str, str] = {}
    if not applicant.name.strip():
        errors["applicant_name"] = _("Cần nhập họ và tên người nộp (hoặc tên tổ chức).")
    if applicant.type == "individual":
        if not applicant.id_number.strip():
            errors["applicant_id_number"] = _("Cần nhập số định danh cá nhân (12 chữ số).")
        elif problem := citizen_id_problem(applicant.id_number, date_of_birth=applicant.birth_date):
            errors["applicant_id_number"] = _(problem)
    elif applicant.type == "organization":
        if problem := tax_code_problem(applicant.tax_code):
            errors["applicant_tax_code"] = _(problem)
        if not applicant.representative.strip():
            errors["applicant_representative"] = _("Cần nhập người đại diện của tổ chức.")
    else:
        errors["applicant_type"] = _("Loại người nộp phải là cá nhân hoặc tổ chức.")
    if applicant.phone and (problem := phone_problem(applicant.phone)):
        errors["applicant_phone"] = _(problem)
    if applicant.email:
        try:
            validate_email(applicant.email)
        except ValidationError:
            errors["applicant_email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    if applicant.submitter_id_number and (
        problem := citizen_id_problem(applicant.submitter_id_number)
    ):
        errors["submitter_id_number"] = _(problem)
    if applicant.submitter_phone and (problem := phone_problem(applicant.submitter_phone)):
        errors["submitter_phone"] = _(problem)
    return errors


def dossier_code(*, agency: Agency, day: date, sequence: int) -> str:
    """<agency identifier>-<yyMMdd>-<4-digit sequence>, e.g. 000.00.12.H53-250703-0001."""
    return f"{agency.code}-{day:%y%m%d}-{sequence:04d}"


def _event(
    dossier: Dossier,
    *,
    action: str,
    actor: User | None,
    at: datetime,
    from_status: str = "",
    to_status: str = "",
    **data,
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        actor=actor,
        at=at,
        from_status=from_status,
        to_status=to_status,
        data=data,
    )


def _move(
    dossier: Dossier, target: Status, *, actor: User | None, at: datetime, action: str, **data
):
    try:
        check_transition(dossier.status, target)
    except TransitionError as exc:
        raise IntakeError(_(str(exc))) from exc
    previous = dossier.status
    dossier.status = target
    return _event(
        dossier, action=action, actor=actor, at=at, from_status=previous, to_status=target, **data
    )


def _check_officer(officer: User, center: ServiceCenter) -> None:
    allowed = {Role.RECEPTION_OFFICER, Role.POSTAL_STAFF, Role.ADMINISTRATOR}
    if officer.role not in allowed and not officer.is_superuser:
        raise IntakeError(_("Chỉ cán bộ tiếp nhận mới được tiếp nhận hồ sơ."))
    today = timezone.localdate()
    posted = officer.assignments.filter(
        center=center, start_date__lte=today, end_date__gte=today
    ).exists()
    if not posted and not officer.is_superuser:
        raise IntakeError(_("Cán bộ không được cử làm việc tại trung tâm này."))


def _check_offer(version: ProcedureVersion, center: ServiceCenter, channel: str) -> None:
    if version.level != center.level:
        raise IntakeError(
            _("Thủ tục “%(name)s” thuộc %(level)s, không tiếp nhận tại %(center)s.")
            % {"name": version.name, "level": version.get_level_display().lower(),
               "center": center.name}
        )  # fmt: skip
    offered = {
        Channel.COUNTER: version.accepts_counter,
        Channel.ONLINE: version.accepts_online and version.online_level != "none",
        Channel.POSTAL: version.accepts_postal,
    }
    if channel not in offered:
        raise IntakeError(_("Kênh nộp không hợp lệ."))
    if not offered[channel]:
        messages = {
            Channel.COUNTER: _("Thủ tục này không nhận hồ sơ nộp trực tiếp."),
            Channel.ONLINE: _("Thủ tục này không cung cấp dịch vụ công trực tuyến."),
            Channel.POSTAL: _("Thủ tục này không nhận hồ sơ qua bưu chính."),
        }
        raise IntakeError(messages[channel])


def _receiving_agency(version: ProcedureVersion, center: ServiceCenter) -> Agency:
    # The center's own identifier when it has one (it receives for every agency); else the
    # agency that performs the procedure.
    return center.agency or version.agency


def missing_fee_reason() -> str:
    return _("Cần ghi rõ lý do áp dụng (ví dụ: thuộc hộ nghèo).")


@dataclass(frozen=True)
class FeeOption:
    """An alternative rate or an extra line of the catalog chosen at intake, with the reason."""

    fee_id: int
    reason: str


def apply_catalog_fee(
    *, dossier: Dossier, fee: Fee, reason: str, actor: User | None, at: datetime
) -> DossierFee:
    """Charge an alternative rate (mức thu thay thế) or an extra line (thu thêm) on the
    officer's word; the caller holds the dossier's transaction (and row lock).

    An alternative rate replaces the standard line it belongs to: that line is marked exempted
    with the reason (as a reduction is, so both rates stay visible) and a line at the
    alternative rate is added. An extra line is added. The reason is kept on the new line and
    in the event ("fee_alternative" / "fee_extra").
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise IntakeError({"reason": missing_fee_reason()})
    if len(reason) > 500:
        raise IntakeError({"reason": _("Lý do dài quá %(max)d ký tự.") % {"max": 500}})
    problem = fee_option_problem(dossier=dossier, fee=fee)
    if problem:
        raise IntakeError(problem)
    data = {"fee": fee.pk, "name": fee.name, "amount": fee.amount, "reason": reason}
    if fee.kind == FeeKind.ALTERNATIVE:
        replaced = DossierFee.objects.select_for_update().get(pk=replaced_line(dossier, fee).pk)
        replaced.exempted = True
        replaced.exemption_reason = _("Áp dụng mức thu thay thế “%(name)s”: %(reason)s") % {
            "name": fee.name, "reason": reason,
        }  # fmt: skip
        replaced.save(update_fields=["exempted", "exemption_reason"])
        data.update(replaced=replaced.pk, replaced_amount=replaced.amount)
    line = DossierFee.objects.create(
        dossier=dossier, name=fee.name, amount=fee.amount, source=fee, kind=fee.kind,
        applied_reason=reason,
    )  # fmt: skip
    data["line"] = line.pk
    action = "fee_alternative" if fee.kind == FeeKind.ALTERNATIVE else "fee_extra"
    _event(dossier, action=action, actor=actor, at=at, **data)
    return line


def _apply_fee_options(
    dossier: Dossier, options: Sequence[FeeOption], officer: User, at: datetime
) -> None:
    fees = {f.pk: f for f in dossier.procedure_version.fees.select_related("replaces")}
    for i, option in enumerate(options):
        field = f"fee_options[{i}]"
        fee = fees.get(option.fee_id)
        if fee is None:
            raise IntakeError({f"{field}.fee_id": _("Khoản thu không thuộc thủ tục của hồ sơ.")})
        try:
            apply_catalog_fee(dossier=dossier, fee=fee, reason=option.reason, actor=officer, at=at)
        except IntakeError as exc:
            key = f"{field}.reason" if "reason" in exc.errors else field
            raise IntakeError({key: "; ".join(exc.errors.values())}) from exc


def _fees_for(version: ProcedureVersion, applicant_type: str, channel: str) -> list[DossierFee]:
    """The standard lines that match; alternative rates and extra lines are charged only
    when an officer applies them (motcua.payments.services.apply_fee_option)."""
    return [
        DossierFee(name=fee.name, amount=fee.amount, source=fee, kind=fee.kind)
        for fee in version.fees.all()
        if fee.kind == FeeKind.STANDARD and fee.applies_to(applicant_type, channel)
    ]


def _save_files(
    dossier: Dossier, by_component: dict[int, DossierComponent], inputs: Iterable[ComponentInput],
    actor: User | None, saved: list[str],
) -> None:  # fmt: skip
    """Check every file first, then store; `saved` collects stored names for clean-up."""
    checked = []
    total = sum(f.size for f in DossierFile.objects.filter(component__dossier=dossier).only("size"))
    for item in inputs:
        for upload in item.files:
            try:
                result = check_upload(upload)
            except FileRejected as exc:
                raise IntakeError({f"component_{item.component_id}": str(exc)}) from exc
            total += result.size
            checked.append((item, upload, result))
    if total > max_dossier_size():
        raise IntakeError(
            _("Tổng dung lượng tệp của hồ sơ vượt giới hạn %(limit)d MB.")
            % {"limit": max_dossier_size() // (1024 * 1024)}
        )
    for item, upload, result in checked:
        record = DossierFile(
            component=by_component[item.component_id],
            original_name=(upload.name or "")[:255],
            content_type=result.content_type,
            size=result.size,
            sha256=result.sha256,
            uploaded_by=actor,
        )
        record.file.save(f"{dossier.public_id}.{result.extension}", upload, save=False)
        saved.append(record.file.name)
        record.save()


def _with_file_cleanup(func):
    """Delete files stored by a write that then failed: no orphan files after a rollback."""

    def wrapper(*args, **kwargs):
        saved: list[str] = []
        try:
            return func(*args, _saved=saved, **kwargs)
        except BaseException:
            from django.core.files.storage import default_storage

            for name in saved:
                default_storage.delete(name)
            raise

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def missing_required(dossier: Dossier) -> list[DossierComponent]:
    """Required components not (yet) provided."""
    return [
        c
        for c in dossier.components.select_related("component")
        if c.component.required and not c.provided
    ]


def _apply_components(
    dossier: Dossier, inputs: Sequence[ComponentInput], actor: User | None, saved: list[str]
) -> None:
    by_component = {c.component_id: c for c in dossier.components.all()}
    unknown = [i.component_id for i in inputs if i.component_id not in by_component]
    if unknown:
        raise IntakeError(_("Thành phần hồ sơ không thuộc thủ tục này."))
    for item in inputs:
        row = by_component[item.component_id]
        row.provided = item.provided or bool(item.files) or row.files.exists()
        if item.original_seen is not None:
            row.original_seen = item.original_seen
        if item.copies is not None:
            row.copies = max(1, item.copies)
        row.save(update_fields=["provided", "original_seen", "copies"])
    _save_files(dossier, by_component, inputs, actor, saved)


def _delivery_problems(
    version: ProcedureVersion, result_delivery: str, delivery_address: str
) -> dict[str, str]:
    if result_delivery not in ResultDelivery.values:
        return {"result_delivery": _("Nơi nhận kết quả không hợp lệ.")}
    if result_delivery == ResultDelivery.POST:
        if not version.postal_return:
            return {"result_delivery": _("Thủ tục này không trả kết quả qua bưu chính.")}
        if not delivery_address.strip():
            return {"delivery_address": _("Cần nhập địa chỉ nhận kết quả qua bưu chính.")}
    return {}


@transaction.atomic
def _create(
    *,
    version: ProcedureVersion,
    center: ServiceCenter,
    channel: str,
    applicant: ApplicantData,
    actor: User | None,
    account: User | None = None,
    reception_point: ReceptionPoint | None = None,
    result_delivery: str = ResultDelivery.COUNTER,
    delivery_address: str = "",
    postal_tracking_number: str = "",
    postal_arrived_on: date | None = None,
    sets: int = 1,
    at: datetime,
) -> Dossier:
    _check_offer(version, center, channel)
    errors = applicant_problems(applicant)
    errors.update(_delivery_problems(version, result_delivery, delivery_address))
    if channel == Channel.POSTAL and not postal_tracking_number.strip():
        errors["postal_tracking_number"] = _(
            "Cần nhập số hiệu bưu gửi của hồ sơ gửi qua bưu chính."
        )
    if errors:
        raise IntakeError(errors)
    dossier = Dossier.objects.create(
        procedure_version=version,
        center=center,
        reception_point=reception_point,
        receiving_agency=_receiving_agency(version, center),
        channel=channel,
        status=Status.DRAFT,
        applicant_type=applicant.type,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number.strip(),
        applicant_birth_date=applicant.birth_date,
        applicant_tax_code=applicant.tax_code.strip(),
        applicant_representative=applicant.representative.strip(),
        applicant_phone=normalize_phone(applicant.phone) if applicant.phone else "",
        applicant_email=applicant.email.strip(),
        applicant_address=applicant.address.strip(),
        submitter_name=applicant.submitter_name.strip(),
        submitter_id_number=applicant.submitter_id_number.strip(),
        submitter_phone=normalize_phone(applicant.submitter_phone)
        if applicant.submitter_phone
        else "",
        account=account,
        sets=max(1, sets),
        result_delivery=result_delivery,
        delivery_address=delivery_address.strip(),
        postal_tracking_number=postal_tracking_number.strip(),
        postal_arrived_on=postal_arrived_on,
        holder_agency=_receiving_agency(version, center),
    )
    DossierComponent.objects.bulk_create(
        DossierComponent(dossier=dossier, component=c, copies=c.copies)
        for c in version.components.all()
    )
    fees = _fees_for(version, applicant.type, channel)
    for fee in fees:
        fee.dossier = dossier
    DossierFee.objects.bulk_create(fees)
    _event(
        dossier, action="created", actor=actor or account, at=at, to_status=Status.DRAFT,
        channel=channel, procedure=version.procedure.code, version=version.number,
    )  # fmt: skip
    return dossier


def _receive(dossier: Dossier, officer: User, at: datetime) -> Dossier:
    missing = missing_required(dossier)
    if missing:
        raise IntakeError(
            _("Hồ sơ chưa đủ thành phần bắt buộc: %(names)s.")
            % {"names": "; ".join(c.component.name for c in missing)}
        )
    day = timezone.localtime(at).date()
    agency = dossier.receiving_agency
    sequence = next_number(scope=f"dossier:{agency.code}", day=day)
    dossier.code = dossier_code(agency=agency, day=day, sequence=sequence)
    dossier.received_at = at
    dossier.received_by = officer
    calendar = calendar_for_center(dossier.center)
    dossier.due_at = calendar.due_at(at, dossier.procedure_version.time_limit_days)
    dossier.log_book_number = sequence
    _move(
        dossier, Status.RECEIVED, actor=officer, at=at, action="received", code=dossier.code,
        due_at=dossier.due_at.isoformat(),
    )  # fmt: skip
    dossier.save()
    Notice.objects.create(
        dossier=dossier, kind=Notice.Kind.RECEIPT, number=dossier.code, issued_at=at,
        issued_by=officer,
        content={"components": [
            {"name": c.component.name, "copies": c.copies, "original_seen": c.original_seen}
            for c in dossier.components.select_related("component") if c.provided
        ]},
    )  # fmt: skip
    _notify_on_commit(dossier, "received")
    from motcua.reports.services import refresh_record  # the indices' facts (issue 6)
    from motcua.workflow.runtime import start_processing  # the workflow starts on receipt

    start_processing(dossier=dossier, at=at)
    refresh_record(dossier=dossier)
    return dossier


def _notice_number(kind: str, dossier: Dossier, at: datetime) -> str:
    day = timezone.localtime(at).date()
    n = next_number(scope=f"{kind}:{dossier.receiving_agency.code}", day=day)
    prefix = {Notice.Kind.SUPPLEMENT: "02", Notice.Kind.REFUSAL: "03"}[kind]
    return f"{prefix}/{dossier.receiving_agency.code}-{day:%y%m%d}-{n:04d}"


def _request_supplement(
    dossier: Dossier, officer: User, at: datetime, note: str, missing_ids: Sequence[int] | None
) -> Dossier:
    rows = {c.component_id: c for c in dossier.components.select_related("component")}
    if missing_ids is None:
        listed = [c for c in rows.values() if c.component.required and not c.provided]
    else:
        listed = [rows[i] for i in missing_ids if i in rows]
    if not listed and not note.strip():
        raise IntakeError(_("Cần nêu các giấy tờ phải bổ sung hoặc nội dung cần hoàn thiện."))
    notice = Notice.objects.create(
        dossier=dossier, kind=Notice.Kind.SUPPLEMENT, number=_notice_number("supplement", dossier, at),
        issued_at=at, issued_by=officer,
        content={"missing": [
            {"id": c.component_id, "name": c.component.name, "form": c.component.get_form_display(),
             "copies": c.component.copies} for c in listed
        ], "note": note.strip()},
    )  # fmt: skip
    _move(dossier, Status.INCOMPLETE, actor=officer, at=at, action="supplement_requested",
          notice=notice.number, missing=[c.component.name for c in listed], note=note.strip())  # fmt: skip
    dossier.save()
    _notify_on_commit(dossier, "supplement_requested")
    return dossier


def _refuse(dossier: Dossier, officer: User, at: datetime, reason: str) -> Dossier:
    if not reason.strip():
        raise IntakeError({"reason": _("Cần ghi rõ lý do từ chối.")})
    notice = Notice.objects.create(
        dossier=dossier, kind=Notice.Kind.REFUSAL, number=_notice_number("refusal", dossier, at),
        issued_at=at, issued_by=officer, content={"reason": reason.strip()},
    )  # fmt: skip
    _move(dossier, Status.REFUSED, actor=officer, at=at, action="refused",
          notice=notice.number, reason=reason.strip())  # fmt: skip
    dossier.save()
    _notify_on_commit(dossier, "refused")
    return dossier


def _notify_on_commit(dossier: Dossier, kind: str) -> None:
    from motcua.notifications.services import notify_applicant

    pk = dossier.pk
    transaction.on_commit(lambda: notify_applicant(dossier_id=pk, kind=kind))


Decision = str  # "receive" | "supplement" | "refuse"
DECISIONS = ("receive", "supplement", "refuse")


@_with_file_cleanup
@transaction.atomic
def intake(
    *,
    version: ProcedureVersion,
    center: ServiceCenter,
    officer: User,
    applicant: ApplicantData,
    components: Sequence[ComponentInput],
    decision: Decision,
    channel: str = Channel.COUNTER,
    reason: str = "",
    reception_point: ReceptionPoint | None = None,
    result_delivery: str = ResultDelivery.COUNTER,
    delivery_address: str = "",
    postal_tracking_number: str = "",
    postal_arrived_on: date | None = None,
    sets: int = 1,
    fee_options: Sequence[FeeOption] = (),
    at: datetime | None = None,
    _saved: list[str],
) -> Dossier:
    """A dossier presented at the counter (or arrived by post), decided in one go.

    `decision`: "receive" (Mẫu 01; needs every required component), "supplement" (Mẫu 02
    listing every missing component) or "refuse" (Mẫu 03 with `reason`). `fee_options`: the
    alternative rates and extra lines the officer applies (not with a refusal). All or nothing.
    """
    if decision not in DECISIONS:
        raise IntakeError(_("Quyết định không hợp lệ."))
    if channel == Channel.ONLINE:
        raise IntakeError(_("Hồ sơ trực tuyến do người dân nộp qua Cổng dịch vụ công."))
    _check_officer(officer, center)
    at = at or timezone.now()
    dossier = _create(
        version=version, center=center, channel=channel, applicant=applicant, actor=officer,
        reception_point=reception_point, result_delivery=result_delivery,
        delivery_address=delivery_address, postal_tracking_number=postal_tracking_number,
        postal_arrived_on=postal_arrived_on, sets=sets, at=at,
    )  # fmt: skip
    _apply_components(dossier, components, officer, _saved)
    if fee_options and decision == "refuse":
        raise IntakeError(
            {"fee_options": _("Hồ sơ bị từ chối tiếp nhận không áp dụng phí, lệ phí.")}
        )
    _apply_fee_options(dossier, fee_options, officer, at)
    _move(dossier, Status.SUBMITTED, actor=officer, at=at, action="presented")
    dossier.submitted_at = at
    dossier.save(update_fields=["status", "submitted_at"])
    if decision == "receive":
        return _receive(dossier, officer, at)
    if decision == "supplement":
        return _request_supplement(dossier, officer, at, reason, None)
    return _refuse(dossier, officer, at, reason)


# --- online (citizen portal) -------------------------------------------------------------


@transaction.atomic
def start_online_dossier(
    *,
    version: ProcedureVersion,
    center: ServiceCenter,
    account: User,
    applicant: ApplicantData,
    result_delivery: str = ResultDelivery.ELECTRONIC,
    delivery_address: str = "",
    at: datetime | None = None,
) -> Dossier:
    """A draft (bản nháp) filed online by a signed-in citizen."""
    return _create(
        version=version, center=center, channel=Channel.ONLINE, applicant=applicant,
        actor=account, account=account, result_delivery=result_delivery,
        delivery_address=delivery_address, at=at or timezone.now(),
    )  # fmt: skip


def _check_owner(dossier: Dossier, account: User) -> None:
    if dossier.account_id != account.pk:
        raise IntakeError(_("Bạn không có quyền sửa hồ sơ này."))
    if dossier.status not in (Status.DRAFT, Status.INCOMPLETE):
        raise IntakeError(_("Hồ sơ đã nộp, không sửa được nữa."))


@transaction.atomic
def update_online_applicant(
    *, dossier: Dossier, account: User, applicant: ApplicantData, result_delivery: str,
    delivery_address: str = "",
) -> Dossier:  # fmt: skip
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_owner(dossier, account)
    errors = applicant_problems(applicant)
    errors.update(_delivery_problems(dossier.procedure_version, result_delivery, delivery_address))
    if errors:
        raise IntakeError(errors)
    dossier.submitter_name = applicant.submitter_name.strip()
    dossier.submitter_id_number = applicant.submitter_id_number.strip()
    dossier.submitter_phone = (
        normalize_phone(applicant.submitter_phone) if applicant.submitter_phone else ""
    )
    dossier.applicant_type = applicant.type
    dossier.applicant_name = applicant.name.strip()
    dossier.applicant_id_number = applicant.id_number.strip()
    dossier.applicant_birth_date = applicant.birth_date
    dossier.applicant_tax_code = applicant.tax_code.strip()
    dossier.applicant_representative = applicant.representative.strip()
    dossier.applicant_phone = normalize_phone(applicant.phone) if applicant.phone else ""
    dossier.applicant_email = applicant.email.strip()
    dossier.applicant_address = applicant.address.strip()
    dossier.result_delivery = result_delivery
    dossier.delivery_address = delivery_address.strip()
    dossier.save()
    _event(dossier, action="draft_saved", actor=account, at=timezone.now(), part="applicant")
    return dossier


@_with_file_cleanup
@transaction.atomic
def update_online_components(
    *, dossier: Dossier, account: User, components: Sequence[ComponentInput], _saved: list[str]
) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_owner(dossier, account)
    _apply_components(dossier, components, account, _saved)
    _event(dossier, action="draft_saved", actor=account, at=timezone.now(), part="components")
    return dossier


@transaction.atomic
def remove_file(*, dossier_file: DossierFile, account: User) -> None:
    dossier = Dossier.objects.select_for_update().get(pk=dossier_file.component.dossier_id)
    _check_owner(dossier, account)
    component = dossier_file.component
    name = dossier_file.original_name
    storage_name = dossier_file.file.name
    dossier_file.delete()
    if not component.files.exists():
        component.provided = False
        component.save(update_fields=["provided"])
    _event(dossier, action="file_removed", actor=account, at=timezone.now(), file=name)
    transaction.on_commit(lambda: dossier_file.file.storage.delete(storage_name))


@transaction.atomic
def submit_online(*, dossier: Dossier, account: User, at: datetime | None = None) -> Dossier:
    """Nộp: the draft goes to the center (chờ tiếp nhận); required files must be attached."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_owner(dossier, account)
    # The procedure may have stopped being offered online since the draft was started.
    _check_offer(dossier.procedure_version, dossier.center, Channel.ONLINE)
    at = at or timezone.now()
    missing = [
        c for c in dossier.components.select_related("component")
        if c.component.required and not c.files.exists()
    ]  # fmt: skip
    if missing:
        raise IntakeError(
            _("Cần đính kèm tệp cho: %(names)s.")
            % {"names": "; ".join(c.component.name for c in missing)}
        )
    _move(dossier, Status.SUBMITTED, actor=account, at=at, action="submitted")
    dossier.submitted_at = at
    dossier.save(update_fields=["status", "submitted_at"])
    return dossier


def _lock_for_officer(dossier: Dossier, officer: User) -> Dossier:
    dossier = Dossier.objects.select_for_update().select_related("center").get(pk=dossier.pk)
    _check_officer(officer, dossier.center)
    if dossier.status != Status.SUBMITTED:
        raise IntakeError(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không chờ tiếp nhận.")
            % {"status": dossier.get_status_display()}
        )
    return dossier


@transaction.atomic
def accept(*, dossier: Dossier, officer: User, at: datetime | None = None) -> Dossier:
    """The officer accepts a submitted dossier (online or postal): Mẫu 01, the clock starts.

    Online submissions are accepted during working hours, so the clock starts at acceptance;
    the calendar moves a start outside working hours to the next working morning anyway.
    """
    dossier = _lock_for_officer(dossier, officer)
    return _receive(dossier, officer, at or timezone.now())


@transaction.atomic
def return_for_supplement(
    *, dossier: Dossier, officer: User, missing_ids: Sequence[int] | None = None, note: str = "",
    at: datetime | None = None,
) -> Dossier:  # fmt: skip
    """Mẫu 02 for a submitted dossier: everything missing, in one go; the citizen can resubmit."""
    dossier = _lock_for_officer(dossier, officer)
    return _request_supplement(dossier, officer, at or timezone.now(), note, missing_ids)


@transaction.atomic
def refuse_submitted(
    *, dossier: Dossier, officer: User, reason: str, at: datetime | None = None
) -> Dossier:
    dossier = _lock_for_officer(dossier, officer)
    return _refuse(dossier, officer, at or timezone.now(), reason)
