from django.contrib import admin

from motcua.payments.admin import ReadOnlyAdmin
from motcua.reports.models import DossierRecord, ImportedDossier, Rating


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Ratings are the citizens' words: written by `services.submit_rating` only."""

    center_path = "dossier__center"
    list_display = ("dossier", "channel", "value", "counter", "officer", "created_at")
    list_filter = ("channel", "value")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier", "counter", "officer")


@admin.register(DossierRecord)
class DossierRecordAdmin(ReadOnlyAdmin):
    """The fact rows, to check a figure by hand; `motcua rebuild-records` rewrites them."""

    center_path = "center"
    list_display = ("code", "channel", "received_at", "due_at", "ended_at", "end_kind",
                    "outcome", "on_time_until", "late_from", "supplement_rounds")  # fmt: skip
    list_filter = ("channel", "end_kind", "outcome", "imported")
    search_fields = ("code",)


@admin.register(ImportedDossier)
class ImportedDossierAdmin(ReadOnlyAdmin):
    """Where each imported dossier came from (`motcua import-history`); written by it only."""

    center_path = "dossier__center"
    list_display = ("dossier", "source", "line", "finished_at", "returned_at", "imported_at")
    list_filter = ("source",)
    search_fields = ("dossier__code",)
    list_select_related = ("dossier",)
