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
