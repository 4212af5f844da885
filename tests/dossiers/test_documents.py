"""Printed forms: Mẫu 01 receipt (2 copies, QR), Mẫu 02, Mẫu 03; PDF and print views, access."""

import shutil
import subprocess
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.dossiers import documents
from motcua.dossiers.models import Dossier, Notice
from motcua.dossiers.services import intake
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "000.00.01.H13-261123-0001"
LOOKUP = f"http://testserver/tra-cuu/?code={CODE}"


def receive(version, center, officer, at, **kwargs):
    kwargs.setdefault("applicant", factories.applicant())
    return intake(
        version=version, center=center, officer=officer,
        components=factories.all_components(version, original_seen=True), decision="receive",
        at=at, **kwargs,
    )  # fmt: skip


@pytest.fixture
def receipt(version, center, officer, monday_9am) -> Notice:
    dossier = receive(version, center, officer, monday_9am)
    return dossier.notices.get(kind=Notice.Kind.RECEIPT)


@pytest.fixture
def supplement(version, center, officer, monday_9am) -> Notice:
    dossier = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version, provided=False), decision="supplement",
        reason="Tờ khai chưa ghi đủ quá trình cư trú.", at=monday_9am,
    )  # fmt: skip
    return dossier.notices.get()


@pytest.fixture
def refusal(version, center, officer, monday_9am) -> Notice:
    dossier = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=[], decision="refuse", reason="Thủ tục không thuộc thẩm quyền giải quyết.",
        at=monday_9am,
    )  # fmt: skip
    return dossier.notices.get()


def page_texts(document) -> list[str]:
    """The text WeasyPrint laid out, page by page (no PDF text extractor needed)."""
    from weasyprint.formatting_structure.boxes import TextBox

    texts = []
    for page in document.pages:
        words = [box.text for box in page._page_box.descendants() if isinstance(box, TextBox)]
        texts.append(" ".join(words))
    return texts


def pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    command = [shutil.which("pdftotext"), "-layout", str(path), "-"]
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603


# --- helpers ---------------------------------------------------------------------------------


def test_lookup_url_is_absolute_and_prefilled_with_the_code(rf, settings):
    settings.ALLOWED_HOSTS = ["motcua.cantho.gov.vn"]
    request = rf.get("/ho-so/x/phieu/1.pdf", HTTP_HOST="motcua.cantho.gov.vn")
    assert documents.lookup_url(request=request, code=CODE) == (
        f"http://motcua.cantho.gov.vn/tra-cuu/?code={CODE}"
    )
    assert documents.lookup_url(request=request, code="a b&c") == (
        "http://motcua.cantho.gov.vn/tra-cuu/?code=a+b%26c"
    )


def test_qr_encodes_the_text_it_is_given():
    import segno

    uri = documents.qr_data_uri(LOOKUP)
    assert uri.startswith("data:image/svg+xml")
    assert uri == segno.make(LOOKUP, error="m").svg_data_uri(scale=4, border=2)
    assert uri != documents.qr_data_uri(LOOKUP.replace("0001", "0002"))


@pytest.mark.parametrize(
    ("days", "text"),
    [(Decimal("10"), "10 ngày làm việc"), (Decimal("0.5"), "0,5 ngày làm việc"),
     (Decimal("2.0"), "2 ngày làm việc"), (Decimal("0"), "Giải quyết trong ngày")],
)  # fmt: skip
def test_time_limit_in_words(days, text):
    assert documents.time_limit_text(days) == text


# --- Mẫu 01 -------------------------------------------------------------------------------


def test_receipt_context_has_every_field_of_mau_01(receipt):
    ctx = documents.notice_context(notice=receipt, lookup_url=LOOKUP)
    assert ctx["code"] == CODE
    assert ctx["received_at"] == "09:00 23/11/2026"
    assert ctx["due_at"] == "09:00 08/12/2026"
    assert ctx["time_limit"] == "10 ngày làm việc"
    assert ctx["sets"] == 1
    assert [c["name"] for c in ctx["components"]] == ["Tờ khai theo mẫu", "Bản sao CCCD"]
    assert ctx["officer_name"] == "Nguyễn Thị Tiếp Nhận"
    assert ctx["log_book_number"] == 1
    assert ctx["qr"] == documents.qr_data_uri(LOOKUP)
    assert ctx["place_and_date"] == "Cần Thơ, ngày 23 tháng 11 năm 2026"
    assert [c.label for c in ctx["copies"]] == ["Liên 1: Lưu", "Liên 2: Giao người nộp hồ sơ"]


def test_receipt_pdf_has_two_copies_with_everything_on_each(receipt, tmp_path):
    document = documents.notice_document(
        notice=receipt, base_url="http://testserver/", lookup_url=LOOKUP
    )
    assert len(document.pages) == 2
    first, second = page_texts(document)
    assert "Liên 1: Lưu" in first and "Liên 2" not in first
    assert "Liên 2: Giao người nộp hồ sơ" in second and "Liên 1" not in second
    for text in (first, second):
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", CODE, "Trần Văn Dân",
            "Phường Ninh Kiều, Cần Thơ", "Cấp Phiếu lý lịch tư pháp", "Tờ khai theo mẫu",
            "Bản sao CCCD", "10 ngày làm việc", "09:00 23/11/2026", "09:00 08/12/2026",
            "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Tiếp Nhận",
            "Trung tâm Phục vụ hành chính công can-tho", LOOKUP,
        ):  # fmt: skip
            assert expected in text, expected
    pdf = document.write_pdf()
    assert pdf.startswith(b"%PDF")
    # Every glyph came from the Debian fonts named in the CSS, none was missing (no tofu).
    assert {font.family for font in document.fonts.values()} == {"DejaVu Sans"}
    assert not any(font.missing for font in document.fonts.values())
    if shutil.which("pdftotext"):
        text = pdftotext(pdf, tmp_path)
        assert text.count("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") == 2
        assert "Liên 2: Giao người nộp hồ sơ" in text and "09:00 08/12/2026" in text


def test_receipt_for_post_and_same_day_procedures(version, center, officer, monday_9am):
    version.time_limit_days = Decimal("0")
    version.save(update_fields=["time_limit_days"])
    dossier = receive(
        version, center, officer, monday_9am, result_delivery="post",
        delivery_address="Số 2 Hòa Bình, Ninh Kiều, Cần Thơ", sets=2,
        applicant=factories.applicant(submitter_name="Lê Thị Nộp Thay"),
    )  # fmt: skip
    html = documents.render_notice_html(notice=dossier.notices.get(), lookup_url=LOOKUP)
    assert "Giải quyết trong ngày" in html
    assert "Qua dịch vụ bưu chính công ích, tại địa chỉ: Số 2 Hòa Bình, Ninh Kiều, Cần Thơ" in html
    assert "Lê Thị Nộp Thay" in html
    assert '<span class="value">2</span> (bộ)' in html


# --- Mẫu 02 and Mẫu 03 --------------------------------------------------------------------


def test_supplement_request_lists_what_to_bring_and_whom_to_call(supplement):
    document = documents.notice_document(
        notice=supplement, base_url="http://testserver/", lookup_url=""
    )
    assert len(document.pages) == 1
    (text,) = page_texts(document)
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", supplement.number, "Tờ khai theo mẫu",
        "Bản chính", "Lý do:", "Tờ khai chưa ghi đủ quá trình cư trú.", "Cấp Phiếu lý lịch tư pháp",
        "Trần Văn Dân", "NGƯỜI HƯỚNG DẪN", "Nguyễn Thị Tiếp Nhận", "Cần Thơ, ngày 23 tháng 11",
    ):  # fmt: skip
        assert expected in text, expected
    assert "Bản sao CCCD" not in text  # not required: not asked for
    assert "Liên 1" not in text


def test_refusal_states_the_reason(refusal):
    pdf = documents.render_notice_pdf(notice=refusal, base_url="http://testserver/", lookup_url="")
    assert pdf.startswith(b"%PDF")
    document = documents.notice_document(notice=refusal, base_url="http://x/", lookup_url="")
    (text,) = page_texts(document)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Thủ tục không thuộc thẩm quyền giải quyết." in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


def test_filenames(receipt, supplement):
    assert documents.notice_filename(receipt) == f"mau-01-{CODE}.pdf"
    # A dossier returned for supplement has no code yet: the form's own number names the file.
    assert documents.notice_filename(supplement) == "mau-02-000.00.01.H13-261123-0001.pdf"


# --- views and who may see them -----------------------------------------------------------


def pdf_url(notice: Notice, ref: str | None = None) -> str:
    ref = ref or notice.dossier.code or str(notice.dossier.public_id)
    return reverse("documents:notice-pdf", args=[ref, notice.pk])


def print_url(notice: Notice) -> str:
    return reverse("documents:notice-print", args=[notice.dossier.code, notice.pk])


def test_owner_gets_the_receipt_pdf_inline(client, receipt):
    owner = factories.citizen()
    Dossier.objects.filter(pk=receipt.dossier_id).update(account=owner)
    client.force_login(owner)
    response = client.get(pdf_url(receipt))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="mau-01-{CODE}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_officer_of_the_center_gets_the_pdf_and_the_print_page(client, receipt, officer):
    client.force_login(officer)
    assert client.get(pdf_url(receipt)).status_code == 200
    response = client.get(print_url(receipt))
    assert response.status_code == 200
    html = response.content.decode()
    assert "window.print()" in html
    assert "Liên 1: Lưu" in html and "Liên 2: Giao người nộp hồ sơ" in html
    assert documents.qr_data_uri(LOOKUP) in html  # the QR opens the lookup with the code
    assert pdf_url(receipt) in html


def test_forms_without_a_code_are_found_by_public_id(client, supplement, officer):
    client.force_login(officer)
    response = client.get(pdf_url(supplement, ref=str(supplement.dossier.public_id)))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_anonymous_is_sent_to_sign_in(client, receipt):
    response = client.get(pdf_url(receipt))
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]
    assert client.get(print_url(receipt)).status_code == 302


def test_another_citizen_gets_404(client, receipt):
    Dossier.objects.filter(pk=receipt.dossier_id).update(account=factories.citizen())
    client.force_login(factories.citizen("nguoikhac"))
    assert client.get(pdf_url(receipt)).status_code == 404
    assert client.get(print_url(receipt)).status_code == 404


def test_officer_of_another_center_gets_404(client, receipt):
    other = factories.center(code="hau-giang", agency_code="000.00.01.H14")
    client.force_login(factories.officer(other, username="canbokhac"))
    assert client.get(pdf_url(receipt)).status_code == 404


def test_notice_must_belong_to_the_dossier_named(client, receipt, refusal, officer):
    client.force_login(officer)
    assert client.get(pdf_url(refusal, ref=receipt.dossier.code)).status_code == 404
    assert client.get(pdf_url(receipt, ref=str(uuid.uuid4()))).status_code == 404
    assert client.get(pdf_url(receipt, ref="x" * 36)).status_code == 404
    missing = reverse("documents:notice-pdf", args=[receipt.dossier.code, 999999])
    assert client.get(missing).status_code == 404


def test_supplement_with_only_a_note_shows_it_as_the_content(supplement):
    notice = Notice.objects.create(
        dossier=supplement.dossier, kind=Notice.Kind.SUPPLEMENT, number="02/test-0002",
        issued_at=supplement.issued_at, issued_by=supplement.issued_by,
        content={"missing": [], "note": "Ghi rõ nơi cư trú từ năm 2010."},
    )  # fmt: skip
    html = documents.render_notice_html(notice=notice, lookup_url="")
    assert html.count("Ghi rõ nơi cư trú từ năm 2010.") == 1
    assert "Tên giấy tờ cần bổ sung" not in html  # no empty table
    assert "cần hoàn thiện nội dung nêu trên" in html


def test_print_page_links_back_only_to_this_site(client, receipt, officer):
    client.force_login(officer)
    html = client.get(print_url(receipt), {"next": "/quay/"}).content.decode()
    assert 'href="/quay/"' in html
    html = client.get(print_url(receipt), {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in html
