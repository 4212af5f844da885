"""Writes for citizen accounts: registration, verification of the email or phone, sign-in.

One transaction each; messages for people are Vietnamese. Email and SMS leave through
background tasks (portal.tasks), queued after the transaction commits.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.models import Role, User
from motcua.portal import selectors
from motcua.portal.models import CitizenProfile, LoginAttempt, PhoneVerification
from motcua.portal.signin.base import SignInFailed

CODE_LIFETIME = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
CODE_RESEND_AFTER = timedelta(seconds=60)
LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW = timedelta(minutes=15)


class AccountError(Exception):
    """Input the account rules do not accept. `errors` maps a field (or "__all__") to a message."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"__all__": errors}
        super().__init__("; ".join(self.errors.values()))


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Signed, expiring tokens for the email link (PASSWORD_RESET_TIMEOUT, 3 days by default).

    Unlike password-reset tokens they do not depend on the last login (signing in again must
    not spoil the link) but on the address: changing the email spoils it. Using a link twice
    is harmless (verification is idempotent).
    """

    key_salt = "motcua.portal.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}|{user.email.lower()}|{timestamp}"


email_verification_tokens = EmailVerificationTokenGenerator()


# --- registration ----------------------------------------------------------------------------

_PASSWORD_MESSAGES = {
    "password_too_short": gettext_noop("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
    "password_too_common": gettext_noop("Mật khẩu này quá phổ biến, dễ bị đoán."),
    "password_entirely_numeric": gettext_noop("Mật khẩu không được chỉ gồm chữ số."),
    "password_too_similar": gettext_noop(
        "Mật khẩu quá giống họ tên, thư điện tử hoặc số điện thoại."
    ),
}


def password_problems(password: str, user: User) -> list[str]:
    """Django's password validators, with their messages in Vietnamese."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        problems = []
        for error in exc.error_list:
            template = _PASSWORD_MESSAGES.get(error.code or "")
            problems.append(_(template) % (error.params or {}) if template else error.messages[0])
        return problems
    return []


def register_citizen(*, full_name: str, identifier: str, password: str, site_url: str) -> User:
    """A citizen account signed in with an email or a phone number.

    An email account is sent a verification link, a phone account a 6-digit code by SMS.
    Until one of them is verified the account may save drafts but not submit.
    """
    errors: dict[str, str] = {}
    full_name = " ".join(full_name.split())
    if not full_name:
        errors["full_name"] = _("Cần nhập họ và tên.")
    parsed = selectors.parse_identifier(identifier)
    if isinstance(parsed, str):
        errors["identifier"] = parsed
    elif selectors.identifier_taken(parsed):
        errors["identifier"] = (
            _("Thư điện tử này đã được dùng cho một tài khoản. Hãy đăng nhập.")
            if parsed.kind == "email"
            else _("Số điện thoại này đã được dùng cho một tài khoản. Hãy đăng nhập.")
        )
    if not errors:
        candidate = User(
            username=parsed.value,
            full_name=full_name,
            email=parsed.value if parsed.kind == "email" else "",
            phone=parsed.value if parsed.kind == "phone" else "",
        )
        if problems := password_problems(password, candidate):
            errors["password"] = " ".join(problems)
    if errors:
        raise AccountError(errors)
    try:
        with transaction.atomic():
            candidate.role = Role.CITIZEN
            candidate.set_password(password)
            candidate.save()
            CitizenProfile.objects.create(user=candidate)
            if parsed.kind == "email":
                send_email_verification(user=candidate, site_url=site_url)
            else:
                _queue_phone_code(candidate)
    except IntegrityError as exc:  # two registrations with the same identifier at once
        raise AccountError({"identifier": _("Tài khoản này đã tồn tại. Hãy đăng nhập.")}) from exc
    return candidate


# --- email verification ----------------------------------------------------------------------


def send_email_verification(*, user: User, site_url: str) -> None:
    """Queue the verification email (sent after the current transaction commits)."""
    from motcua.portal.tasks import send_verification_email

    if not user.email:
        raise AccountError(_("Tài khoản chưa có địa chỉ thư điện tử."))
    user_id = user.pk
    transaction.on_commit(lambda: send_verification_email.enqueue(user_id, site_url))


def verification_path(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_tokens.make_token(user)
    return reverse("portal:verify-email", kwargs={"uidb64": uidb64, "token": token})


def deliver_verification_email(*, user_id: int, site_url: str) -> str:
    """Send now (runs in the background worker)."""
    user = User.objects.get(pk=user_id)
    if not user.email:
        return "no-email"
    link = site_url.rstrip("/") + verification_path(user)
    with translation.override("vi"):
        body = render_to_string("portal/email/verify_email.txt", {"user": user, "link": link})
        subject = _("Xác minh địa chỉ thư điện tử của tài khoản dịch vụ công")
    send_mail(subject, body, None, [user.email])
    return "sent"


@transaction.atomic
def verify_email(*, uidb64: str, token: str) -> User | None:
    """Mark the email of the account as verified if the link is genuine; None otherwise."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not email_verification_tokens.check_token(user, token):
        return None
    profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
    return user


# --- phone verification ----------------------------------------------------------------------


def _code_hash(user_id: int, phone: str, code: str) -> str:
    return salted_hmac("motcua.portal.phone-code", f"{user_id}|{phone}|{code}").hexdigest()


def _queue_phone_code(user: User) -> None:
    from motcua.portal.tasks import send_phone_code

    user_id = user.pk
    transaction.on_commit(lambda: send_phone_code.enqueue(user_id))


@transaction.atomic
def request_phone_code(*, user: User) -> None:
    """Send a new code to the account's phone (at most one a minute and five an hour)."""
    if not user.phone:
        raise AccountError(_("Tài khoản chưa có số điện thoại."))
    now = timezone.now()
    recent = PhoneVerification.objects.filter(user=user, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= CODES_PER_HOUR:
        raise AccountError(_("Đã gửi quá nhiều mã trong một giờ. Vui lòng thử lại sau."))
    if recent.filter(created_at__gte=now - CODE_RESEND_AFTER).exists():
        raise AccountError(_("Mã vừa được gửi. Vui lòng đợi một phút rồi yêu cầu gửi lại."))
    _queue_phone_code(user)


def issue_phone_code(*, user_id: int) -> str:
    """Make a fresh code, keep its hash, and text it (runs in the background worker).

    The code exists in clear only here and in the SMS: never in the task queue or database.
    """
    from motcua.notifications.sms.registry import gateway

    user = User.objects.get(pk=user_id)
    if not user.phone:
        return "no-phone"
    code = f"{secrets.randbelow(1_000_000):06d}"
    PhoneVerification.objects.create(
        user=user,
        phone=user.phone,
        code_hash=_code_hash(user.pk, user.phone, code),
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    with translation.override("vi"):
        text = _(
            "Mã xác minh tài khoản dịch vụ công của bạn là %(code)s (hiệu lực 10 phút). "
            "Không cung cấp mã này cho bất kỳ ai."
        ) % {"code": code}
    result = gateway().send(phone=user.phone, text=text)
    if not result.accepted:
        raise RuntimeError(f"SMS gateway refused: {result.error}")
    return "sent"


def confirm_phone_code(*, user: User, code: str) -> None:
    """Check the code typed against the latest one sent; five wrong tries spoil a code."""
    code = "".join((code or "").split())
    if not (len(code) == 6 and code.isdigit()):
        raise AccountError({"code": _("Mã xác minh gồm 6 chữ số.")})
    now = timezone.now()
    with transaction.atomic():
        sent = (
            PhoneVerification.objects.select_for_update()
            .filter(user=user, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if sent is None or sent.expires_at <= now or sent.phone != user.phone:
            problem = _("Mã xác minh đã hết hạn hoặc chưa được gửi. Hãy yêu cầu gửi mã mới.")
        elif sent.attempts >= CODE_MAX_ATTEMPTS:
            problem = _("Đã nhập sai quá nhiều lần. Hãy yêu cầu gửi mã mới.")
        elif not constant_time_compare(sent.code_hash, _code_hash(user.pk, user.phone, code)):
            sent.attempts += 1
            sent.save(update_fields=["attempts"])
            problem = _("Mã xác minh không đúng.")
        else:
            problem = ""
            sent.used_at = now
            sent.save(update_fields=["used_at"])
            profile, _created = CitizenProfile.objects.get_or_create(user=user)
            profile.phone_verified_at = now
            profile.save(update_fields=["phone_verified_at"])
    if problem:  # raised after the commit, so the counted wrong try is kept
        raise AccountError({"code": problem})


# --- sign-in ---------------------------------------------------------------------------------


def _attempt_key(identifier: str, client_ip: str) -> str:
    key = f"{selectors.login_key(identifier)}|{client_ip}"
    return salted_hmac("motcua.portal.login-attempt", key).hexdigest()


def authenticate_password(*, identifier: str, password: str, client_ip: str) -> User:
    """The account for this email/phone and password, or SignInFailed with a Vietnamese message.

    Ten failures within 15 minutes for one identifier from one address lock that pair out
    until the window has passed.
    """
    now = timezone.now()
    key = _attempt_key(identifier, client_ip)
    failures = LoginAttempt.objects.filter(key=key, at__gte=now - LOGIN_WINDOW)
    if failures.count() >= LOGIN_MAX_FAILURES:
        raise SignInFailed(
            _("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.")
            % {"minutes": LOGIN_WINDOW.seconds // 60}
        )
    user = selectors.find_account(identifier) if password else None
    if user is None:
        User().set_password(password or "x")  # same work as a real check: no timing hint
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    if not ok:
        with transaction.atomic():
            LoginAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
            LoginAttempt.objects.create(key=key, at=now)
        raise SignInFailed(_("Thư điện tử, số điện thoại hoặc mật khẩu không đúng."))
    LoginAttempt.objects.filter(key=key).delete()
    return user
