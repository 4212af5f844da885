from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, User
from motcua.accounts.selectors import has_province_scope, scoped_agency_ids
from motcua.accounts.services import grant_role_group
from motcua.core.admin import ScopedChoicesMixin
from motcua.directory.models import StaffAssignment


class AssignmentInline(ScopedChoicesMixin, admin.TabularInline):
    model = StaffAssignment
    extra = 0
    fields = ("center", "counter", "start_date", "end_date", "is_primary")


@admin.register(User)
class UserAdmin(ScopedChoicesMixin, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "agency", "is_active")
    list_filter = ("role", "is_active", "agency")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "email", "phone", "role", "agency")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Mốc thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "role", "agency", "password1", "password2"),
            },
        ),
    )
    inlines = [AssignmentInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if has_province_scope(request.user):
            return qs
        return qs.filter(agency_id__in=scoped_agency_ids(request.user))

    def get_readonly_fields(self, request, obj=None):
        # Only province administrators may grant superuser rights.
        if request.user.is_superuser:
            return ()
        return ("is_superuser", "groups", "last_login", "date_joined")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        grant_role_group(user=form.instance)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `motcua create-token`; here they can be seen and revoked."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "name", "user", "created_at", "last_used_at", "key_hash")
    fields = (*readonly_fields, "revoked_at")

    def has_add_permission(self, request):
        return False
