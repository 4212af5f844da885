from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does (vai trò); permission checks are scoped by the user's agency/center."""

    RECEPTION_OFFICER = "reception_officer", _("Cán bộ tiếp nhận (Bộ phận Một cửa)")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    HEAD_OF_DIVISION = "head_of_division", _("Lãnh đạo phòng")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    CLERK = "clerk", _("Văn thư")
    SUPERVISOR = "supervisor", _("Cán bộ giám sát")
    CENTER_DIRECTOR = "center_director", _("Giám đốc Trung tâm")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")
    POSTAL_STAFF = "postal_staff", _("Nhân viên bưu chính")
    CITIZEN = "citizen", _("Công dân / tổ chức")


STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


class User(AbstractUser):
    """A person who signs in: an officer of an agency (cán bộ, công chức) or a citizen."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.CITIZEN)
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Cơ quan công tác; để trống với công dân."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_officer(self) -> bool:
        return self.role in STAFF_ROLES


class ApiToken(models.Model):
    """A bearer token for the JSON API (`motcua create-token USERNAME`).

    Only the SHA-256 of the secret is stored; the secret is shown once, when it is created.
    """

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("tiền tố"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}".strip()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The stored answer to an API request sent with an `Idempotency-Key` header.

    The same key and body get the same answer again; the unique constraint makes two
    concurrent requests with one key create one thing.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu API có khóa chống lặp")
        verbose_name_plural = _("yêu cầu API có khóa chống lặp")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"


class LookupFailure(models.Model):
    """A failed public lookup (tra cứu), kept briefly to slow down guessing.

    The client's IP address is stored only as an HMAC-SHA-256 keyed with SECRET_KEY.
    """

    ip_hash = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("tra cứu không thành công")
        verbose_name_plural = _("tra cứu không thành công")
        indexes = [models.Index(fields=["ip_hash", "at"])]

    def __str__(self) -> str:
        return f"{self.ip_hash[:8]} {self.at:%d/%m/%Y %H:%M}"
