"""Fee lines, exemptions with a reason, counter payments (cash/card with a receipt number)."""

import pytest
from django.utils import timezone

from motcua.catalog.specs import FeeSpec
from motcua.dossiers.models import DossierEvent, DossierFee
from motcua.dossiers.services import intake
from motcua.payments import selectors
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.services import (
    PaymentError,
    exempt_fee,
    record_counter_payment,
    restore_fee,
)
from tests import factories

pytestmark = pytest.mark.django_db


def pay(dossier, officer, amount=50000, receipt="BL-0001", method="cash"):
    return record_counter_payment(
        dossier=dossier, officer=officer, method=method, amount=amount, receipt_number=receipt
    )


# --- counter payment ------------------------------------------------------------------------


def test_counter_payment(dossier, officer):
    payment = pay(dossier, officer)
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert (payment.method, payment.receipt_number, payment.recorded_by) == ("cash", "BL-0001",
                                                                             officer)  # fmt: skip
    assert selectors.amount_due(dossier) == 0
    event = DossierEvent.objects.get(dossier=dossier, action="fee_paid")
    assert event.actor == officer and event.data["receipt_number"] == "BL-0001"


def test_wrong_amount_refused(dossier, officer):
    with pytest.raises(PaymentError) as exc:
        pay(dossier, officer, amount=40000)
    assert str(exc.value) == (
        "Số tiền thu (40.000 đồng) phải bằng số tiền còn phải nộp (50.000 đồng)."
    )
    assert not Payment.objects.exists()


def test_same_receipt_is_idempotent(dossier, officer):
    first = pay(dossier, officer)
    again = pay(dossier, officer)
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="fee_paid").count() == 1
    with pytest.raises(PaymentError, match="BL-0001 đã được ghi"):
        pay(dossier, officer, amount=20000)
    with pytest.raises(PaymentError, match="không còn khoản"):
        pay(dossier, officer, receipt="BL-0002")


def test_counter_payment_input(dossier, officer):
    with pytest.raises(PaymentError, match="tiền mặt hoặc thẻ"):
        pay(dossier, officer, method="online")
    with pytest.raises(PaymentError, match="số biên lai"):
        pay(dossier, officer, receipt="  ")
    with pytest.raises(PaymentError, match="số nguyên dương"):
        pay(dossier, officer, amount=0)
    assert not Payment.objects.exists()


def test_counter_payment_refused_while_online_payment_in_flight(dossier, officer, pending):
    with pytest.raises(PaymentError, match="chưa kết thúc"):
        pay(dossier, officer)


def test_only_officers_in_scope(dossier, owner):
    with pytest.raises(PaymentError, match="không có quyền"):
        pay(dossier, owner)
    elsewhere = factories.center("soc-trang")
    stranger = factories.officer(elsewhere, username="quaykhac")
    with pytest.raises(PaymentError, match="phạm vi"):
        pay(dossier, stranger)
    supervisor = factories.officer(dossier.center, username="giamsat", role="supervisor")
    with pytest.raises(PaymentError, match="không có quyền"):
        pay(dossier, supervisor)
    assert not Payment.objects.exists()


# --- exemptions -----------------------------------------------------------------------------


def test_exemption_with_reason_changes_amount_due(dossier, officer):
    fee = dossier.fees.get()
    assert selectors.amount_due(dossier) == 50000
    exempt_fee(fee=fee, officer=officer, reason="Người có công với cách mạng")
    fee.refresh_from_db()
    assert fee.exempted and fee.exemption_reason == "Người có công với cách mạng"
    assert selectors.amount_due(dossier) == 0
    event = DossierEvent.objects.get(dossier=dossier, action="fee_exempted")
    assert event.actor == officer
    assert event.data["reason"] == "Người có công với cách mạng" and event.data["kind"] == "exempt"
    with pytest.raises(PaymentError, match="đã được miễn"):
        exempt_fee(fee=fee, officer=officer, reason="lần nữa")
    restore_fee(fee=fee, officer=officer, reason="Nhầm đối tượng")
    assert selectors.amount_due(dossier) == 50000
    assert DossierEvent.objects.filter(dossier=dossier, action="fee_restored").count() == 1


def test_reduction_keeps_both_rates(dossier, officer):
    fee = dossier.fees.get()
    exempt_fee(fee=fee, officer=officer, reason="Giảm 50% cho học sinh", amount=25000)
    assert selectors.amount_due(dossier) == 25000
    reduced = dossier.fees.get(exempted=False)
    assert reduced.amount == 25000 and reduced.name.endswith("(mức sau khi giảm)")
    event = DossierEvent.objects.get(dossier=dossier, action="fee_exempted")
    assert event.data["kind"] == "reduce" and event.data["new_amount"] == 25000
    assert event.data["amount"] == 50000
    pay(dossier, officer, amount=25000)
    assert selectors.amount_due(dossier) == 0


def test_exemption_needs_a_reason_and_a_sane_amount(dossier, officer):
    fee = dossier.fees.get()
    with pytest.raises(PaymentError, match="lý do"):
        exempt_fee(fee=fee, officer=officer, reason="   ")
    with pytest.raises(PaymentError, match="nhỏ hơn"):
        exempt_fee(fee=fee, officer=officer, reason="Giảm", amount=60000)
    fee.refresh_from_db()
    assert not fee.exempted
    assert not DossierEvent.objects.filter(action="fee_exempted").exists()


def test_exemption_cannot_go_below_what_was_paid(dossier, officer):
    pay(dossier, officer)
    with pytest.raises(PaymentError, match="đã nộp 50.000 đồng"):
        exempt_fee(fee=dossier.fees.get(), officer=officer, reason="Miễn")
    assert not dossier.fees.get().exempted


def test_exemption_by_someone_not_allowed(dossier, owner):
    with pytest.raises(PaymentError):
        exempt_fee(fee=dossier.fees.get(), officer=owner, reason="Tự miễn")
    assert selectors.amount_due(dossier) == 50000


def test_a_reduced_rate_listed_as_a_standard_line_is_still_charged(center, officer, monday_9am):
    """A catalog that lists a reduced rate as a plain (standard) line charges it; marking it
    `kind: alternative` (tests/payments/test_fee_options.py) is what stops that."""
    factories.agency()
    version, _ = factories.procedure(
        "2.000488", "Cấp Phiếu lý lịch tư pháp", days="10",
        fees=(FeeSpec(name="Phí cấp Phiếu lý lịch tư pháp", amount=200000),
              FeeSpec(name="Phí đối với sinh viên, học sinh", amount=100000)),
    )  # fmt: skip
    dossier = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=monday_9am,
    )  # fmt: skip
    assert selectors.amount_due(dossier) == 300000
    student_rate = DossierFee.objects.get(dossier=dossier, amount=100000)
    exempt_fee(fee=student_rate, officer=officer, reason="Không phải học sinh, sinh viên")
    assert selectors.amount_due(dossier) == 200000


# --- the fee page and panel -----------------------------------------------------------------


def test_fee_page_for_officers(client, dossier, officer):
    client.force_login(officer)
    page = client.get(f"/thanh-toan/ho-so/{dossier.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lệ phí" in html and 'data-amount-due="50000"' in html
    assert "Ghi nhận đã thu" in html and "Miễn, giảm" in html and "Thanh toán trực tuyến" in html
    # The public id works too.
    assert client.get(f"/thanh-toan/ho-so/{dossier.public_id}/").status_code == 200


def test_counter_payment_through_the_page(client, dossier, officer):
    client.force_login(officer)
    url = f"/thanh-toan/ho-so/{dossier.code}/thu-tai-quay/"
    wrong = client.post(url, {"method": "cash", "amount": "40.000", "receipt_number": "BL-7"})
    assert wrong.status_code == 400
    assert "phải bằng số tiền còn phải nộp" in wrong.content.decode()
    assert not Payment.objects.exists()
    back = f"/quay/ho-so/{dossier.code}/"
    ok = client.post(
        url, {"method": "card", "amount": "50.000", "receipt_number": "BL-7", "next": back}
    )
    assert ok.status_code == 302 and ok["Location"] == back
    assert Payment.objects.get().method == "card"
    page = client.get(f"/thanh-toan/ho-so/{dossier.code}/").content.decode()
    assert 'data-amount-due="0"' in page and "BL-7" in page
    assert "Ghi nhận đã thu" not in page  # nothing left to take


def test_unsafe_next_is_ignored(client, dossier, officer):
    client.force_login(officer)
    response = client.post(
        f"/thanh-toan/ho-so/{dossier.code}/thu-tai-quay/",
        {"method": "cash", "amount": "50000", "receipt_number": "BL-8",
         "next": "https://ke-gian.example/"},
    )  # fmt: skip
    assert response["Location"] == f"/thanh-toan/ho-so/{dossier.code}/"


def test_exemption_through_the_page(client, dossier, officer):
    client.force_login(officer)
    fee = dossier.fees.get()
    url = f"/thanh-toan/ho-so/{dossier.code}/mien-giam/{fee.pk}/"
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Hộ nghèo", "amount": ""})
    assert response.status_code == 302
    page = client.get(f"/thanh-toan/ho-so/{dossier.code}/").content.decode()
    assert "Hộ nghèo" in page and 'data-amount-due="0"' in page
    restore = f"/thanh-toan/ho-so/{dossier.code}/ap-dung-lai/{fee.pk}/"
    assert client.post(restore, {"reason": "Nhầm"}).status_code == 302
    assert selectors.amount_due(dossier) == 50000


def test_fee_line_of_another_dossier_is_404(client, dossier, officer, version, center):
    other = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=timezone.now(),
    )  # fmt: skip
    client.force_login(officer)
    url = f"/thanh-toan/ho-so/{dossier.code}/mien-giam/{other.fees.get().pk}/"
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_officer_out_of_scope_gets_404(client, dossier):
    stranger = factories.officer(factories.center("soc-trang"), username="quaykhac")
    client.force_login(stranger)
    assert client.get(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 404


def test_panel_for_the_owner(rf, dossier, owner):
    from django.template import Context, Template

    request = rf.get("/ho-so-cua-toi/")
    request.user = owner
    html = Template("{% load payments_tags %}{% fee_panel dossier %}").render(
        Context({"dossier": dossier, "request": request})
    )
    assert "Thanh toán trực tuyến" in html
    assert "Ghi nhận đã thu" not in html and "Miễn, giảm<" not in html


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("50.000", 50000), ("50,000", 50000), ("50 000 đ", 50000), ("1.250.000 đồng", 1250000),
     ("50000", 50000), ("5.00", None), ("-50000", None), ("năm mươi", None), ("9" * 20, None)],
)  # fmt: skip
def test_parse_amount(typed, amount):
    from motcua.payments.forms import parse_amount

    assert parse_amount(typed) == amount
