"""Input shapes for the fee panel: counter payment and exemption (amounts typed as 50.000)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.payments.models import PaymentMethod

AMOUNT = re.compile(r"^\d{1,3}([.,\s]\d{3})*$|^\d+$")


def parse_amount(value: str) -> int | None:
    """Read an amount typed as 50.000, 50,000, 50 000 or 50000 (đ / đồng allowed after it)."""
    text = (value or "").strip().lower().removesuffix("đồng").removesuffix("đ").strip()
    if len(text) > 25 or not AMOUNT.match(text):
        return None
    amount = int(re.sub(r"[.,\s]", "", text))
    return amount if amount < 10**15 else None


class AmountField(forms.Field):
    """A whole number of đồng typed as text; None when left empty."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Nhập số tiền bằng số nguyên đồng, ví dụ 50.000.")}

    def to_python(self, value):
        value = str(value or "").strip()
        if not value:
            return None
        amount = parse_amount(value)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


class CounterPaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[(PaymentMethod.CASH, PaymentMethod.CASH.label),
                 (PaymentMethod.CARD, PaymentMethod.CARD.label)],
        initial=PaymentMethod.CASH,
    )  # fmt: skip
    amount = AmountField(label=_("Số tiền thu (đồng)"))
    receipt_number = forms.CharField(label=_("Số biên lai"), max_length=40)


class ExemptionForm(forms.Form):
    reason = forms.CharField(label=_("Lý do miễn, giảm"), max_length=500)
    amount = AmountField(
        label=_("Số tiền sau khi giảm (để trống nếu miễn toàn bộ)"), required=False
    )


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("Lý do áp dụng lại khoản thu"), max_length=500)


class FeeOptionForm(forms.Form):
    reason = forms.CharField(label=_("Lý do áp dụng"), max_length=500)
