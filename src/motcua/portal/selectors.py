"""Reads for the citizen portal, each scoped to the signed-in account."""

import heapq
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import OnlineLevel, ProcedureVersion
from motcua.catalog.selectors import search_procedures
from motcua.directory.models import ServiceCenter
from motcua.directory.selectors import calendar_for_center
from motcua.domain.identity import normalize_phone, phone_problem
from motcua.dossiers.models import Dossier, DossierComponent, DossierFile, Notice
from motcua.dossiers.selectors import dossiers_visible_to
from motcua.portal.models import CitizenProfile

ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)


# --- accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identifier:
    """What a citizen signs in with: an email address or a Vietnamese mobile number."""

    kind: str  # "email" | "phone"
    value: str  # normalized: lower-case email, or 0xxxxxxxxx


def parse_identifier(raw: str) -> Identifier | str:
    """The normalized identifier, or a Vietnamese message saying what is wrong with it."""
    raw = (raw or "").strip()
    if not raw:
        return _("Cần nhập thư điện tử hoặc số điện thoại.")
    if "@" in raw:
        try:
            validate_email(raw)
        except ValidationError:
            return _("Địa chỉ thư điện tử không hợp lệ.")
        return Identifier("email", raw.lower())
    if problem := phone_problem(raw):
        return _(problem)
    return Identifier("phone", normalize_phone(raw))


def login_key(raw: str) -> str:
    """The identifier as typed, normalized when it can be (for throttling by identifier)."""
    parsed = parse_identifier(raw)
    return parsed.value if isinstance(parsed, Identifier) else (raw or "").strip().lower()


def find_account(raw: str) -> User | None:
    """The account signed in with `raw`: its user name, else a unique email or phone match."""
    key = login_key(raw)
    if not key:
        return None
    user = User.objects.filter(username=key).first()
    if user is not None:
        return user
    parsed = parse_identifier(raw)
    if not isinstance(parsed, Identifier):
        return None
    lookup = Q(email__iexact=parsed.value) if parsed.kind == "email" else Q(phone=parsed.value)
    matches = list(User.objects.filter(lookup)[:2])
    return matches[0] if len(matches) == 1 else None


def identifier_taken(identifier: Identifier) -> bool:
    lookup = Q(username=identifier.value)
    if identifier.kind == "email":
        lookup |= Q(email__iexact=identifier.value)
    else:
        lookup |= Q(phone=identifier.value)
    return User.objects.filter(lookup).exists()


def profile_of(user: User) -> CitizenProfile | None:
    if not user.is_authenticated:
        return None
    return CitizenProfile.objects.filter(user=user).first()


def is_verified(user: User) -> bool:
    """May this account submit dossiers (its email or phone has been verified)?"""
    profile = profile_of(user)
    return profile is not None and profile.is_verified


# --- procedures offered online ----------------------------------------------------------------


@dataclass(frozen=True)
class OnlineSearch:
    count: int
    items: list[ProcedureVersion]


def online_procedures(
    *, query: str = "", online_level: str = "", level: str = "", limit: int = 20, offset: int = 0
) -> OnlineSearch:
    """The catalog search restricted to procedures offered online (full, then partial).

    With a query, full-online results come first, each group in the catalog's relevance
    order; without one, everything is in name order.
    """
    levels = [lv for lv in ONLINE_LEVELS if lv == online_level] or list(ONLINE_LEVELS)
    results = [
        search_procedures(
            query=query, online_level=lv, level=level or None, limit=offset + limit, offset=0
        )
        for lv in levels
    ]
    if query.strip():
        merged = [item for r in results for item in r.items]
    else:
        merged = list(heapq.merge(*(r.items for r in results), key=lambda v: v.name_key))
    return OnlineSearch(count=sum(r.count for r in results), items=merged[offset : offset + limit])


def offered_online(version: ProcedureVersion) -> bool:
    return version.accepts_online and version.online_level in ONLINE_LEVELS


def centers_for(version: ProcedureVersion) -> list[ServiceCenter]:
    """Where this procedure can be filed: the active centers of its level."""
    return list(
        ServiceCenter.objects.filter(level=version.level, is_active=True)
        .select_related("unit")
        .order_by("name")
    )


# --- the citizen's dossiers ------------------------------------------------------------------


def my_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers this account filed (a citizen sees only these)."""
    return (
        dossiers_visible_to(user)
        .filter(account=user)
        .prefetch_related(Prefetch("notices", queryset=Notice.objects.order_by("issued_at", "id")))
        .order_by("-created_at")
    )


def my_dossier(user: User, public_id) -> Dossier | None:
    return dossiers_visible_to(user).filter(account=user, public_id=public_id).first()


def components_with_files(dossier: Dossier) -> list[DossierComponent]:
    return list(
        dossier.components.select_related("component").prefetch_related(
            Prefetch("files", queryset=DossierFile.objects.order_by("uploaded_at", "id"))
        )
    )


def latest_supplement(dossier: Dossier) -> Notice | None:
    return dossier.notices.filter(kind=Notice.Kind.SUPPLEMENT).order_by("-issued_at", "-id").first()


def previous_applicant(user: User) -> Dossier | None:
    """The account's latest dossier, to prefill what the account itself does not hold."""
    return Dossier.objects.filter(account=user).order_by("-created_at").first()


@dataclass(frozen=True)
class Outlook:
    """What happens after an online submission: when the clock may start and end."""

    submitted_at: datetime
    clock_starts_at: datetime
    outside_working_hours: bool
    expected_due_at: datetime


def submission_outlook(dossier: Dossier) -> Outlook | None:
    """The earliest the legal clock can start and the due date if accepted at that moment."""
    if dossier.submitted_at is None:
        return None
    calendar = calendar_for_center(dossier.center)
    starts = calendar.next_working_instant(dossier.submitted_at)
    return Outlook(
        submitted_at=dossier.submitted_at,
        clock_starts_at=starts,
        outside_working_hours=starts != dossier.submitted_at,
        expected_due_at=calendar.due_at(starts, dossier.procedure_version.time_limit_days),
    )
