"""The reception officer's screens at the counter (/quay/): intake, by post, online review."""

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from motcua.accounts.models import User
from motcua.directory.models import StaffAssignment
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile, Notice
from motcua.dossiers.services import ComponentInput
from motcua.dossiers.views_counter import vn_datetime
from tests import factories
from tests.factories import PHONE, VALID_ID

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
DUE_TEXT = re.compile(r"\d\d:\d\d, (thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật), \d\d/\d\d/\d{4}")


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def png(name: str = "to-khai.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf(name: str = "cccd.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def posted(center, username: str, role: str = "reception_officer", *, days_left: int = 180):
    """An officer posted to `center` from a month ago for `days_left` more days."""
    user = User.objects.create_user(
        username=username, password="Mật-khẩu-2026", role=role, full_name=f"Cán bộ {username}"
    )
    today = timezone.localdate()
    StaffAssignment.objects.create(
        user=user, center=center, start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=days_left),
    )  # fmt: skip
    return user


@pytest.fixture
def clerk(center):
    return posted(center, "quay1")


@pytest.fixture
def counter(client, clerk):
    client.force_login(clerk)
    return client


def queue_ticket(center, prefix="A"):
    from motcua.queueing.services import issue_ticket

    return issue_ticket(group=factories.service_group(center, prefix=prefix, counters=1))


def components(version):
    return list(version.components.order_by("position", "id"))


def form_data(version, *, tick=True, decision="receive", **changes):
    required, optional = components(version)
    data = {
        "channel": "counter",
        "applicant_type": "individual",
        "applicant_name": "Trần Văn Dân",
        "applicant_id_number": VALID_ID,
        "applicant_phone": PHONE,
        "applicant_email": "dan@example.vn",
        "applicant_address": "Phường Ninh Kiều, Cần Thơ",
        "sets": "1",
        "result_delivery": "counter",
        "reason": "",
        "decision": decision,
    }
    if tick:
        data[f"component_{required.id}_provided"] = "on"
        data[f"component_{required.id}_original_seen"] = "on"
    data.update(changes)
    return data


def intake_url(version) -> str:
    return f"/quay/tiep-nhan/{version.procedure.code}/"


def stored_media(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- at the counter --------------------------------------------------------------------------


def test_receive_at_the_counter_with_scans_shows_code_due_date_and_print_links(
    counter, version, clerk, settings
):
    required, optional = components(version)
    data = form_data(version, **{f"component_{optional.id}_provided": "on"})
    data[f"component_{required.id}_files"] = [png("to-khai.png"), pdf("to-khai-trang-2.pdf")]
    data[f"component_{optional.id}_files"] = [pdf("cccd.pdf")]

    response = counter.post(intake_url(version), data)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/quay/ho-so/{dossier.code}/"
    assert dossier.status == "received" and dossier.channel == "counter"
    assert dossier.received_by == clerk
    assert re.fullmatch(r"000\.00\.01\.H13-\d{6}-0001", dossier.code)
    files = DossierFile.objects.order_by("id")
    assert [(f.original_name, f.content_type) for f in files] == [
        ("to-khai.png", "image/png"),
        ("to-khai-trang-2.pdf", "application/pdf"),
        ("cccd.pdf", "application/pdf"),
    ]
    assert len(stored_media(settings)) == 3
    first = dossier.components.get(component=required)
    assert first.provided and first.original_seen

    page = counter.get(response["Location"]).content.decode()
    receipt = dossier.notices.get(kind=Notice.Kind.RECEIPT)
    assert dossier.code in page
    assert "Mới tiếp nhận" in page
    due = vn_datetime(dossier.due_at)
    assert DUE_TEXT.fullmatch(due) and due in page
    assert f'href="/ho-so/{dossier.code}/phieu/{receipt.pk}/"' in page
    assert f'href="/ho-so/{dossier.code}/phieu/{receipt.pk}.pdf"' in page
    assert 'href="/quay/tiep-nhan/"' in page and "Tiếp nhận hồ sơ khác" in page
    assert "Tờ khai theo mẫu" in page and "Bản sao CCCD" in page
    assert f'href="/quay/tep/{files[0].pk}/"' in page


def test_vietnamese_weekday_in_due_dates():
    from tests.factories import VN

    assert (
        vn_datetime(timezone.datetime(2026, 12, 8, 9, 0, tzinfo=VN)) == "09:00, thứ Ba, 08/12/2026"
    )
    assert vn_datetime(timezone.datetime(2026, 12, 6, 14, 5, tzinfo=VN)) == (
        "14:05, Chủ nhật, 06/12/2026"
    )


def test_supplement_at_the_counter_lists_the_missing_components(counter, version):
    response = counter.post(
        intake_url(version), form_data(version, tick=False, decision="supplement")
    )

    dossier = Dossier.objects.get()
    assert response["Location"] == f"/quay/ho-so/{dossier.public_id}/"
    assert dossier.status == "incomplete" and dossier.code is None
    notice = dossier.notices.get()
    assert notice.kind == Notice.Kind.SUPPLEMENT
    assert [m["name"] for m in notice.content["missing"]] == ["Tờ khai theo mẫu"]

    page = counter.get(response["Location"]).content.decode()
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)" in page
    assert "Tờ khai theo mẫu" in page
    assert f"/ho-so/{dossier.public_id}/phieu/{notice.pk}.pdf" in page


def test_refusal_needs_a_reason_and_then_records_it(counter, version, center):
    ticket = queue_ticket(center)
    response = counter.post(
        intake_url(version), form_data(version, decision="refuse", ticket=str(ticket.pk))
    )
    assert response.status_code == 200
    assert "Cần ghi rõ lý do từ chối." in response.content.decode()
    assert f'name="ticket" value="{ticket.pk}"' in response.content.decode()  # carried along
    assert Dossier.objects.count() == 0

    reason = "Hồ sơ thuộc thẩm quyền của UBND xã."
    response = counter.post(
        intake_url(version), form_data(version, decision="refuse", reason=reason)
    )
    dossier = Dossier.objects.get()
    assert dossier.status == "refused"
    assert dossier.notices.get().content == {"reason": reason}
    page = counter.get(response["Location"]).content.decode()
    assert reason in page and "Từ chối" in page


def test_receive_is_refused_by_the_service_when_a_required_component_is_missing(counter, version):
    response = counter.post(intake_url(version), form_data(version, tick=False))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hồ sơ chưa đủ thành phần bắt buộc: Tờ khai theo mẫu." in page
    assert Dossier.objects.count() == 0


def test_a_scan_counts_as_provided_even_without_the_tick(counter, version):
    required, _ = components(version)
    data = form_data(version, tick=False)
    data[f"component_{required.id}_files"] = [png()]
    response = counter.post(intake_url(version), data)
    assert response.status_code == 302
    assert Dossier.objects.get().status == "received"


def test_intake_form_shows_components_ticket_and_a_disabled_receive_button(
    counter, version, center
):
    ticket = queue_ticket(center)
    page = counter.get(intake_url(version) + f"?ticket={ticket.pk}").content.decode()
    required, optional = components(version)
    assert "Số phiếu xếp hàng" in page and ticket.label in page
    assert f'name="ticket" value="{ticket.pk}"' in page
    assert "Tờ khai theo mẫu" in page and "Bắt buộc" in page and "Không bắt buộc" in page
    assert f'name="component_{required.id}_provided"' in page
    assert f'name="component_{required.id}_original_seen"' in page
    assert (
        f'name="component_{required.id}_files"' in page and 'accept=".pdf,.jpg,.jpeg,.png"' in page
    )
    receive = re.search(r'<button id="btn-receive"[^>]*>', page).group(0)
    assert "disabled" in receive
    assert "Yêu cầu bổ sung (Mẫu 02)" in page and "Từ chối (Mẫu 03)" in page


def test_a_ticket_that_is_not_a_ticket_number_is_ignored(counter, version):
    page = counter.get(intake_url(version) + '?ticket="><script>').content.decode()
    assert "Số phiếu xếp hàng" not in page and '<script>"' not in page
    response = counter.post(intake_url(version), form_data(version, ticket='"><script>'))
    assert response.status_code == 302  # a malformed ticket is dropped, never blocks intake


def test_receiving_for_a_ticket_links_the_ticket_to_the_dossier(counter, version, center):
    ticket = queue_ticket(center)
    response = counter.post(intake_url(version), form_data(version, ticket=str(ticket.pk)))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.dossier == Dossier.objects.get()
    assert ticket.events.filter(action="dossier_linked").count() == 1


def test_a_ticket_of_another_center_is_ignored(counter, version):
    other = factories.center("ninh-kieu", agency_code="000.00.02.H13")
    ticket = queue_ticket(other)
    page = counter.get(intake_url(version) + f"?ticket={ticket.pk}").content.decode()
    assert "Số phiếu xếp hàng" not in page


def test_completeness_fragment_follows_the_ticks_and_writes_nothing(counter, version):
    required, optional = components(version)
    url = intake_url(version) + "thanh-phan/"

    empty = counter.post(url, {}, headers={"HX-Request": "true"}).content.decode()
    assert "Còn thiếu 1 thành phần bắt buộc" in empty and "Tờ khai theo mẫu" in empty
    button = re.search(r'<button id="btn-receive"[^>]*>', empty).group(0)
    assert "disabled" in button and 'hx-swap-oob="true"' in button
    assert "<html" not in empty

    only_optional = counter.post(url, {f"component_{optional.id}_provided": "on"}).content.decode()
    assert "Tờ khai theo mẫu" in only_optional

    full = counter.post(url, {f"component_{required.id}_provided": "on"}).content.decode()
    assert "Đã đủ các thành phần hồ sơ bắt buộc." in full
    assert "disabled" not in re.search(r'<button id="btn-receive"[^>]*>', full).group(0)
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0
    assert counter.get(url).status_code == 405


def test_bad_applicant_data_is_shown_in_vietnamese_values_kept_nothing_stored(
    counter, version, settings
):
    required, _ = components(version)
    data = form_data(
        version, applicant_id_number="12345", applicant_phone="12345", applicant_email="dan@",
        applicant_name="Nguyễn Thị Bé",
    )  # fmt: skip
    data[f"component_{required.id}_files"] = [png()]
    response = counter.post(intake_url(version), data)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Hồ sơ chưa được lưu." in page
    assert "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số." in page
    assert "Số điện thoại di động phải có 10 chữ số" in page
    assert "Địa chỉ thư điện tử không hợp lệ." in page
    assert 'value="Nguyễn Thị Bé"' in page and 'value="12345"' in page and 'value="dan@"' in page
    assert re.search(rf'name="component_{required.id}_provided"[^>]*checked', page)
    assert "hãy chọn lại tệp quét" in page
    assert Dossier.objects.count() == 0 and DossierFile.objects.count() == 0
    assert stored_media(settings) == []


def test_a_date_that_is_not_a_date_comes_back_with_the_other_problems(counter, version):
    data = form_data(version, applicant_birth_date="31/02/1990", applicant_phone="123")
    page = counter.post(intake_url(version), data).content.decode()
    assert "Nhập một ngày hợp lệ." in page or "ngày hợp lệ" in page
    assert "Số điện thoại di động phải có 10 chữ số" in page
    assert Dossier.objects.count() == 0


def test_organization_needs_tax_code_and_representative(counter, version):
    version.for_organizations = True
    version.save(update_fields=["for_organizations"])
    data = form_data(version, applicant_type="organization", applicant_name="Công ty TNHH An Bình")
    page = counter.post(intake_url(version), data).content.decode()
    assert "Mã số thuế phải có 10 chữ số" in page
    assert "Cần nhập người đại diện của tổ chức." in page
    assert Dossier.objects.count() == 0

    data.update(applicant_tax_code="1800123456", applicant_representative="Lê Văn Bình")
    assert counter.post(intake_url(version), data).status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant_type == "organization" and dossier.applicant_id_number == ""
    assert dossier.applicant_tax_code == "1800123456"


def test_a_file_that_is_not_what_its_name_says_is_rejected_on_its_row(counter, version, settings):
    required, optional = components(version)
    data = form_data(version)
    data[f"component_{required.id}_files"] = [png()]
    data[f"component_{optional.id}_files"] = [
        SimpleUploadedFile("anh.png", b"day khong phai la anh", content_type="image/png")
    ]
    response = counter.post(intake_url(version), data)
    page = response.content.decode()

    assert response.status_code == 200
    row = page[page.index(f'id="component-{optional.id}"') :]
    row = row[: row.index("</tr>")]
    assert "Tệp “anh.png” không phải PDF, JPEG hay PNG (kiểm tra theo nội dung tệp)." in row
    assert Dossier.objects.count() == 0 and DossierFile.objects.count() == 0
    assert stored_media(settings) == []


def test_by_post_needs_the_tracking_number_and_the_arrival_date(counter, version):
    data = form_data(version, channel="postal")
    page = counter.post(intake_url(version), data).content.decode()
    assert "Cần nhập ngày bưu gửi đến Trung tâm." in page
    assert "Cần nhập số hiệu bưu gửi của hồ sơ gửi qua bưu chính." in page  # in the same go
    assert Dossier.objects.count() == 0

    data["postal_arrived_on"] = timezone.localdate().isoformat()
    page = counter.post(intake_url(version), data).content.decode()
    assert "Cần nhập số hiệu bưu gửi của hồ sơ gửi qua bưu chính." in page
    assert Dossier.objects.count() == 0

    data["postal_tracking_number"] = "EL123456789VN"
    data["result_delivery"] = "post"
    page = counter.post(intake_url(version), data).content.decode()
    assert "Cần nhập địa chỉ nhận kết quả qua bưu chính." in page

    data["delivery_address"] = "12 Hòa Bình, Ninh Kiều, Cần Thơ"
    response = counter.post(intake_url(version), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == "postal" and dossier.postal_tracking_number == "EL123456789VN"
    assert dossier.postal_arrived_on == timezone.localdate()
    assert dossier.result_delivery == "post" and dossier.delivery_address.startswith("12 Hòa")
    assert "EL123456789VN" in counter.get(response["Location"]).content.decode()


def test_postal_fields_are_ignored_for_a_counter_dossier(counter, version):
    data = form_data(version, postal_tracking_number="EL1VN", postal_arrived_on="2026-01-01")
    assert counter.post(intake_url(version), data).status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.postal_tracking_number == "" and dossier.postal_arrived_on is None


def test_every_problem_is_shown_in_one_go(counter, version):
    required, _ = components(version)
    data = form_data(
        version, channel="postal", result_delivery="post", applicant_id_number="1",
        postal_arrived_on="2999-01-01",
    )  # fmt: skip
    data[f"component_{required.id}_files"] = [SimpleUploadedFile("scan.pdf", b"%PDF-1.4 cut")]
    page = counter.post(intake_url(version), data).content.decode()
    for message in (
        "Ngày bưu gửi đến không thể sau hôm nay.",
        "Cần nhập số hiệu bưu gửi của hồ sơ gửi qua bưu chính.",
        "Cần nhập địa chỉ nhận kết quả qua bưu chính.",
        "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.",
        "Tệp PDF “scan.pdf” không hoàn chỉnh.",
    ):
        assert message in page
    assert Dossier.objects.count() == 0


def test_service_messages_go_next_to_their_fields(version):
    from motcua.dossiers.forms import CounterIntakeForm

    required, _ = components(version)
    form = CounterIntakeForm(form_data(version), version=version)
    assert form.is_valid()
    form.add_service_errors(
        {
            "__all__": "Chung.",
            "applicant_phone": "Điện thoại sai.",
            f"component_{required.id}": "Tệp hỏng.",
        }
    )
    assert form.non_field_errors() == ["Chung."]
    assert form.errors["applicant_phone"] == ["Điện thoại sai."]
    row = next(r for r in form.component_rows() if r.component == required)
    assert row.error == "Tệp hỏng."


# --- finding the procedure -------------------------------------------------------------------


def test_procedure_search_returns_big_buttons_for_the_centers_level(counter, version, center):
    factories.procedure(
        "1.000001", "Cấp bản sao trích lục hộ tịch lý lịch", level="commune",
        agency_code="000.00.12.H13",
    )  # fmt: skip
    ticket = queue_ticket(center, prefix="B")
    response = counter.get(
        "/quay/tiep-nhan/", {"q": "ly lich", "ticket": ticket.pk}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert f'href="/quay/tiep-nhan/2.000635/?ticket={ticket.pk}"' in page
    assert "Cấp Phiếu lý lịch tư pháp" in page
    assert "1.000001" not in page  # commune procedures are not received at a province center

    full = counter.get("/quay/tiep-nhan/", {"ticket": ticket.pk}).content.decode()
    assert "Số phiếu xếp hàng" in full and "B001" in full and 'hx-get="/quay/tiep-nhan/"' in full


def test_an_unknown_procedure_is_404(counter, version):
    assert counter.get("/quay/tiep-nhan/9.999999/").status_code == 404


# --- dashboard -------------------------------------------------------------------------------


def online_dossier(version, center, *, with_file=True, username="congdan"):
    citizen = factories.citizen(username)
    dossier = services.start_online_dossier(
        version=version, center=center, account=citizen, applicant=factories.applicant()
    )
    required, _ = components(version)
    if with_file:
        services.update_online_components(
            dossier=dossier, account=citizen,
            components=[ComponentInput(component_id=required.id, files=[png("to-khai-online.png")])],
        )  # fmt: skip
    services.submit_online(dossier=dossier, account=citizen)
    dossier.refresh_from_db()
    return dossier


def test_dashboard_lists_dossiers_waiting_and_those_handled_today(counter, version, center):
    waiting = online_dossier(version, center)
    counter.post(intake_url(version), form_data(version))
    received = Dossier.objects.get(channel="counter")

    page = counter.get("/quay/").content.decode()
    assert "Tiếp nhận hồ sơ mới" in page and 'href="/quay/tiep-nhan/"' in page
    assert f'href="/quay/cho-tiep-nhan/{waiting.public_id}/"' in page
    assert f'href="/quay/ho-so/{received.code}/"' in page
    assert "Hồ sơ bạn đã xử lý hôm nay (1)" in page


def test_another_officers_dossiers_are_not_in_my_today_list(counter, version, center, client):
    other = posted(center, "quay2")
    services.intake(
        version=version, center=center, officer=other, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive",
    )  # fmt: skip
    page = counter.get("/quay/").content.decode()
    assert "Hồ sơ bạn đã xử lý hôm nay (0)" in page


def test_an_officer_posted_to_two_centers_chooses_one(client, version, center):
    second = factories.center(code="ninh-kieu", level="commune", agency_code="000.00.02.H13")
    officer = posted(center, "hai-noi")
    today = timezone.localdate()
    StaffAssignment.objects.create(
        user=officer, center=second, start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=200),
    )  # fmt: skip
    client.force_login(officer)

    response = client.get("/quay/")
    assert response.status_code == 302 and response["Location"].startswith("/quay/trung-tam/")
    page = client.get(response["Location"]).content.decode()
    assert center.name in page and second.name in page

    response = client.post("/quay/trung-tam/", {"center": second.pk, "next": "/quay/"})
    assert response["Location"] == "/quay/"
    page = client.get("/quay/").content.decode()
    assert second.name in page and "Đổi trung tâm" in page
    # The search now looks for commune-level procedures only.
    results = client.get("/quay/tiep-nhan/", {"q": "ly lich"}, headers={"HX-Request": "true"})
    assert "2.000635" not in results.content.decode()


# --- dossiers submitted online ---------------------------------------------------------------


def test_review_shows_the_applicant_and_links_to_the_uploaded_files(counter, version, center):
    dossier = online_dossier(version, center)
    scan = DossierFile.objects.get()
    page = counter.get(f"/quay/cho-tiep-nhan/{dossier.public_id}/").content.decode()
    assert "Trần Văn Dân" in page and VALID_ID in page
    assert f'href="/quay/tep/{scan.pk}/"' in page and "to-khai-online.png" in page
    assert 'value="accept"' in page and 'value="supplement"' in page and 'value="refuse"' in page


def test_accepting_a_submitted_dossier_issues_the_receipt(counter, version, center, clerk):
    dossier = online_dossier(version, center)
    response = counter.post(f"/quay/cho-tiep-nhan/{dossier.public_id}/", {"action": "accept"})
    dossier.refresh_from_db()
    assert dossier.status == "received" and dossier.code and dossier.received_by == clerk
    assert response["Location"] == f"/quay/ho-so/{dossier.code}/"
    page = counter.get(response["Location"]).content.decode()
    assert dossier.code in page and vn_datetime(dossier.due_at) in page


def test_returning_for_supplement_preselects_the_missing_required_components(
    counter, version, center
):
    dossier = online_dossier(version, center)
    required, optional = components(version)
    dossier.components.filter(component=required).update(provided=False)  # as if removed
    page = counter.get(f"/quay/cho-tiep-nhan/{dossier.public_id}/").content.decode()
    assert re.search(rf'name="missing" value="{required.id}" checked', page)
    assert not re.search(rf'name="missing" value="{optional.id}" checked', page)

    response = counter.post(
        f"/quay/cho-tiep-nhan/{dossier.public_id}/",
        {"action": "supplement", "missing": [required.id, optional.id], "note": "Ảnh bị mờ."},
    )
    dossier.refresh_from_db()
    assert dossier.status == "incomplete"
    assert response["Location"] == f"/quay/ho-so/{dossier.public_id}/"
    notice = dossier.notices.get()
    assert [m["name"] for m in notice.content["missing"]] == ["Tờ khai theo mẫu", "Bản sao CCCD"]
    assert notice.content["note"] == "Ảnh bị mờ."


def test_returning_for_supplement_with_nothing_listed_is_explained(counter, version, center):
    dossier = online_dossier(version, center)
    page = counter.post(
        f"/quay/cho-tiep-nhan/{dossier.public_id}/", {"action": "supplement", "note": ""}
    ).content.decode()
    assert "Cần nêu các giấy tờ phải bổ sung hoặc nội dung cần hoàn thiện." in page
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_refusing_a_submitted_dossier_needs_a_reason(counter, version, center):
    dossier = online_dossier(version, center)
    url = f"/quay/cho-tiep-nhan/{dossier.public_id}/"
    page = counter.post(url, {"action": "refuse", "reason": " "}).content.decode()
    assert "Cần ghi rõ lý do từ chối." in page
    dossier.refresh_from_db()
    assert dossier.status == "submitted"

    counter.post(url, {"action": "refuse", "reason": "Không thuộc thẩm quyền."})
    dossier.refresh_from_db()
    assert dossier.status == "refused"
    assert dossier.notices.get().content["reason"] == "Không thuộc thẩm quyền."


def test_the_second_officer_acting_on_an_accepted_dossier_sees_why(
    client, counter, version, center
):
    dossier = online_dossier(version, center)
    second = posted(center, "quay2")
    url = f"/quay/cho-tiep-nhan/{dossier.public_id}/"
    assert counter.post(url, {"action": "accept"}).status_code == 302

    client.force_login(second)
    for data in ({"action": "accept"}, {"action": "refuse", "reason": "Trùng hồ sơ."}):
        response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Hồ sơ đang ở trạng thái “mới tiếp nhận”, không chờ tiếp nhận." in page
        assert 'value="accept"' not in page  # the decision forms are gone
    dossier.refresh_from_db()
    assert dossier.status == "received" and dossier.notices.count() == 1


# --- permissions -----------------------------------------------------------------------------

COUNTER_PAGES = ["/quay/", "/quay/tiep-nhan/", "/quay/tiep-nhan/2.000635/", "/quay/trung-tam/"]


def test_anonymous_users_are_sent_to_sign_in(client, version):
    for url in COUNTER_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url


@pytest.mark.parametrize(
    "make",
    [
        lambda center: factories.citizen("khach"),
        lambda center: posted(center, "chuyenvien", role="specialist"),
        lambda center: posted(center, "hethan", days_left=-1),  # posting ended yesterday
    ],
    ids=["citizen", "specialist", "posting-ended"],
)
def test_counter_pages_are_forbidden_to_others(client, version, center, make):
    client.force_login(make(center))
    for url in COUNTER_PAGES:
        response = client.get(url)
        assert response.status_code == 403, url
    response = client.post(intake_url(version), form_data(version))
    assert response.status_code == 403
    assert Dossier.objects.count() == 0


def test_postal_staff_and_administrators_posted_here_may_use_the_counter(client, version, center):
    for role in ("postal_staff", "administrator"):
        client.force_login(posted(center, f"u-{role}", role=role))
        assert client.get("/quay/").status_code == 200


def test_dossiers_of_another_center_are_404(client, version, center):
    dossier = online_dossier(version, center)
    received = services.intake(
        version=version, center=center, officer=posted(center, "quay9"),
        applicant=factories.applicant(), components=factories.all_components(version),
        decision="receive",
    )  # fmt: skip
    scan = DossierFile.objects.get()
    elsewhere = factories.center(code="vi-thanh", agency_code="000.00.03.H13")
    client.force_login(posted(elsewhere, "noikhac"))
    assert client.get("/quay/").status_code == 200
    assert client.get(f"/quay/ho-so/{received.code}/").status_code == 404
    assert client.get(f"/quay/ho-so/{dossier.public_id}/").status_code == 404
    assert client.get(f"/quay/cho-tiep-nhan/{dossier.public_id}/").status_code == 404
    assert (
        client.post(f"/quay/cho-tiep-nhan/{dossier.public_id}/", {"action": "accept"}).status_code
        == 404
    )
    assert client.get(f"/quay/tep/{scan.pk}/").status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_the_citizen_who_owns_a_dossier_cannot_use_the_counter_pages(client, version, center):
    dossier = online_dossier(version, center)
    client.force_login(dossier.account)
    assert client.get(f"/quay/ho-so/{dossier.public_id}/").status_code == 403
    assert client.get(f"/quay/tep/{DossierFile.objects.get().pk}/").status_code == 403


def test_the_file_view_serves_the_scan_inline_to_the_officer(counter, version, center):
    online_dossier(version, center)
    scan = DossierFile.objects.get()
    response = counter.get(f"/quay/tep/{scan.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == png_bytes()
    assert counter.get(f"/quay/tep/{scan.pk + 1000}/").status_code == 404


def test_a_dossier_is_found_by_code_and_by_public_id(counter, version, center):
    counter.post(intake_url(version), form_data(version))
    dossier = Dossier.objects.get()
    assert counter.get(f"/quay/ho-so/{dossier.public_id}/").status_code == 200
    assert counter.get(f"/quay/ho-so/{dossier.code}/").status_code == 200
    assert counter.get("/quay/ho-so/000.00.01.H13-000000-9999/").status_code == 404


def test_the_assignment_dates_are_inclusive(client, version, center):
    ends_today = posted(center, "hethomnay", days_left=0)
    starts_today = posted(center, "batdauhomnay")
    StaffAssignment.objects.filter(user=starts_today).update(start_date=timezone.localdate())
    for officer in (ends_today, starts_today):
        client.force_login(officer)
        assert client.get("/quay/").status_code == 200
