"""The supervision pages' files: the periodic report as Excel and PDF, a figure's dossiers as
Excel. Workbooks with openpyxl (merged headers, number formats, frozen panes, A4 landscape
print set-up); the PDF with WeasyPrint from an HTML template (as dossiers/documents.py does).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.reports.models import DossierRecord
from motcua.reports.periodic import Report, Row

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_FILL = PatternFill("solid", fgColor="F0F3F6")
THIN = Side(style="thin", color="98A2B3")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
NUMBER = "#,##0"


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the periodic report ---------------------------------------------------------------------


def report_workbook(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Báo cáo")[:31]
    width = 2 + len(report.columns)
    last = get_column_letter(width)
    for row, (text, size) in enumerate(
        [(report.title.upper(), 13), (report.period_label, 11), (report.scope_label, 11)], 1
    ):
        ws.merge_cells(f"A{row}:{last}{row}")
        cell = ws.cell(row, 1, _text(text))
        cell.font = Font(bold=row == 1, size=size)
        cell.alignment = CENTER
    # Two header rows: the groups merged over their columns, then the columns.
    top, sub = 5, 6
    for col, text in ((1, _("STT")), (2, _("Cơ quan, lĩnh vực"))):
        ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        ws.cell(top, col, text)
    col = 3
    for _key, label, span in report.groups:
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + span - 1)
        ws.cell(top, col, label)
        col += span
    for i, (_key, label, _group) in enumerate(report.columns):
        ws.cell(sub, 3 + i, label)
    for r in (top, sub):
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.alignment, cell.border = (
                Font(bold=True), HEADER_FILL, CENTER, BORDER,
            )  # fmt: skip
    # Column numbers (1), (2), … as the national forms print them.
    numbers = sub + 1
    for c in range(1, width + 1):
        cell = ws.cell(numbers, c, f"({c})")
        cell.alignment, cell.border, cell.font = CENTER, BORDER, Font(italic=True, size=9)

    row = numbers + 1

    def put(label: str, values: Row, *, number: str = "", bold: bool = False, fill=None):
        nonlocal row
        ws.cell(row, 1, number)
        ws.cell(row, 2, _text(label))
        for i, value in enumerate(values.cells):
            ws.cell(row, 3 + i, value).number_format = NUMBER
        for c in range(1, width + 1):
            cell = ws.cell(row, c)
            cell.border = BORDER
            if bold:
                cell.font = Font(bold=True)
            if fill:
                cell.fill = fill
        ws.cell(row, 1).alignment = Alignment(horizontal="center")
        ws.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1

    for n, section in enumerate(report.sections, 1):
        put(section.name, section.total, number=str(n), bold=True, fill=TOTAL_FILL)
        for m, line in enumerate(section.rows, 1):
            put(line.label, line, number=f"{n}.{m}")
    put(report.total.label, report.total, bold=True, fill=HEADER_FILL)
    note = _("Lập lúc %(at)s. Số liệu tính theo Quyết định 766/QĐ-TTg từ dữ liệu hồ sơ.") % {
        "at": timezone.localtime(report.generated_at).strftime("%H:%M %d/%m/%Y")
    }
    ws.cell(row + 1, 1, note).font = Font(italic=True, size=9)

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 42
    for c in range(3, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    ws.row_dimensions[sub].height = 45
    ws.freeze_panes = ws.cell(numbers + 1, 3)
    _print_setup(ws, f"{top}:{numbers}")
    return _save(wb)


def report_html(report: Report) -> str:
    return render_to_string("reports/pdf/periodic.html", {"report": report})


def report_pdf(report: Report, *, base_url: str = "") -> bytes:
    from weasyprint import HTML  # heavy: imported when a PDF is made

    return HTML(string=report_html(report), base_url=base_url or None).write_pdf()


def report_filename(report: Report, ext: str) -> str:
    start = timezone.localtime(report.period.start).date()
    end = (timezone.localtime(report.period.end) - timedelta(days=1)).date()  # the last day
    return f"bao-cao-tthc-{start:%Y%m%d}-{end:%Y%m%d}.{ext}"


# --- a figure's dossiers -----------------------------------------------------------------------

LIST_HEADERS = (
    gettext_noop("Mã hồ sơ"), gettext_noop("Thủ tục"), gettext_noop("Cơ quan giải quyết"), gettext_noop("Trung tâm"), gettext_noop("Kênh"),
    gettext_noop("Tiếp nhận lúc"), gettext_noop("Hẹn trả"), gettext_noop("Kết thúc lúc"), gettext_noop("Kết thúc"), gettext_noop("Đúng hạn"),
)  # fmt: skip


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def list_workbook(
    title: str, subtitle: str, records: Iterable[DossierRecord], names: dict[int, str]
) -> bytes:
    """`names`: procedure id → name (`selectors.procedure_names`)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Hồ sơ")[:31]
    ws.cell(1, 1, _text(title)).font = Font(bold=True, size=12)
    ws.cell(2, 1, _text(subtitle))
    headers = [_(h) for h in LIST_HEADERS]
    for c, text in enumerate(headers, 1):
        cell = ws.cell(4, c, text)
        cell.font, cell.fill, cell.alignment, cell.border = (
            Font(bold=True),
            HEADER_FILL,
            CENTER,
            BORDER,
        )
    row = 5
    for r in records:
        values = [
            r.code, f"{r.procedure.code} — {names.get(r.procedure_id, '')}", r.agency.name, r.center.name,
            r.get_channel_display(), _local(r.received_at), _local(r.new_due_at or r.due_at),
            _local(r.ended_at), r.get_end_kind_display() if r.end_kind else "",
            r.get_outcome_display() if r.outcome else "",
        ]  # fmt: skip
        for c, value in enumerate(values, 1):
            cell = ws.cell(row, c, _text(str(value)) if isinstance(value, str) else value)
            if c in (6, 7, 8):
                cell.number_format = "dd/mm/yyyy hh:mm"
        row += 1
    for c, w in enumerate((26, 48, 30, 30, 14, 17, 17, 17, 14, 12), 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "B5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headers))}{max(row - 1, 4)}"
    _print_setup(ws, "4:4")
    return _save(wb)
