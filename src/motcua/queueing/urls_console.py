"""The officer's queue screens (mounted at /quay-so/): counter console and statistics."""

from django.urls import path

from motcua.queueing import views_console as views

app_name = "queue-console"
urlpatterns = [
    path("", views.choose_counter, name="choose"),
    path("quay/<int:counter_id>/", views.console, name="console"),
    path("quay/<int:counter_id>/thao-tac/", views.act, name="act"),
    path("quay/<int:counter_id>/dang-cho/", views.waiting, name="waiting"),
    path("thong-ke/", views.stats, name="stats"),
]
