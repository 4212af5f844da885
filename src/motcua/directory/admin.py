from django.contrib import admin

from motcua.core.admin import ScopedAdmin
from motcua.directory.models import (
    AdministrativeUnit,
    Agency,
    CalendarOverride,
    Counter,
    ReceptionPoint,
    ServiceCenter,
    StaffAssignment,
    WorkingSession,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_to", "successor")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "successor")


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    agency_path = "id"
    list_display = ("code", "name", "kind", "level", "parent", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("unit", "parent")


class WorkingSessionInline(admin.TabularInline):
    model = WorkingSession
    extra = 0


class ReceptionPointInline(admin.TabularInline):
    model = ReceptionPoint
    extra = 0


@admin.register(ServiceCenter)
class ServiceCenterAdmin(ScopedAdmin):
    center_path = "id"
    list_display = ("code", "name", "level", "unit", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("unit", "agency")
    filter_horizontal = ("agencies",)
    inlines = [WorkingSessionInline, ReceptionPointInline]


@admin.register(Counter)
class CounterAdmin(ScopedAdmin):
    center_path = "center"
    list_display = ("__str__", "center", "number", "floor", "is_open")
    list_filter = ("center", "floor", "is_open")
    list_editable = ("is_open",)
    filter_horizontal = ("agencies",)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ScopedAdmin):
    center_path = "center"
    list_display = ("date", "kind", "center", "reason")
    list_filter = ("kind", "center")
    date_hierarchy = "date"


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ScopedAdmin):
    center_path = "center"
    list_display = ("user", "center", "counter", "start_date", "end_date", "is_primary")
    list_filter = ("center", "is_primary")
    autocomplete_fields = ("user",)
