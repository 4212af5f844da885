"""Online payment: start → sandbox bank page → IPN → paid → return page; the IPN's checks."""

import logging
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.models import DossierEvent
from motcua.payments import selectors
from motcua.payments.models import Payment, PaymentCallbackLog, PaymentStatus
from tests import factories
from tests.payments.helpers import gateway_answer, paid_online

pytestmark = pytest.mark.django_db

IPN = "/thanh-toan/ipn/sandbox/"


def start_url(dossier) -> str:
    return f"/thanh-toan/bat-dau/{dossier.public_id}/"


def test_urls():
    assert reverse("payments:ipn", args=["sandbox"]) == IPN
    assert reverse("payments:sandbox-pay") == "/thanh-toan/sandbox/pay/"
    assert reverse("payments:result", args=[5]) == "/thanh-toan/ket-qua/5/"
    assert reverse("payments:dossier", args=["X"]) == "/thanh-toan/ho-so/X/"


def test_full_flow(client, dossier, owner):
    client.force_login(owner)
    page = client.get(start_url(dossier))
    assert page.status_code == 200
    assert "50.000 đồng" in page.content.decode()

    response = client.post(start_url(dossier))
    assert response.status_code == 302
    bank = urlsplit(response["Location"])
    assert bank.path == "/thanh-toan/sandbox/pay/"
    request = dict(parse_qsl(bank.query))
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PENDING and payment.amount == 50000
    assert request["vnp_Amount"] == "5000000"  # VND × 100
    assert request["vnp_TxnRef"] == str(payment.pk)
    assert request["vnp_ReturnUrl"] == f"http://testserver/thanh-toan/ket-qua/{payment.pk}/"
    assert len(request["vnp_SecureHash"]) == 128

    bank_page = client.get(response["Location"])
    assert bank_page.status_code == 200
    html = bank_page.content.decode()
    assert "50.000 đồng" in html and "Thanh toán thành công" in html and "Hủy" in html

    back = client.post("/thanh-toan/sandbox/pay/", {**request, "outcome": "success"})
    assert back.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID  # the IPN arrived before the browser
    assert payment.paid_at is not None and payment.provider_reference
    log = PaymentCallbackLog.objects.get()
    assert log.verified and log.payment == payment and log.outcome == "confirmed"
    assert DossierEvent.objects.filter(dossier=dossier, action="fee_paid").count() == 1
    assert selectors.amount_due(dossier) == 0
    assert selectors.is_paid_online(dossier)

    result_url = urlsplit(back["Location"])
    assert result_url.path == f"/thanh-toan/ket-qua/{payment.pk}/"
    result = client.get(back["Location"])
    assert result.status_code == 200
    assert "Thanh toán thành công" in result.content.decode()
    assert 'data-state="paid"' in result.content.decode()


def test_cancel_at_the_bank(client, dossier, owner):
    client.force_login(owner)
    request = dict(parse_qsl(urlsplit(client.post(start_url(dossier))["Location"]).query))
    back = client.post("/thanh-toan/sandbox/pay/", {**request, "outcome": "cancel"})
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.FAILED
    assert selectors.amount_due(dossier) == 50000
    assert 'data-state="failed"' in client.get(back["Location"]).content.decode()
    # A new attempt is a new transaction.
    client.post(start_url(dossier))
    assert Payment.objects.filter(dossier=dossier, status=PaymentStatus.PENDING).count() == 1


def test_second_click_reuses_the_pending_payment(client, dossier, owner):
    client.force_login(owner)
    first = client.post(start_url(dossier))["Location"]
    second = client.post(start_url(dossier))["Location"]
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert (
        dict(parse_qsl(urlsplit(first).query))["vnp_TxnRef"]
        == dict(parse_qsl(urlsplit(second).query))["vnp_TxnRef"]
    )


def test_expired_pending_payment_is_cancelled_on_a_new_start(client, dossier, owner, pending):
    Payment.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(owner)
    client.post(start_url(dossier))
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.CANCELLED
    assert Payment.objects.filter(dossier=dossier, status=PaymentStatus.PENDING).count() == 1


def test_ipn_confirms_once(client, pending):
    params = gateway_answer(pending)
    first = client.get(IPN, params)
    assert first.json() == {"RspCode": "00", "Message": "Confirm Success"}
    second = client.get(IPN, params)
    assert second.json() == {"RspCode": "02", "Message": "Order already confirmed"}
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PAID
    assert paid_online(pending.dossier) == 1
    assert selectors.amount_paid(pending.dossier) == 50000
    assert DossierEvent.objects.filter(dossier=pending.dossier, action="fee_paid").count() == 1
    assert PaymentCallbackLog.objects.count() == 2


def test_ipn_by_post(client, pending):
    response = client.post(IPN, gateway_answer(pending))
    assert response.json()["RspCode"] == "00"
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PAID


def test_failed_payment_reported_by_ipn(client, pending):
    assert client.get(IPN, gateway_answer(pending, success=False)).json()["RspCode"] == "00"
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.FAILED
    assert selectors.amount_due(pending.dossier) == 50000


def test_tampered_signature_rejected_and_logged(client, pending, caplog):
    params = gateway_answer(pending)
    params["vnp_Amount"] = "100"  # changed after signing
    with caplog.at_level(logging.WARNING, logger="motcua.payments"):
        response = client.get(IPN, params)
    assert response.status_code == 200
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PENDING
    log = PaymentCallbackLog.objects.get()
    assert not log.verified and log.outcome == "invalid_signature"
    assert log.payload["vnp_Amount"] == "100"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "rejected" in warnings[0].getMessage()
    # No personal data in the log line.
    dossier = pending.dossier
    for private in (dossier.applicant_name, dossier.applicant_phone, dossier.applicant_id_number):
        assert private not in warnings[0].getMessage()


def test_wrong_secret_rejected(client, pending):
    response = client.get(IPN, gateway_answer(pending, secret="khoa-cua-ke-gian"))
    assert response.json()["RspCode"] == "97"
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PENDING


def test_changed_amount_rejected(client, pending, caplog):
    with caplog.at_level(logging.WARNING, logger="motcua.payments"):
        response = client.get(IPN, gateway_answer(pending, amount=1000))
    assert response.json() == {"RspCode": "04", "Message": "invalid amount"}
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PENDING
    log = PaymentCallbackLog.objects.get()
    assert log.verified and log.payment == pending and log.outcome == "invalid_amount"
    assert any("invalid_amount" in r.getMessage() for r in caplog.records)
    # The right amount afterwards still goes through.
    assert client.get(IPN, gateway_answer(pending)).json()["RspCode"] == "00"


def test_unknown_payment(client, pending):
    params = gateway_answer(pending, vnp_TxnRef=str(pending.pk + 1000))
    assert client.get(IPN, params).json() == {"RspCode": "01", "Message": "Order not found"}
    assert client.get(IPN, gateway_answer(pending, vnp_TxnRef="abc")).json()["RspCode"] == "01"
    assert PaymentCallbackLog.objects.filter(outcome="not_found").count() == 2


def test_counter_payment_is_not_an_online_order(client, dossier, officer):
    from motcua.payments.services import record_counter_payment

    cash = record_counter_payment(
        dossier=dossier, officer=officer, method="cash", amount=50000, receipt_number="BL-1"
    )
    response = client.get(IPN, gateway_answer(cash))
    assert response.json()["RspCode"] == "01"


def test_unknown_provider_is_404(client):
    assert client.get("/thanh-toan/ipn/khong-co/").status_code == 404


def test_return_page_changes_nothing(client, owner, pending):
    client.force_login(owner)
    page = client.get(f"/thanh-toan/ket-qua/{pending.pk}/", gateway_answer(pending))
    assert page.status_code == 200
    assert 'data-state="pending"' in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PENDING
    assert PaymentCallbackLog.objects.count() == 0


def test_return_page_with_bad_signature(client, owner, pending):
    client.force_login(owner)
    params = {**gateway_answer(pending), "vnp_ResponseCode": "00", "vnp_SecureHash": "0" * 128}
    page = client.get(f"/thanh-toan/ket-qua/{pending.pk}/", params)
    assert 'data-state="unverified"' in page.content.decode()


def test_sandbox_bank_refuses_a_tampered_request(client, dossier, owner):
    client.force_login(owner)
    location = client.post(start_url(dossier))["Location"]
    request = dict(parse_qsl(urlsplit(location).query))
    request["vnp_Amount"] = "100"
    page = client.get("/thanh-toan/sandbox/pay/", request)
    assert page.status_code == 400
    assert "Chữ ký" in page.content.decode()
    posted = client.post("/thanh-toan/sandbox/pay/", {**request, "outcome": "success"})
    assert posted.status_code == 400
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.PENDING


def test_sandbox_bank_refuses_an_expired_request(client, dossier, owner):
    client.force_login(owner)
    location = client.post(start_url(dossier))["Location"]
    Payment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    request = dict(parse_qsl(urlsplit(location).query))
    # The request carries its own signed expiry: move the clock past it.
    from motcua.payments.providers.contrib.sandbox import signing

    request["vnp_ExpireDate"] = signing.format_date(timezone.now() - timedelta(minutes=1))
    request = signing.signed(request, "khoa-bi-mat-cua-bai-kiem-thu")
    page = client.get("/thanh-toan/sandbox/pay/", request)
    assert page.status_code == 400 and "hết hạn" in page.content.decode()


def test_sandbox_bank_only_when_sandbox_is_configured(client, settings, dossier, owner):
    client.force_login(owner)
    location = client.post(start_url(dossier))["Location"]
    settings.MOTCUA_PAYMENT_PROVIDER = ""
    assert client.get(location).status_code == 404


def test_online_payment_off_without_secret(client, settings, dossier, owner):
    del settings.MOTCUA_PAYMENT_SANDBOX_SECRET
    client.force_login(owner)
    assert client.post(start_url(dossier)).status_code == 503
    assert not Payment.objects.exists()


def test_nothing_due(client, dossier, owner, officer):
    from motcua.payments.services import record_counter_payment

    record_counter_payment(
        dossier=dossier, officer=officer, method="card", amount=50000, receipt_number="BL-9"
    )
    client.force_login(owner)
    response = client.post(start_url(dossier))
    assert response.status_code == 400
    assert "không còn khoản" in response.content.decode()


# --- permissions ----------------------------------------------------------------------------


def test_another_citizen_cannot_pay_or_see(client, dossier, owner, pending):
    stranger = factories.citizen("nguoikhac")
    client.force_login(stranger)
    assert client.get(start_url(dossier)).status_code == 404
    assert client.post(start_url(dossier)).status_code == 404
    assert Payment.objects.filter(dossier=dossier).count() == 1  # only the owner's
    assert client.get(f"/thanh-toan/ket-qua/{pending.pk}/").status_code == 404
    assert client.get(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 404


def test_start_needs_login(client, dossier):
    response = client.post(start_url(dossier))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert not Payment.objects.exists()


def test_officer_may_start_for_the_applicant(client, dossier, officer):
    client.force_login(officer)
    response = client.post(start_url(dossier))
    assert response.status_code == 302
    assert Payment.objects.get(dossier=dossier).recorded_by == officer


def test_decision_766_paid_online(dossier, pending, officer, center, version, monday_9am):
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import intake
    from motcua.payments.providers import registry
    from motcua.payments.services import handle_callback, record_counter_payment

    other = intake(
        version=version, center=center, officer=officer, applicant=factories.applicant(),
        components=factories.all_components(version), decision="receive", at=monday_9am,
    )  # fmt: skip
    record_counter_payment(
        dossier=other, officer=officer, method="cash", amount=50000, receipt_number="BL-2"
    )
    assert selectors.online_payment_counts(Dossier.objects.all()) == (0, 2)
    handle_callback(provider=registry.get("sandbox"), params=gateway_answer(pending))
    assert selectors.online_payment_counts(Dossier.objects.all()) == (1, 2)
    assert selectors.is_paid_online(dossier) and not selectors.is_paid_online(other)
    flagged = dict(
        Dossier.objects.annotate(online=selectors.paid_online_exists()).values_list("pk", "online")
    )
    assert flagged == {dossier.pk: True, other.pk: False}
