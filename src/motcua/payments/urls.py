"""Fees and payment (mounted at /thanh-toan/)."""

from django.urls import path

from motcua.payments import views
from motcua.payments.providers.contrib.sandbox import views as sandbox_views

app_name = "payments"
urlpatterns = [
    path("ho-so/<str:ref>/", views.dossier_fees, name="dossier"),
    path("ho-so/<str:ref>/thu-tai-quay/", views.counter_payment, name="counter-payment"),
    path("ho-so/<str:ref>/mien-giam/<int:fee_id>/", views.exempt, name="exempt"),
    path("ho-so/<str:ref>/ap-dung-lai/<int:fee_id>/", views.restore, name="restore"),
    path("ho-so/<str:ref>/ap-dung-muc-thu/<int:fee_id>/", views.apply_option, name="apply-option"),
    path("bat-dau/<uuid:public_id>/", views.start, name="start"),
    path("ipn/<slug:provider>/", views.ipn, name="ipn"),
    path("ket-qua/<int:payment_id>/", views.result, name="result"),
    path("sandbox/pay/", sandbox_views.pay, name="sandbox-pay"),
]
