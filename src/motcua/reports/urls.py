"""Supervision pages (mounted at /giam-sat/): dashboard, a figure's dossiers, periodic report."""

from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("bao-cao/", views.periodic_report, name="periodic"),
]
