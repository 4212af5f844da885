from django.urls import path

from motcua.dossiers import views_documents as views

app_name = "documents"
urlpatterns = [
    path("so-theo-doi/", views.logbook_export, name="logbook"),
    path("<str:ref>/phieu/<int:notice_id>.pdf", views.notice_pdf, name="notice-pdf"),
    path("<str:ref>/phieu/<int:notice_id>/", views.notice_print, name="notice-print"),
    path("<str:ref>/phieu-kiem-soat.pdf", views.control_slip_pdf, name="control-slip-pdf"),
    path("<str:ref>/phieu-kiem-soat/", views.control_slip_print, name="control-slip-print"),
    path("<str:ref>/xin-loi.pdf", views.apology_pdf, name="apology-pdf"),
    path("<str:ref>/xin-loi/", views.apology_print, name="apology-print"),
    path("<str:ref>/dung-xu-ly.pdf", views.withdrawal_pdf, name="withdrawal-pdf"),
    path("<str:ref>/dung-xu-ly/", views.withdrawal_print, name="withdrawal-print"),
]
