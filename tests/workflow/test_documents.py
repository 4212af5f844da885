"""The workflow's printed forms: Mẫu 05 control slip, Mẫu 04 apology, the stop notice; PDF and
print views, and who may see them."""

from datetime import datetime

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.workflow import documents, runtime
from motcua.workflow.models import Apology, StepRun
from tests import factories
from tests.dossiers.test_documents import page_texts
from tests.factories import VN
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    drive,
    people_fixture,
    person,
    publish_with_consultation,
    receive,
)

pytestmark = pytest.mark.django_db


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.fixture
def moved(version, center, people, monday_9am) -> Dossier:
    """Received Mon 23/11 09:00 (due Tue 8/12 09:00); Sở Xây dựng consulted (liên thông, early);
    the specialist late (due Wed 2/12 09:30, forwarded Thu 3/12); then an apology."""
    publish_with_consultation(version.procedure)
    dossier = receive(version, center, people.reception, monday_9am)
    runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 11, 23, 9, 30),
                    note="Chuyển Sở Tư pháp")  # fmt: skip
    runtime.consult(dossier=dossier, user=people.specialist, note="Xin ý kiến về quy hoạch",
                    at=vn(2026, 11, 25, 10, 0))  # fmt: skip
    runtime.forward(dossier=dossier, user=people.outsider, note="Đồng ý",
                    at=vn(2026, 11, 26, 9, 0))  # fmt: skip
    runtime.forward(dossier=dossier, user=people.specialist, at=vn(2026, 12, 3, 10, 0))
    runtime.forward(dossier=dossier, user=people.head, action_name="approve",
                    at=vn(2026, 12, 3, 14, 0))  # fmt: skip
    runtime.apologize(dossier=dossier, user=people.leader, reason="Chờ ý kiến thẩm định bổ sung.",
                      new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 4, 9, 0))  # fmt: skip
    return dossier


def control_slip_text(dossier: Dossier) -> str:
    document = documents.form_document(
        documents.CONTROL_SLIP, dossier, base_url="http://testserver/"
    )
    return " ".join(" ".join(page_texts(document)).split())


# --- Mẫu 05 ----------------------------------------------------------------------------------


def test_control_slip_rows_name_units_people_times_and_outcomes(moved, people):
    ctx = documents.control_slip_context(moved)
    assert ctx["lead_agency"] == "Sở Tư pháp"
    assert ctx["cooperating"] == ["Sở Xây dựng"]  # the consulted agency; not the center
    assert ctx["receipt_number"] == moved.code
    rows = ctx["rows"]
    assert [(r.giver_number, r.receiver_number) for r in rows[:2]] == [(1, 2), (3, 4)]
    receipt, reception, consult, opinion, specialist, head = rows
    assert receipt.giver_unit == "Người nộp hồ sơ" and receipt.outcome == ""
    assert receipt.receiver_name == "Nguyễn Thị Tiếp Nhận"
    assert (reception.at, reception.outcome) == ("09:30 23/11/2026", "Đúng hạn")
    assert reception.receiver_unit == "Sở Tư pháp" and "Chuyển Sở Tư pháp" in reception.notes
    assert (consult.giver_unit, consult.receiver_unit) == ("Sở Tư pháp", "Sở Xây dựng")
    assert consult.outcome == ""  # the specialist's step goes on: no outcome yet
    assert (opinion.giver_unit, opinion.giver_name) == ("Sở Xây dựng", "Cán bộ xaydung")
    assert opinion.outcome == "Trước hạn" and "Đồng ý" in opinion.notes
    assert opinion.receiver_unit == "Sở Tư pháp"  # back to the main line's holder
    assert (specialist.at, specialist.outcome) == ("10:00 03/12/2026", "Quá hạn")
    assert specialist.giver_name == "Cán bộ chuyenvien"
    assert StepRun.objects.get(step__key="specialist").outcome == "late"
    assert head.outcome == "Trước hạn"
    assert ctx["new_due_at"] == "16:00 15/12/2026"


def test_control_slip_pdf_has_the_form_and_every_hand_over(moved):
    text = control_slip_text(moved)
    for expected in (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f"Mã hồ sơ: {moved.code}",
        f"Kèm theo Phiếu giao nhận hồ sơ số: {moved.code}",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Sở Tư pháp",
        "Cơ quan phối hợp giải quyết hồ sơ: Sở Xây dựng", "Trần Văn Dân",
        "Cấp Phiếu lý lịch tư pháp", "09:00 23/11/2026", "09:00 08/12/2026",
        "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "Người giao", "Người nhận", "GHI CHÚ",
        "1. Giao: Người nộp hồ sơ", "4. Nhận: Sở Tư pháp", "6. Nhận: Sở Xây dựng", "7. Giao: Sở Xây dựng", "8. Nhận: Sở Tư pháp",
        "09:30 23/11/2026", "10:00 03/12/2026", "Cán bộ xaydung", "Cán bộ chuyenvien",
        "Ý kiến Sở Xây dựng",
    ):  # fmt: skip
        assert expected in text, expected
    # The outcome of each step: the late one once, the others on time or early.
    assert text.count("Quá hạn") == 1
    assert "Đúng hạn" in text and "Trước hạn" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text  # Mẫu 05 has no motto
    pdf = documents.render_form_pdf(documents.CONTROL_SLIP, moved, base_url="http://x/")
    assert pdf.startswith(b"%PDF")


def test_control_slip_page_is_a4_landscape(moved):
    document = documents.form_document(documents.CONTROL_SLIP, moved, base_url="http://x/")
    page = document.pages[0]
    assert page.width > page.height
    assert round(page.width * 25.4 / 96) == 297


# --- Mẫu 04 ----------------------------------------------------------------------------------


def test_apology_has_the_dates_the_reason_and_the_head_of_agency(moved):
    apology = Apology.objects.get(dossier=moved)
    document = documents.form_document(documents.APOLOGY, apology, base_url="http://x/")
    text = " ".join(" ".join(page_texts(document)).split())
    for expected in (
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", f"Số: {apology.number}",
        "SỞ TƯ PHÁP", "Cần Thơ, ngày 04 tháng 12 năm 2026", "Kính gửi: Trần Văn Dân",
        "Ngày 23 tháng 11 năm 2026", moved.code, "Cấp Phiếu lý lịch tư pháp",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 09:00 08/12/2026",
        "Lý do: Chờ ý kiến thẩm định bổ sung.", "xin lỗi ông/bà/tổ chức",
        "16:00 15/12/2026", "ngày 15 tháng 12 năm 2026", "THỦ TRƯỞNG CƠ QUAN",
        "(Ký, ghi rõ họ tên và đóng dấu)", "Cán bộ giamdoc",
    ):  # fmt: skip
        assert expected in text, expected
    assert "tạm dừng" not in text  # no pause: the original appointment stands


# --- the stop notice -------------------------------------------------------------------------


def test_stop_notice_states_the_request_and_the_time(version, center, people, monday_9am):
    dossier = receive(version, center, people.reception, monday_9am)
    drive(dossier, people, "specialist", monday_9am)
    withdrawal = runtime.withdraw(dossier=dossier, user=people.reception,
                                  note="Công dân xin rút hồ sơ để bổ sung giấy tờ.",
                                  at=vn(2026, 11, 26, 9, 0))  # fmt: skip
    document = documents.form_document(documents.WITHDRAWAL, withdrawal, base_url="http://x/")
    text = " ".join(" ".join(page_texts(document)).split())
    assert len(document.pages) == 1
    for expected in (
        "THÔNG BÁO", "dừng xử lý hồ sơ theo đề nghị của người nộp hồ sơ",
        f"Số: {withdrawal.number}", "Kính gửi: Trần Văn Dân", dossier.code,
        "Cơ quan giải quyết: Sở Tư pháp", "Công dân xin rút hồ sơ để bổ sung giấy tờ.",
        "09:00 26/11/2026", "Ngày 26 tháng 11 năm 2026", "NGƯỜI LẬP THÔNG BÁO",
        "Nguyễn Thị Tiếp Nhận",
    ):  # fmt: skip
        assert expected in text, expected
    assert documents.form_filename(documents.WITHDRAWAL, dossier) == (
        f"dung-xu-ly-{dossier.code}.pdf"
    )


# --- views and who may see them --------------------------------------------------------------


def test_officer_gets_the_pdfs_and_the_print_pages(client, moved, people):
    client.force_login(people.reception)
    for name, filename in (("control-slip", "mau-05"), ("apology", "mau-04")):
        response = client.get(reverse(f"documents:{name}-pdf", args=[moved.code]))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'inline; filename="{filename}-{moved.code}.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"%PDF")
        page = client.get(reverse(f"documents:{name}-print", args=[moved.code]), {"next": "/quay/"})
        assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
        html = page.content.decode()
        assert "window.print()" in html and 'href="/quay/"' in html
        assert reverse(f"documents:{name}-pdf", args=[moved.code]) in html
    assert reverse("documents:control-slip-pdf", args=["X"]) == "/ho-so/X/phieu-kiem-soat.pdf"
    assert reverse("documents:apology-print", args=["X"]) == "/ho-so/X/xin-loi/"
    assert reverse("documents:withdrawal-pdf", args=["X"]) == "/ho-so/X/dung-xu-ly.pdf"


def test_forms_a_dossier_does_not_have_are_404(client, moved, people):
    client.force_login(people.reception)
    assert client.get(reverse("documents:withdrawal-pdf", args=[moved.code])).status_code == 404
    assert client.get(reverse("documents:withdrawal-print", args=[moved.code])).status_code == 404
    Apology.objects.filter(dossier=moved).delete()
    assert client.get(reverse("documents:apology-pdf", args=[moved.code])).status_code == 404
    assert client.get(reverse("documents:apology-print", args=[moved.code])).status_code == 404


def test_a_user_of_another_agency_gets_404_and_anonymous_signs_in(client, moved):
    stranger = person("yte", "specialist", agency=factories.agency("000.00.77.H13", "Sở Y tế"))
    client.force_login(stranger)
    for name in ("control-slip-pdf", "control-slip-print", "apology-pdf", "apology-print"):
        assert client.get(reverse(f"documents:{name}", args=[moved.code])).status_code == 404
    assert client.get(reverse("documents:control-slip-pdf", args=["khong-co"])).status_code == 404
    client.logout()
    response = client.get(reverse("documents:control-slip-pdf", args=[moved.code]))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_the_owner_sees_the_control_slip_of_their_dossier(client, moved, people):
    owner = people.citizen
    Dossier.objects.filter(pk=moved.pk).update(account=owner)
    client.force_login(owner)
    assert client.get(reverse("documents:control-slip-pdf", args=[moved.code])).status_code == 200
    client.force_login(factories.citizen("nguoikhac"))
    assert client.get(reverse("documents:control-slip-pdf", args=[moved.code])).status_code == 404
