"""The workflow's forms; motcua/urls.py mounts them under /ho-so/ in the "documents" namespace
with the intake forms (motcua.dossiers.urls_documents), so the dossier pages link to
`documents:control-slip-pdf` and the like."""

from django.urls import path

from motcua.workflow import document_views as views

urlpatterns = [
    path("<str:ref>/phieu-kiem-soat.pdf", views.control_slip_pdf, name="control-slip-pdf"),
    path("<str:ref>/phieu-kiem-soat/", views.control_slip_print, name="control-slip-print"),
    path("<str:ref>/xin-loi.pdf", views.apology_pdf, name="apology-pdf"),
    path("<str:ref>/xin-loi/", views.apology_print, name="apology-print"),
    path("<str:ref>/dung-xu-ly.pdf", views.withdrawal_pdf, name="withdrawal-pdf"),
    path("<str:ref>/dung-xu-ly/", views.withdrawal_print, name="withdrawal-print"),
]
