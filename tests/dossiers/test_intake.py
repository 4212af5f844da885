from datetime import datetime

import pytest
from django.core import mail

from motcua.dossiers.models import Dossier, DossierEvent, Notice
from motcua.dossiers.services import IntakeError, intake
from tests import factories
from tests.factories import VN

pytestmark = pytest.mark.django_db(transaction=False)


def test_receive_at_the_counter_issues_code_due_date_and_receipt(
    version, center, officer, monday_9am, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = intake(
            version=version, center=center, officer=officer, applicant=factories.applicant(),
            components=factories.all_components(version, original_seen=True), decision="receive",
            at=monday_9am,
        )  # fmt: skip
    assert dossier.code == "000.00.01.H13-261123-0001"
    assert dossier.status == "received"
    # 10 working days from Mon 23/11/2026 09:00; Tue 24/11 is Vietnam Cultural Day (day off).
    assert dossier.due_at == datetime(2026, 12, 8, 9, 0, tzinfo=VN)
    receipt = dossier.notices.get(kind=Notice.Kind.RECEIPT)
    assert [c["name"] for c in receipt.content["components"]] == [
        "Tờ khai theo mẫu",
        "Bản sao CCCD",
    ]
    assert list(dossier.events.values_list("action", flat=True)) == [
        "created",
        "presented",
        "received",
    ]
    assert dossier.fees.get().amount == 50000
    assert len(mail.outbox) == 1 and "000.00.01.H13-261123-0001" in mail.outbox[0].subject


def test_codes_are_sequential_per_agency_per_day(version, center, officer, monday_9am):
    codes = [
        intake(version=version, center=center, officer=officer, applicant=factories.applicant(),
               components=factories.all_components(version), decision="receive",
               at=monday_9am).code
        for _ in range(3)
    ]  # fmt: skip
    assert codes == [f"000.00.01.H13-261123-000{i}" for i in (1, 2, 3)]


def test_missing_required_component_cannot_be_received(version, center, officer, monday_9am):
    with pytest.raises(IntakeError, match="chưa đủ thành phần bắt buộc: Tờ khai theo mẫu"):
        intake(
            version=version, center=center, officer=officer, applicant=factories.applicant(),
            components=factories.all_components(version, provided=False), decision="receive",
            at=monday_9am,
        )  # fmt: skip
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0


def test_supplement_request_lists_everything_missing(version, center, officer, monday_9am):
    dossier = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version, provided=False), decision="supplement",
        at=monday_9am,
    )  # fmt: skip
    assert dossier.status == "incomplete" and dossier.code is None
    notice = dossier.notices.get()
    assert notice.kind == "supplement"
    assert [m["name"] for m in notice.content["missing"]] == ["Tờ khai theo mẫu"]
    assert notice.number == "02/000.00.01.H13-261123-0001"


def test_refusal_needs_a_reason(version, center, officer, monday_9am):
    with pytest.raises(IntakeError) as err:
        intake(version=version, center=center, officer=officer,
               applicant=factories.applicant(), components=[], decision="refuse", at=monday_9am)  # fmt: skip
    assert err.value.errors == {"reason": "Cần ghi rõ lý do từ chối."}
    dossier = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=[], decision="refuse", reason="Không thuộc thẩm quyền", at=monday_9am,
    )  # fmt: skip
    assert dossier.status == "refused"
    assert dossier.notices.get().content == {"reason": "Không thuộc thẩm quyền"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "12345"}, "applicant_id_number", "đúng 12 chữ số"),
        ({"id_number": "999090001234"}, "applicant_id_number", "mã tỉnh"),
        ({"phone": "12345"}, "applicant_phone", "10 chữ số"),
        ({"email": "khong-phai-email"}, "applicant_email", "không hợp lệ"),
        ({"name": " "}, "applicant_name", "họ và tên"),
        ({"type": "organization", "tax_code": "123"}, "applicant_tax_code", "10 chữ số"),
    ],
)
def test_bad_applicant_data_is_refused_in_vietnamese(
    version, center, officer, monday_9am, changes, field, message
):
    with pytest.raises(IntakeError) as err:
        intake(version=version, center=center, officer=officer,
               applicant=factories.applicant(**changes),
               components=factories.all_components(version), decision="receive", at=monday_9am)  # fmt: skip
    assert message in err.value.errors[field]
    assert Dossier.objects.count() == 0


def test_a_procedure_of_another_level_is_refused(version, monday_9am):
    commune = factories.center("phong-dien", level="commune", agency_code="000.02.40.H13")
    commune_officer = factories.officer(commune, username="tn-xa")
    with pytest.raises(IntakeError, match="cấp tỉnh"):
        intake(version=version, center=commune, officer=commune_officer,
               applicant=factories.applicant(), components=[], decision="receive", at=monday_9am)  # fmt: skip


def test_officer_not_posted_to_the_center_cannot_receive(version, center, monday_9am):
    other = factories.center("ninh-kieu", agency_code="000.00.02.H13")
    stranger = factories.officer(other, username="khac")
    with pytest.raises(IntakeError, match="không được cử"):
        intake(version=version, center=center, officer=stranger,
               applicant=factories.applicant(), components=factories.all_components(version),
               decision="receive", at=monday_9am)  # fmt: skip


def test_postal_dossier_needs_a_tracking_number(version, center, officer, monday_9am):
    with pytest.raises(IntakeError) as err:
        intake(version=version, center=center, officer=officer, channel="postal",
               applicant=factories.applicant(), components=factories.all_components(version),
               decision="receive", at=monday_9am)  # fmt: skip
    assert "postal_tracking_number" in err.value.errors
    dossier = intake(
        version=version, center=center, officer=officer, channel="postal",
        postal_tracking_number="EA123456789VN", applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=monday_9am,
    )  # fmt: skip
    assert dossier.channel == "postal" and dossier.code.endswith("-0001")


def test_received_after_hours_counts_from_next_morning(version, center, officer):
    evening = datetime(2026, 11, 20, 18, 30, tzinfo=VN)  # Friday evening
    dossier = intake(version=version, center=center, officer=officer,
                     applicant=factories.applicant(), components=factories.all_components(version),
                     decision="receive", at=evening)  # fmt: skip
    # From Mon 23/11 07:00: 10 working days (24/11 off) → Mon 7/12 17:00 (end of the 10th day).
    assert dossier.due_at == datetime(2026, 12, 7, 17, 0, tzinfo=VN)
