"""VNPay-style HMAC-SHA512 signatures, checked against a vector computed here by hand."""

import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.payments.providers import registry
from motcua.payments.providers.contrib.sandbox import provider as sandbox
from motcua.payments.providers.contrib.sandbox import signing

PARAMS = {
    "vnp_TxnRef": "42",
    "vnp_Amount": "5000000",
    "vnp_OrderInfo": "Thanh toan ho so 000.00.12.H13-261123-0001",
    "vnp_TmnCode": "MOTCUA01",
    "vnp_ReturnUrl": "http://testserver/thanh-toan/ket-qua/42/",
    "vnp_Locale": "vn",
    "not_vnp": "ignored",
}
# Sorted by name, values URL-encoded with quote_plus (space → "+", ":" → %3A, "/" → %2F).
CANONICAL = (
    "vnp_Amount=5000000&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+ho+so+000.00.12.H13-261123-0001"
    "&vnp_ReturnUrl=http%3A%2F%2Ftestserver%2Fthanh-toan%2Fket-qua%2F42%2F"
    "&vnp_TmnCode=MOTCUA01&vnp_TxnRef=42"
)


def test_known_vector():
    expected = hmac.new(b"bi-mat", CANONICAL.encode(), hashlib.sha512).hexdigest()
    assert signing.canonical(PARAMS) == CANONICAL
    assert signing.sign(PARAMS, "bi-mat") == expected
    assert len(expected) == 128  # SHA-512 in hex
    # The hash itself (and its type) are never part of what is signed.
    with_hash = {**PARAMS, "vnp_SecureHash": "abc", "vnp_SecureHashType": "HmacSHA512"}
    assert signing.sign(with_hash, "bi-mat") == expected


def test_verification():
    signed = signing.signed(PARAMS, "bi-mat")
    assert signing.signature_valid(signed, "bi-mat")
    assert signing.signature_valid({**signed, "vnp_SecureHash": signed["vnp_SecureHash"].upper()},
                                   "bi-mat")  # fmt: skip
    assert not signing.signature_valid(signed, "khoa-khac")
    assert not signing.signature_valid({**signed, "vnp_Amount": "5000100"}, "bi-mat")
    assert not signing.signature_valid({**signed, "vnp_Extra": "1"}, "bi-mat")
    assert not signing.signature_valid({**signed, "vnp_SecureHash": ""}, "bi-mat")
    assert not signing.signature_valid({**signed, "vnp_SecureHash": "chữ-ký-giả"}, "bi-mat")
    no_hash = dict(signed)
    del no_hash["vnp_SecureHash"]
    assert not signing.signature_valid(no_hash, "bi-mat")


def test_provider_verifies_and_reads_amount_in_vnd():
    answer = signing.signed(
        {"vnp_Amount": "5000000", "vnp_TxnRef": "7", "vnp_ResponseCode": "00",
         "vnp_TransactionStatus": "00", "vnp_TmnCode": "MOTCUA01", "vnp_TransactionNo": "99"},
        "khoa-bi-mat-cua-bai-kiem-thu",
    )  # fmt: skip
    result = registry.get("sandbox").verify_callback(answer)
    assert result.valid and result.success
    assert (result.payment_id, result.amount, result.provider_reference) == (7, 50000, "99")
    failed = signing.signed(
        {**answer, "vnp_ResponseCode": "24", "vnp_TransactionStatus": "02"},
        "khoa-bi-mat-cua-bai-kiem-thu",
    )
    assert not registry.get("sandbox").verify_callback(failed).success
    other_merchant = signing.signed(
        {**answer, "vnp_TmnCode": "KHAC0001"}, "khoa-bi-mat-cua-bai-kiem-thu"
    )
    assert not registry.get("sandbox").verify_callback(other_merchant).valid


def test_development_secret_only_with_debug(settings):
    del settings.MOTCUA_PAYMENT_SANDBOX_SECRET
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        sandbox.secret()
    assert registry.configured() is None  # online payment is off rather than insecure
    settings.DEBUG = True
    assert sandbox.secret() == sandbox.DEV_SECRET
    assert registry.configured().identifier == "sandbox"


def test_secret_from_environment(settings, monkeypatch):
    del settings.MOTCUA_PAYMENT_SANDBOX_SECRET
    settings.DEBUG = False
    monkeypatch.setenv("MOTCUA_PAYMENT_SANDBOX_SECRET", "tu-bien-moi-truong")
    assert sandbox.secret() == "tu-bien-moi-truong"


def test_no_provider_configured(settings):
    settings.MOTCUA_PAYMENT_PROVIDER = ""
    assert registry.configured() is None
    settings.MOTCUA_PAYMENT_PROVIDER = "khong-co"
    assert registry.configured() is None
