"""Who and where: administrative units, agencies, service centers, counters and staff postings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Government level after 01/07/2025 (two-level local government): no district level."""

    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


agency_code_validator = RegexValidator(
    r"^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){3}$",
    _("Mã định danh điện tử của cơ quan có dạng 000.00.12.H13."),
)


class AdministrativeUnit(models.Model):
    """Đơn vị hành chính: a province/city or a commune-level unit (xã, phường, đặc khu)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh / thành phố trực thuộc trung ương")
        COMMUNE = "commune", _("Xã")
        WARD = "ward", _("Phường")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")

    code = models.CharField(_("mã đơn vị hành chính"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa (sau sáp nhập)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="province") | Q(parent__isnull=False),
                name="unit_commune_has_parent",
                violation_error_message=_("Đơn vị cấp xã phải thuộc một tỉnh/thành phố."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_range",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày có hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str:
        return Level.PROVINCE if self.kind == self.Kind.PROVINCE else Level.COMMUNE


class Agency(models.Model):
    """Cơ quan: a department (Sở), a People's Committee, a branch or a sector office.

    `code` is the national electronic agency identifier (mã định danh điện tử), the first part
    of every dossier code the agency receives.
    """

    class Kind(models.TextChoices):
        PROVINCIAL_COMMITTEE = "provincial_committee", _("UBND tỉnh / thành phố")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        COMMUNE_COMMITTEE = "commune_committee", _("UBND xã / phường / đặc khu")
        BRANCH = "branch", _("Chi nhánh, đơn vị trực thuộc")
        SECTOR_OFFICE = "sector_office", _("Cơ quan ngành dọc (thuế, bảo hiểm xã hội…)")
        SERVICE_CENTER = "service_center", _("Trung tâm Phục vụ hành chính công")
        OTHER = "other", _("Khác")

    code = models.CharField(
        _("mã định danh điện tử"), max_length=40, unique=True, validators=[agency_code_validator]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices, default=Kind.DEPARTMENT)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceCenter(models.Model):
    """Trung tâm Phục vụ hành chính công: a provincial or commune center (the "one door")."""

    code = models.SlugField(_("mã trung tâm"), max_length=50, unique=True)
    name = models.CharField(_("tên trung tâm"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="centers",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận (mã định danh dùng trong mã hồ sơ)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centers_as_receiver",
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan có thủ tục tiếp nhận tại trung tâm"),
        blank=True,
        related_name="centers",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("trung tâm phục vụ hành chính công")
        verbose_name_plural = _("trung tâm phục vụ hành chính công")
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class WorkingSession(models.Model):
    """Giờ làm việc: one session of a working day (e.g. 07:00–11:30), the same every working day."""

    center = models.ForeignKey(
        ServiceCenter, on_delete=models.CASCADE, related_name="working_sessions"
    )
    start = models.TimeField(_("bắt đầu"))
    end = models.TimeField(_("kết thúc"))

    class Meta:
        verbose_name = _("buổi làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["center", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="session_end_after_start",
                violation_error_message=_("Giờ kết thúc phải sau giờ bắt đầu."),
            ),
            models.UniqueConstraint(fields=["center", "start"], name="session_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class CalendarOverride(models.Model):
    """A day that differs from the national calendar: a swapped day off or a working Saturday.

    Day swaps are announced each year by decision (quyết định hoán đổi ngày làm việc); an override
    with no center applies to every center.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("trung tâm (để trống: áp dụng cho mọi trung tâm)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_overrides",
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("căn cứ / lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("lịch nghỉ, làm bù")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "date"],
                name="override_unique_center_date",
                violation_error_message=_("Ngày này đã được khai báo cho trung tâm."),
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(center__isnull=True),
                name="override_unique_global_date",
                violation_error_message=_("Ngày này đã được khai báo chung."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"


class ReceptionPoint(models.Model):
    """Điểm tiếp nhận: where dossiers are received, e.g. the hall or a post-office desk."""

    class Kind(models.TextChoices):
        HALL = "hall", _("Sảnh trung tâm")
        POST_OFFICE = "post_office", _("Bưu cục")
        OTHER = "other", _("Khác")

    center = models.ForeignKey(
        ServiceCenter, on_delete=models.CASCADE, related_name="reception_points"
    )
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.HALL)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("điểm tiếp nhận")
        verbose_name_plural = _("điểm tiếp nhận")
        ordering = ["center", "name"]

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    """Quầy: a numbered counter in the hall, serving some agencies."""

    center = models.ForeignKey(ServiceCenter, on_delete=models.CASCADE, related_name="counters")
    number = models.PositiveSmallIntegerField(_("số quầy"))
    floor = models.SmallIntegerField(_("tầng"), default=1)
    label = models.CharField(_("tên hiển thị"), max_length=100, blank=True)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan phục vụ"), blank=True, related_name="counters"
    )
    is_open = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")
        ordering = ["center", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "number"],
                name="counter_unique_number",
                violation_error_message=_("Số quầy đã tồn tại ở trung tâm này."),
            )
        ]

    def __str__(self) -> str:
        return self.label or _("Quầy %(number)s") % {"number": self.number}


# Decree 61/2018 Art. 12: officers are seconded to the center for 6 to 24 months.
MIN_SECONDMENT_MONTHS, MAX_SECONDMENT_MONTHS = 6, 24


def secondment_months(start, end) -> int:
    """Whole months from start to end (an end on the same day-of-month counts the month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months if end.day >= start.day else months - 1


class StaffAssignment(models.Model):
    """Cử cán bộ: an officer seconded to a center (6–24 months), as primary or backup."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("trung tâm"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("quầy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    is_primary = models.BooleanField(
        _("cán bộ chính"), default=True, help_text=_("Bỏ chọn nếu là cán bộ dự phòng.")
    )

    class Meta:
        verbose_name = _("cử cán bộ đến trung tâm")
        verbose_name_plural = _("cử cán bộ đến trung tâm")
        ordering = ["center", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="assignment_end_after_start",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.center}"

    def clean(self) -> None:
        if self.start_date and self.end_date:
            months = secondment_months(self.start_date, self.end_date)
            if not MIN_SECONDMENT_MONTHS <= months <= MAX_SECONDMENT_MONTHS:
                raise ValidationError(
                    _("Thời gian cử cán bộ đến trung tâm phải từ 6 đến 24 tháng.")
                )
