"""Printed forms of a running dossier: Mẫu 05 control slip, Mẫu 04 apology, the stop notice.

Like the Mẫu 01/02/03 of `motcua.dossiers.documents` (whose helpers are reused): HTML
templates (templates/workflow/pdf/) extending "dossiers/pdf/base.html", rendered to A4 PDF
with WeasyPrint, the same template serving the browser print view (`screen=True`). Everything
the templates show is prepared here.

- Mẫu 05 Phiếu kiểm soát quá trình giải quyết hồ sơ (Circular 01/2018/TT-VPCP): one row per
  hand-over, from `runtime_selectors.handovers` (the dossier's event log);
- Mẫu 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả, from the dossier's `Apology`, issued by the
  lead agency and signed by its head;
- Thông báo dừng xử lý hồ sơ (Decree 118/2025), from the dossier's `Withdrawal`, issued at the
  counter.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from motcua.dossiers.documents import Copy, format_datetime, long_date, officer_name, place_name
from motcua.dossiers.models import Dossier, Notice
from motcua.workflow.models import Apology, Outcome, StepRun, UnitKind, Withdrawal
from motcua.workflow.runtime_selectors import handovers

CONTROL_SLIP = "control_slip"
APOLOGY = "apology"
WITHDRAWAL = "withdrawal"

TEMPLATES = {
    CONTROL_SLIP: "workflow/pdf/mau05.html",
    APOLOGY: "workflow/pdf/mau04.html",
    WITHDRAWAL: "workflow/pdf/dung_xu_ly.html",
}


def _reference(dossier: Dossier) -> str:
    return dossier.code or str(dossier.public_id)


def _center_heading(dossier: Dossier) -> dict:
    """The issuing body of the forms kept at the counter (as on Mẫu 01/02/03)."""
    unit = dossier.center.unit
    return {
        "governing_body": _("UBND %(unit)s") % {"unit": unit.name} if unit else "",
        "receiving_unit": dossier.center.name,
    }


def _common(dossier: Dossier) -> dict:
    version = dossier.procedure_version
    return {
        "dossier": dossier,
        "code": _reference(dossier),
        "procedure_name": version.name,
        "procedure_code": version.procedure.code,
        "lead_agency": version.agency.name,
        "center_name": dossier.center.name,
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "submitter_name": dossier.submitter_name,
        "received_at": format_datetime(dossier.received_at),
        "received_on": long_date(dossier.received_at) if dossier.received_at else "",
        "due_at": format_datetime(dossier.due_at),
        "copies": [Copy(1, "")],
    }


# --- Mẫu 05: the control slip -----------------------------------------------------------------


@dataclass(frozen=True)
class SlipRow:
    """One row of Mẫu 05: "1. Giao: …" / "2. Nhận: …", the time, the outcome, the notes."""

    giver_number: int
    receiver_number: int
    giver_unit: str
    giver_name: str
    receiver_unit: str
    receiver_name: str
    at: str
    outcome: str  # "Trước hạn" / "Đúng hạn" / "Quá hạn", blank for the receipt
    notes: list[str]


def _outcome_label(outcome: str) -> str:
    try:
        return str(Outcome(outcome).label)
    except ValueError:
        return ""


def cooperating_agencies(dossier: Dossier) -> list[str]:
    """Agencies other than the lead agency that held a step of the dossier (liên thông,
    consultations), in the order they first took part; the One-stop Department is not one."""
    lead = dossier.procedure_version.agency_id
    names: dict[int, str] = {}
    runs = (
        StepRun.objects.filter(dossier_process__dossier=dossier)
        .exclude(unit_kind=UnitKind.ONE_STOP)
        .exclude(unit_id=lead)
        .select_related("unit")
        .order_by("started_at", "id")
    )
    for run in runs:
        names.setdefault(run.unit_id, run.unit.name)
    return list(names.values())


def slip_rows(dossier: Dossier) -> list[SlipRow]:
    rows = []
    for i, h in enumerate(handovers(dossier)):
        notes = []
        if h.to_step_name:
            notes.append(_("Chuyển đến bước: %(step)s") % {"step": h.to_step_name})
        if h.note:
            notes.append(h.note)
        rows.append(
            SlipRow(
                giver_number=2 * i + 1,
                receiver_number=2 * i + 2,
                giver_unit=h.giver_unit,
                giver_name=h.giver_name,
                receiver_unit=h.receiver_unit,
                receiver_name=h.receiver_name,
                at=format_datetime(h.at),
                outcome=_outcome_label(h.outcome),
                notes=notes,
            )
        )
    return rows


def control_slip_context(dossier: Dossier) -> dict:
    receipt = dossier.notices.filter(kind=Notice.Kind.RECEIPT).order_by("issued_at").first()
    apology = Apology.objects.filter(dossier=dossier).first()
    context = _common(dossier)
    context.update(
        _center_heading(dossier),
        form_number="05",
        title=_("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        receipt_number=receipt.number if receipt else "",
        cooperating=cooperating_agencies(dossier),
        new_due_at=format_datetime(apology.new_due_at) if apology else "",
        rows=slip_rows(dossier),
    )
    return context


# --- Mẫu 04: the apology ------------------------------------------------------------------------


def apology_context(apology: Apology) -> dict:
    dossier = apology.dossier
    agency = dossier.procedure_version.agency
    context = _common(dossier)
    moved = apology.effective_due_at != apology.original_due_at
    context.update(
        form_number="04",
        title=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        apology=apology,
        number=apology.number,
        governing_body=agency.parent.name if agency.parent_id else "",
        receiving_unit=agency.name,
        place_and_date=f"{place_name(dossier)}, {long_date(apology.issued_at)}",
        original_due_at=format_datetime(apology.original_due_at),
        effective_due_at=format_datetime(apology.effective_due_at) if moved else "",
        new_due_at=format_datetime(apology.new_due_at),
        new_due_on=long_date(apology.new_due_at),
        reason=apology.reason,
        signer_name=officer_name(apology.issued_by),
    )
    return context


# --- the stop notice ------------------------------------------------------------------------------


def withdrawal_context(withdrawal: Withdrawal) -> dict:
    dossier = withdrawal.dossier
    context = _common(dossier)
    context.update(
        _center_heading(dossier),
        title=_("Thông báo về việc dừng xử lý hồ sơ"),
        withdrawal=withdrawal,
        number=withdrawal.number,
        place_and_date=f"{place_name(dossier)}, {long_date(withdrawal.issued_at)}",
        stopped_at=format_datetime(withdrawal.issued_at),
        stopped_on=long_date(withdrawal.issued_at),
        request_note=withdrawal.note,
        signer_name=officer_name(withdrawal.issued_by),
    )
    return context


# --- rendering ------------------------------------------------------------------------------------


def form_context(kind: str, subject) -> dict:
    """`subject` is the dossier (control slip), its Apology or its Withdrawal."""
    if kind == CONTROL_SLIP:
        return control_slip_context(subject)
    if kind == APOLOGY:
        return apology_context(subject)
    if kind == WITHDRAWAL:
        return withdrawal_context(subject)
    raise ValueError(kind)


def render_form_html(kind: str, subject, *, screen: bool = False, **extra) -> str:
    """The form as an HTML document; `screen` adds the print toolbar of the browser view."""
    context = form_context(kind, subject)
    context.update(screen=screen, **extra)
    return render_to_string(TEMPLATES[kind], context)


def form_document(kind: str, subject, *, base_url: str):
    """The laid-out WeasyPrint document (pages, boxes) before it is written as PDF."""
    from weasyprint import HTML

    return HTML(string=render_form_html(kind, subject), base_url=base_url).render()


def render_form_pdf(kind: str, subject, *, base_url: str) -> bytes:
    return form_document(kind, subject, base_url=base_url).write_pdf()


def form_filename(kind: str, dossier: Dossier) -> str:
    """mau-05-<code>.pdf, mau-04-<code>.pdf, dung-xu-ly-<code>.pdf."""
    prefix = {CONTROL_SLIP: "mau-05", APOLOGY: "mau-04", WITHDRAWAL: "dung-xu-ly"}[kind]
    return f"{prefix}-{_reference(dossier)}.pdf"
