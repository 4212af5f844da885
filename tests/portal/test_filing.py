"""Filing online through the portal: the steps, drafts, submission, "Hồ sơ của tôi"."""

from datetime import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.portal.models import CitizenProfile
from tests import factories
from tests.factories import VALID_ID, VN

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png(name="to-khai.png"):
    buffer = BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="cccd.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def verified_citizen(username="congdan", **changes):
    user = factories.citizen(username)
    for key, value in changes.items():
        setattr(user, key, value)
    user.save()
    CitizenProfile.objects.create(user=user, email_verified_at=timezone.now())
    return user


@pytest.fixture
def citizen(db):
    return verified_citizen()


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


APPLICANT = {"name": "Trần Văn Dân", "id_number": VALID_ID, "birth_date": "1990-05-02",
             "phone": "0912345678", "email": "dan@example.vn",
             "address": "Phường Ninh Kiều, Cần Thơ"}  # fmt: skip


def url(name, dossier, **kwargs):
    return reverse(f"portal:{name}", kwargs={"public_id": dossier.public_id, **kwargs})


def start_draft(client, version, **changes):
    response = client.post(
        reverse("portal:start", args=[version.procedure.code]), {**APPLICANT, **changes}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Dossier.objects.order_by("-id").first()


def components(version):
    required, optional = version.components.order_by("position", "id")
    return required, optional


def test_the_list_offers_only_procedures_filed_online(signed_in, version):
    factories.procedure("1.000001", "Cấp giấy phép kinh doanh karaoke", channels=("counter",))
    factories.procedure(
        "1.000002", "Cấp lại phiếu lý lịch", channels=("counter", "online"), online_level="partial"
    )
    page = signed_in.get(reverse("portal:online-list")).content.decode()
    assert "Cấp Phiếu lý lịch tư pháp" in page and "Cấp lại phiếu lý lịch" in page
    assert "karaoke" not in page
    assert reverse("portal:start", args=["2.000635"]) in page
    page = signed_in.get(reverse("portal:online-list"), {"q": "ly lich",
                                                         "online_level": "partial"}).content.decode()  # fmt: skip
    assert "Cấp lại phiếu lý lịch" in page and "Cấp Phiếu lý lịch tư pháp" not in page


def test_starting_needs_an_account(client, version):
    response = client.get(reverse("portal:start", args=["2.000635"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


def test_a_procedure_not_offered_online_cannot_be_started_online(signed_in, center):
    factories.agency()
    factories.procedure("1.000001", "Cấp giấy phép kinh doanh karaoke", channels=("counter",))
    for method in (signed_in.get, signed_in.post):
        response = method(reverse("portal:start", args=["1.000001"]))
        page = response.content.decode()
        assert "chưa cung cấp dịch vụ công trực tuyến" in page
    assert Dossier.objects.count() == 0


def test_unknown_procedure_is_a_404(signed_in, version):
    assert signed_in.get(reverse("portal:start", args=["9.999999"])).status_code == 404


def test_the_first_page_is_prefilled_from_the_account(signed_in, version, center):
    page = signed_in.get(reverse("portal:start", args=["2.000635"])).content.decode()
    assert 'value="Trần Văn Dân"' in page and 'value="0912345678"' in page
    assert 'inputmode="numeric"' in page and 'autocomplete="tel"' in page
    assert "Bước 1/4" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "12345"}, "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),
        ({"id_number": ""}, "Cần nhập số định danh cá nhân (12 chữ số)."),
        ({"phone": "0123"}, "Số điện thoại di động phải có 10 chữ số"),
        ({"email": "dan@"}, "Địa chỉ thư điện tử không hợp lệ."),
        ({"birth_date": "31/02/1990"}, "Ngày sinh không hợp lệ."),
        ({"birth_date": "02/05/2001"}, "Số định danh cá nhân không khớp với năm sinh."),
        ({"birth_date": "2001-01-01"}, "Số định danh cá nhân không khớp với năm sinh."),
        ({"name": ""}, "Cần nhập họ và tên người nộp"),
    ],
)
def test_bad_applicant_input_gets_a_vietnamese_message_and_no_draft(
    signed_in, version, center, changes, message
):
    response = signed_in.post(reverse("portal:start", args=["2.000635"]), {**APPLICANT, **changes})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'class="error-summary"' in page and 'href="#id_' in page
    assert 'aria-invalid="true"' in page
    assert Dossier.objects.count() == 0


def test_the_whole_online_filing(signed_in, citizen, version, center, officer):
    dossier = start_draft(signed_in, version)
    assert (dossier.status, dossier.channel, dossier.account) == ("draft", "online", citizen)
    assert dossier.center == center and dossier.applicant_birth_date.year == 1990
    required, optional = components(version)

    # Components: continuing without the required file is refused, the draft stays.
    page = signed_in.get(url("step-components", dossier)).content.decode()
    assert "Tờ khai theo mẫu" in page and "Bản sao CCCD" in page and "Bước 2/4" in page
    response = signed_in.post(url("step-components", dossier), {"action": "continue"})
    assert "Cần đính kèm tệp cho giấy tờ bắt buộc “Tờ khai theo mẫu”." in response.content.decode()
    assert f'href="#files_{required.id}"' in response.content.decode()

    # Upload a PNG and a PDF, stay on the page; the files are listed with a remove button.
    response = signed_in.post(
        url("step-components", dossier),
        {"action": "upload", f"files_{required.id}": [png()], f"files_{optional.id}": [pdf()]},
    )
    assert response.status_code == 302
    assert DossierFile.objects.filter(component__dossier=dossier).count() == 2
    page = signed_in.get(url("step-components", dossier)).content.decode()
    assert "to-khai.png" in page and "cccd.pdf" in page
    cccd = DossierFile.objects.get(original_name="cccd.pdf")
    assert url("remove-file", dossier, file_id=cccd.pk) in page

    # A file that is not what its name says is refused, nothing is added.
    fake = SimpleUploadedFile("anh.png", b"just text, not a picture", content_type="image/png")
    response = signed_in.post(
        url("step-components", dossier), {"action": "upload", f"files_{optional.id}": [fake]}
    )
    assert "không phải PDF, JPEG hay PNG" in response.content.decode()
    assert "Chưa lưu tệp nào trong lần tải này." in response.content.decode()
    assert DossierFile.objects.filter(component__dossier=dossier).count() == 2

    # Remove a file.
    response = signed_in.post(url("remove-file", dossier, file_id=cccd.pk))
    assert response.status_code == 302
    assert not DossierFile.objects.filter(pk=cccd.pk).exists()
    response = signed_in.post(url("step-components", dossier), {"action": "continue"})
    assert response["Location"] == url("step-delivery", dossier)

    # Result delivery: by post needs an address.
    response = signed_in.post(
        url("step-delivery", dossier), {"result_delivery": "post", "delivery_address": " "}
    )
    assert "Cần nhập địa chỉ nhận kết quả qua bưu chính." in response.content.decode()
    response = signed_in.post(
        url("step-delivery", dossier),
        {"result_delivery": "post", "delivery_address": "12 Hòa Bình, Ninh Kiều, Cần Thơ"},
    )
    assert response["Location"] == url("step-check", dossier)

    # Check your answers.
    page = signed_in.get(url("step-check", dossier)).content.decode()
    for text in ("Kiểm tra thông tin", "Trần Văn Dân", VALID_ID, "02/05/1990", "to-khai.png",
                 "Nhận qua bưu chính", "12 Hòa Bình, Ninh Kiều, Cần Thơ", "50.000 đồng",
                 f'{url("step-applicant", dossier)}?return=check'):  # fmt: skip
        assert text in page
    response = signed_in.post(url("step-check", dossier), {})
    assert "Cần đánh dấu lời cam đoan trước khi nộp hồ sơ." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "draft"

    response = signed_in.post(url("step-check", dossier), {"confirm": "on"})
    assert response["Location"] == url("submitted", dossier)
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and dossier.submitted_at is not None
    page = signed_in.get(url("submitted", dossier)).content.decode()
    assert "chờ tiếp nhận" in page and "mã hồ sơ được cấp cùng Giấy tiếp nhận" in page
    assert "ngày hẹn trả kết quả dự kiến" in page

    # Submitting again changes nothing; the steps are closed.
    response = signed_in.post(url("step-check", dossier), {"confirm": "on"})
    assert response["Location"] == url("submitted", dossier)
    assert DossierEvent.objects.filter(dossier=dossier, action="submitted").count() == 1
    response = signed_in.post(url("step-applicant", dossier), APPLICANT)
    assert response["Location"] == url("submitted", dossier)

    # The officer returns it for supplement: the citizen sees what is missing and resubmits.
    services.return_for_supplement(
        dossier=dossier, officer=officer, missing_ids=[optional.id], note="Ảnh chụp rõ hơn"
    )
    page = signed_in.get(reverse("portal:my-dossiers")).content.decode()
    notice = dossier.notices.get()
    assert "yêu cầu bổ sung, hoàn thiện hồ sơ" in page
    assert "Bản sao CCCD" in page and "Ảnh chụp rõ hơn" in page
    assert "Bổ sung hồ sơ" in page and url("step-components", dossier) in page
    assert f"/ho-so/{dossier.public_id}/phieu/{notice.pk}.pdf" in page
    assert "chưa có mã" in page
    page = signed_in.get(url("step-components", dossier)).content.decode()
    assert "Cơ quan yêu cầu bổ sung, hoàn thiện hồ sơ" in page
    signed_in.post(url("step-components", dossier),
                   {"action": "continue", f"files_{optional.id}": [pdf("cccd-ro.pdf")]})  # fmt: skip
    assert "Nộp lại hồ sơ" in signed_in.get(url("step-check", dossier)).content.decode()
    response = signed_in.post(url("step-check", dossier), {"confirm": "on"})
    assert response["Location"] == url("submitted", dossier)
    dossier.refresh_from_db()
    assert dossier.status == "submitted"

    # Accepted: the code and the receipt show on "Hồ sơ của tôi".
    dossier = services.accept(dossier=dossier, officer=officer)
    page = signed_in.get(reverse("portal:my-dossiers")).content.decode()
    receipt = dossier.notices.get(kind="receipt")
    assert dossier.code in page and "mới tiếp nhận" in page
    assert f"/ho-so/{dossier.code}/phieu/{receipt.pk}.pdf" in page


def test_the_draft_persists_between_steps_and_save_and_exit(signed_in, version, center):
    response = signed_in.post(
        reverse("portal:start", args=["2.000635"]),
        {**APPLICANT, "address": "Xã Phong Điền", "action": "exit"},
    )
    assert response["Location"] == reverse("portal:my-dossiers")
    dossier = Dossier.objects.get()
    page = signed_in.get(reverse("portal:my-dossiers")).content.decode()
    assert "bản nháp" in page and "Cấp Phiếu lý lịch tư pháp" in page
    page = signed_in.get(url("step-applicant", dossier)).content.decode()
    assert 'value="Xã Phong Điền"' in page
    signed_in.post(url("step-applicant", dossier), {**APPLICANT, "address": "Phường Cái Răng"})
    dossier.refresh_from_db()
    assert dossier.applicant_address == "Phường Cái Răng"
    required, _ = components(version)
    signed_in.post(url("step-components", dossier),
                   {"action": "exit", f"files_{required.id}": [png()]})  # fmt: skip
    assert dossier.components.get(component=required).files.count() == 1
    page = signed_in.get(url("step-check", dossier)).content.decode()
    assert "Phường Cái Răng" in page and "to-khai.png" in page
    # A change link from the check page comes back to it.
    response = signed_in.post(
        url("step-applicant", dossier),
        {**APPLICANT, "address": "Phường An Khánh", "return": "check"},
    )
    assert response["Location"] == url("step-check", dossier)
    assert "Phường An Khánh" in signed_in.get(url("step-check", dossier)).content.decode()


def test_the_account_links_for_the_header(rf, citizen):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string("portal/_account_links.html", {"user": request.user}, request)
    assert reverse("portal:login") in html and reverse("portal:register") in html
    request.user = citizen
    html = render_to_string("portal/_account_links.html", {"user": citizen}, request)
    assert reverse("portal:my-dossiers") in html and "Trần Văn Dân" in html
    assert f'action="{reverse("portal:logout")}"' in html and "csrfmiddlewaretoken" in html


def test_submission_is_blocked_until_the_account_is_verified(client, version, center):
    user = factories.citizen("chua-xac-minh")
    CitizenProfile.objects.create(user=user)
    client.force_login(user)
    dossier = start_draft(client, version)
    required, _ = components(version)
    client.post(url("step-components", dossier), {"action": "continue",
                                                  f"files_{required.id}": [png()]})  # fmt: skip
    page = client.get(url("step-check", dossier)).content.decode()
    assert "Tài khoản chưa được xác minh, nên chưa nộp được hồ sơ." in page
    response = client.post(url("step-check", dossier), {"confirm": "on"})
    assert "Tài khoản của bạn chưa được xác minh nên chưa nộp được hồ sơ." in (
        response.content.decode()
    )
    dossier.refresh_from_db()
    assert dossier.status == "draft"


def test_submission_without_the_required_file_is_refused(signed_in, version, center):
    dossier = start_draft(signed_in, version)
    page = signed_in.get(url("step-check", dossier)).content.decode()
    assert "Chưa đính kèm (bắt buộc)" in page
    response = signed_in.post(url("step-check", dossier), {"confirm": "on"})
    assert "Cần đính kèm tệp cho: Tờ khai theo mẫu." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "draft"


def test_another_citizen_can_neither_see_nor_edit_the_dossier(client, citizen, version, center):
    client.force_login(citizen)
    dossier = start_draft(client, version)
    required, _ = components(version)
    client.post(url("step-components", dossier), {"action": "upload",
                                                  f"files_{required.id}": [png()]})  # fmt: skip
    the_file = DossierFile.objects.get()
    client.force_login(verified_citizen("hang-xom", email="hang@example.vn"))
    for name in ("step-applicant", "step-components", "step-delivery", "step-check", "submitted"):
        assert client.get(url(name, dossier)).status_code == 404, name
        assert client.post(url(name, dossier), {**APPLICANT, "confirm": "on"}).status_code == 404
    assert client.post(url("remove-file", dossier, file_id=the_file.pk)).status_code == 404
    assert (
        "Cấp Phiếu lý lịch tư pháp"
        not in client.get(reverse("portal:my-dossiers")).content.decode()
    )
    dossier.refresh_from_db()
    assert dossier.status == "draft" and DossierFile.objects.count() == 1


def test_a_file_of_another_dossier_cannot_be_removed_through_mine(signed_in, version, center):
    mine = start_draft(signed_in, version)
    other = start_draft(signed_in, version)
    required, _ = components(version)
    signed_in.post(url("step-components", other), {"action": "upload",
                                                   f"files_{required.id}": [png()]})  # fmt: skip
    the_file = DossierFile.objects.get()
    assert signed_in.post(url("remove-file", mine, file_id=the_file.pk)).status_code == 404
    assert DossierFile.objects.count() == 1


def test_submitted_outside_working_hours_starts_next_working_morning(
    signed_in, citizen, version, center
):
    dossier = start_draft(signed_in, version)
    required, _ = components(version)
    signed_in.post(url("step-components", dossier), {"action": "upload",
                                                     f"files_{required.id}": [png()]})  # fmt: skip
    saturday_evening = datetime(2026, 11, 21, 20, 30, tzinfo=VN)
    services.submit_online(dossier=dossier, account=citizen, at=saturday_evening)
    page = signed_in.get(url("submitted", dossier)).content.decode()
    assert "Bạn nộp ngoài giờ làm việc" in page
    assert "07:00, thứ Hai, 23/11/2026" in page
    # 10 working days from Monday 07:00 (Tuesday 24/11 is a day off): Monday 07/12, 17:00.
    assert "17:00, thứ Hai, 07/12/2026" in page


def test_a_commune_procedure_asks_which_commune_center(signed_in, center):
    factories.agency("000.02.40.H13", "UBND xã", level="commune")
    version, _ = factories.procedure(
        "1.001193", "Đăng ký khai sinh", agency_code="000.02.40.H13", level="commune",
        channels=("counter", "online"), online_level="full",
    )  # fmt: skip
    first = factories.center("phong-dien", level="commune", agency_code="000.02.41.H13")
    second = factories.center("thoi-lai", level="commune", agency_code="000.02.42.H13")
    page = signed_in.get(reverse("portal:start", args=["1.001193"])).content.decode()
    assert first.name in page and second.name in page and center.name not in page
    response = signed_in.post(reverse("portal:start", args=["1.001193"]), APPLICANT)
    assert "Cần chọn nơi nộp hồ sơ." in response.content.decode()
    dossier = start_draft(signed_in, version, center=second.pk)
    assert dossier.center == second
    assert dossier.receiving_agency.code == "000.02.42.H13"
