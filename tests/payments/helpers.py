"""Helpers for the payment tests: what the gateway sends back, signed as VNPay signs it."""

from motcua.payments.models import Payment, PaymentMethod, PaymentStatus
from motcua.payments.providers.contrib.sandbox import signing

SECRET = "khoa-bi-mat-cua-bai-kiem-thu"
TMN = "MOTCUA01"


def gateway_answer(payment: Payment, *, success: bool = True, amount: int | None = None,
                   secret: str = SECRET, **changes) -> dict[str, str]:  # fmt: skip
    """What the gateway sends back (return URL and IPN), signed as VNPay signs it."""
    params = {
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi le phi ho so",
        "vnp_PayDate": "20261123091500",
        "vnp_ResponseCode": "00" if success else "24",
        "vnp_TmnCode": TMN,
        "vnp_TransactionNo": "14123456",
        "vnp_TransactionStatus": "00" if success else "02",
        "vnp_TxnRef": str(payment.pk),
    }
    params.update(changes)
    return signing.signed(params, secret)


def paid_online(dossier) -> int:
    return Payment.objects.filter(
        dossier=dossier, method=PaymentMethod.ONLINE, status=PaymentStatus.PAID
    ).count()
