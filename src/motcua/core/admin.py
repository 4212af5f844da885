"""Admin building blocks: every admin list is scoped to the signed-in user's agency/center."""

from django.contrib import admin

from motcua.accounts.selectors import has_province_scope, scoped_agency_ids, scoped_center_ids


def limit_choices(request, db_field, kwargs: dict) -> None:
    """Offer only agencies/centers in the user's scope in admin drop-downs."""
    from motcua.directory.models import Agency, ServiceCenter

    user = request.user
    if has_province_scope(user):
        return
    if db_field.related_model is Agency:
        kwargs["queryset"] = Agency.objects.filter(id__in=scoped_agency_ids(user))
    elif db_field.related_model is ServiceCenter:
        kwargs["queryset"] = ServiceCenter.objects.filter(id__in=scoped_center_ids(user))


class ScopedChoicesMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_choices(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        limit_choices(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Limits rows to the user's scope; subclasses name the path to an agency or a center.

    `agency_path` / `center_path`: the lookup from this model to an Agency / ServiceCenter id,
    e.g. "agency" or "version__agency"; a model with neither is province-wide data that only
    province-scope administrators may change.
    """

    agency_path: str | None = None
    center_path: str | None = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if has_province_scope(user):
            return qs
        if self.agency_path:
            return qs.filter(**{f"{self.agency_path}__in": scoped_agency_ids(user)})
        if self.center_path:
            return qs.filter(**{f"{self.center_path}__in": scoped_center_ids(user)})
        return qs

    def _province_only(self, request) -> bool:
        return not (self.agency_path or self.center_path) and not has_province_scope(request.user)

    def has_add_permission(self, request, *args):
        return not self._province_only(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not self._province_only(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._province_only(request) and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows written by services (event logs, runs) and never edits them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
