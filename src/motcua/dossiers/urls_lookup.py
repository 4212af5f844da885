from django.urls import path

from motcua.dossiers import views_lookup

app_name = "lookup"
urlpatterns = [
    path("", views_lookup.lookup_page, name="lookup"),
]
