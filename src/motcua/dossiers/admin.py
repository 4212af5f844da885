"""Dossiers in the admin: read-only (every change goes through the services and the event log)."""

from django.contrib import admin

from motcua.core.admin import ReadOnlyInline, ScopedAdmin
from motcua.dossiers.models import Dossier, DossierEvent, DossierFee, Notice


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ("at", "actor", "action", "from_status", "to_status", "data")
    readonly_fields = fields


class NoticeInline(ReadOnlyInline):
    model = Notice
    fields = ("kind", "number", "issued_at", "issued_by")
    readonly_fields = fields


class FeeInline(ReadOnlyInline):
    model = DossierFee
    fields = ("name", "amount", "exempted", "exemption_reason")
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(ScopedAdmin):
    center_path = "center"
    list_display = ("code", "procedure_version", "applicant_name", "channel", "status",
                    "received_at", "due_at")  # fmt: skip
    list_filter = ("status", "channel", "center")
    search_fields = ("code", "applicant_name")
    date_hierarchy = "received_at"
    inlines = [NoticeInline, FeeInline, EventInline]
    list_select_related = ("procedure_version__procedure",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
