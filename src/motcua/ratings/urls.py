"""The rating pages, mounted at /danh-gia/ (views.py)."""

from django.urls import path

from motcua.ratings import views

app_name = "ratings"
urlpatterns = [
    path("quay/ghep-noi/", views.pair, name="pair"),
    path("quay/<slug:center>/<int:number>/", views.tablet, name="tablet"),
    path("tra-cuu/", views.receipt, name="receipt"),
    path("cong/<uuid:public_id>/", views.portal, name="portal"),
    path("bang-diem/", views.board, name="board"),
]
