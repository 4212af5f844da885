"""Sổ theo dõi hồ sơ (Mẫu 06): rows per agency and period, the Excel workbook, who may export."""

import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from motcua.directory.models import Agency
from motcua.dossiers.logbook import logbook_rows, logbook_workbook
from motcua.dossiers.services import intake
from tests import factories
from tests.factories import VN

pytestmark = pytest.mark.django_db

CENTER_AGENCY = "000.00.01.H13"  # receives at the can-tho center (first part of the codes)
JUSTICE = "000.00.12.H13"  # Sở Tư pháp: resolves procedure 2.000635
OTHER_CENTER_AGENCY = "000.00.01.H14"
HEADERS = [
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ (ngày, giờ)",
    "Hẹn trả kết quả (ngày, giờ)", "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức", "Ký nhận", "Ghi chú",
]  # fmt: skip


def take(version, center, officer, at, decision="receive", **applicant):
    return intake(
        version=version, center=center, officer=officer,
        applicant=factories.applicant(**applicant), decision=decision,
        components=factories.all_components(version, provided=decision != "supplement"),
        reason="Thiếu tờ khai" if decision != "receive" else "", at=at,
    )  # fmt: skip


@pytest.fixture
def book(version, center, officer):
    """Dossiers in and around the week of 23–29/11/2026, at two centers."""
    other_center = factories.center(code="hau-giang", agency_code=OTHER_CENTER_AGENCY)
    other_officer = factories.officer(other_center, username="haugiang")
    return {
        "late_evening": take(version, center, officer, datetime(2026, 11, 29, 23, 30, tzinfo=VN),
                             name="Lê Văn Muộn"),
        "monday": take(version, center, officer, datetime(2026, 11, 23, 9, 0, tzinfo=VN)),
        "before": take(version, center, officer, datetime(2026, 11, 22, 23, 59, tzinfo=VN)),
        "after": take(version, center, officer, datetime(2026, 11, 30, 0, 0, tzinfo=VN)),
        "supplement": take(version, center, officer, datetime(2026, 11, 24, 9, 0, tzinfo=VN),
                           decision="supplement"),
        "elsewhere": take(version, other_center, other_officer,
                          datetime(2026, 11, 25, 10, 0, tzinfo=VN), name="Phạm Thị Hậu"),
    }  # fmt: skip


WEEK = {"start": date(2026, 11, 23), "end": date(2026, 11, 29)}


def test_rows_of_the_receiving_agency_in_the_period_by_time_received(book):
    rows = logbook_rows(agency=Agency.objects.get(code=CENTER_AGENCY), **WEEK)
    assert [r.code for r in rows] == [book["monday"].code, book["late_evening"].code]
    assert [r.number for r in rows] == [1, 2]
    first = rows[0]
    assert first.procedure == "Cấp Phiếu lý lịch tư pháp"
    assert first.applicant == "Trần Văn Dân"
    assert first.contact == "Phường Ninh Kiều, Cần Thơ, 0912345678"
    assert first.lead_agency == "Sở Tư pháp"
    assert first.received_at == datetime(2026, 11, 23, 9, 0)  # local time, as printed
    assert first.due_at == datetime(2026, 12, 8, 9, 0)
    assert first.sets == 1
    assert first.note == "Kênh nộp: Trực tiếp"


def test_rows_of_the_agency_that_resolves_the_procedure_include_every_center(book):
    rows = logbook_rows(agency=Agency.objects.get(code=JUSTICE), **WEEK)
    assert [r.code for r in rows] == [
        book["monday"].code, book["elsewhere"].code, book["late_evening"].code,
    ]  # fmt: skip
    assert logbook_rows(agency=Agency.objects.get(code=OTHER_CENTER_AGENCY), **WEEK)[
        0
    ].applicant == ("Phạm Thị Hậu")


def test_one_day_period_and_an_empty_one(book):
    agency = Agency.objects.get(code=CENTER_AGENCY)
    day = date(2026, 11, 30)
    assert [r.code for r in logbook_rows(agency=agency, start=day, end=day)] == [book["after"].code]
    assert logbook_rows(agency=agency, start=date(2026, 1, 1), end=date(2026, 1, 31)) == []


def test_workbook_reads_back_as_mau_06(book):
    content = logbook_workbook(agency=Agency.objects.get(code=CENTER_AGENCY), **WEEK)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert ws["A2"].value == f"Trung tâm can-tho ({CENTER_AGENCY})"
    assert ws["A3"].value == "Từ ngày 23/11/2026 đến ngày 29/11/2026"
    assert [c.value for c in ws[5]] == HEADERS
    assert all(c.font.bold for c in ws[5])
    assert [c.value for c in ws[6]][:3] == ["(1)", "(2)", "(3)"]
    assert ws.freeze_panes == "C7"
    assert ws.column_dimensions["C"].width == 40
    first = [c.value for c in ws[7]]
    assert first == [
        1, book["monday"].code, "Cấp Phiếu lý lịch tư pháp", 1, "Trần Văn Dân",
        "Phường Ninh Kiều, Cần Thơ, 0912345678", "Sở Tư pháp", datetime(2026, 11, 23, 9, 0),
        datetime(2026, 12, 8, 9, 0), None, None, None, None, "Kênh nộp: Trực tiếp",
    ]  # fmt: skip
    assert ws["H7"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["I7"].number_format == "dd/mm/yyyy hh:mm"
    assert ws["E8"].value == "Lê Văn Muộn"
    assert ws.max_row == 8


def test_names_are_never_formulas(version, center, officer, monday_9am):
    take(version, center, officer, monday_9am, name='=HYPERLINK("http://x","y")')
    content = logbook_workbook(
        agency=Agency.objects.get(code=CENTER_AGENCY), start=monday_9am.date(),
        end=monday_9am.date(),
    )  # fmt: skip
    cell = load_workbook(io.BytesIO(content)).active["E7"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# --- the view -------------------------------------------------------------------------------


def export(client, agency=CENTER_AGENCY, start="2026-11-23", end="2026-11-29"):
    params = {"agency": agency, "from": start, "to": end}
    return client.get(reverse("documents:logbook"), {k: v for k, v in params.items() if v})


def test_officer_of_the_center_downloads_the_workbook(client, officer, book):
    client.force_login(officer)
    response = export(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        f'attachment; filename="so-theo-doi-{CENTER_AGENCY}-20261123-20261129.xlsx"'
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [ws["B7"].value, ws["B8"].value] == [book["monday"].code, book["late_evening"].code]


def test_form_page_offers_the_agencies_in_scope(client, officer, center):
    client.force_login(officer)
    response = client.get(reverse("documents:logbook"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{CENTER_AGENCY}"' in html
    assert f'value="{JUSTICE}"' not in html
    assert 'for="logbook-from"' in html and 'type="date"' in html


def test_officer_of_the_agency_itself_may_export(client, version, center, book):
    justice = Agency.objects.get(code=JUSTICE)
    user = factories.officer(center, username="sotuphap", role="specialist", agency=justice)
    client.force_login(user)
    assert export(client, agency=JUSTICE).status_code == 200


def test_out_of_scope_is_refused(client, officer, center, book):
    client.force_login(officer)  # posted at can-tho: not Sở Tư pháp, not the other center
    for agency in (JUSTICE, OTHER_CENTER_AGENCY):
        response = export(client, agency=agency)
        assert response.status_code == 403
        assert "không có quyền" in response.content.decode()


def test_citizens_cannot_export(client, book):
    client.force_login(factories.citizen())
    assert export(client).status_code == 403
    assert client.get(reverse("documents:logbook")).status_code == 403


def test_province_administrator_may_export_any_agency(client, book):
    from motcua.accounts.models import User

    admin = User.objects.create_user(username="quantri", password="x", role="administrator")
    client.force_login(admin)
    assert export(client, agency=OTHER_CENTER_AGENCY).status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    response = export(client)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "23/11/2026"}, "Ngày bắt đầu không hợp lệ"),
        ({"end": ""}, "Ngày kết thúc không hợp lệ"),
        ({"end": "2026-02-30"}, "Ngày kết thúc không hợp lệ"),
        ({"start": "2026-11-29", "end": "2026-11-23"}, "Ngày kết thúc phải sau"),
        ({"start": "2025-01-01", "end": "2026-11-23"}, "tối đa 366 ngày"),
        ({"agency": "khong-co"}, "Cần chọn cơ quan"),
    ],
)
def test_bad_input_gets_400_with_a_vietnamese_message(client, officer, params, message):
    client.force_login(officer)
    response = export(client, **params)
    assert response.status_code == 400
    assert message in response.content.decode()


# --- the command ----------------------------------------------------------------------------


def test_command_writes_the_workbook(book, tmp_path):
    path = tmp_path / "so.xlsx"
    out = io.StringIO()
    call_command(
        "export_logbook", str(path), "--agency", CENTER_AGENCY, "--from", "2026-11-23",
        "--to", "2026-11-29", stdout=out,
    )  # fmt: skip
    assert "Đã xuất 2 hồ sơ" in out.getvalue()
    ws = load_workbook(path).active
    assert ws["B7"].value == book["monday"].code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "000.00.99.H99", "--from", "2026-11-23", "--to", "2026-11-29"],
         "Không có cơ quan"),
        (["--agency", CENTER_AGENCY, "--from", "2026-13-01", "--to", "2026-11-29"],
         "Ngày bắt đầu không hợp lệ"),
        (["--agency", CENTER_AGENCY, "--from", "2026-11-29", "--to", "2026-11-01"],
         "Ngày kết thúc phải sau"),
    ],
)  # fmt: skip
def test_command_rejects_bad_input(db, center, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_logbook", str(tmp_path / "so.xlsx"), *args)
    assert not (tmp_path / "so.xlsx").exists()
