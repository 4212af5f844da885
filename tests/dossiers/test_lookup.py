import hashlib
import re
import unicodedata
from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.accounts.models import LookupFailure
from motcua.dossiers import lookup
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import intake
from tests import factories
from tests.factories import PHONE, VALID_ID

pytestmark = pytest.mark.django_db

PAGE = "/tra-cuu/"
API = "/api/v1/lookup"
NOT_FOUND = "Không tìm thấy hồ sơ khớp với mã và 4 số đã nhập."


@pytest.fixture
def dossier(version, center, officer, monday_9am):
    return intake(
        version=version, center=center, officer=officer,
        applicant=factories.applicant(name="Nguyễn Văn An"),
        components=factories.all_components(version), decision="receive", at=monday_9am,
    )  # fmt: skip


def result_section(response) -> str:
    """The answer part of the page (the form around it carries a per-request CSRF token)."""
    html = response.content.decode()
    return re.search(r'<section id="ket-qua".*?</section>', html, re.S).group(0)


def ask_page(client, code, verifier, **extra):
    return client.post(PAGE, {"code": code, "verifier": verifier}, **extra)


def ask_api(client, code, verifier, **extra):
    return client.get(API, {"code": code, "verifier": verifier}, **extra)


# --- the page ------------------------------------------------------------------------------


def test_the_qr_link_prefills_the_code(client, dossier):
    response = client.get(PAGE, {"code": dossier.code})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{dossier.code}"' in html
    assert '<label for="id_verifier">' in html and 'inputmode="numeric"' in html
    assert "Tra cứu hồ sơ" in html and "Hồ sơ đang được giải quyết" not in html


def test_the_right_phone_digits_show_the_status_in_plain_vietnamese(client, dossier):
    response = ask_page(client, dossier.code, PHONE[-4:])
    assert response.status_code == 200
    section = result_section(response)
    holder = dossier.holder_agency.name
    assert f"Hồ sơ đang được giải quyết tại {holder}." in section
    assert "08/12/2026" in section and "09:00 08/12/2026" in section  # hh:mm dd/mm/yyyy
    assert "Mới tiếp nhận" in section
    assert "N*** V*** A" in section
    assert "Ông/Bà chưa cần làm gì thêm" in section
    html = response.content.decode()
    for secret in (PHONE, VALID_ID, "Nguyễn Văn An", "dan@example.vn", PHONE[-4:]):
        assert secret not in html
    assert "no-store" in response["Cache-Control"]


def test_the_last_four_digits_of_the_id_number_work_too(client, dossier):
    response = ask_page(client, dossier.code, VALID_ID[-4:])
    assert "Hồ sơ đang được giải quyết" in result_section(response)


def test_the_code_is_not_case_sensitive_and_spaces_are_ignored(client, dossier):
    response = ask_page(client, f"  {dossier.code.lower()} ", PHONE[-4:])
    assert "Hồ sơ đang được giải quyết" in result_section(response)


def test_unknown_code_and_wrong_digits_give_the_same_answer(client, dossier):
    unknown = ask_page(client, "000.00.01.H13-261123-9999", PHONE[-4:])
    wrong = ask_page(client, dossier.code, "0000")
    assert unknown.status_code == wrong.status_code == 200
    assert result_section(unknown) == result_section(wrong)
    assert NOT_FOUND in result_section(wrong)
    assert "Hồ sơ đang được giải quyết" not in wrong.content.decode()


def test_badly_typed_digits_are_explained_and_not_counted(client, dossier):
    response = ask_page(client, dossier.code, "12a")
    assert "Nhập đúng 4 chữ số." in response.content.decode()
    response = ask_page(client, "", "")
    assert "Cần nhập mã hồ sơ." in response.content.decode()
    assert LookupFailure.objects.count() == 0


def test_repeated_failures_from_one_client_are_slowed_down(client, dossier, settings):
    settings.MOTCUA_LOOKUP_MAX_FAILURES = 3
    for _ in range(3):
        assert ask_page(client, dossier.code, "0000").status_code == 200
    blocked = ask_page(client, dossier.code, PHONE[-4:])  # even the right answer is refused now
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 600
    assert "quá nhiều lần" in result_section(blocked) and "10 phút" in result_section(blocked)
    assert "Hồ sơ đang được giải quyết" not in blocked.content.decode()
    # Another client is not affected.
    other = ask_page(client, dossier.code, PHONE[-4:], REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and "Hồ sơ đang được giải quyết" in result_section(other)


def test_the_ip_address_is_stored_only_as_a_keyed_hash(client, dossier):
    ask_page(client, dossier.code, "0000", REMOTE_ADDR="203.0.113.7")
    failure = LookupFailure.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", failure.ip_hash)
    assert "203.0.113.7" not in failure.ip_hash
    assert failure.ip_hash != hashlib.sha256(b"203.0.113.7").hexdigest()  # keyed, not plain


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, dossier, settings):
    settings.MOTCUA_LOOKUP_MAX_FAILURES = 2
    for n in range(2):
        ask_page(client, dossier.code, "0000", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # Changing the header does not escape the limit: REMOTE_ADDR is what counts.
    spoofed = ask_page(client, dossier.code, PHONE[-4:], HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert spoofed.status_code == 429
    settings.MOTCUA_TRUSTED_PROXY = True
    # Behind a trusted proxy, the address the proxy saw (last entry) is the client.
    via_proxy = ask_page(
        client, dossier.code, PHONE[-4:], HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.50"
    )
    assert via_proxy.status_code == 200


# --- the API -------------------------------------------------------------------------------


def test_api_answers_with_the_plain_status(client, dossier):
    response = ask_api(client, dossier.code, PHONE[-4:])
    assert response.status_code == 200
    assert response.json() == {
        "code": dossier.code,
        "status": "received",
        "status_label": "mới tiếp nhận",
        "message": f"Hồ sơ đang được giải quyết tại {dossier.holder_agency.name}.",
        "holder_agency": dossier.holder_agency.name,
        "due_at": "2026-12-08T09:00:00+07:00",
        "next_step": "Ông/Bà chưa cần làm gì thêm. Kết quả hẹn trả lúc 09:00 08/12/2026; khi có "
        "kết quả, Ông/Bà sẽ được thông báo.",
        "applicant_initials": "N*** V*** A",
    }
    assert ask_api(client, dossier.code, VALID_ID[-4:]).status_code == 200


def test_api_unknown_and_wrong_are_identical(client, dossier):
    unknown = ask_api(client, "000.00.01.H13-261123-9999", PHONE[-4:])
    wrong = ask_api(client, dossier.code, "9999")
    assert unknown.status_code == wrong.status_code == 404
    assert unknown.content == wrong.content
    assert unknown.json() == {"message": NOT_FOUND}


def test_api_rate_limit_is_10_failures_by_default(client, dossier):
    for _ in range(10):
        assert ask_api(client, dossier.code, "0000").status_code == 404
    blocked = ask_api(client, dossier.code, PHONE[-4:])
    assert blocked.status_code == 429
    assert 590 <= int(blocked["Retry-After"]) <= 600
    assert "quá nhiều lần" in blocked.json()["message"]
    # The page shares the same counter.
    assert ask_page(client, dossier.code, PHONE[-4:]).status_code == 429


def test_api_explains_missing_or_malformed_input(client, dossier):
    response = client.get(API)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "code": "Cần nhập mã hồ sơ.",
        "verifier": "Nhập đúng 4 chữ số cuối của số điện thoại hoặc số định danh cá nhân.",
    }


def test_the_limit_lifts_when_failures_leave_the_window(db):
    now = timezone.now()
    for minutes in (9, 5, 1):
        LookupFailure.objects.create(ip_hash="a" * 64, at=now - timedelta(minutes=minutes))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lookup, "max_failures", lambda: 3)
        assert lookup.seconds_until_allowed("a" * 64, now=now) == 60  # the 9-minute-old one
        assert lookup.seconds_until_allowed("a" * 64, now=now + timedelta(minutes=1)) == 0
        assert lookup.seconds_until_allowed("b" * 64, now=now) == 0
    lookup.record_failure("b" * 64, now=now + timedelta(minutes=11))
    assert list(LookupFailure.objects.values_list("ip_hash", flat=True)) == ["b" * 64]


# --- what each status says -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "delivery", "expected"),
    [
        ("in_progress", "counter", "Hồ sơ đang được giải quyết tại Sở Tư pháp."),
        ("waiting_supplement", "counter", "Sở Tư pháp đề nghị Ông/Bà bổ sung hồ sơ"),
        ("suspended", "counter", "nghĩa vụ tài chính"),
        ("result_ready", "counter",
         "Đã có kết quả, mời Ông/Bà đến nhận tại Trung tâm Phục vụ hành chính công can-tho."),
        ("result_ready", "post", "gửi qua bưu chính"),
        ("result_ready", "electronic", "bản điện tử"),
        ("returned", "counter", "đã trả kết quả"),
        ("refused", "counter", "từ chối"),
        ("withdrawn", "counter", "rút hồ sơ"),
    ],
)  # fmt: skip
def test_each_status_has_a_plain_sentence(dossier, status, delivery, expected):
    from motcua.directory.models import Agency

    Dossier.objects.filter(pk=dossier.pk).update(
        status=status,
        result_delivery=delivery,
        holder_agency=Agency.objects.get(code="000.00.12.H13"),
    )
    dossier.refresh_from_db()
    answer = lookup.answer_for(dossier)
    assert expected in answer.message
    assert answer.next_step and answer.holder_agency == "Sở Tư pháp"
    assert answer.status_label == dossier.get_status_display()


def test_every_status_is_covered(dossier):
    from motcua.domain.dossier_status import Status

    for status in Status:
        dossier.status = status
        answer = lookup.answer_for(dossier)
        assert answer.message and answer.next_step


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nguyễn Văn An", "N*** V*** A"),
        ("  đặng   thị  ánh ", "Đ*** T*** Á"),
        (unicodedata.normalize("NFD", "Ân"), "Â"),
        ("", ""),
    ],
)
def test_initials(name, expected):
    assert lookup.initials(name) == expected
