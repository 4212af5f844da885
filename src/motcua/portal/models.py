"""Citizen accounts on the portal: verification of the email or phone, login throttling."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CitizenProfile(models.Model):
    """What the portal knows about a citizen account beyond the User: which contact is verified.

    An account may submit dossiers once its email or its phone number has been verified;
    before that it can only save drafts.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="citizen_profile",
    )
    email_verified_at = models.DateTimeField(_("xác minh thư điện tử lúc"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("xác minh số điện thoại lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ tài khoản công dân")
        verbose_name_plural = _("hồ sơ tài khoản công dân")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None or self.phone_verified_at is not None


class PhoneVerification(models.Model):
    """A 6-digit code sent by SMS to confirm a phone number; only its keyed hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_verifications"
    )
    phone = models.CharField(_("số điện thoại"), max_length=15)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác minh số điện thoại")
        verbose_name_plural = _("mã xác minh số điện thoại")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%d/%m/%Y %H:%M}"


class LoginAttempt(models.Model):
    """A failed sign-in, keyed by a hash of the identifier typed and the client address.

    The key is a keyed hash so the table holds no raw phone numbers, emails or addresses.
    """

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("đăng nhập sai")
        verbose_name_plural = _("đăng nhập sai")

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.at:%d/%m/%Y %H:%M}"
