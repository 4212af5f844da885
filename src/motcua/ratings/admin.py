from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.payments.admin import ReadOnlyAdmin
from motcua.ratings import services
from motcua.ratings.models import RatingDevice


@admin.register(RatingDevice)
class RatingDeviceAdmin(ReadOnlyAdmin):
    """Paired at /danh-gia/quay/ghep-noi/; here a lost or replaced tablet is revoked."""

    center_path = "counter__center"
    list_display = ("__str__", "paired_by", "paired_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("counter__center", "paired_by")
    exclude = ("token_hash",)
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "token_hash"]

    @admin.action(description=_("Thu hồi máy đánh giá đã chọn"))
    def revoke(self, request, queryset):
        devices = list(queryset.filter(revoked_at__isnull=True))
        for device in devices:
            services.revoke_device(device=device)
        self.message_user(
            request,
            ngettext("Đã thu hồi %(n)d máy.", "Đã thu hồi %(n)d máy.", len(devices))
            % {"n": len(devices)},
            messages.SUCCESS,
        )
