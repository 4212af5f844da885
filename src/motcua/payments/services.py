"""Writes to fees and payments: exemptions, counter payments, online payments and the
gateway's server callback (IPN). One transaction each; every write locks the dossier row first,
so an exemption, a counter payment and a callback on one dossier never interleave.

Every change appends a DossierEvent ("fee_exempted", "fee_restored", "fee_alternative",
"fee_extra", "fee_paid").

Alternative rates and extra lines of the catalog (`catalog.models.FeeKind`) are not charged at
intake unless the officer chooses them there; `apply_fee_option` charges one later, on the
officer's word, with the reason (the lines are written by `dossiers.services.apply_catalog_fee`,
as at intake).
"""

import logging
import os
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import STAFF_ROLES, Role, User
from motcua.catalog.models import Fee, FeeKind
from motcua.domain.dossier_status import Status
from motcua.dossiers.models import Dossier, DossierEvent, DossierFee
from motcua.dossiers.selectors import dossiers_visible_to, fee_option_problem, replaced_line
from motcua.dossiers.services import IntakeError, apply_catalog_fee, missing_fee_reason
from motcua.payments.models import Payment, PaymentCallbackLog, PaymentMethod, PaymentStatus
from motcua.payments.providers.base import (
    CallbackOutcome,
    PaymentProvider,
    ProviderNotConfigured,
    VerifiedResult,
)
from motcua.payments.selectors import amount_charged, amount_paid

logger = logging.getLogger("motcua.payments")

#: Officers who may exempt fees and take payments (supervisors only look).
FEE_ROLES = frozenset(STAFF_ROLES) - {Role.SUPERVISOR}
#: No payment for a draft, nor once the dossier was refused or withdrawn.
NOT_PAYABLE = frozenset({Status.DRAFT, Status.REFUSED, Status.WITHDRAWN})
NOT_ADJUSTABLE = frozenset({Status.REFUSED, Status.WITHDRAWN})
COUNTER_METHODS = frozenset({PaymentMethod.CASH, PaymentMethod.CARD})
REJECTED = frozenset(
    {CallbackOutcome.INVALID_SIGNATURE, CallbackOutcome.INVALID_AMOUNT, CallbackOutcome.NOT_FOUND}
)
MAX_REASON = 500
MAX_RECEIPT = 40


class PaymentError(Exception):
    """Input or a state the rules do not accept; str(exc) is the Vietnamese message."""


def payment_timeout() -> timedelta:
    """How long an online payment may stay at the gateway (vnp_ExpireDate), 15 minutes unless
    MOTCUA_PAYMENT_TIMEOUT_MINUTES (setting, else environment) says otherwise."""
    value = getattr(settings, "MOTCUA_PAYMENT_TIMEOUT_MINUTES", None)
    if value is None:
        value = os.environ.get("MOTCUA_PAYMENT_TIMEOUT_MINUTES", "15")
    return timedelta(minutes=int(value))


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


# --- checks ---------------------------------------------------------------------------------


def _lock(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _check_officer(officer: User, dossier: Dossier) -> None:
    if not officer.is_superuser and officer.role not in FEE_ROLES:
        raise PaymentError(_("Bạn không có quyền thu phí, miễn giảm phí của hồ sơ."))
    if not dossiers_visible_to(officer).filter(pk=dossier.pk).exists():
        raise PaymentError(_("Hồ sơ không thuộc phạm vi bạn được xử lý."))


def _may_pay_for(user: User, dossier: Dossier) -> bool:
    if user.role == Role.CITIZEN and not user.is_superuser:
        return dossier.account_id == user.pk
    if not user.is_superuser and user.role not in FEE_ROLES:
        return False
    return dossiers_visible_to(user).filter(pk=dossier.pk).exists()


def _live_pending(dossier: Dossier, at: datetime):
    return Payment.objects.filter(
        dossier=dossier,
        method=PaymentMethod.ONLINE,
        status=PaymentStatus.PENDING,
        expires_at__gt=at,
    )


def _no_payment_in_flight(dossier: Dossier, at: datetime) -> None:
    pending = _live_pending(dossier, at).order_by("-expires_at").first()
    if pending is not None:
        until = timezone.localtime(pending.expires_at)
        raise PaymentError(
            _(
                "Hồ sơ đang có giao dịch thanh toán trực tuyến chưa kết thúc (hết hạn lúc "
                "%(time)s). Vui lòng chờ kết quả rồi thực hiện lại."
            )
            % {"time": f"{until:%H:%M}"}
        )


def _reason(reason: str, missing: str | None = None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise PaymentError(missing or _("Cần ghi rõ lý do miễn, giảm."))
    if len(reason) > MAX_REASON:
        raise PaymentError(_("Lý do dài quá %(max)d ký tự.") % {"max": MAX_REASON})
    return reason


def _event(dossier: Dossier, *, action: str, actor: User | None, at: datetime, **data):
    """The dossier's event, and its fact row for the indices (fees charged, paid online)."""
    from motcua.reports.services import refresh_record  # reports reads every app

    event = DossierEvent.objects.create(
        dossier=dossier, action=action, actor=actor, at=at, data=data
    )
    refresh_record(dossier=dossier)
    return event


# --- fee lines ------------------------------------------------------------------------------


@transaction.atomic
def exempt_fee(
    *,
    fee: DossierFee,
    officer: User,
    reason: str,
    amount: int | None = None,
    at: datetime | None = None,
) -> DossierFee:
    """Miễn (amount None or 0) or giảm (0 < amount < the line's amount) one fee line.

    An exemption marks the line exempted with the reason. A reduction marks it exempted too
    and adds a line "(mức sau khi giảm)" for `amount`, so both the original rate and the rate
    charged stay visible. Refused while an online payment is in flight, and when the dossier
    would owe less than it has already paid (that would be a refund).
    """
    at = at or timezone.now()
    reason = _reason(reason)
    dossier = _lock(fee.dossier)
    _check_officer(officer, dossier)
    fee = DossierFee.objects.select_for_update().get(pk=fee.pk)
    if dossier.status in NOT_ADJUSTABLE:
        raise PaymentError(
            _("Hồ sơ đang ở trạng thái “%(status)s”: không thể miễn, giảm phí.")
            % {"status": dossier.get_status_display()}
        )
    if fee.exempted:
        raise PaymentError(_("Khoản thu này đã được miễn, giảm."))
    if amount is not None and (not isinstance(amount, int) or amount < 0):
        raise PaymentError(_("Số tiền sau khi giảm phải là số nguyên không âm (đồng)."))
    if amount and amount >= fee.amount:
        raise PaymentError(
            _("Số tiền sau khi giảm (%(new)s) phải nhỏ hơn mức thu %(old)s.")
            % {"new": vnd(amount), "old": vnd(fee.amount)}
        )
    _no_payment_in_flight(dossier, at)
    paid = amount_paid(dossier)
    after = amount_charged(dossier) - fee.amount + (amount or 0)
    if paid > after:
        raise PaymentError(
            _(
                "Hồ sơ đã nộp %(paid)s; sau khi miễn, giảm chỉ còn phải thu %(after)s. "
                "Không thể miễn, giảm xuống dưới số tiền đã nộp."
            )
            % {"paid": vnd(paid), "after": vnd(after)}
        )
    fee.exempted = True
    fee.exemption_reason = reason
    fee.save(update_fields=["exempted", "exemption_reason"])
    data = {"fee": fee.pk, "name": fee.name, "amount": fee.amount, "reason": reason}
    if amount:
        suffix = _(" (mức sau khi giảm)")
        reduced = DossierFee.objects.create(
            dossier=dossier, name=(fee.name[: 500 - len(suffix)] + suffix), amount=amount
        )
        data.update(kind="reduce", new_fee=reduced.pk, new_amount=amount)
    else:
        data.update(kind="exempt", new_amount=0)
    _event(dossier, action="fee_exempted", actor=officer, at=at, **data)
    return fee


@transaction.atomic
def restore_fee(
    *, fee: DossierFee, officer: User, reason: str, at: datetime | None = None
) -> DossierFee:
    """Charge an exempted line again (e.g. switch back from an alternative rate)."""
    at = at or timezone.now()
    reason = _reason(reason)
    dossier = _lock(fee.dossier)
    _check_officer(officer, dossier)
    fee = DossierFee.objects.select_for_update().get(pk=fee.pk)
    if dossier.status in NOT_ADJUSTABLE:
        raise PaymentError(
            _("Hồ sơ đang ở trạng thái “%(status)s”: không thể thay đổi phí.")
            % {"status": dossier.get_status_display()}
        )
    if not fee.exempted:
        raise PaymentError(_("Khoản thu này đang được tính, không cần áp dụng lại."))
    _no_payment_in_flight(dossier, at)
    fee.exempted = False
    fee.exemption_reason = ""
    fee.save(update_fields=["exempted", "exemption_reason"])
    # Back to the standard rate: the alternative rate that replaced it is no longer charged.
    replaced_by = []
    if fee.kind == FeeKind.STANDARD and fee.source_id is not None:
        for line in DossierFee.objects.select_for_update().filter(
            dossier=dossier, kind=FeeKind.ALTERNATIVE, exempted=False,
            source__replaces_id=fee.source_id,
        ):  # fmt: skip
            line.exempted = True
            line.exemption_reason = _("Áp dụng lại mức thu “%(name)s”: %(reason)s") % {
                "name": fee.name, "reason": reason,
            }  # fmt: skip
            line.save(update_fields=["exempted", "exemption_reason"])
            replaced_by.append(line.pk)
    _event(
        dossier, action="fee_restored", actor=officer, at=at,
        fee=fee.pk, name=fee.name, amount=fee.amount, reason=reason, dropped=replaced_by,
    )  # fmt: skip
    return fee


@transaction.atomic
def apply_fee_option(
    *, dossier: Dossier, officer: User, fee: Fee, reason: str, at: datetime | None = None
) -> DossierFee:
    """Charge an alternative rate or an extra line of the catalog on the officer's word.

    An alternative rate ("người thuộc hộ nghèo: 100.000 đồng") replaces the standard line it
    belongs to: that line is marked exempted with the reason and a line at the alternative
    rate is added. An extra line (thu thêm khi…) is added. The reason (e.g. "hộ nghèo, sổ số
    …") is kept on the new line and in the event. Refused while an online payment is in
    flight, and when the dossier would owe less than it has already paid.
    """
    at = at or timezone.now()
    reason = _reason(reason, missing_fee_reason())
    dossier = _lock(dossier)
    _check_officer(officer, dossier)
    fee = Fee.objects.select_related("replaces").get(pk=fee.pk)
    if dossier.status in NOT_ADJUSTABLE:
        raise PaymentError(
            _("Hồ sơ đang ở trạng thái “%(status)s”: không thể thay đổi phí.")
            % {"status": dossier.get_status_display()}
        )
    problem = fee_option_problem(dossier=dossier, fee=fee)
    if problem:
        raise PaymentError(problem)
    _no_payment_in_flight(dossier, at)
    if fee.kind == FeeKind.ALTERNATIVE:
        paid = amount_paid(dossier)
        after = amount_charged(dossier) - replaced_line(dossier, fee).amount + fee.amount
        if paid > after:
            raise PaymentError(
                _(
                    "Hồ sơ đã nộp %(paid)s; theo mức thu thay thế chỉ còn phải thu %(after)s. "
                    "Không thể áp dụng mức thấp hơn số tiền đã nộp."
                )
                % {"paid": vnd(paid), "after": vnd(after)}
            )
    try:
        return apply_catalog_fee(dossier=dossier, fee=fee, reason=reason, actor=officer, at=at)
    except IntakeError as exc:
        raise PaymentError(str(exc)) from exc


# --- counter payment ------------------------------------------------------------------------


@transaction.atomic
def record_counter_payment(
    *,
    dossier: Dossier,
    officer: User,
    method: str,
    amount: int,
    receipt_number: str,
    at: datetime | None = None,
) -> Payment:
    """Cash or card at the counter, for exactly the amount due, with the receipt's number.

    The same receipt number for the same dossier returns the payment already recorded (a
    double click, a retried form), provided amount and method match.
    """
    at = at or timezone.now()
    if method not in COUNTER_METHODS:
        raise PaymentError(_("Hình thức thu tại quầy phải là tiền mặt hoặc thẻ."))
    receipt_number = (receipt_number or "").strip()
    if not receipt_number:
        raise PaymentError(_("Cần nhập số biên lai thu phí, lệ phí."))
    if len(receipt_number) > MAX_RECEIPT:
        raise PaymentError(_("Số biên lai dài quá %(max)d ký tự.") % {"max": MAX_RECEIPT})
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise PaymentError(_("Số tiền thu phải là số nguyên dương (đồng)."))
    dossier = _lock(dossier)
    _check_officer(officer, dossier)
    existing = Payment.objects.filter(dossier=dossier, receipt_number=receipt_number).first()
    if existing is not None:
        if existing.amount == amount and existing.method == method:
            return existing
        raise PaymentError(
            _(
                "Số biên lai %(number)s đã được ghi cho một khoản thu khác của hồ sơ này (%(amount)s)."
            )
            % {"number": receipt_number, "amount": vnd(existing.amount)}
        )
    if dossier.status in NOT_PAYABLE:
        raise PaymentError(
            _("Hồ sơ đang ở trạng thái “%(status)s”: không thu phí, lệ phí.")
            % {"status": dossier.get_status_display()}
        )
    _no_payment_in_flight(dossier, at)
    due = amount_charged(dossier) - amount_paid(dossier)
    if due <= 0:
        raise PaymentError(_("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
    if amount != due:
        raise PaymentError(
            _("Số tiền thu (%(amount)s) phải bằng số tiền còn phải nộp (%(due)s).")
            % {"amount": vnd(amount), "due": vnd(due)}
        )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                dossier=dossier, amount=amount, method=method, status=PaymentStatus.PAID,
                receipt_number=receipt_number, created_at=at, paid_at=at, recorded_by=officer,
            )  # fmt: skip
    except IntegrityError as exc:  # the dossier lock makes this unreachable; kept as a guard
        raise PaymentError(
            _("Số biên lai %(number)s đã được ghi.") % {"number": receipt_number}
        ) from exc
    _event(
        dossier, action="fee_paid", actor=officer, at=at, payment=payment.pk, method=method,
        amount=amount, receipt_number=receipt_number,
    )  # fmt: skip
    return payment


# --- online payment -------------------------------------------------------------------------


@transaction.atomic
def start_online_payment(
    *, dossier: Dossier, user: User, provider: PaymentProvider, at: datetime | None = None
) -> Payment:
    """A pending online payment for the amount due (the owner, or an officer on their behalf).

    A pending payment still valid for the same amount and gateway is reused (a second click
    does not open a second transaction); pending payments past their expiry are cancelled.
    """
    at = at or timezone.now()
    dossier = _lock(dossier)
    if not _may_pay_for(user, dossier):
        raise PaymentError(_("Bạn không có quyền thanh toán cho hồ sơ này."))
    if dossier.status in NOT_PAYABLE:
        raise PaymentError(
            _("Hồ sơ đang ở trạng thái “%(status)s”: chưa thể thanh toán.")
            % {"status": dossier.get_status_display()}
        )
    Payment.objects.filter(
        dossier=dossier, method=PaymentMethod.ONLINE, status=PaymentStatus.PENDING,
        expires_at__lte=at,
    ).update(status=PaymentStatus.CANCELLED)  # fmt: skip
    due = amount_charged(dossier) - amount_paid(dossier)
    pending = _live_pending(dossier, at).order_by("-created_at").first()
    if pending is not None:
        if pending.amount == due and pending.provider == provider.identifier:
            return pending
        _no_payment_in_flight(dossier, at)
    if due <= 0:
        raise PaymentError(_("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
    return Payment.objects.create(
        dossier=dossier, amount=due, method=PaymentMethod.ONLINE, provider=provider.identifier,
        status=PaymentStatus.PENDING, created_at=at, expires_at=at + payment_timeout(),
        recorded_by=user,
    )  # fmt: skip


def _clean_payload(params: Mapping[str, str]) -> dict[str, str]:
    """What is kept of a callback: at most 60 keys, short keys and values."""
    kept = {}
    for key, value in list(params.items())[:60]:
        kept[str(key)[:64]] = str(value)[:1000]
    return kept


def _apply_callback(
    provider: PaymentProvider, result: VerifiedResult, at: datetime
) -> tuple[CallbackOutcome, Payment | None, str]:
    if not result.valid:
        return CallbackOutcome.INVALID_SIGNATURE, None, result.reason or "invalid signature"
    payment = None
    if result.payment_id is not None:
        payment = Payment.objects.filter(
            pk=result.payment_id, method=PaymentMethod.ONLINE, provider=provider.identifier
        ).first()
    if payment is None:
        return CallbackOutcome.NOT_FOUND, None, "payment not found"
    dossier = _lock(payment.dossier)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if result.amount != payment.amount:
        return CallbackOutcome.INVALID_AMOUNT, payment, "amount differs from the payment"
    if payment.status != PaymentStatus.PENDING:
        return CallbackOutcome.ALREADY_CONFIRMED, payment, f"already {payment.status}"
    payment.provider_reference = result.provider_reference[:100]
    payment.raw_callback = result.params
    if result.success:
        payment.status = PaymentStatus.PAID
        payment.paid_at = at
        payment.save(update_fields=["status", "paid_at", "provider_reference", "raw_callback"])
        _event(
            dossier, action="fee_paid", actor=None, at=at, payment=payment.pk,
            method=PaymentMethod.ONLINE, amount=payment.amount, provider=provider.identifier,
            provider_reference=payment.provider_reference,
        )  # fmt: skip
        return CallbackOutcome.CONFIRMED, payment, "paid"
    payment.status = PaymentStatus.FAILED
    payment.save(update_fields=["status", "provider_reference", "raw_callback"])
    return CallbackOutcome.CONFIRMED, payment, f"failed (code {result.response_code[:8]})"


@transaction.atomic
def handle_callback(
    *, provider: PaymentProvider, params: Mapping[str, str], at: datetime | None = None
) -> CallbackOutcome:
    """The gateway's server callback (IPN): signature, payment, amount, then paid or failed.

    Only this changes an online payment's state. Repeated callbacks change nothing
    (ALREADY_CONFIRMED). Every callback is kept in PaymentCallbackLog; a rejected one is also
    logged as a warning (provider, payment id and reason only — no personal data).
    """
    at = at or timezone.now()
    payload = _clean_payload(params)
    try:
        result = provider.verify_callback(payload)
    except ProviderNotConfigured:
        logger.error("Payment callback for %s, which is not configured", provider.identifier)
        result = None
    if result is None:
        outcome, payment, reason = CallbackOutcome.ERROR, None, "provider not configured"
    else:
        outcome, payment, reason = _apply_callback(provider, result, at)
    PaymentCallbackLog.objects.create(
        provider=provider.identifier, received_at=at, verified=bool(result and result.valid),
        payment=payment, outcome=outcome.value, reason=reason[:255], payload=payload,
    )  # fmt: skip
    payment_ref = payment.pk if payment else (result.payment_id if result else None)
    if outcome in REJECTED:
        logger.warning(
            "Payment callback rejected: provider=%s payment=%s outcome=%s reason=%s",
            provider.identifier, payment_ref, outcome.value, reason,
        )  # fmt: skip
    elif outcome == CallbackOutcome.ALREADY_CONFIRMED and payment and not payment.is_paid:
        logger.warning(
            "Payment callback for a payment no longer pending: provider=%s payment=%s status=%s",
            provider.identifier, payment_ref, payment.status,
        )  # fmt: skip
    return outcome
