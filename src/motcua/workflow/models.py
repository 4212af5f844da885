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
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.dossiers.models import DossierStatus

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


# --- running dossiers (issue 4: "Running a dossier") -----------------------------------------
#
# A received dossier runs through the process it started with (`DossierProcess`). Each stay of
# the dossier at a step is a `StepRun` (the main line has at most one open run; parallel
# consultations have their own); the dossier's clock stops while a `Pause` is open (waiting for
# the applicant's supplement, or for financial obligations). Writes go through
# `motcua.workflow.runtime`; every one appends a DossierEvent, from which the control slip
# (Mẫu 05) is drawn.


class Outcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class DossierProcess(models.Model):
    """The process a received dossier follows: the version it started with, and its clock."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="workflow",
    )
    process = models.ForeignKey(
        Process,
        verbose_name=_("quy trình (phiên bản)"),
        on_delete=models.PROTECT,
        related_name="dossier_processes",
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # Every action adds one; a client sends the revision it saw, and an action on a dossier
    # that changed in between is refused ("Hồ sơ vừa được người khác xử lý…").
    revision = models.PositiveIntegerField(_("lần cập nhật"), default=0)
    supplement_rounds = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    # The original appointment moved later by the (closed) pauses, and the deadline the
    # worklists use: the apology's new appointment (moved the same way) when there is one.
    effective_due_at = models.DateTimeField(_("hạn trả (trừ thời gian tạm dừng)"))
    deadline_at = models.DateTimeField(_("hạn hiện hành"), db_index=True)
    # The end the on-time rule counts (result issued, else refused / withdrawn).
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    outcome = models.CharField(
        _("kết quả đúng hạn"), max_length=8, choices=Outcome.choices, blank=True
    )
    renewed_kept = models.BooleanField(_("đúng hẹn lại (sau phiếu xin lỗi)"), null=True, blank=True)
    due_soon_notified_at = models.DateTimeField(_("đã báo sắp đến hạn"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("đã báo quá hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ theo quy trình")
        verbose_name_plural = _("hồ sơ theo quy trình")
        indexes = [models.Index(fields=["finished_at", "deadline_at"])]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.process}"


class StepRun(models.Model):
    """One stay of a dossier at a step: who holds it, since when, until when it is due."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang xử lý")
        DONE = "done", _("Đã xong")
        RETURNED = "returned", _("Bị trả lại")
        CANCELLED = "cancelled", _("Đã hủy")

    dossier_process = models.ForeignKey(
        DossierProcess, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="runs"
    )
    step = models.ForeignKey(
        ProcessStep, verbose_name=_("bước"), on_delete=models.PROTECT, related_name="runs"
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    # Copied from the step when the run opens, so worklists filter without joins.
    role = models.CharField(_("vai trò thực hiện"), max_length=32, choices=Role.choices)
    unit_kind = models.CharField(_("loại đơn vị"), max_length=16, choices=UnitKind.choices)
    unit = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("đơn vị thực hiện"),
        on_delete=models.PROTECT,
        related_name="step_runs",
    )
    # The dossier's center (it never changes): the one-stop steps' worklists filter on it.
    center = models.ForeignKey(
        "directory.ServiceCenter",
        verbose_name=_("trung tâm tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The dossier's status and current deadline (DossierProcess.deadline_at), copied onto its
    # open runs by the runtime (their only writer: every action ends in runtime._bump, which
    # copies both), so the worklists and the per-agency counts read this table alone. Only
    # meaningful while the run is open: a closed run keeps what they were when it closed.
    dossier_status = models.CharField(
        _("trạng thái hồ sơ"), max_length=24, choices=DossierStatus.choices
    )
    dossier_deadline_at = models.DateTimeField(_("hạn hiện hành của hồ sơ"))
    parallel = models.BooleanField(_("phối hợp song song"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="step_runs",
    )
    assigned_at = models.DateTimeField(_("nhận / giao lúc"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển đến"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("hạn của bước"))
    effective_due_at = models.DateTimeField(_("hạn của bước (trừ thời gian tạm dừng)"))
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển đi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("trước / đúng / quá hạn"), max_length=8, choices=Outcome.choices, blank=True
    )
    due_soon_notified_at = models.DateTimeField(_("đã báo sắp đến hạn"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("đã báo quá hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt xử lý bước")
        verbose_name_plural = _("các lượt xử lý bước")
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["status", "role", "unit"]),
            models.Index(fields=["status", "role", "center", "effective_due_at"]),
            models.Index(fields=["status", "assignee"]),
            models.Index(fields=["status", "effective_due_at"]),
            # The per-agency counts (runtime_selectors.agency_counts) over every open run of
            # the agencies in scope: on PostgreSQL from this index alone (SQLite ignores the
            # INCLUDE and reads the rows).
            models.Index(
                fields=["unit"],
                include=[
                    "assignee",
                    "center",
                    "effective_due_at",
                    "dossier_status",
                    "dossier_deadline_at",
                ],
                condition=Q(status="open"),
                name="step_run_open_by_unit",
            ),  # fmt: skip
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier_process"],
                condition=Q(status="open", parallel=False),
                name="step_run_one_open_main",
                violation_error_message=_("Hồ sơ chỉ ở một bước chính tại một thời điểm."),
            ),
            models.UniqueConstraint(
                fields=["dossier_process", "step"],
                condition=Q(status="open"),
                name="step_run_one_open_per_step",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(finished_at__isnull=False),
                name="step_run_finished_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_process.dossier} @ {self.step.key} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Pause(models.Model):
    """The clock stopped: waiting for the applicant's supplement, or financial obligations."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
        FINANCIAL = "financial", _("Thực hiện nghĩa vụ tài chính")

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="pauses"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("từ lúc"))
    ended_at = models.DateTimeField(_("đến lúc"), null=True, blank=True)
    supplement_round = models.PositiveSmallIntegerField(_("lần bổ sung thứ"), null=True, blank=True)
    step_run = models.ForeignKey(
        StepRun,
        verbose_name=_("tại bước"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pauses",
    )
    notice = models.ForeignKey(
        "dossiers.Notice",
        verbose_name=_("phiếu yêu cầu bổ sung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("thời gian tạm dừng")
        verbose_name_plural = _("thời gian tạm dừng")
        ordering = ["started_at", "id"]
        indexes = [
            # The open pauses in the order the "waiting for the applicant" list shows them.
            models.Index(
                fields=["started_at", "id"],
                condition=Q(ended_at__isnull=True),
                name="pause_open_by_start",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(ended_at__isnull=True),
                name="pause_one_open_per_dossier",
                violation_error_message=_("Hồ sơ đang tạm dừng."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="pause_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.get_kind_display()} {self.started_at:%d/%m/%Y %H:%M}"


class Apology(models.Model):
    """Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả: at most one per dossier."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="apology",
    )
    number = models.CharField(_("số phiếu"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("ngày lập"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("lý do chậm"))
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"))
    effective_due_at = models.DateTimeField(_("hạn (trừ thời gian tạm dừng) khi lập phiếu"))
    new_due_at = models.DateTimeField(_("hẹn lại ngày trả kết quả"))
    # Decree 61 Art. 19: the apology is sent no later than one day before the due date — here
    # at least one working day of the center's calendar before the (pause-adjusted) due time.
    # A later one is still issued (the applicant must be told) but is marked. None: issued
    # before this was recorded.
    timely = models.BooleanField(
        _("lập đúng thời hạn (chậm nhất 01 ngày làm việc trước hạn)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("phiếu xin lỗi (Mẫu 04)")
        verbose_name_plural = _("phiếu xin lỗi (Mẫu 04)")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=F("effective_due_at")),
                name="apology_new_date_later",
            ),
        ]

    def __str__(self) -> str:
        return f"Mẫu 04 {self.number}"


class Withdrawal(models.Model):
    """The stop notice (dừng xử lý) issued when the applicant withdraws before a decision."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="withdrawal",
    )
    number = models.CharField(_("số thông báo"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("ngày lập"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    note = models.TextField(_("nội dung đề nghị của người nộp"), blank=True)

    class Meta:
        verbose_name = _("thông báo dừng xử lý")
        verbose_name_plural = _("thông báo dừng xử lý")

    def __str__(self) -> str:
        return str(self.number)


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Trả tại Bộ phận Một cửa")
    POST = "post", _("Trả qua bưu chính")
    ELECTRONIC = "electronic", _("Trả bản điện tử")


class PostalStatus(models.TextChoices):
    SENT = "sent", _("Đã giao bưu chính, đang chuyển phát")
    DELIVERED = "delivered", _("Đã phát thành công cho người nhận")
    RETURNED = "returned", _("Không phát được, bưu chính chuyển hoàn")
    # After a return to sender the result waits at the counter; the applicant collects it.
    COLLECTED = "collected", _("Chuyển hoàn, người nhận đã nhận tại Bộ phận Một cửa")


# What a postal report may follow: sent → delivered | returned; returned → collected at the
# counter. Delivered and collected are final. (runtime.record_postal_delivery enforces it; the
# dossier page offers the same.)
POSTAL_NEXT: dict[str, tuple[PostalStatus, ...]] = {
    PostalStatus.SENT: (PostalStatus.DELIVERED, PostalStatus.RETURNED),
    PostalStatus.RETURNED: (PostalStatus.COLLECTED,),
}


class ResultDocument(models.Model):
    """The result (kết quả giải quyết): a signed file or paper only, and how it was returned."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="result"
    )
    file = models.FileField(_("tệp kết quả"), upload_to="results/%Y/%m/", blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    paper_only = models.BooleanField(_("chỉ có bản giấy"), default=False)
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    recorded_at = models.DateTimeField(_("có kết quả lúc"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người trả"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    return_method = models.CharField(
        _("hình thức trả"), max_length=12, choices=ReturnMethod.choices, blank=True
    )
    collected_by_name = models.CharField(_("người nhận kết quả"), max_length=255, blank=True)
    id_checked = models.BooleanField(_("đã kiểm tra giấy tờ tùy thân"), default=False)
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=40, blank=True)
    # A result returned by post: where the parcel is, as the postal service reports it.
    postal_status = models.CharField(
        _("tình trạng bưu gửi"), max_length=12, choices=PostalStatus.choices, blank=True
    )
    postal_status_at = models.DateTimeField(_("cập nhật tình trạng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả giải quyết")
        verbose_name_plural = _("kết quả giải quyết")
        constraints = [
            models.CheckConstraint(
                condition=Q(paper_only=True) | ~Q(sha256=""),
                name="result_file_or_paper",
                violation_error_message=_(
                    "Cần tệp kết quả, hoặc ghi nhận kết quả chỉ có bản giấy."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.original_name or _('bản giấy')}"
