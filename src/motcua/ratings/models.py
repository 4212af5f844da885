"""The counter tablets (máy đánh giá tại quầy) and what they did. The ratings themselves are
`reports.Rating` (one per dossier per channel)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingDevice(models.Model):
    """A tablet paired with one counter by an officer working there. The tablet holds a random
    token in a cookie; only its SHA-256 is stored. It is signed in as nobody: it can only offer
    the dossier just served at its counter."""

    counter = models.ForeignKey(
        "directory.Counter", verbose_name=_("quầy"), on_delete=models.CASCADE,
        related_name="rating_devices",
    )  # fmt: skip
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghép nối"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    paired_at = models.DateTimeField(_("ghép nối lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("máy đánh giá tại quầy")
        verbose_name_plural = _("máy đánh giá tại quầy")
        ordering = ["counter", "-paired_at"]

    def __str__(self) -> str:
        return f"{self.counter.center} — {self.counter}"


class RatingDeviceUse(models.Model):
    """One submission from a tablet (kept or refused): the per-device rate limit counts these;
    rows older than the window are deleted as new ones arrive."""

    device = models.ForeignKey(RatingDevice, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(db_index=True)
    rating = models.OneToOneField(
        "reports.Rating", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["device", "at"], name="rating_device_use_at")]

    def __str__(self) -> str:
        return f"{self.device} {self.at:%H:%M:%S}"
