"""Payments of a dossier's fees (phí, lệ phí): at the counter or online through a gateway.

The fee lines themselves are `motcua.dossiers.models.DossierFee`; what is still due is the sum
of the lines not exempted minus the payments with status "paid" (`selectors.amount_due`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt tại quầy")
    CARD = "card", _("Thẻ (POS) tại quầy")
    ONLINE = "online", _("Thanh toán trực tuyến")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã hủy")


class Payment(models.Model):
    """One payment (or attempt) towards a dossier's fees.

    Counter payments are recorded as paid with the receipt number the officer types; an online
    payment starts pending and only the gateway's server callback (IPN) marks it paid or failed.
    Decision 766 index 3.6 ("paid online") is `method=online, status=paid`.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    method = models.CharField(_("hình thức"), max_length=8, choices=PaymentMethod.choices)
    provider = models.CharField(
        _("cổng thanh toán"),
        max_length=40,
        blank=True,
        help_text=_("Chỉ với thanh toán trực tuyến."),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
    )
    receipt_number = models.CharField(
        _("số biên lai"), max_length=40, blank=True, help_text=_("Biên lai thu tại quầy.")
    )
    provider_reference = models.CharField(
        _("mã giao dịch của cổng thanh toán"), max_length=100, blank=True
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận / khởi tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    raw_callback = models.JSONField(_("dữ liệu cổng thanh toán gửi về"), default=dict, blank=True)

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["method", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="payment_receipt_per_dossier",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(method="online", provider__gt="")
                | (~Q(method="online") & Q(provider="")),
                name="payment_provider_iff_online",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="payment_paid_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_method_display()} {self.amount} ({self.get_status_display()})"

    @property
    def is_paid(self) -> bool:
        return self.status == PaymentStatus.PAID


class PaymentCallbackLog(models.Model):
    """Every server callback (IPN) a gateway sent, accepted or not — tampered ones included."""

    provider = models.CharField(_("cổng thanh toán"), max_length=40)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now, db_index=True)
    verified = models.BooleanField(_("chữ ký hợp lệ"), default=False)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("khoản thanh toán"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    outcome = models.CharField(_("cách trả lời"), max_length=24, blank=True)
    reason = models.CharField(_("kết quả xử lý"), max_length=255, blank=True)
    payload = models.JSONField(_("dữ liệu nhận được"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lượt gọi lại từ cổng thanh toán")
        verbose_name_plural = _("nhật ký gọi lại từ cổng thanh toán (IPN)")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.received_at:%d/%m/%Y %H:%M:%S} {self.reason}"
