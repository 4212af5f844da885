"""Đặt lịch hẹn, public (mounted at /dat-lich/ by urls_public.py; namespace queue:booking)."""

from django.urls import include, path

from motcua.queueing import views_booking as views

app_name = "booking"
urlpatterns = [
    path("huy/<str:token>/", views.cancel, name="cancel"),
    path("xac-nhan/<str:code>/", views.done, name="done"),
    path("<slug:center>/", views.choose_group, name="groups"),
    path("<slug:center>/<str:prefix>/", views.choose_day, name="days"),
    path("<slug:center>/<str:prefix>/<str:day>/", views.choose_slot, name="slots"),
    path("<slug:center>/<str:prefix>/<str:day>/<str:start>/", views.book, name="book"),
]

# What urls_public.py adds to its urlpatterns.
routes = [path("dat-lich/", include((urlpatterns, app_name)))]
