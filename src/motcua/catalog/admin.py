from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.catalog import services
from motcua.catalog.models import Component, Fee, Field, Procedure, ProcedureVersion, Synonym
from motcua.core.admin import ScopedAdmin


@admin.register(Field)
class FieldAdmin(ScopedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Procedure)
class ProcedureAdmin(ScopedAdmin):
    list_display = ("code", "created_at")
    search_fields = ("code", "versions__name")


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    fields = ("position", "name", "form", "copies", "required", "template_file", "note")


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0
    fields = ("position", "name", "amount", "applicant_type", "channel", "note")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ScopedAdmin):
    agency_path = "agency"
    list_display = (
        "procedure",
        "name",
        "agency",
        "field",
        "level",
        "number",
        "effective_from",
        "effective_to",
    )
    list_filter = ("level", "online_level", "field", "agency")
    search_fields = ("procedure__code", "service_code", "name")
    autocomplete_fields = ("procedure", "field", "agency")
    readonly_fields = ("number",)
    inlines = [ComponentInline, FeeInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "procedure",
                    "number",
                    "effective_from",
                    "effective_to",
                    "service_code",
                    "name",
                )
            },
        ),
        (_("Cơ quan, lĩnh vực"), {"fields": ("field", "agency", "competent_authority", "level")}),
        (
            _("Đối tượng, thời hạn, cách thức"),
            {
                "fields": (
                    ("for_individuals", "for_organizations"),
                    "time_limit_days",
                    ("accepts_counter", "accepts_online", "accepts_postal"),
                    "online_level",
                    ("resolved_at_center", "postal_return"),
                )
            },
        ),
        (
            _("Nội dung"),
            {"fields": ("steps", "conditions", "result", "legal_basis", "description")},
        ),
    )

    def save_model(self, request, obj, form, change):
        try:
            services.save_version(version=obj)
        except services.CatalogError as exc:
            messages.error(request, str(exc))
            raise

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_version_keys(version=form.instance)


@admin.register(Synonym)
class SynonymAdmin(ScopedAdmin):
    list_display = ("phrase", "meaning")
    search_fields = ("phrase", "meaning")
    fields = ("phrase", "meaning")

    def save_model(self, request, obj, form, change):
        services.save_synonym(phrase=obj.phrase, meaning=obj.meaning, synonym=obj)
