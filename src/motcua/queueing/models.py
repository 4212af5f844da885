"""The service-hall queue: groups, tickets and their event log, priority policy, bookings."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ServiceGroup(models.Model):
    """Nhóm dịch vụ: one or several related agencies, a letter prefix and the counters serving it."""

    center = models.ForeignKey(
        "directory.ServiceCenter", on_delete=models.CASCADE, related_name="service_groups"
    )
    prefix = models.CharField(_("chữ cái đầu số"), max_length=2)
    name = models.CharField(_("tên nhóm"), max_length=200)
    agencies = models.ManyToManyField(
        "directory.Agency", verbose_name=_("cơ quan"), blank=True, related_name="service_groups"
    )
    counters = models.ManyToManyField(
        "directory.Counter", verbose_name=_("quầy phục vụ"), blank=True, related_name="groups"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự hiển thị"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("nhóm dịch vụ")
        verbose_name_plural = _("nhóm dịch vụ")
        ordering = ["center", "position", "prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "prefix"],
                name="group_unique_prefix",
                violation_error_message=_("Chữ cái này đã dùng cho nhóm khác ở trung tâm."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name}"


class PriorityCategory(models.Model):
    """Đối tượng ưu tiên: a configurable policy; a lower rank is served first."""

    center = models.ForeignKey(
        "directory.ServiceCenter",
        verbose_name=_("trung tâm (trống: mọi trung tâm)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="priority_categories",
    )
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("thứ tự ưu tiên"), default=1)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("đối tượng ưu tiên")
        verbose_name_plural = _("đối tượng ưu tiên")
        ordering = ["rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="priority_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """Số thứ tự: A001… per group per center per day."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Đang chờ")
        CALLED = "called", _("Đã gọi")
        SERVING = "serving", _("Đang phục vụ")
        FINISHED = "finished", _("Đã xong")
        NO_SHOW = "no_show", _("Vắng mặt")

    public_id = models.UUIDField(_("mã tra cứu"), default=uuid.uuid4, unique=True, editable=False)
    center = models.ForeignKey(
        "directory.ServiceCenter", on_delete=models.PROTECT, related_name="tickets"
    )
    group = models.ForeignKey(
        ServiceGroup,
        verbose_name=_("nhóm dịch vụ"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    day = models.DateField(_("ngày"))
    number = models.PositiveIntegerField(_("số"))
    label = models.CharField(_("số thứ tự"), max_length=12)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    priority = models.ForeignKey(
        PriorityCategory, verbose_name=_("ưu tiên"), on_delete=models.PROTECT, null=True, blank=True
    )
    # Sort key for "call next": priority tickets and checked-in bookings first, then in order.
    priority_rank = models.PositiveSmallIntegerField(_("thứ tự ưu tiên khi gọi"), default=100)
    booking = models.OneToOneField(
        "queueing.Booking",
        verbose_name=_("lịch hẹn"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket",
    )
    issued_at = models.DateTimeField(_("lấy số lúc"))
    counter = models.ForeignKey(
        "directory.Counter", verbose_name=_("quầy"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="tickets",
    )  # fmt: skip
    # A ticket transferred to one counter waits for that counter only.
    target_counter = models.ForeignKey(
        "directory.Counter", verbose_name=_("chuyển đến quầy"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    call_count = models.PositiveSmallIntegerField(_("số lần gọi"), default=0)
    first_called_at = models.DateTimeField(_("gọi lần đầu lúc"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("gọi lần cuối lúc"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu phục vụ lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại nhận tin"), max_length=15, blank=True)
    notify_when_ahead = models.PositiveSmallIntegerField(
        _("nhắn tin khi còn số người phía trước"), null=True, blank=True
    )
    notified = models.BooleanField(_("đã nhắn tin"), default=False)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="tickets",
    )  # fmt: skip

    class Meta:
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")
        ordering = ["-day", "group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "number"], name="ticket_unique_number")
        ]
        indexes = [
            models.Index(
                fields=["group", "day", "priority_rank", "issued_at"],
                name="ticket_waiting_idx",
                condition=Q(status="waiting"),
            ),
            models.Index(fields=["center", "day", "status"], name="ticket_center_day_idx"),
        ]

    def __str__(self) -> str:
        return self.label


class TicketEvent(models.Model):
    """Append-only: issued, called (each call and recall), serving, finished, no-show, transferred."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("số thứ tự"), on_delete=models.CASCADE, related_name="events"
    )
    center = models.ForeignKey(
        "directory.ServiceCenter", verbose_name=_("trung tâm"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    action = models.CharField(_("thao tác"), max_length=20)
    counter = models.ForeignKey(
        "directory.Counter", verbose_name=_("quầy"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["center", "id"], name="ticket_event_center_idx")]

    def __str__(self) -> str:
        return f"{self.ticket} {self.action}"


class BookingSlotTemplate(models.Model):
    """Lịch hẹn mẫu: weekly slots per group (e.g. Monday 07:30–08:00, capacity 6)."""

    group = models.ForeignKey(
        ServiceGroup, verbose_name=_("nhóm dịch vụ"), on_delete=models.CASCADE,
        related_name="slot_templates",
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(
        _("thứ"), choices=[(i, n) for i, n in enumerate(
            [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"),
             _("Chủ Nhật")])],
    )  # fmt: skip
    start = models.TimeField(_("bắt đầu"))
    end = models.TimeField(_("kết thúc"))
    capacity = models.PositiveSmallIntegerField(_("số lượt"), default=4)

    class Meta:
        verbose_name = _("khung giờ hẹn")
        verbose_name_plural = _("khung giờ hẹn")
        ordering = ["group", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Booking(models.Model):
    """Đặt lịch hẹn: a slot booked online, checked in at the kiosk with its code."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Đã đặt")
        CANCELLED = "cancelled", _("Đã hủy")
        CHECKED_IN = "checked_in", _("Đã đến")

    group = models.ForeignKey(
        ServiceGroup,
        verbose_name=_("nhóm dịch vụ"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    date = models.DateField(_("ngày"))
    start = models.TimeField(_("giờ bắt đầu"))
    end = models.TimeField(_("giờ kết thúc"))
    code = models.CharField(_("mã đặt lịch"), max_length=12, unique=True)
    cancel_token = models.CharField(_("mã hủy"), max_length=64, unique=True)
    name = models.CharField(_("họ và tên"), max_length=200)
    phone = models.CharField(_("số điện thoại"), max_length=15)
    email = models.EmailField(_("thư điện tử"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.BOOKED
    )
    created_at = models.DateTimeField(_("đặt lúc"), auto_now_add=True)
    reminded = models.BooleanField(_("đã nhắc lịch"), default=False)

    class Meta:
        verbose_name = _("lịch hẹn")
        verbose_name_plural = _("lịch hẹn")
        ordering = ["date", "start"]
        indexes = [models.Index(fields=["group", "date", "start"], name="booking_slot_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.date:%d/%m/%Y} {self.start:%H:%M}"
