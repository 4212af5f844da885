"""The periodic report (/giam-sat/bao-cao/, motcua export-report): its numbers on the golden
rows equal kpi_figures (grand total over the scope, each agency's total with agency=…), and
the Excel and PDF files carry them."""

from datetime import date
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from motcua.reports import periodic, selectors
from tests.dossiers.test_documents import page_texts
from tests.reports.test_grouped import varied  # noqa: F401  (fixture: two agencies, fields)
from tests.reports.test_selectors import rows  # noqa: F401  (fixture: the golden rows)

pytestmark = pytest.mark.django_db

URL = "/giam-sat/bao-cao/"
MARCH = {"loai": "thang", "ky": "2026-03"}
# The golden March by hand (tests/domain/test_kpi.py): received 11 = 1 carried over (I)
# + 4 online (B E F H) + 6 at the counter or by post; resolved 8 = 3 early (A H I) + 1 on time
# (B) + 4 late (C D E M); in progress 3 = 2 on time (F L) + 1 overdue (G).
GRAND = [11, 1, 4, 6, 8, 3, 1, 4, 3, 2, 1]


def march_period():
    return selectors.period_of(date(2026, 3, 1), date(2026, 3, 31))


def build(scope: selectors.Scope | None = None):
    return periodic.build(
        march_period(), scope or selectors.Scope(), period_label="Tháng 3/2026", scope_label="x"
    )


def test_totals_equal_kpi_figures(varied, version):  # noqa: F811
    report = build()
    assert report.total.cells == GRAND
    assert report.total.values == periodic.derive(selectors.kpi_figures(march_period()).counts)
    for section in report.sections:
        k = selectors.kpi_figures(march_period(), selectors.Scope(agency=section.agency_id))
        assert section.total.values == periodic.derive(k.counts), section.name
        assert section.total.values == {
            key: sum(r.values[key] for r in section.rows) for key in periodic.KEYS
        }
    by_name = {s.code: s for s in report.sections}
    other = by_name["000.01.02.H13"]  # D, E, M: all late
    assert other.total.cells == [3, 0, 1, 2, 3, 0, 0, 3, 0, 0, 0]
    justice = by_name[version.agency.code]
    assert [r.label for r in justice.rows] == [version.field.name, "(Chưa phân lĩnh vực)"]
    assert justice.rows[1].cells == [1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0]  # B: online, on time


def test_the_report_follows_the_reach(client, rows, people, center):  # noqa: F811
    client.force_login(people.director)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    k = selectors.kpi_figures(march_period(), selectors.Scope(center_in=frozenset({center.pk})))
    assert response.context["report"].total.values == periodic.derive(k.counts)
    assert response.context["report"].total.values["received"] == 8
    assert client.get(URL, MARCH | {"trung-tam": "xa-an-binh"}).status_code == 403


def test_screen_links_every_number(client, varied, people):  # noqa: F811
    client.force_login(people.supervisor)
    response = client.get(URL, MARCH)
    html = response.content.decode()
    assert [v for v, _url in response.context["total_cells"]] == GRAND
    url = dict(zip(periodic.KEYS, response.context["total_cells"], strict=True))["finished"][1]
    listed = client.get(url).content.decode()
    assert "8 hồ sơ" in listed
    assert "Báo cáo định kỳ giải quyết thủ tục hành chính" in html and "Tháng 3/2026" in html


def test_bad_period_is_explained(client, people):
    client.force_login(people.supervisor)
    response = client.get(URL, {"loai": "quy", "ky": "2026-Q7"})
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()


def test_excel(client, varied, people):  # noqa: F811
    client.force_login(people.supervisor)
    response = client.get(URL, MARCH | {"dinh-dang": "xlsx"})
    assert response["Content-Disposition"].endswith('bao-cao-tthc-20260301-20260331.xlsx"')
    ws = load_workbook(BytesIO(response.content)).active
    assert ws["A1"].value == "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert ws["A2"].value == "Tháng 3/2026"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A6", "B5:B6", "C5:F5", "G5:J5", "K5:M5"} <= merged
    assert (ws["C5"].value, ws["G5"].value, ws["K5"].value) == (
        "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết",
    )  # fmt: skip
    assert ws.freeze_panes == "C8"
    assert ws.page_setup.orientation == "landscape"
    last = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 2).value == "Tổng cộng")
    assert [ws.cell(last, c).value for c in range(3, 14)] == GRAND
    assert ws.cell(last, 3).number_format == "#,##0"


def test_pdf_has_the_totals(client, varied, people):  # noqa: F811
    from weasyprint import HTML

    from motcua.reports import exports

    document = HTML(string=exports.report_html(build())).render()
    text = " ".join(page_texts(document))
    assert "Tổng cộng" in text and "Tháng 3/2026" in text
    assert " ".join(str(v) for v in GRAND) in text
    assert document.write_pdf().startswith(b"%PDF")
    # Every glyph came from the Debian font named in the CSS (no tofu).
    assert {font.family for font in document.fonts.values()} == {"DejaVu Sans"}
    assert not any(font.missing for font in document.fonts.values())
    client.force_login(people.supervisor)
    response = client.get(URL, MARCH | {"dinh-dang": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_export_command(varied, center, tmp_path):  # noqa: F811
    out = tmp_path / "march.xlsx"
    call_command("export_report", period="2026-03", format="xlsx", output=str(out))
    ws = load_workbook(out).active
    last = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 2).value == "Tổng cộng")
    assert [ws.cell(last, c).value for c in range(3, 14)] == GRAND
    pdf = tmp_path / "q1.pdf"
    call_command("export_report", quarter="2026-Q1", center=center.code, format="pdf",
                 output=str(pdf))  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("export_report", year="20x6", format="pdf", output=str(pdf))
    with pytest.raises(CommandError, match="Không có trung tâm"):
        call_command("export_report", year="2026", center="khong-co", format="pdf",
                     output=str(pdf))  # fmt: skip
