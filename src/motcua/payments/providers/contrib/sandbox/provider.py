"""The sandbox gateway: VNPay's protocol (version 2.1.0) against a local "bank page".

- start(): a signed request to /thanh-toan/sandbox/pay/ with vnp_Amount = amount × 100,
  vnp_TxnRef = our Payment id, vnp_ReturnUrl, vnp_ExpireDate; plus vnp_IpnUrl, which only the
  sandbox needs (a real VNPay merchant registers its IPN URL once, with the gateway).
- verify_return() / verify_callback(): HMAC-SHA512 over the sorted, URL-encoded vnp_* params;
  success is vnp_ResponseCode "00" with vnp_TransactionStatus "00".
- callback_response(): VNPay's IPN answer {"RspCode": "00", "Message": "Confirm Success"}…

Settings (read with getattr, then the environment):
MOTCUA_PAYMENT_SANDBOX_SECRET — the shared secret (vnp_HashSecret). Without it a development
default is used only when DEBUG is on; with DEBUG off the sandbox is refused (not configured).
MOTCUA_PAYMENT_SANDBOX_TMN_CODE — the merchant code (vnp_TmnCode), default "MOTCUA01".
"""

import os
from collections.abc import Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.payments.providers.base import (
    CallbackOutcome,
    PaymentProvider,
    ProviderNotConfigured,
    VerifiedResult,
)
from motcua.payments.providers.contrib.sandbox import signing
from motcua.payments.providers.registry import register

IDENTIFIER = "sandbox"
DEV_SECRET = "motcua-sandbox-dev-secret-khong-dung-that"  # noqa: S105  (development only)
DEFAULT_TMN_CODE = "MOTCUA01"
VERSION = "2.1.0"
SUCCESS = "00"

# VNPay's IPN answers (RspCode, Message).
IPN_ANSWERS: dict[CallbackOutcome, tuple[str, str]] = {
    CallbackOutcome.CONFIRMED: ("00", "Confirm Success"),
    CallbackOutcome.NOT_FOUND: ("01", "Order not found"),
    CallbackOutcome.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    CallbackOutcome.INVALID_AMOUNT: ("04", "invalid amount"),
    CallbackOutcome.INVALID_SIGNATURE: ("97", "Invalid signature"),
    CallbackOutcome.ERROR: ("99", "Unknown error"),
}


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip()


def secret() -> str:
    """The shared secret; the development default only while DEBUG is on."""
    value = _setting("MOTCUA_PAYMENT_SANDBOX_SECRET")
    if value:
        return value
    if settings.DEBUG:
        return DEV_SECRET
    raise ProviderNotConfigured(
        "MOTCUA_PAYMENT_SANDBOX_SECRET chưa được đặt: cổng thanh toán thử nghiệm không dùng khóa "
        "mặc định khi DEBUG tắt."
    )


def tmn_code() -> str:
    return _setting("MOTCUA_PAYMENT_SANDBOX_TMN_CODE") or DEFAULT_TMN_CODE


@register
class SandboxProvider(PaymentProvider):
    identifier = IDENTIFIER
    label = _("Cổng thanh toán thử nghiệm (sandbox)")

    def check_configuration(self) -> None:
        secret()

    def start(self, payment, return_url: str, ipn_url: str) -> str:
        dossier = payment.dossier
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": tmn_code(),
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": str(payment.pk),
            # VNPay wants plain ASCII here; the dossier code carries no personal data.
            "vnp_OrderInfo": f"Thanh toan phi le phi ho so {dossier.code or dossier.public_id}",
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpnUrl": ipn_url,
            "vnp_CreateDate": signing.format_date(payment.created_at),
        }
        if payment.expires_at:
            params["vnp_ExpireDate"] = signing.format_date(payment.expires_at)
        query = urlencode(signing.signed(params, secret()))
        return f"{reverse('payments:sandbox-pay')}?{query}"

    def _verify(self, params: Mapping[str, str]) -> VerifiedResult:
        values = {key: str(value) for key, value in params.items() if key.startswith("vnp_")}
        if not signing.signature_valid(values, secret()):
            return VerifiedResult(valid=False, reason="invalid signature", params=values)
        if values.get("vnp_TmnCode") != tmn_code():
            return VerifiedResult(valid=False, reason="unknown merchant code", params=values)
        reference = values.get("vnp_TxnRef", "")
        raw_amount = values.get("vnp_Amount", "")
        amount = None
        if raw_amount.isdigit() and int(raw_amount) % 100 == 0:
            amount = int(raw_amount) // 100
        success = (
            values.get("vnp_ResponseCode") == SUCCESS
            and values.get("vnp_TransactionStatus") == SUCCESS
        )
        return VerifiedResult(
            valid=True,
            payment_id=int(reference) if reference.isdigit() else None,
            amount=amount,
            success=success,
            response_code=values.get("vnp_ResponseCode", ""),
            provider_reference=values.get("vnp_TransactionNo", ""),
            params=values,
        )

    def verify_return(self, params: Mapping[str, str]) -> VerifiedResult:
        return self._verify(params)

    def verify_callback(self, params: Mapping[str, str]) -> VerifiedResult:
        return self._verify(params)

    def callback_response(self, outcome: CallbackOutcome) -> JsonResponse:
        code, message = IPN_ANSWERS[outcome]
        return JsonResponse({"RspCode": code, "Message": message})
