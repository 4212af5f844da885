from django.contrib import admin

from motcua.core.admin import ScopedAdmin
from motcua.payments.models import Payment, PaymentCallbackLog


class ReadOnlyAdmin(ScopedAdmin):
    """Payments and callbacks are written by services only; the admin looks."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    center_path = "dossier__center"
    list_display = ("id", "dossier", "method", "provider", "status", "amount", "receipt_number",
                    "provider_reference", "created_at", "paid_at")  # fmt: skip
    list_filter = ("method", "status", "provider")
    search_fields = ("dossier__code", "receipt_number", "provider_reference")
    list_select_related = ("dossier",)


@admin.register(PaymentCallbackLog)
class PaymentCallbackLogAdmin(ReadOnlyAdmin):
    center_path = "payment__dossier__center"
    list_display = ("received_at", "provider", "verified", "outcome", "reason", "payment")
    list_filter = ("provider", "verified", "outcome")
