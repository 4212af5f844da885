"""Printed forms of a dossier: Mẫu 01 receipt, Mẫu 02 supplement request, Mẫu 03 refusal.

Circular 01/2018/TT-VPCP forms, rendered from HTML templates (templates/dossiers/pdf/) to A4 PDF
with WeasyPrint; the same templates serve the browser print view. Everything the templates show
is prepared here, so the templates only lay it out.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

import segno
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, Notice, ResultDelivery

TEMPLATES = {
    Notice.Kind.RECEIPT: "dossiers/pdf/mau01.html",
    Notice.Kind.SUPPLEMENT: "dossiers/pdf/mau02.html",
    Notice.Kind.REFUSAL: "dossiers/pdf/mau03.html",
}
FORM_NUMBERS = {Notice.Kind.RECEIPT: "01", Notice.Kind.SUPPLEMENT: "02", Notice.Kind.REFUSAL: "03"}

# Administrative-unit words dropped from a unit's name to write the place before the date
# ("Cần Thơ, ngày 23 tháng 11 năm 2026").
_UNIT_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


# --- small formatting helpers --------------------------------------------------------------


def format_datetime(value: datetime | None) -> str:
    """hh:mm dd/mm/yyyy in the local time zone, as Mẫu 01 writes times."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def time_limit_text(days: Decimal | int | float | None) -> str:
    """The legal time limit in words: "10 ngày làm việc", "0,5 ngày làm việc", "trong ngày"."""
    if days is None:
        return ""
    value = Decimal(str(days))
    if value <= 0:
        return _("Giải quyết trong ngày")
    number = format(value.normalize(), "f").replace(".", ",")
    return _("%(days)s ngày làm việc") % {"days": number}


def place_name(dossier: Dossier) -> str:
    unit = dossier.center.unit
    name = unit.name if unit else ""
    for prefix in _UNIT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def long_date(value: datetime) -> str:
    local = timezone.localtime(value)
    return _("ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "d": local.day,
        "m": local.month,
        "y": local.year,
    }


def result_place_text(dossier: Dossier) -> str:
    """Where the applicant collects the result (Mẫu 01 "Đăng ký nhận kết quả tại")."""
    if dossier.result_delivery == ResultDelivery.POST:
        return _("Qua dịch vụ bưu chính công ích, tại địa chỉ: %(address)s") % {
            "address": dossier.delivery_address or dossier.applicant_address
        }
    if dossier.result_delivery == ResultDelivery.ELECTRONIC:
        return _("Bản điện tử, trong tài khoản trên Cổng dịch vụ công hoặc qua thư điện tử")
    center = dossier.center
    text = _("Bộ phận Một cửa — %(center)s") % {"center": center.name}
    if center.address:
        text += f", {center.address}"
    return text


def officer_name(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.get_full_name() or user.username


# --- the QR code ---------------------------------------------------------------------------


def lookup_url(*, request: HttpRequest, code: str) -> str:
    """Absolute URL of the public lookup page pre-filled with the code (what the QR opens)."""
    path = f"{reverse('lookup:lookup')}?{urlencode({'code': code})}"
    return request.build_absolute_uri(path)


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data URI, for an <img> in the PDF and the print view."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


# --- the context each form template gets --------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """One printed copy (liên) of a form."""

    number: int
    label: str


def receipt_copies() -> list[Copy]:
    return [Copy(1, _("Liên 1: Lưu")), Copy(2, _("Liên 2: Giao người nộp hồ sơ"))]


def notice_context(*, notice: Notice, lookup_url: str) -> dict:
    """Everything a form template needs, formatted; `lookup_url` is what the QR encodes."""
    dossier = notice.dossier
    version = dossier.procedure_version
    center = dossier.center
    issued_by = notice.issued_by or dossier.received_by
    unit = center.unit
    context = {
        "notice": notice,
        "dossier": dossier,
        "form_number": FORM_NUMBERS[notice.kind],
        "governing_body": _("UBND %(unit)s") % {"unit": unit.name} if unit else "",
        "receiving_unit": center.name,
        "place_and_date": f"{place_name(dossier)}, {long_date(notice.issued_at)}",
        "procedure_name": version.name,
        "procedure_code": version.procedure.code,
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "submitter_name": dossier.submitter_name,
        "officer_name": officer_name(issued_by),
        "officer_phone": (issued_by.phone if issued_by else "") or center.phone,
        "copies": [Copy(1, "")],
    }
    if notice.kind == Notice.Kind.RECEIPT:
        received = dossier.received_at or notice.issued_at
        context.update(
            code=dossier.code or notice.number,
            components=notice.content.get("components", []),
            sets=dossier.sets,
            time_limit=time_limit_text(version.time_limit_days),
            received_at=format_datetime(received),
            due_at=format_datetime(dossier.due_at),
            result_place=result_place_text(dossier),
            log_book_volume=timezone.localtime(received).strftime("%d/%m/%Y"),
            log_book_number=dossier.log_book_number or "",
            lookup_url=lookup_url,
            qr=qr_data_uri(lookup_url),
            copies=receipt_copies(),
        )
    elif notice.kind == Notice.Kind.SUPPLEMENT:
        note = notice.content.get("note", "")
        missing = notice.content.get("missing", [])
        if missing:
            # The officer's note says why; the table says what to bring.
            reason = note or _("Hồ sơ còn thiếu thành phần theo quy định của thủ tục.")
            note = ""
        else:
            reason = _(
                "Hồ sơ chưa hợp lệ theo quy định của thủ tục; cần hoàn thiện nội dung nêu trên."
            )
        context.update(missing=missing, note=note, reason=reason)
    else:
        context.update(reason=notice.content.get("reason", ""))
    return context


# --- rendering -----------------------------------------------------------------------------


def render_notice_html(*, notice: Notice, lookup_url: str, screen: bool = False, **extra) -> str:
    """The form as an HTML document; `screen` adds the print toolbar of the browser view."""
    context = notice_context(notice=notice, lookup_url=lookup_url)
    context.update(screen=screen, **extra)
    return render_to_string(TEMPLATES[notice.kind], context)


def notice_document(*, notice: Notice, base_url: str, lookup_url: str):
    """The laid-out WeasyPrint document (pages, boxes) before it is written as PDF."""
    from weasyprint import HTML

    html = render_notice_html(notice=notice, lookup_url=lookup_url)
    return HTML(string=html, base_url=base_url).render()


def render_notice_pdf(*, notice: Notice, base_url: str, lookup_url: str) -> bytes:
    """The form as A4 PDF bytes (Mẫu 01 has two pages: Liên 1 kept, Liên 2 for the applicant)."""
    return notice_document(notice=notice, base_url=base_url, lookup_url=lookup_url).write_pdf()


def notice_filename(notice: Notice) -> str:
    """mau-01-<code>.pdf; a Mẫu 02/03 of a dossier without a code uses the form's number."""
    reference = notice.dossier.code or notice.number.split("/", 1)[-1]
    return f"mau-{FORM_NUMBERS[notice.kind]}-{reference}.pdf"
