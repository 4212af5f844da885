"""Reads of dossiers, each scoped to who is asking."""

import contextlib
import uuid
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import has_province_scope, scoped_agency_ids, scoped_center_ids
from motcua.catalog.models import Fee, FeeKind
from motcua.dossiers.models import Dossier, DossierFee

DOSSIER_RELATED = (
    "procedure_version__procedure",
    "procedure_version__agency",
    "center",
    "receiving_agency",
    "holder_agency",
    "received_by",
)


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    """Citizens see their own; supervisors and the province scope all; officers their centers'
    dossiers and those their agencies carry out, hold or took part in (a step of the process:
    liên thông, consultation). The same rule as `workflow.permissions.may_view`."""
    qs = Dossier.objects.select_related(*DOSSIER_RELATED)
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if has_province_scope(user) or user.role == Role.SUPERVISOR:
        return qs
    if user.role == Role.CITIZEN:
        return qs.filter(account=user)
    agencies = scoped_agency_ids(user)
    centers = scoped_center_ids(user)
    return qs.filter(
        Q(center_id__in=centers)
        | Q(receiving_agency_id__in=agencies)
        | Q(procedure_version__agency_id__in=agencies)
        | Q(holder_agency_id__in=agencies)
        | Q(pk__in=Dossier.objects.filter(workflow__runs__unit_id__in=agencies).values("pk"))
    )


def dossier_for(user: User, *, code: str) -> Dossier | None:
    """A dossier by code (or public id) if the user may see it."""
    lookup = Q(code=code)
    with contextlib.suppress(ValueError):  # not a public id: the code alone
        lookup |= Q(public_id=uuid.UUID(code))
    return dossiers_visible_to(user).filter(lookup).first()


def dossier_by_lookup(*, code: str, verifier: str) -> Dossier | None:
    """Public lookup (tra cứu): the code plus the last 4 digits of the phone or ID number.

    Unknown code and wrong verifier both give None, so the answer reveals nothing.
    """
    verifier = verifier.strip()
    if len(verifier) != 4 or not verifier.isdigit():
        return None
    dossier = Dossier.objects.select_related(*DOSSIER_RELATED).filter(code=code.strip()).first()
    if dossier is None:
        return None
    candidates = [dossier.applicant_phone, dossier.applicant_id_number, dossier.submitter_phone]
    if any(c and c[-4:] == verifier for c in candidates):
        return dossier
    return None


def awaiting_reception(user: User) -> QuerySet[Dossier]:
    """Online and postal dossiers waiting for a reception officer of the user's centers."""
    return (
        Dossier.objects.select_related(*DOSSIER_RELATED)
        .filter(status="submitted", center_id__in=scoped_center_ids(user))
        .order_by("submitted_at")
    )


def decided_today_by(user: User, *, center, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Dossiers (among `dossiers`) this officer decided today: Mẫu 01, 02 or 03 issued."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        dossiers.filter(
            center=center,
            notices__issued_by=user,
            notices__issued_at__gte=start,
            notices__issued_at__lt=start + timedelta(days=1),
        )
        .distinct()
        .order_by("-submitted_at")
    )


# --- alternative rates and extra lines of the catalog (catalog.models.FeeKind) -----------------


def fee_option_problem(*, dossier: Dossier, fee: Fee) -> str | None:
    """Why the catalog line `fee` cannot be applied to the dossier now (None: it can)."""
    if fee.version_id != dossier.procedure_version_id:
        return _("Khoản thu không thuộc thủ tục (phiên bản) của hồ sơ.")
    if fee.kind == FeeKind.STANDARD:
        return _(
            "“%(name)s” là mức thu chuẩn, được tính khi tiếp nhận; chỉ chọn mức thu thay thế "
            "hoặc khoản thu thêm."
        ) % {"name": fee.name}
    if not fee.applies_to(dossier.applicant_type, dossier.channel):
        return _("“%(name)s” không áp dụng cho người nộp hoặc kênh nộp của hồ sơ này.") % {
            "name": fee.name
        }
    if dossier.fees.filter(source=fee, exempted=False).exists():
        return _("“%(name)s” đã được áp dụng cho hồ sơ.") % {"name": fee.name}
    if fee.kind == FeeKind.ALTERNATIVE and not replaced_line(dossier, fee):
        return _("Hồ sơ không có khoản thu “%(name)s” đang tính để thay bằng mức này.") % {
            "name": fee.replaces.name if fee.replaces_id else "…"
        }
    return None


def replaced_line(dossier: Dossier, fee: Fee) -> DossierFee | None:
    if fee.replaces_id is None:
        return None
    return (
        DossierFee.objects.filter(
            dossier=dossier, source_id=fee.replaces_id, kind=FeeKind.STANDARD, exempted=False
        )
        .order_by("id")
        .first()
    )
