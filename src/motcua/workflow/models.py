"""Electronic process definitions (quy trình điện tử), configured without code.

A `Process` belongs to a procedure (not to one of its catalog versions) and is versioned by its
own `number`: draft → published → retired. At most one process per procedure is published at a
time (a partial unique constraint); publishing a new one retires the previous one. Dossiers keep
the process they started with, so published and retired processes are immutable: their steps
and actions cannot be saved or deleted (`ProcessLocked`), and a change is made in a new draft
copied from them (`services.new_draft_from`).

Steps (`ProcessStep`) form a main line, ordered by `position`, plus parallel consultation steps
(ý kiến phối hợp, `is_parallel`) that run beside the main line and must finish before the main
step `join_before`. Each step names the unit that acts (`unit_kind`: the center's One-stop
Department, the procedure's lead agency — the agency of the catalog version the dossier was
filed under —, or another named `agency`: liên thông) and the role within that unit.

Allotted time: `allotted_days` in working days, by half days (0, 0.5, 1, 1.5…), plus
`allotted_hours` in whole working hours for hour-based steps. A step's share is
days + hours / the working-day length (`allotted_as_days`); the publish check uses
settings.MOTCUA_WORKING_DAY_HOURS (default 8), the running clock the center's real day length.

Each step's actions (`ProcessAction`) say where the dossier goes: `target` is a step of the same
process (the same step for actions that keep the dossier where it is: claim, request a
supplement, suspend, apologize), or `target_is_end` ends the process (result returned, refused,
withdrawn). An action with neither is incomplete: allowed in a draft, refused on publish.
"""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role

step_key_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,49}$",
    _("Mã bước gồm chữ thường không dấu, chữ số, “-” hoặc “_” (ví dụ: tiep-nhan)."),
)


def validate_half_days(value: Decimal) -> None:
    if value is not None and (value * 2) % 1 != 0:
        raise ValidationError(_("Thời gian tính theo nửa ngày: 0; 0,5; 1; 1,5…"))


def working_day_hours() -> int:
    """Hours in a working day for the publish check (the clock uses the center's sessions)."""
    return int(getattr(settings, "MOTCUA_WORKING_DAY_HOURS", 8))


class ProcessLocked(ValidationError):
    """A write to a published or retired process; the message is for the user."""


class Process(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đang áp dụng")
        RETIRED = "retired", _("Ngừng áp dụng")

    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="processes",
    )
    number = models.PositiveIntegerField(_("phiên bản quy trình"), editable=False)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    is_default = models.BooleanField(
        _("quy trình mặc định"),
        default=False,
        editable=False,
        help_text=_("Tạo tự động từ quy trình mặc định, chia theo thời hạn giải quyết."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    published_at = models.DateTimeField(_("xuất bản lúc"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xuất bản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    retired_at = models.DateTimeField(_("ngừng áp dụng lúc"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("quy trình điện tử")
        verbose_name_plural = _("quy trình điện tử")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"],
                name="process_unique_number",
                violation_error_message=_("Thủ tục đã có quy trình mang số phiên bản này."),
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status="published"),
                name="process_one_published",
                violation_error_message=_("Mỗi thủ tục chỉ có một quy trình đang áp dụng."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="process_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return _("Quy trình %(code)s, phiên bản %(number)s (%(status)s)") % {
            "code": self.procedure.code,
            "number": self.number,
            "status": self.get_status_display(),
        }

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            stored = Process.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            changed = set(kwargs.get("update_fields") or ["*"])
            if stored not in (None, self.Status.DRAFT) and changed - {"status", "retired_at"}:
                raise ProcessLocked(_locked_message())
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


def _locked_message() -> str:
    return str(
        _(
            "Quy trình đã xuất bản không được sửa (hồ sơ đang giữ phiên bản này). "
            "Hãy tạo bản nháp mới từ quy trình này."
        )
    )


def _check_draft(process_id: int | None) -> None:
    status = Process.objects.filter(pk=process_id).values_list("status", flat=True).first()
    if status is not None and status != Process.Status.DRAFT:
        raise ProcessLocked(_locked_message())


class UnitKind(models.TextChoices):
    ONE_STOP = "one_stop", _("Bộ phận Một cửa của Trung tâm")
    LEAD_AGENCY = "lead_agency", _("Cơ quan chủ trì (cơ quan thực hiện thủ tục)")
    AGENCY = "agency", _("Cơ quan khác (liên thông)")


# The unit names the domain check (motcua.domain.process.validate) knows besides agency codes.
ONE_STOP_UNIT = "one-stop"
LEAD_UNIT = "lead"


class ProcessStep(models.Model):
    process = models.ForeignKey(
        Process, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="steps"
    )
    key = models.CharField(
        _("mã bước"),
        max_length=50,
        validators=[step_key_validator],
        help_text=_("Duy nhất trong quy trình, ví dụ: tiep-nhan, tham-dinh."),
    )
    name = models.CharField(_("tên bước"), max_length=255)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    unit_kind = models.CharField(
        _("đơn vị thực hiện"), max_length=16, choices=UnitKind.choices, default=UnitKind.LEAD_AGENCY
    )
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("cơ quan (liên thông)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="process_steps",
        help_text=_("Chỉ chọn khi đơn vị thực hiện là “Cơ quan khác (liên thông)”."),
    )
    role = models.CharField(_("vai trò thực hiện"), max_length=32, choices=Role.choices)
    allotted_days = models.DecimalField(
        _("thời gian (ngày làm việc)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(0), validate_half_days],
        help_text=_("Theo nửa ngày: 0; 0,5; 1; 1,5…"),
    )
    allotted_hours = models.PositiveSmallIntegerField(
        _("thời gian thêm (giờ làm việc)"),
        default=0,
        validators=[MaxValueValidator(999)],
        help_text=_("Cho bước tính theo giờ; cộng thêm vào số ngày."),
    )
    is_parallel = models.BooleanField(
        _("bước phối hợp song song"),
        default=False,
        help_text=_("Xin ý kiến cơ quan khác, chạy song song với các bước chính."),
    )
    join_before = models.ForeignKey(
        "self",
        verbose_name=_("phải xong trước bước"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="joined_by",
        help_text=_("Với bước phối hợp: bước chính phải chờ ý kiến này."),
    )
    is_final = models.BooleanField(
        _("bước trả kết quả"),
        default=False,
        help_text=_("Bước cuối của luồng chính: kết thúc ở bước này là hồ sơ đã hoàn thành."),
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("các bước xử lý")
        ordering = ["process", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "key"],
                name="process_step_unique_key",
                violation_error_message=_("Mã bước đã có trong quy trình này."),
            ),
            models.CheckConstraint(
                condition=Q(unit_kind="agency") | Q(agency__isnull=True),
                name="process_step_agency_only_for_agency_kind",
                violation_error_message=_(
                    "Chỉ chọn cơ quan khi đơn vị thực hiện là “Cơ quan khác (liên thông)”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(allotted_days__gte=0), name="process_step_days_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def save(self, *args, **kwargs):
        _check_draft(self.process_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _check_draft(self.process_id)
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.unit_kind == UnitKind.AGENCY and self.agency_id is None:
            errors["agency"] = _("Chọn cơ quan thực hiện bước liên thông.")
        if self.unit_kind != UnitKind.AGENCY and self.agency_id is not None:
            errors["agency"] = _(
                "Chỉ chọn cơ quan khi đơn vị thực hiện là “Cơ quan khác (liên thông)”."
            )
        if self.join_before_id is not None:
            if not self.is_parallel:
                errors["join_before"] = _("Chỉ bước phối hợp song song mới chọn bước này.")
            elif self.join_before.process_id != self.process_id or self.join_before.is_parallel:
                errors["join_before"] = _("Chọn một bước chính của cùng quy trình.")
        if self.is_final and self.is_parallel:
            errors["is_final"] = _("Bước phối hợp không thể là bước trả kết quả.")
        if errors:
            raise ValidationError(errors)

    @property
    def unit_code(self) -> str:
        """The unit as the domain check and the JSON format name it."""
        if self.unit_kind == UnitKind.ONE_STOP:
            return ONE_STOP_UNIT
        if self.unit_kind == UnitKind.LEAD_AGENCY:
            return LEAD_UNIT
        return self.agency.code if self.agency_id else ""

    def allotted_as_days(self, day_length: timedelta | None = None) -> Fraction:
        """Days plus hours, in working days of `day_length` (default: the configured hours)."""
        day_seconds = int(day_length.total_seconds()) if day_length else working_day_hours() * 3600
        return Fraction(self.allotted_days) + Fraction(self.allotted_hours * 3600, day_seconds)


class ActionName(models.TextChoices):
    CLAIM = "claim", _("Nhận xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp")
    APPROVE = "approve", _("Phê duyệt")
    RETURN = "return", _("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    SUSPEND = "suspend", _("Tạm dừng (thực hiện nghĩa vụ tài chính)")
    CONSULT = "consult", _("Xin ý kiến phối hợp")
    REFUSE = "refuse", _("Từ chối giải quyết")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại ngày trả kết quả")
    WITHDRAW = "withdraw", _("Dừng xử lý theo đề nghị rút hồ sơ")
    RECORD_RESULT = "record_result", _("Cập nhật kết quả giải quyết")
    RETURN_RESULT = "return_result", _("Trả kết quả")


class ProcessAction(models.Model):
    step = models.ForeignKey(
        ProcessStep, verbose_name=_("bước"), on_delete=models.CASCADE, related_name="actions"
    )
    name = models.CharField(_("thao tác"), max_length=32, choices=ActionName.choices)
    target = models.ForeignKey(
        ProcessStep,
        verbose_name=_("bước đích"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incoming_actions",
        help_text=_("Bước hồ sơ chuyển tới; chọn chính bước này nếu hồ sơ ở lại."),
    )
    target_is_end = models.BooleanField(
        _("kết thúc quy trình"),
        default=False,
        help_text=_("Thao tác này kết thúc quy trình (trả kết quả, từ chối, rút hồ sơ)."),
    )
    label = models.CharField(
        _("nhãn hiển thị"),
        max_length=100,
        blank=True,
        help_text=_("Trống: dùng tên thao tác."),
    )

    class Meta:
        verbose_name = _("thao tác")
        verbose_name_plural = _("thao tác")
        ordering = ["step", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target_is_end=False),
                name="process_action_one_target",
                violation_error_message=_(
                    "Chọn bước đích hoặc “kết thúc quy trình”, không chọn cả hai."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_label

    def save(self, *args, **kwargs):
        _check_draft(ProcessStep.objects.filter(pk=self.step_id).values("process_id")[:1])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _check_draft(ProcessStep.objects.filter(pk=self.step_id).values("process_id")[:1])
        return super().delete(*args, **kwargs)

    @property
    def display_label(self) -> str:
        return self.label or str(self.get_name_display())

    def clean(self) -> None:
        if self.target_id is not None and self.target_is_end:
            raise ValidationError(_("Chọn bước đích hoặc “kết thúc quy trình”, không chọn cả hai."))
        if self.target_id is None and not self.target_is_end:
            raise ValidationError(
                {"target": _("Chọn bước đích, hoặc đánh dấu “kết thúc quy trình”.")}
            )
        try:
            process_id = self.step.process_id
        except ProcessStep.DoesNotExist:
            return
        if self.target_id is not None and self.target.process_id != process_id:
            raise ValidationError({"target": _("Bước đích phải thuộc cùng quy trình.")})
