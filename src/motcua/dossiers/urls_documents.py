from django.urls import path

from motcua.dossiers import views_documents as views

app_name = "documents"
urlpatterns = [
    path("so-theo-doi/", views.logbook_export, name="logbook"),
    path("<str:ref>/phieu/<int:notice_id>.pdf", views.notice_pdf, name="notice-pdf"),
    path("<str:ref>/phieu/<int:notice_id>/", views.notice_print, name="notice-print"),
]
