"""The dossier (hồ sơ) and what hangs on it: components, files, fees, events, notices."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ApplicantType, Channel, FeeKind
from motcua.domain.dossier_status import LABELS, Status


class DossierStatus(models.TextChoices):
    DRAFT = Status.DRAFT, _(LABELS[Status.DRAFT])
    SUBMITTED = Status.SUBMITTED, _(LABELS[Status.SUBMITTED])
    INCOMPLETE = Status.INCOMPLETE, _(LABELS[Status.INCOMPLETE])
    RECEIVED = Status.RECEIVED, _(LABELS[Status.RECEIVED])
    IN_PROGRESS = Status.IN_PROGRESS, _(LABELS[Status.IN_PROGRESS])
    WAITING_SUPPLEMENT = Status.WAITING_SUPPLEMENT, _(LABELS[Status.WAITING_SUPPLEMENT])
    SUSPENDED = Status.SUSPENDED, _(LABELS[Status.SUSPENDED])
    RESULT_READY = Status.RESULT_READY, _(LABELS[Status.RESULT_READY])
    RETURNED = Status.RETURNED, _(LABELS[Status.RETURNED])
    REFUSED = Status.REFUSED, _(LABELS[Status.REFUSED])
    WITHDRAWN = Status.WITHDRAWN, _(LABELS[Status.WITHDRAWN])


class ResultDelivery(models.TextChoices):
    COUNTER = "counter", _("Nhận tại Trung tâm")
    POST = "post", _("Nhận qua bưu chính")
    ELECTRONIC = "electronic", _("Nhận bản điện tử")


class Dossier(models.Model):
    """Hồ sơ: one request by an applicant under one version of a procedure.

    It exists from the first draft (online) or the first look at the counter; it gets its code
    (mã hồ sơ) when it is received (Mẫu 01), and from then on the legal clock runs.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True, null=True, blank=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("thủ tục (phiên bản)"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    center = models.ForeignKey(
        "directory.ServiceCenter",
        verbose_name=_("trung tâm"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    reception_point = models.ForeignKey(
        "directory.ReceptionPoint",
        verbose_name=_("điểm tiếp nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        help_text=_("Mã định danh của cơ quan này đứng đầu mã hồ sơ."),
    )
    channel = models.CharField(_("kênh nộp"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"),
        max_length=24,
        choices=DossierStatus.choices,
        default=DossierStatus.DRAFT,
        db_index=True,
    )

    applicant_type = models.CharField(
        _("loại người nộp"),
        max_length=16,
        choices=ApplicantType.choices,
        default=ApplicantType.INDIVIDUAL,
    )
    applicant_name = models.CharField(_("họ và tên / tên tổ chức"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    applicant_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    applicant_representative = models.CharField(
        _("người đại diện theo pháp luật"), max_length=255, blank=True
    )
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    submitter_name = models.CharField(_("người nộp thay"), max_length=255, blank=True)
    submitter_id_number = models.CharField(
        _("số định danh người nộp thay"), max_length=12, blank=True
    )
    submitter_phone = models.CharField(_("điện thoại người nộp thay"), max_length=15, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản công dân"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_dossiers",
    )

    sets = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    result_delivery = models.CharField(
        _("nơi nhận kết quả"),
        max_length=16,
        choices=ResultDelivery.choices,
        default=ResultDelivery.COUNTER,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=500, blank=True)
    postal_tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=40, blank=True)
    postal_arrived_on = models.DateField(_("ngày bưu gửi đến"), null=True, blank=True)

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ tiếp nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_dossiers",
    )
    log_book_number = models.PositiveIntegerField(_("số vào sổ"), null=True, blank=True)
    # Which agency holds the dossier now (the workflow moves it); the reception unit at first.
    holder_agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("cơ quan đang giữ hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_dossiers",
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["receiving_agency", "received_at"]),
            models.Index(fields=["center", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(received_at__isnull=False, due_at__isnull=False),
                name="dossier_code_means_received",
            ),
        ]

    def __str__(self) -> str:
        return self.code or str(self.public_id)

    @property
    def status_label(self) -> str:
        return self.get_status_display()


class DossierComponent(models.Model):
    """One catalog component as presented for this dossier (thành phần hồ sơ đã nộp)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(
        "catalog.Component", on_delete=models.PROTECT, related_name="dossier_components"
    )
    provided = models.BooleanField(_("đã nộp"), default=False)
    original_seen = models.BooleanField(_("đã xem bản chính"), default=False)
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    reused = models.BooleanField(
        _("tái sử dụng dữ liệu đã số hóa"), default=False
    )  # Decision 766 index 4.3
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ đã nộp")
        verbose_name_plural = _("thành phần hồ sơ đã nộp")
        ordering = ["component__position", "component_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "component"], name="dossier_component_unique"
            )
        ]

    def __str__(self) -> str:
        return self.component.name


class DossierFile(models.Model):
    """A scanned or uploaded file of a component (PDF, JPEG, PNG; checked by content)."""

    component = models.ForeignKey(DossierComponent, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class DossierFee(models.Model):
    """A fee line charged on this dossier (from the catalog by applicant type and channel)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("khoản thu"), max_length=500)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    exempted = models.BooleanField(_("miễn, giảm"), default=False)
    exemption_reason = models.CharField(_("lý do miễn, giảm"), max_length=500, blank=True)
    # The catalog line it came from; an alternative rate or an extra line is charged only when
    # an officer applies it (`applied_reason`), see motcua.payments.services.apply_fee_option.
    source = models.ForeignKey(
        "catalog.Fee",
        verbose_name=_("khoản thu trong danh mục"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("loại khoản thu"), max_length=16, choices=FeeKind.choices, default=FeeKind.STANDARD
    )
    applied_reason = models.CharField(_("lý do áp dụng"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí của hồ sơ")
        verbose_name_plural = _("phí, lệ phí của hồ sơ")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class DossierEvent(models.Model):
    """An append-only record of every change to a dossier (becomes the control slip, Mẫu 05)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action}"


class Notice(models.Model):
    """A form issued to the applicant: Mẫu 01 receipt, Mẫu 02 supplement request, Mẫu 03 refusal."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        SUPPLEMENT = "supplement", _("Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    number = models.CharField(_("số phiếu"), max_length=40)
    issued_at = models.DateTimeField(_("ngày lập"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Missing components (Mẫu 02) or the reason (Mẫu 03), as they were when the form was issued.
    content = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("phiếu")
        verbose_name_plural = _("phiếu đã lập")
        ordering = ["issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="notice_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
