"""Public queue pages, no login: kiosk, ticket (follow) page, display board."""

from django.urls import path

from motcua.queueing import views_public
from motcua.queueing.urls_booking import routes as booking_routes

app_name = "queue"
urlpatterns = [
    path("kiosk/<slug:center>/", views_public.kiosk, name="kiosk"),
    path("kiosk/<slug:center>/lich-hen/", views_public.kiosk_booking, name="kiosk-booking"),
    path("so/<uuid:public_id>/", views_public.ticket, name="ticket"),
    path("display/<slug:center>/", views_public.display, name="display"),
]

# Bookings, /dat-lich/… (urls_booking.py, views_booking.py)

urlpatterns += booking_routes
