"""The reception officer's screens (mounted at /quay/)."""

from django.urls import path

from motcua.dossiers import views_counter as views

app_name = "counter"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("trung-tam/", views.choose_center, name="choose-center"),
    path("tiep-nhan/", views.intake_start, name="intake-start"),
    path("tiep-nhan/<str:code>/", views.intake_form, name="intake-form"),
    path("tiep-nhan/<str:code>/thanh-phan/", views.completeness, name="completeness"),
    path("ho-so/<str:ref>/", views.dossier_result, name="dossier"),
    path("cho-tiep-nhan/<uuid:public_id>/", views.review, name="review"),
    path("tep/<int:file_id>/", views.dossier_file, name="file"),
]
