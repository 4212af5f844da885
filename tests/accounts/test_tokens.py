import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from motcua.accounts.models import ApiToken
from motcua.accounts.services import (
    authenticate_api_token,
    create_api_token,
    revoke_api_token,
)
from tests import factories

pytestmark = pytest.mark.django_db

# Any authenticated call answers 404 for a code nobody can see; without valid credentials, 401.
PROBE = "/api/v1/dossiers/khong-co-ho-so-nay"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_is_shown_once_and_only_its_hash_is_stored(officer):
    token, secret = create_api_token(user=officer, name="máy quét quầy 1")
    assert len(secret) >= 40
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    assert token.name == "máy quét quầy 1"
    stored = ApiToken.objects.values_list("key_hash", "prefix", "name").get()
    assert secret not in "".join(stored)
    assert authenticate_api_token(secret=secret) == officer


def test_two_tokens_differ(officer):
    assert create_api_token(user=officer)[1] != create_api_token(user=officer)[1]


def test_the_api_accepts_a_valid_token_and_notes_its_use(client, officer):
    token, secret = create_api_token(user=officer)
    assert token.last_used_at is None
    assert client.get(PROBE, **bearer(secret)).status_code == 404
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_refreshed_at_most_once_a_minute(officer):
    token, secret = create_api_token(user=officer)
    authenticate_api_token(secret=secret)
    token.refresh_from_db()
    first = token.last_used_at
    authenticate_api_token(secret=secret)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=5))
    authenticate_api_token(secret=secret)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=5)


def test_a_revoked_token_stops_working(client, officer):
    token, secret = create_api_token(user=officer)
    revoke_api_token(token=token)
    response = client.get(PROBE, **bearer(secret))
    assert response.status_code == 401
    assert "thu hồi" in response.json()["detail"]
    assert authenticate_api_token(secret=secret) is None
    assert ApiToken.objects.get().revoked_at is not None  # kept for the record


def test_wrong_missing_or_inactive_credentials_are_refused(client, officer):
    assert client.get(PROBE).status_code == 401
    assert "đăng nhập" in client.get(PROBE).json()["detail"]
    assert client.get(PROBE, **bearer("sai-ma")).status_code == 401
    assert client.get(PROBE, HTTP_AUTHORIZATION="Basic abc").status_code == 401
    _, secret = create_api_token(user=officer)
    officer.is_active = False
    officer.save()
    assert client.get(PROBE, **bearer(secret)).status_code == 401


def test_the_session_works_too(client, officer):
    client.force_login(officer)
    assert client.get(PROBE).status_code == 404


def test_create_token_command_prints_a_working_token(client, officer):
    out, err = StringIO(), StringIO()
    call_command("create_token", "tiepnhan", "--name", "tích hợp", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert "\n" not in secret and len(secret) >= 40
    assert "Đã tạo mã" in err.getvalue() and secret[:8] in err.getvalue()
    assert ApiToken.objects.get().name == "tích hợp"
    assert client.get(PROBE, **bearer(secret)).status_code == 404


def test_create_token_command_refuses_unknown_and_locked_users(center):
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("create_token", "khong-ai", stdout=StringIO(), stderr=StringIO())
    user = factories.citizen()
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="bị khóa"):
        call_command("create_token", user.username, stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.count() == 0


def test_revoke_token_command_by_prefix_or_whole_token(client, officer):
    first, secret1 = create_api_token(user=officer)
    _, secret2 = create_api_token(user=officer)
    call_command("revoke_token", first.prefix, stdout=StringIO())
    call_command("revoke_token", secret2, stdout=StringIO())
    assert client.get(PROBE, **bearer(secret1)).status_code == 401
    assert client.get(PROBE, **bearer(secret2)).status_code == 401
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("revoke_token", first.prefix, stdout=StringIO())


def test_revoking_twice_keeps_the_first_time(officer):
    token, _ = create_api_token(user=officer)
    revoke_api_token(token=token)
    first = token.revoked_at
    revoke_api_token(token=token)
    assert token.revoked_at == first <= timezone.now()
