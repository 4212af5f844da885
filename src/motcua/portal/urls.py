from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    # accounts
    path("dang-ky/", views.register, name="register"),
    path("dang-nhap/", views.sign_in, name="login"),
    path("dang-nhap/<slug:identifier>/", views.provider_start, name="provider-start"),
    path("dang-nhap/<slug:identifier>/xong/", views.provider_complete, name="provider-complete"),
    path("dang-xuat/", views.sign_out, name="logout"),
    path("tai-khoan/", views.account, name="account"),
    path("xac-minh-email/gui-lai/", views.resend_email, name="resend-email"),
    path("xac-minh-email/<str:uidb64>/<str:token>/", views.verify_email, name="verify-email"),
    path("xac-minh-sdt/", views.verify_phone, name="verify-phone"),
    # filing online
    path("nop-ho-so/", views.online_list, name="online-list"),
    path("nop-ho-so/<str:code>/bat-dau/", views.start, name="start"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<uuid:public_id>/nguoi-nop/", views.step_applicant, name="step-applicant"),
    path("ho-so-cua-toi/<uuid:public_id>/giay-to/", views.step_components, name="step-components"),
    path(
        "ho-so-cua-toi/<uuid:public_id>/giay-to/<int:file_id>/xoa/",
        views.remove_file,
        name="remove-file",
    ),
    path("ho-so-cua-toi/<uuid:public_id>/nhan-ket-qua/", views.step_delivery, name="step-delivery"),
    path("ho-so-cua-toi/<uuid:public_id>/kiem-tra/", views.step_check, name="step-check"),
    path("ho-so-cua-toi/<uuid:public_id>/da-nop/", views.submitted, name="submitted"),
]
