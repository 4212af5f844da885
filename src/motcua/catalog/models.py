"""The procedure catalog (danh mục thủ tục hành chính), versioned.

A `Procedure` is the stable identity (its national code); each amendment is a new
`ProcedureVersion` with an effective date. Versions are never edited once a dossier may have
been filed under them; dossiers pin the version they were filed under.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.directory.models import Level

procedure_code_validator = RegexValidator(
    r"^\d\.\d{6}$", _("Mã thủ tục có dạng 1.012783 (một chữ số, dấu chấm, sáu chữ số).")
)
service_code_validator = RegexValidator(
    r"^\d\.\d{6}(\.[0-9A-Z]{2,3}){4}$",
    _("Mã dịch vụ có dạng 2.000635.000.00.00.H12."),
)


class Channel(models.TextChoices):
    """Kênh nộp hồ sơ; the national data codes them 1 = in person, 2 = online, 3 = postal."""

    COUNTER = "counter", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


class ApplicantType(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    ORGANIZATION = "organization", _("Tổ chức")


class OnlineLevel(models.TextChoices):
    """Decree 42/2022: full online (toàn trình) or partial (một phần)."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không cung cấp trực tuyến")


class Field(models.Model):
    """Lĩnh vực: the sector a procedure belongs to (Hộ tịch, Đất đai, Xây dựng…)."""

    name = models.CharField(_("tên lĩnh vực"), max_length=200, unique=True)
    slug = models.SlugField(_("mã"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Thủ tục hành chính: the identity that survives amendments."""

    code = models.CharField(
        _("mã thủ tục"), max_length=20, unique=True, validators=[procedure_code_validator]
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """One published text of a procedure, in force from `effective_from` until `effective_to`.

    Amending on the day a version took effect closes it with an empty range
    (effective_to == effective_from): it is never current again but stays in the history.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(
        _("hết hiệu lực từ"), null=True, blank=True, help_text=_("Trống: đang có hiệu lực.")
    )
    service_code = models.CharField(
        _("mã dịch vụ công"),
        max_length=40,
        blank=True,
        validators=[service_code_validator],
        help_text=_("Mã thủ tục kèm mã cơ quan, ví dụ 1.012783.000.00.00.H19."),
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="versions"
    )
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("cơ quan thực hiện"),
        on_delete=models.PROTECT,
        related_name="procedure_versions",
    )
    competent_authority = models.CharField(_("cơ quan có thẩm quyền"), max_length=500, blank=True)
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=Level.choices)
    for_individuals = models.BooleanField(_("đối tượng: cá nhân"), default=True)
    for_organizations = models.BooleanField(_("đối tượng: tổ chức"), default=False)
    time_limit_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text=_("0 = giải quyết trong ngày; cho phép nửa ngày (0,5)."),
    )
    accepts_counter = models.BooleanField(_("nộp trực tiếp"), default=True)
    accepts_online = models.BooleanField(_("nộp trực tuyến"), default=False)
    accepts_postal = models.BooleanField(_("nộp qua bưu chính"), default=True)
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=16,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    description = models.TextField(_("mô tả"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    result = models.CharField(_("kết quả thực hiện"), max_length=500, blank=True)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    resolved_at_center = models.BooleanField(_("giải quyết ngay tại trung tâm"), default=False)
    postal_return = models.BooleanField(_("trả kết quả qua bưu chính"), default=True)
    # Folded text (no diacritics) of code, name, field and agency, padded with spaces, so a
    # query word matches at a word start with one indexed LIKE; kept by the catalog services.
    search_text = models.TextField(editable=False, default="")
    name_key = models.TextField(editable=False, default="")
    content_hash = models.CharField(max_length=64, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique_number"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(effective_to__isnull=True),
                name="version_one_open",
                violation_error_message=_("Mỗi thủ tục chỉ có một phiên bản đang hiệu lực."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="version_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["effective_from", "effective_to"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.name}"

    @property
    def code(self) -> str:
        return self.procedure.code

    @property
    def channels(self) -> list[str]:
        flags = (
            (Channel.COUNTER, self.accepts_counter),
            (Channel.ONLINE, self.accepts_online),
            (Channel.POSTAL, self.accepts_postal),
        )
        return [channel.value for channel, on in flags if on]

    @property
    def applicant_types(self) -> list[str]:
        types = []
        if self.for_individuals:
            types.append(ApplicantType.INDIVIDUAL.value)
        if self.for_organizations:
            types.append(ApplicantType.ORGANIZATION.value)
        return types


class Component(models.Model):
    """Thành phần hồ sơ: a document the applicant brings."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Bản chính")
        CERTIFIED_COPY = "certified_copy", _("Bản sao có chứng thực")
        COPY = "copy", _("Bản sao / bản chụp")
        ORIGINAL_OR_COPY = "original_or_copy", _("Bản chính hoặc bản sao")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    form = models.CharField(
        _("loại bản"), max_length=20, choices=Form.choices, default=Form.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    required = models.BooleanField(_("bắt buộc"), default=True)
    template_file = models.FileField(
        _("mẫu đơn, tờ khai"), upload_to="catalog/templates/", blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    STANDARD = "standard", _("Mức thu")
    ALTERNATIVE = "alternative", _("Mức thu thay thế (cho đối tượng được áp dụng)")
    EXTRA = "extra", _("Khoản thu thêm (khi phát sinh)")


class Fee(models.Model):
    """Phí, lệ phí: an amount in VND, possibly only for an applicant type or a channel.

    `kind` says when it is charged: a standard line (thu) on every matching dossier at intake;
    an alternative line (mức thu thay thế: "người thuộc hộ nghèo: 100.000 đồng") only when the
    officer applies it, with a reason, in place of the standard line it `replaces`; an extra
    line (thu thêm khi…) only when the officer adds it.
    """

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên phí, lệ phí"), max_length=500)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    kind = models.CharField(
        _("loại khoản thu"),
        max_length=16,
        choices=FeeKind.choices,
        default=FeeKind.STANDARD,
        help_text=_(
            "Mức thu: tính cho mọi hồ sơ phù hợp. Mức thu thay thế, khoản thu thêm: "
            "chỉ tính khi cán bộ áp dụng, có ghi lý do."
        ),
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế cho khoản thu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternatives",
        help_text=_("Chỉ với mức thu thay thế: khoản thu (mức chuẩn) được thay."),
    )
    applicant_type = models.CharField(
        _("áp dụng cho"),
        max_length=16,
        choices=ApplicantType.choices,
        blank=True,
        help_text=_("Trống: mọi đối tượng."),
    )
    channel = models.CharField(
        _("kênh nộp"),
        max_length=16,
        choices=Channel.choices,
        blank=True,
        help_text=_("Trống: mọi kênh."),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="alternative") | Q(replaces__isnull=True),
                name="fee_replaces_only_for_alternative",
                violation_error_message=_("Chỉ mức thu thay thế mới chọn khoản thu được thay."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, applicant_type: str, channel: str) -> bool:
        """The applicant-type and channel filters match (blank: everyone, every channel)."""
        if self.applicant_type and self.applicant_type != applicant_type:
            return False
        return not (self.channel and self.channel != channel)

    def clean(self) -> None:
        if self.kind == FeeKind.ALTERNATIVE:
            if self.replaces_id is None:
                raise ValidationError(
                    {"replaces": _("Mức thu thay thế cần chọn khoản thu (mức chuẩn) được thay.")}
                )
            if (
                self.replaces.version_id != self.version_id
                or self.replaces.kind != FeeKind.STANDARD
            ):
                raise ValidationError(
                    {"replaces": _("Chọn một mức thu chuẩn của cùng phiên bản thủ tục.")}
                )
        elif self.replaces_id is not None:
            raise ValidationError(
                {"replaces": _("Chỉ mức thu thay thế mới chọn khoản thu được thay.")}
            )


class Synonym(models.Model):
    """Tên gọi thông dụng: a colloquial phrase ("sổ đỏ") and the official words it means."""

    phrase = models.CharField(_("cách gọi thông dụng"), max_length=200)
    meaning = models.CharField(_("tên chính thức tương ứng"), max_length=500)
    phrase_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name = _("từ đồng nghĩa")
        verbose_name_plural = _("từ đồng nghĩa (tìm kiếm)")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.meaning}"
