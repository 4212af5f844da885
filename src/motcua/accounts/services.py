"""Writes for accounts. Each public function is one transaction."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.accounts.models import ApiToken, IdempotencyRecord, Role, User

MANAGED_APPS = ("accounts", "directory", "catalog", "dossiers", "queueing", "workflow", "payments")

# Admin rights per role; the rows each user sees are still limited to their agency/center scope.
ROLE_PERMISSIONS: dict[str, Q] = {
    Role.ADMINISTRATOR: Q(content_type__app_label__in=MANAGED_APPS),
    Role.CENTER_DIRECTOR: Q(content_type__app_label__in=MANAGED_APPS, codename__startswith="view_")
    | Q(
        content_type__app_label="directory",
        content_type__model__in=[
            "counter",
            "calendaroverride",
            "staffassignment",
            "workingsession",
        ],
    ),
    Role.SUPERVISOR: Q(content_type__app_label__in=MANAGED_APPS, codename__startswith="view_"),
}


@transaction.atomic
def sync_role_groups() -> dict[str, Group]:
    """Create or refresh one permission group per role that uses the admin."""
    groups = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        group.permissions.set(Permission.objects.filter(perms))
        groups[role] = group
    return groups


@transaction.atomic
def grant_role_group(*, user: User) -> None:
    """Put a staff user in their role's group (and give admin access) if the role has one."""
    if user.role not in ROLE_PERMISSIONS:
        return
    group = sync_role_groups()[user.role]
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


# --- API tokens and idempotent API requests (appended for issue 3) --------------------------
# Imports kept with the appended code; the lead may hoist them to the top of the module.


API_TOKEN_TOUCH_SECONDS = 60  # last_used_at is refreshed at most once a minute per token


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the plaintext secret is returned here and never again."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], key_hash=token_hash(secret), prefix=secret[:8]
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Thu hồi: the token stops working at once (the row stays, for the record)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_api_token(*, secret: str) -> User | None:
    """The active user owning this unrevoked token, or None. Notes when it was last used.

    The lookup is by the SHA-256 of the secret (no timing oracle on the secret itself).
    """
    if not secret:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    stale = now - timedelta(seconds=API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# How long an Idempotency-Key is remembered (docs/api.md): long enough for any retry of a
# counter or a client that lost its connection; the user's older keys are forgotten.
IDEMPOTENCY_KEY_LIFETIME = timedelta(days=7)


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used for a request with a different body."""


def _stored_answer(*, user: User, key: str, request_hash: str) -> tuple[int, dict] | None:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise IdempotencyConflict(key)
    return record.status_code, record.response


def run_idempotently(
    *, user: User, key: str, request_hash: str, action: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run `action` once per (user, key); returns (status, body, replayed).

    `action` runs in the same transaction as the record of its answer, so a failure (an
    exception) stores nothing and the request may be retried with the same key. A second
    request with the key gets the stored answer; with another body, IdempotencyConflict.
    Two concurrent requests: the unique constraint lets one insert the record; the other
    waits for it (the index entry on PostgreSQL, the write lock on SQLite), then replays.
    The user's keys older than IDEMPOTENCY_KEY_LIFETIME are deleted first (through the
    (user, key) index: the table stays bounded without a cleaning job).
    """
    IdempotencyRecord.objects.filter(
        user=user, created_at__lt=timezone.now() - IDEMPOTENCY_KEY_LIFETIME
    ).delete()
    stored = _stored_answer(user=user, key=key, request_hash=request_hash)
    if stored is not None:
        return *stored, True
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(user=user, key=key, request_hash=request_hash)
            status, body = action()
            record.status_code = status
            record.response = body
            record.save(update_fields=["status_code", "response"])
    except IntegrityError:
        stored = _stored_answer(user=user, key=key, request_hash=request_hash)
        if stored is None:
            raise
        return *stored, True
    return status, body, False
