"""Ratings and the per-dossier fact rows the Decision 766 indices are computed from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel


class RatingChannel(models.TextChoices):
    COUNTER = "counter", _("Máy đánh giá tại quầy")
    RECEIPT_QR = "receipt_qr", _("Mã QR trên giấy tiếp nhận")
    PORTAL = "portal", _("Cổng dịch vụ công")
    # A rating carried over from the previous system: where it was given is not known.
    HISTORY = "history", _("Dữ liệu lịch sử (hệ thống cũ)")


class RatingValue(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class Rating(models.Model):
    """Đánh giá mức độ hài lòng: one per dossier per channel (Decree 61; index 5.4)."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
        related_name="ratings",
    )  # fmt: skip
    channel = models.CharField(_("kênh đánh giá"), max_length=16, choices=RatingChannel.choices)
    value = models.CharField(_("mức độ hài lòng"), max_length=16, choices=RatingValue.choices)
    comment = models.TextField(_("ý kiến"), blank=True)
    counter = models.ForeignKey(
        "directory.Counter", verbose_name=_("quầy"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="ratings",
    )  # fmt: skip
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="ratings_received",
    )  # fmt: skip
    created_at = models.DateTimeField(_("đánh giá lúc"))

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "channel"], name="rating_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_value_display()}"


class EndKind(models.TextChoices):
    RESULT = "result", _("Có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")


class Outcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


# The columns of DossierRecord that hold `domain.kpi.DossierFacts` fields of the same name.
FACT_FIELDS = (
    "channel", "received_at", "due_at", "new_due_at", "ended_at", "renewed_kept",
    "on_time_until", "late_from", "supplement_rounds", "returned_at", "has_result",
    "result_electronic", "components_digitized", "data_reused", "fee_total", "paid_online",
    "dissatisfied", "resolution_days", "d61_time", "d61_agency_time", "d61_contacts",
    "d61_attitude",
)  # fmt: skip


class DossierRecord(models.Model):
    """The facts of one received dossier the indices need (`domain.kpi.DossierFacts`), with
    its scope keys. Written only by `reports.services.refresh_record` (at every change of a
    fact) and by the history import (`reports.history`), through the same functions."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, null=True, blank=True,
        related_name="record",
    )  # fmt: skip
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    center = models.ForeignKey(
        "directory.ServiceCenter", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "directory.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    receiving_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="+"
    )
    field = models.ForeignKey(
        "catalog.Field", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=24)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    new_due_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_kind = models.CharField(max_length=12, choices=EndKind.choices, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    renewed_kept = models.BooleanField(null=True, blank=True)
    on_time_until = models.DateTimeField(null=True, blank=True)
    late_from = models.DateTimeField(null=True, blank=True)
    supplement_rounds = models.PositiveSmallIntegerField(default=0)
    returned_at = models.DateTimeField(null=True, blank=True)
    has_result = models.BooleanField(default=False)
    result_electronic = models.BooleanField(default=False)
    components_digitized = models.BooleanField(default=False)
    data_reused = models.BooleanField(default=False)
    fee_total = models.PositiveBigIntegerField(default=0)
    paid_online = models.BooleanField(default=False)
    dissatisfied = models.BooleanField(default=False)
    resolution_days = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    d61_time = models.PositiveSmallIntegerField(null=True, blank=True)
    d61_agency_time = models.PositiveSmallIntegerField(null=True, blank=True)
    d61_contacts = models.PositiveSmallIntegerField(null=True, blank=True)
    d61_attitude = models.PositiveSmallIntegerField(null=True, blank=True)
    imported = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số liệu hồ sơ (chỉ số 766)")
        verbose_name_plural = _("số liệu hồ sơ (chỉ số 766)")
        indexes = [
            models.Index(fields=["received_at"], name="record_received"),
            models.Index(fields=["ended_at"], name="record_ended"),
            models.Index(fields=["center", "received_at"], name="record_center_received"),
            models.Index(fields=["agency", "received_at"], name="record_agency_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(end_kind="") & ~Q(outcome=""),
                name="record_end_classified",
            ),
            # The summary counts take "in progress at t" as received before t − ended before t.
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("received_at")),
                name="record_ends_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ImportedDossier(models.Model):
    """A dossier carried over from the previous system (`motcua import-history`): where it came
    from, and the facts the history gives that motcua would otherwise read from the native
    records (a result document, a refusal, a withdrawal notice, an apology, fees, payments,
    scanned components). `reports.services.refresh_record` reads them from here."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
        related_name="history",
    )  # fmt: skip
    source = models.CharField(_("tệp nguồn"), max_length=255)
    line = models.PositiveIntegerField(_("dòng"))
    imported_at = models.DateTimeField(_("nhập lúc"))
    # The end of the dossier: the result issued (result_ready, returned), the refusal or the
    # withdrawal, as the status says; and when the result was handed over.
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("hẹn lại ngày trả kết quả"), null=True, blank=True)
    components_digitized = models.BooleanField(_("thành phần hồ sơ đã số hóa"), default=False)
    result_digitized = models.BooleanField(_("kết quả đã số hóa"), default=False)
    data_reused = models.BooleanField(_("tái sử dụng dữ liệu đã số hóa"), default=False)
    fee_total = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)

    class Meta:
        verbose_name = _("hồ sơ nhập từ dữ liệu lịch sử")
        verbose_name_plural = _("hồ sơ nhập từ dữ liệu lịch sử")
        ordering = ["source", "line"]

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


class KpiCount(models.Model):
    """The fact rows counted per day, month or year (`grain`) and scope keys: what the
    indices of a period are read from (see `reports.counts`). Kept by `services.put_record`
    in the same transaction as the row; `motcua rebuild-records` recomputes them."""

    class Grain(models.TextChoices):
        DAY = "d", _("theo ngày")
        MONTH = "m", _("theo tháng")
        YEAR = "y", _("theo năm")

    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()  # the first day of the bucket (local date)
    # Scope keys as plain ids (no foreign keys: 0 for a missing unit or field, so that the
    # unique key, which the upserts target, matches it).
    center_id = models.IntegerField()
    unit_id = models.IntegerField()
    agency_id = models.IntegerField()
    field_id = models.IntegerField()
    procedure_id = models.IntegerField()
    # received in the bucket
    new = models.IntegerField(default=0)
    new_counter = models.IntegerField(default=0)
    new_online = models.IntegerField(default=0)
    new_postal = models.IntegerField(default=0)
    new_dissatisfied = models.IntegerField(default=0)
    with_fee = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    components_digitized = models.IntegerField(default=0)
    data_reused = models.IntegerField(default=0)
    # ended in the bucket
    fin = models.IntegerField(default=0)
    fin_counter = models.IntegerField(default=0)
    fin_online = models.IntegerField(default=0)
    fin_postal = models.IntegerField(default=0)
    fin_dissatisfied = models.IntegerField(default=0)
    early = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    renewed_kept = models.IntegerField(default=0)
    renewed_missed = models.IntegerField(default=0)
    with_result = models.IntegerField(default=0)
    result_electronic = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolution_units = models.BigIntegerField(default=0)  # 1/10000 working day
    d61_time_points = models.IntegerField(default=0)
    d61_time_n = models.IntegerField(default=0)
    d61_agency_time_points = models.IntegerField(default=0)
    d61_agency_time_n = models.IntegerField(default=0)
    d61_contacts_points = models.IntegerField(default=0)
    d61_contacts_n = models.IntegerField(default=0)
    d61_attitude_points = models.IntegerField(default=0)
    d61_attitude_n = models.IntegerField(default=0)
    # results handed over in the bucket; overdue while in progress from / until the bucket
    returned = models.IntegerField(default=0)
    overdue_open = models.IntegerField(default=0)
    overdue_close = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp (chỉ số 766)")
        verbose_name_plural = _("số liệu tổng hợp (chỉ số 766)")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "start", "center_id", "unit_id", "agency_id", "field_id",
                        "procedure_id"],
                name="kpicount_bucket",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["agency_id", "grain", "start"], name="kpicount_agency"),
            models.Index(fields=["center_id", "grain", "start"], name="kpicount_center"),
            models.Index(fields=["procedure_id", "grain", "start"], name="kpicount_procedure"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.start}"
