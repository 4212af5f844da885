import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import User
from motcua.notifications.sms.contrib.logging import plugin as sms_log
from motcua.portal import services
from motcua.portal.models import CitizenProfile, LoginAttempt, PhoneVerification
from motcua.portal.signin import registry
from motcua.portal.signin.base import SignInProvider

pytestmark = pytest.mark.django_db

PASSWORD = "Hoa-sen-nở-2026"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms_log.outbox.clear()
    yield
    sms_log.outbox.clear()


def register(client, identifier, *, password=PASSWORD, password2=None, name="Lê Thị Hoa"):
    return client.post(
        reverse("portal:register"),
        {"full_name": name, "identifier": identifier, "password": password,
         "password2": password if password2 is None else password2},
    )  # fmt: skip


def test_register_with_email_sends_a_link_that_verifies(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, " Hoa.Le@Example.VN ")
    assert response.status_code == 302 and response["Location"] == reverse("portal:account")
    user = User.objects.get()
    assert (user.username, user.email, user.role) == ("hoa.le@example.vn", "hoa.le@example.vn",
                                                       "citizen")  # fmt: skip
    assert user.check_password(PASSWORD)
    assert CitizenProfile.objects.get(user=user).is_verified is False
    [email] = mail.outbox
    assert email.to == ["hoa.le@example.vn"]
    assert "Xác minh" in email.subject
    link = re.search(r"https?://\S+/xac-minh-email/\S+/", email.body).group(0)
    # Signed in right after registering; a later sign-in must not spoil the link.
    client.post(reverse("portal:logout"))
    client.post(reverse("portal:login"), {"identifier": "hoa.le@example.vn", "password": PASSWORD})
    response = client.get(link.split("testserver", 1)[1])
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=user)
    assert profile.email_verified_at is not None and profile.is_verified


def test_a_tampered_verification_link_is_refused(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "hoa@example.vn")
    link = re.search(r"/xac-minh-email/\S+/", mail.outbox[0].body).group(0)
    response = client.get(link[:-3] + "xx/")
    assert response.status_code == 400
    assert "không hợp lệ hoặc đã hết hạn" in response.content.decode()
    assert CitizenProfile.objects.get().email_verified_at is None


def test_register_with_phone_sends_a_code_by_sms(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, "+84 912 345 678")
    assert response["Location"] == reverse("portal:verify-phone")
    user = User.objects.get()
    assert (user.username, user.phone, user.email) == ("0912345678", "0912345678", "")
    [(phone, text)] = sms_log.outbox
    assert phone == "0912345678"
    code = re.search(r"\b(\d{6})\b", text).group(1)
    # Only a keyed hash of the code is stored.
    assert code not in PhoneVerification.objects.get().code_hash
    assert len(mail.outbox) == 0

    response = client.post(reverse("portal:verify-phone"), {"code": "000000" if code != "000000"
                                                            else "111111"})  # fmt: skip
    assert "Mã xác minh không đúng." in response.content.decode()
    assert PhoneVerification.objects.get().attempts == 1
    response = client.post(reverse("portal:verify-phone"), {"code": code})
    assert response.status_code == 302
    assert CitizenProfile.objects.get(user=user).phone_verified_at is not None


def test_an_expired_code_is_refused(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "0912345678")
    code = re.search(r"\b(\d{6})\b", sms_log.outbox[0][1]).group(1)
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("portal:verify-phone"), {"code": code})
    assert "hết hạn" in response.content.decode()
    assert CitizenProfile.objects.get().phone_verified_at is None


def test_codes_cannot_be_requested_again_at_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, "0912345678")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:verify-phone"), {"action": "resend"}, follow=True)
    assert "đợi một phút" in response.content.decode()
    assert len(sms_log.outbox) == 1


@pytest.mark.parametrize(
    ("identifier", "password", "password2", "field_message"),
    [
        ("khong-phai-email@", PASSWORD, None, "Địa chỉ thư điện tử không hợp lệ."),
        ("12345", PASSWORD, None, "Số điện thoại di động phải có 10 chữ số"),
        ("", PASSWORD, None, "Cần nhập thư điện tử hoặc số điện thoại."),
        ("hoa@example.vn", "1234", None, "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
        ("hoa@example.vn", "12345678901", None, "Mật khẩu không được chỉ gồm chữ số."),
        ("hoa@example.vn", PASSWORD, "khac-nhau-2026", "Hai lần nhập mật khẩu không khớp nhau."),
    ],
)
def test_bad_registration_input_gets_a_vietnamese_message(
    client, identifier, password, password2, field_message
):
    response = register(client, identifier, password=password, password2=password2)
    page = response.content.decode()
    assert response.status_code == 200
    assert field_message in page
    assert "Có lỗi cần sửa" in page
    assert User.objects.count() == 0


def test_an_empty_registration_names_every_missing_field(client):
    page = client.post(reverse("portal:register"), {}).content.decode()
    for message in ("Cần nhập họ và tên.", "Cần nhập thư điện tử hoặc số điện thoại.",
                    "Cần nhập mật khẩu."):  # fmt: skip
        assert message in page
    assert 'href="#id_full_name"' in page


def test_an_email_or_phone_already_used_cannot_register_again(client):
    User.objects.create_user(username="dan", email="dan@example.vn", phone="0912345678")
    assert "đã được dùng" in register(client, "DAN@example.vn").content.decode()
    assert "đã được dùng" in register(client, "0912 345 678").content.decode()
    assert User.objects.count() == 1


def _account(identifier="hoa@example.vn", **extra):
    return User.objects.create_user(username=identifier, password=PASSWORD, role="citizen",
                                    **extra)  # fmt: skip


def test_login_by_email_and_by_phone(client):
    _account("hoa@example.vn", email="hoa@example.vn")
    _account("0987654321", phone="0987654321")
    response = client.post(
        reverse("portal:login"), {"identifier": "HOA@example.vn", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:my-dossiers")
    assert client.get(reverse("portal:my-dossiers")).status_code == 200
    client.post(reverse("portal:logout"))
    assert client.get(reverse("portal:my-dossiers")).status_code == 302
    response = client.post(
        reverse("portal:login"),
        {"identifier": "+84 987 654 321", "password": PASSWORD, "next": "/nop-ho-so/"},
    )
    assert response["Location"] == "/nop-ho-so/"


def test_login_does_not_follow_a_next_to_another_site(client):
    _account(email="hoa@example.vn")
    response = client.post(
        reverse("portal:login"),
        {"identifier": "hoa@example.vn", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("portal:my-dossiers")


def test_logout_needs_a_post(client):
    _account(email="hoa@example.vn")
    client.login(username="hoa@example.vn", password=PASSWORD)
    assert client.get(reverse("portal:logout")).status_code == 405


@pytest.mark.parametrize("identifier", ["hoa@example.vn", "khong-co@example.vn"])
def test_wrong_password_and_unknown_account_get_the_same_message(client, identifier):
    _account(email="hoa@example.vn")
    response = client.post(reverse("portal:login"), {"identifier": identifier, "password": "sai"})
    page = response.content.decode()
    assert "Thư điện tử, số điện thoại hoặc mật khẩu không đúng." in page
    assert "_auth_user_id" not in client.session


def test_empty_login_form_says_what_is_missing(client):
    page = client.post(reverse("portal:login"), {"identifier": "", "password": ""}).content.decode()
    assert "Cần nhập thư điện tử hoặc số điện thoại." in page
    assert "Cần nhập mật khẩu." in page
    assert LoginAttempt.objects.count() == 0


def test_ten_failures_lock_the_identifier_for_this_address(client):
    _account(email="hoa@example.vn")
    for _ in range(10):
        client.post(reverse("portal:login"), {"identifier": "hoa@example.vn", "password": "sai"})
    response = client.post(
        reverse("portal:login"), {"identifier": "hoa@example.vn", "password": PASSWORD}
    )
    assert "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # Another address is not locked out; after the window the account can sign in again.
    other = client.post(
        reverse("portal:login"),
        {"identifier": "hoa@example.vn", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    client.post(reverse("portal:logout"))
    response = client.post(
        reverse("portal:login"), {"identifier": "hoa@example.vn", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_attempt_log_holds_no_raw_identifier(client):
    client.post(reverse("portal:login"), {"identifier": "0912345678", "password": "sai"})
    [attempt] = LoginAttempt.objects.all()
    assert "0912345678" not in attempt.key and "127.0.0.1" not in attempt.key


def test_password_provider_is_registered_behind_the_interface():
    provider = registry.get("password")
    assert isinstance(provider, SignInProvider)
    assert [p.identifier for p in registry.providers()] == ["password"]
    assert registry.get("vneid") is None


def test_a_provider_that_is_not_installed_is_a_404(client):
    assert client.get("/dang-nhap/vneid/").status_code == 404


def test_verification_is_idempotent_and_needs_the_same_email():
    user = _account(email="hoa@example.vn")
    path = services.verification_path(user)
    uidb64, token = path.strip("/").split("/")[-2:]
    assert services.verify_email(uidb64=uidb64, token=token) == user
    assert services.verify_email(uidb64=uidb64, token=token) == user
    other = _account("lan@example.vn", email="lan@example.vn")
    other_path = services.verification_path(other)
    other.email = "moi@example.vn"
    other.save()
    uidb64, token = other_path.strip("/").split("/")[-2:]
    assert services.verify_email(uidb64=uidb64, token=token) is None
