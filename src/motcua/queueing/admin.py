"""The queue in the admin: groups, priority policy and booking slots are configured here;
bookings and tickets are read-only (they change through the services and the event log)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.accounts.selectors import has_province_scope, scoped_center_ids
from motcua.core.admin import ReadOnlyInline, ScopedAdmin
from motcua.directory.models import Counter
from motcua.queueing.booking import BookingError, cancel_booking
from motcua.queueing.models import (
    Booking,
    BookingSlotTemplate,
    PriorityCategory,
    ServiceGroup,
    Ticket,
    TicketEvent,
)


class ServiceGroupForm(forms.ModelForm):
    class Meta:
        model = ServiceGroup
        fields = ("center", "prefix", "name", "agencies", "counters", "position", "is_active")

    def clean(self):
        data = super().clean()
        center = data.get("center")
        counters = data.get("counters")
        if center is not None and counters is not None:
            others = [c for c in counters if c.center_id != center.pk]
            if others:
                self.add_error(
                    "counters",
                    _("Quầy %(numbers)s không thuộc trung tâm của nhóm.")
                    % {"numbers": ", ".join(str(c.number) for c in others)},
                )
        if data.get("prefix"):
            data["prefix"] = data["prefix"].strip().upper()
        return data


class SlotTemplateInline(admin.TabularInline):
    model = BookingSlotTemplate
    extra = 0
    classes = ["collapse"]  # 65 rows a week in the demo: folded until opened


@admin.register(ServiceGroup)
class ServiceGroupAdmin(ScopedAdmin):
    center_path = "center"
    form = ServiceGroupForm
    list_display = ("prefix", "name", "center", "position", "is_active")
    list_display_links = ("prefix", "name")
    list_filter = ("center", "is_active")
    search_fields = ("prefix", "name")
    filter_horizontal = ("agencies", "counters")
    inlines = [SlotTemplateInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "counters":
            counters = Counter.objects.select_related("center").order_by("center__name", "number")
            if not has_province_scope(request.user):
                counters = counters.filter(center_id__in=scoped_center_ids(request.user))
            kwargs["queryset"] = counters
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "counters":
            # "Quầy 3" alone is ambiguous when several centers are listed.
            field.label_from_instance = lambda c: f"{c} — {c.center.code}"
        return field


@admin.register(PriorityCategory)
class PriorityCategoryAdmin(ScopedAdmin):
    """Global categories (no center) are the province's policy: listed for everyone, changed
    only with province scope; a center adds its own."""

    center_path = "center"
    list_display = ("name", "code", "rank", "center", "is_active")
    list_filter = ("is_active", "center")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}

    def get_queryset(self, request):
        scoped = super().get_queryset(request)
        if has_province_scope(request.user):
            return scoped
        return scoped | PriorityCategory.objects.filter(center__isnull=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "center" and not has_province_scope(request.user):
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _global(self, request, obj) -> bool:
        return obj is not None and obj.center_id is None and not has_province_scope(request.user)

    def has_change_permission(self, request, obj=None):
        return not self._global(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._global(request, obj) and super().has_delete_permission(request, obj)


@admin.register(BookingSlotTemplate)
class BookingSlotTemplateAdmin(ScopedAdmin):
    center_path = "group__center"
    list_display = ("__str__", "group", "weekday", "start", "end", "capacity")
    list_filter = ("weekday", "group__center", "group")
    list_editable = ("capacity",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group" and not has_province_scope(request.user):
            kwargs["queryset"] = ServiceGroup.objects.filter(
                center_id__in=scoped_center_ids(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
    """Read-mostly: bookings are made and cancelled by the public pages; the one change here
    is the "cancel" action, through the same service."""

    center_path = "group__center"
    list_display = ("code", "date", "start", "group", "name", "phone", "status", "reminded")
    list_filter = ("status", "reminded", "group__center", "group")
    search_fields = ("code", "name", "phone", "email")
    date_hierarchy = "date"
    readonly_fields = [f.name for f in Booking._meta.fields if f.name != "cancel_token"]
    exclude = ("cancel_token",)
    actions = ["cancel_selected"]

    def has_add_permission(self, request, *args):
        return False

    @admin.action(description=_("Hủy các lịch hẹn đã chọn"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        done = 0
        for booking in queryset:
            try:
                cancel_booking(token=booking.cancel_token)
                done += 1
            except BookingError as exc:
                self.message_user(request, f"{booking.code}: {exc}", messages.WARNING)
        self.message_user(
            request,
            ngettext("Đã hủy %(n)d lịch hẹn.", "Đã hủy %(n)d lịch hẹn.", done) % {"n": done},
        )


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    verbose_name = _("sự kiện")
    verbose_name_plural = _("nhật ký sự kiện")
    fields = ("at", "action", "counter", "actor", "data")
    readonly_fields = fields
    ordering = ("id",)


@admin.register(Ticket)
class TicketAdmin(ScopedAdmin):
    center_path = "center"
    list_display = ("label", "day", "center", "group", "status", "priority", "counter",
                    "call_count", "issued_at")  # fmt: skip
    list_filter = ("status", "day", "center", "group")
    search_fields = ("label", "phone", "booking__code")
    date_hierarchy = "day"
    inlines = [TicketEventInline]
    list_select_related = ("center", "group", "priority", "counter")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
