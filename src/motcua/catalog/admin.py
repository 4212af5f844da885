from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.catalog import services
from motcua.catalog.models import (
    Component,
    Fee,
    FeeKind,
    Field,
    Procedure,
    ProcedureVersion,
    Synonym,
)
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
    fk_name = "version"
    extra = 0
    fields = ("position", "name", "amount", "kind", "replaces", "applicant_type", "channel", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "replaces":
            # The standard lines of the version being edited (none while it is being created).
            version_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Fee.objects.filter(
                version_id=version_id or None, kind=FeeKind.STANDARD
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProcedureVersionForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        fields = "__all__"  # noqa: DJ007 (the admin fieldsets choose the fields)

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.instance.pk is None:
            # A new version becomes the open one only after services.save_version closes the
            # current one, so "one open version per procedure" is checked there, not here.
            exclude.add("procedure")
        return exclude

    def clean(self):
        data = super().clean()
        procedure, starts = data.get("procedure"), data.get("effective_from")
        if self.instance.pk is None and procedure and starts:
            current = procedure.versions.filter(effective_to__isnull=True).first()
            if current and starts < current.effective_from:
                raise forms.ValidationError(
                    _("Ngày hiệu lực không được sớm hơn phiên bản hiện hành (%(date)s).")
                    % {"date": current.effective_from.strftime("%d/%m/%Y")}
                )
        return data


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ScopedAdmin):
    form = ProcedureVersionForm
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
        services.save_version(version=obj)

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
