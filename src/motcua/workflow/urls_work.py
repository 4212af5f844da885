"""Staff pages for running dossiers (mounted at /xu-ly/)."""

from django.urls import path

from motcua.workflow import views_work as views

app_name = "work"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("ho-so/<str:ref>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:ref>/thao-tac/", views.dossier_action, name="action"),
    path("ho-so/<str:ref>/ket-qua/", views.result_file, name="result-file"),
]
