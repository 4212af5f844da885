"""Sổ theo dõi hồ sơ (Mẫu 06, Circular 01/2018/TT-VPCP): the counter's log book per agency.

Reads only: which dossiers an agency received in a period, and the same as an Excel workbook.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.db.models.query import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from motcua.accounts.models import User
from motcua.accounts.selectors import has_province_scope, scoped_agency_ids, scoped_center_ids
from motcua.catalog.models import Channel
from motcua.directory.models import Agency, ServiceCenter
from motcua.dossiers.models import Dossier

MAX_PERIOD_DAYS = 366
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class LogbookRow:
    """One line of the log book; times are local (Asia/Ho_Chi_Minh), without a time zone."""

    number: int
    code: str
    procedure: str
    sets: int
    applicant: str
    contact: str
    lead_agency: str
    received_at: datetime
    due_at: datetime | None
    note: str


def _local_naive(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def logbook_dossiers(*, agency: Agency, start: date, end: date) -> QuerySet[Dossier]:
    """Dossiers with a code received by, or to be resolved by, `agency` in [start, end] (local)."""
    return (
        Dossier.objects.select_related("procedure_version__agency", "procedure_version__procedure")
        .filter(code__isnull=False)
        .filter(Q(receiving_agency=agency) | Q(procedure_version__agency=agency))
        .filter(received_at__gte=_day_start(start), received_at__lt=_day_start(end + timedelta(1)))
        .order_by("received_at", "code")
    )


def _note(dossier: Dossier) -> str:
    parts = [_("Kênh nộp: %(channel)s") % {"channel": dossier.get_channel_display()}]
    if dossier.channel == Channel.POSTAL and dossier.postal_tracking_number:
        parts.append(_("số hiệu bưu gửi %(number)s") % {"number": dossier.postal_tracking_number})
    return "; ".join(parts)


def _applicant(dossier: Dossier) -> str:
    if dossier.submitter_name:
        return _("%(applicant)s (người nộp thay: %(submitter)s)") % {
            "applicant": dossier.applicant_name,
            "submitter": dossier.submitter_name,
        }
    return dossier.applicant_name


def logbook_rows(*, agency: Agency, start: date, end: date) -> list[LogbookRow]:
    """The log-book lines of `agency` for the local dates [start, end], by time received."""
    rows = []
    for number, dossier in enumerate(logbook_dossiers(agency=agency, start=start, end=end), 1):
        version = dossier.procedure_version
        rows.append(
            LogbookRow(
                number=number,
                code=dossier.code,
                procedure=version.name,
                sets=dossier.sets,
                applicant=_applicant(dossier),
                contact=", ".join(
                    p for p in (dossier.applicant_address, dossier.applicant_phone) if p
                ),
                lead_agency=version.agency.name,
                received_at=_local_naive(dossier.received_at),
                due_at=_local_naive(dossier.due_at),
                note=_note(dossier),
            )
        )
    return rows


# --- who may export what -------------------------------------------------------------------


def agencies_for(user: User) -> QuerySet[Agency]:
    """Agencies whose log book the user may export."""
    if has_province_scope(user):
        return Agency.objects.filter(is_active=True).order_by("name")
    if not user.is_authenticated or not user.is_officer:
        return Agency.objects.none()
    return (
        Agency.objects.filter(
            Q(id__in=scoped_agency_ids(user))
            | Q(centers_as_receiver__id__in=scoped_center_ids(user))
        )
        .distinct()
        .order_by("name")
    )


def may_export(user: User, agency: Agency) -> bool:
    """Province scope, the user's agency (or one under it), or the receiver of the user's center."""
    if has_province_scope(user):
        return True
    if not user.is_authenticated or not user.is_officer:
        return False
    if agency.pk in scoped_agency_ids(user):
        return True
    return ServiceCenter.objects.filter(id__in=scoped_center_ids(user), agency=agency).exists()


def period_problem(start: date, end: date) -> str:
    """A Vietnamese message when the period cannot be exported, else ""."""
    if end < start:
        return _("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")
    if (end - start).days >= MAX_PERIOD_DAYS:
        return _("Mỗi lần chỉ xuất được tối đa %(days)d ngày.") % {"days": MAX_PERIOD_DAYS}
    return ""


# --- the workbook --------------------------------------------------------------------------

# (header, column width); columns of Mẫu 06.
COLUMNS = [
    (gettext_noop("STT"), 6),
    (gettext_noop("Mã hồ sơ"), 27),
    (gettext_noop("Tên thủ tục hành chính"), 40),
    (gettext_noop("Số lượng hồ sơ (bộ)"), 10),
    (gettext_noop("Tên cá nhân, tổ chức"), 28),
    (gettext_noop("Địa chỉ, số điện thoại"), 34),
    (gettext_noop("Cơ quan chủ trì giải quyết"), 28),
    (gettext_noop("Nhận hồ sơ (ngày, giờ)"), 17),
    (gettext_noop("Hẹn trả kết quả (ngày, giờ)"), 17),
    (gettext_noop("Chuyển hồ sơ đến cơ quan giải quyết"), 17),
    (gettext_noop("Nhận kết quả từ cơ quan giải quyết"), 17),
    (gettext_noop("Trả kết quả cho cá nhân, tổ chức"), 17),
    (gettext_noop("Ký nhận"), 14),
    (gettext_noop("Ghi chú"), 30),
]
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 2  # a row of column numbers (1), (2)… sits under the headers


def _clean(value):
    """Text as a cell value: no characters XML forbids."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _set(ws, row: int, column: int, value):
    cell = ws.cell(row=row, column=column, value=_clean(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # never a formula: names and addresses are data
    return cell


def logbook_workbook(
    *, agency: Agency, start: date, end: date, rows: list[LogbookRow] | None = None
) -> bytes:
    """The log book of `agency` for [start, end] as an .xlsx file (`rows` if already read)."""
    if rows is None:
        rows = logbook_rows(agency=agency, start=start, end=end)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Sổ theo dõi hồ sơ")[:31]
    last_col = get_column_letter(len(COLUMNS))

    titles = [
        (_("SỔ THEO DÕI HỒ SƠ"), Font(bold=True, size=14)),
        (f"{agency.name} ({agency.code})", Font(bold=True, size=12)),
        (
            _("Từ ngày %(start)s đến ngày %(end)s")
            % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
            Font(italic=True),
        ),
    ]
    for index, (text, font) in enumerate(titles, 1):
        cell = _set(ws, index, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A{index}:{last_col}{index}")

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="E8EEF7")
    for col, (header, width) in enumerate(COLUMNS, 1):
        cell = _set(ws, HEADER_ROW, col, _(header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.fill = fill
        numbering = _set(ws, HEADER_ROW + 1, col, f"({col})")
        numbering.font = Font(italic=True, size=9)
        numbering.alignment = Alignment(horizontal="center")
        numbering.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[HEADER_ROW].height = 48

    wrap = Alignment(vertical="top", wrap_text=True)
    centered = Alignment(horizontal="center", vertical="top")
    for offset, row in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        values = [
            row.number, row.code, row.procedure, row.sets, row.applicant, row.contact,
            row.lead_agency, row.received_at, row.due_at, None, None, None, None, row.note,
        ]  # fmt: skip
        for col, value in enumerate(values, 1):
            cell = _set(ws, r, col, value)
            cell.border = border
            cell.alignment = centered if col in (1, 4) else wrap
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT

    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)
    last_row = max(FIRST_DATA_ROW - 1, FIRST_DATA_ROW + len(rows) - 1)
    ws.auto_filter.ref = f"A{HEADER_ROW + 1}:{last_col}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def logbook_filename(*, agency: Agency, start: date, end: date) -> str:
    return f"so-theo-doi-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
