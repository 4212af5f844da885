"""Alternative rates (mức thu thay thế) and extra lines (thu thêm): not charged at intake, applied
by an officer with a reason — through the service, the fee panel and POST /api/v1/dossiers."""

import pytest

from motcua.catalog.models import Fee
from motcua.catalog.specs import FeeSpec
from motcua.dossiers.models import Dossier, DossierEvent, DossierFee
from motcua.dossiers.services import intake
from motcua.payments import selectors
from motcua.payments.services import (
    PaymentError,
    apply_fee_option,
    record_counter_payment,
    restore_fee,
)
from tests import factories
from tests.dossiers.test_api import bearer, body, post

pytestmark = pytest.mark.django_db

STANDARD = "Phí cấp Phiếu lý lịch tư pháp"
STUDENT = "Phí cấp Phiếu lý lịch tư pháp (sinh viên, học sinh)"
THIRD = "Phí cấp từ Phiếu thứ 3 trở đi"
COMPANY = "Phí cấp Phiếu lý lịch tư pháp (tổ chức)"


@pytest.fixture
def version(db):
    """2.000635 with a standard rate, a student rate replacing it, an extra line, and an
    organisation-only alternative."""
    factories.agency()
    version, _ = factories.procedure(
        "2.000635", "Cấp Phiếu lý lịch tư pháp", days="10",
        fees=(FeeSpec(name=STANDARD, amount=200000),
              FeeSpec(name=STUDENT, amount=100000, kind="alternative", replaces=STANDARD),
              FeeSpec(name=THIRD, amount=5000, kind="extra"),
              FeeSpec(name=COMPANY, amount=300000, kind="alternative", replaces=STANDARD,
                      applicant_type="organization")),
    )  # fmt: skip
    return version


@pytest.fixture
def dossier(version, center, officer, monday_9am) -> Dossier:
    return intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=monday_9am,
    )  # fmt: skip


def catalog_fee(name: str) -> Fee:
    return Fee.objects.get(name=name)


def test_intake_charges_only_the_standard_lines(dossier):
    (line,) = dossier.fees.all()
    assert (line.name, line.amount, line.kind) == (STANDARD, 200000, "standard")
    assert line.source == catalog_fee(STANDARD)
    assert selectors.amount_due(dossier) == 200000
    # What the officer may still apply: the student rate and the extra line (not the
    # organisation rate: the applicant is an individual).
    assert [f.name for f in selectors.fee_summary(dossier).options] == [STUDENT, THIRD]


def test_switching_to_the_alternative_rate_with_a_reason(dossier, officer):
    line = apply_fee_option(dossier=dossier, officer=officer, fee=catalog_fee(STUDENT),
                            reason="Sinh viên, thẻ số SV-123")  # fmt: skip
    assert (line.amount, line.kind, line.applied_reason) == (100000, "alternative",
                                                             "Sinh viên, thẻ số SV-123")  # fmt: skip
    standard = dossier.fees.get(kind="standard")
    assert standard.exempted
    assert standard.exemption_reason == (
        f"Áp dụng mức thu thay thế “{STUDENT}”: Sinh viên, thẻ số SV-123"
    )
    assert selectors.amount_due(dossier) == 100000
    event = DossierEvent.objects.get(dossier=dossier, action="fee_alternative")
    assert event.actor == officer and event.data["reason"] == "Sinh viên, thẻ số SV-123"
    assert (event.data["replaced"], event.data["line"]) == (standard.pk, line.pk)
    assert event.data["replaced_amount"] == 200000 and event.data["amount"] == 100000
    assert [f.name for f in selectors.fee_summary(dossier).options] == [THIRD]
    with pytest.raises(PaymentError, match="đã được áp dụng"):
        apply_fee_option(dossier=dossier, officer=officer, fee=catalog_fee(STUDENT), reason="x")
    # Back to the standard rate: the alternative stops being charged.
    restore_fee(fee=standard, officer=officer, reason="Không xuất trình thẻ sinh viên")
    line.refresh_from_db()
    assert line.exempted and "Không xuất trình thẻ sinh viên" in line.exemption_reason
    assert selectors.amount_due(dossier) == 200000
    event = DossierEvent.objects.get(dossier=dossier, action="fee_restored")
    assert event.data["dropped"] == [line.pk]


def test_an_extra_line_is_added_on_demand(dossier, officer):
    apply_fee_option(dossier=dossier, officer=officer, fee=catalog_fee(THIRD),
                     reason="Yêu cầu 3 phiếu")  # fmt: skip
    assert selectors.amount_due(dossier) == 205000
    assert DossierEvent.objects.get(dossier=dossier, action="fee_extra").data["amount"] == 5000
    assert not dossier.fees.get(kind="standard").exempted


def test_what_cannot_be_applied(dossier, officer, version, center, monday_9am):
    with pytest.raises(PaymentError, match="Cần ghi rõ lý do áp dụng"):
        apply_fee_option(dossier=dossier, officer=officer, fee=catalog_fee(STUDENT), reason=" ")
    with pytest.raises(PaymentError, match="mức thu chuẩn, được tính khi tiếp nhận"):
        apply_fee_option(dossier=dossier, officer=officer, fee=catalog_fee(STANDARD), reason="x")
    with pytest.raises(PaymentError, match="không áp dụng cho người nộp"):
        apply_fee_option(dossier=dossier, officer=officer, fee=catalog_fee(COMPANY), reason="x")
    other, _ = factories.procedure("1.000001", "Chứng thực", days="1",
                                   fees=(FeeSpec(name="Khác", amount=1, kind="extra"),))  # fmt: skip
    with pytest.raises(PaymentError, match="không thuộc thủ tục"):
        apply_fee_option(dossier=dossier, officer=officer, fee=other.fees.get(), reason="x")
    with pytest.raises(PaymentError, match="quyền"):
        apply_fee_option(dossier=dossier, officer=factories.citizen(), fee=catalog_fee(STUDENT),
                         reason="x")  # fmt: skip
    assert dossier.fees.count() == 1 and selectors.amount_due(dossier) == 200000
    assert not DossierEvent.objects.filter(action__in=["fee_alternative", "fee_extra"]).exists()


def test_the_alternative_cannot_go_below_what_was_paid(dossier, officer):
    record_counter_payment(dossier=dossier, officer=officer, method="cash", amount=200000,
                           receipt_number="BL-1")  # fmt: skip
    with pytest.raises(PaymentError, match="đã nộp 200.000 đồng"):
        apply_fee_option(dossier=dossier, officer=officer, fee=catalog_fee(STUDENT), reason="SV")
    assert not dossier.fees.get().exempted


# --- the fee panel ---------------------------------------------------------------------------


def test_the_fee_panel_offers_the_options_and_applies_them(client, dossier, officer):
    client.force_login(officer)
    page = client.get(f"/thanh-toan/ho-so/{dossier.code}/").content.decode()
    assert "Mức thu thay thế, khoản thu thêm" in page
    assert f"Áp dụng mức thu thay thế “{STUDENT}” (100.000 đồng) thay cho “{STANDARD}”" in page
    assert f"Thu thêm “{THIRD}” (5.000 đồng)" in page and COMPANY not in page
    url = f"/thanh-toan/ho-so/{dossier.code}/ap-dung-muc-thu/{catalog_fee(STUDENT).pk}/"
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Hộ nghèo", "next": "/quay/"})
    assert response.status_code == 302 and response["Location"] == "/quay/"
    page = client.get(f"/thanh-toan/ho-so/{dossier.code}/").content.decode()
    assert 'data-amount-due="100000"' in page and "Lý do áp dụng: Hộ nghèo" in page
    assert client.post(url, {"reason": "Lần nữa"}).status_code == 400  # already applied
    other, _ = factories.procedure("1.000001", "Chứng thực", days="1",
                                   fees=(FeeSpec(name="Khác", amount=1, kind="extra"),))  # fmt: skip
    foreign = f"/thanh-toan/ho-so/{dossier.code}/ap-dung-muc-thu/{other.fees.get().pk}/"
    assert client.post(foreign, {"reason": "x"}).status_code == 404


# --- POST /api/v1/dossiers -------------------------------------------------------------------


def test_the_api_receives_with_fee_options(client, version, officer):
    options = [{"fee_id": catalog_fee(STUDENT).pk, "reason": "Học sinh"},
               {"fee_id": catalog_fee(THIRD).pk, "reason": "Yêu cầu 3 phiếu"}]  # fmt: skip
    response = post(client, bearer(officer), body(fee_options=options))
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get()
    assert selectors.amount_due(dossier) == 105000
    detail = client.get(f"/api/v1/dossiers/{dossier.code}", **bearer(officer)).json()
    assert [(f["kind"], f["exempted"]) for f in detail["fees"]] == [
        ("standard", True), ("alternative", False), ("extra", False),
    ]  # fmt: skip


def test_a_bad_fee_option_stores_nothing(client, version, officer, settings):
    token = bearer(officer)
    response = post(client, token, body(fee_options=[{"fee_id": catalog_fee(STANDARD).pk,
                                                      "reason": "x"}]))  # fmt: skip
    assert response.status_code == 422
    assert "mức thu chuẩn" in response.json()["errors"]["fee_options[0]"]
    response = post(client, token, body(fee_options=[{"fee_id": catalog_fee(STUDENT).pk}]))
    assert response.json()["errors"] == {
        "fee_options[0].reason": "Cần ghi rõ lý do áp dụng (ví dụ: thuộc hộ nghèo)."
    }
    response = post(client, token, body(fee_options=[{"fee_id": 999999, "reason": "x"}]))
    assert "không thuộc thủ tục" in response.json()["errors"]["fee_options[0].fee_id"]
    refusal = body(decision="refuse", reason="Không thuộc thẩm quyền",
                   fee_options=[{"fee_id": catalog_fee(STUDENT).pk, "reason": "SV"}])  # fmt: skip
    response = post(client, token, refusal)
    assert response.json()["errors"] == {
        "fee_options": "Hồ sơ bị từ chối tiếp nhận không áp dụng phí, lệ phí."
    }
    assert not Dossier.objects.exists() and not DossierFee.objects.exists()
    root = settings.MEDIA_ROOT
    assert not (root.exists() and any(p.is_file() for p in root.rglob("*")))


def test_citizens_cannot_choose_fee_options(client, version):
    citizen = factories.citizen()
    data = body(channel="online", decision=None,
                fee_options=[{"fee_id": catalog_fee(STUDENT).pk, "reason": "SV"}])  # fmt: skip
    response = post(client, bearer(citizen), data)
    assert response.status_code == 422
    assert "cán bộ tiếp nhận" in response.json()["errors"]["fee_options"]


@pytest.mark.django_db(transaction=True)
def test_two_officers_applying_the_same_rate_at_once_charge_it_once(dossier, center, officer):
    import threading

    from django.db import connection

    second = factories.officer(center, username="quay2")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def apply(user):
        try:
            barrier.wait()
            apply_fee_option(dossier=dossier, officer=user, fee=catalog_fee(STUDENT),
                             reason=f"Sinh viên ({user.username})")  # fmt: skip
            outcomes.append("applied")
        except PaymentError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(u,)) for u in (officer, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["applied", f"“{STUDENT}” đã được áp dụng cho hồ sơ."]
    assert dossier.fees.filter(kind="alternative").count() == 1
    assert selectors.amount_due(dossier) == 100000
