"""Reads of fees and payments: what a dossier owes, and who may see a payment."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Fee, FeeKind
from motcua.dossiers.models import Dossier, DossierFee
from motcua.dossiers.selectors import dossiers_visible_to, fee_option_problem
from motcua.payments.models import Payment, PaymentMethod, PaymentStatus


def amount_charged(dossier: Dossier) -> int:
    """The sum of the dossier's fee lines that are not exempted (đồng)."""
    return int(dossier.fees.filter(exempted=False).aggregate(s=Sum("amount"))["s"] or 0)


def amount_paid(dossier: Dossier) -> int:
    total = Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID).aggregate(
        s=Sum("amount")
    )["s"]
    return int(total or 0)


def amount_due(dossier: Dossier) -> int:
    """What is still to pay: fee lines not exempted minus payments made (never below 0)."""
    return max(0, amount_charged(dossier) - amount_paid(dossier))


def pending_online_payment(dossier: Dossier, at: datetime | None = None) -> Payment | None:
    """The online payment now at the gateway (pending and not expired), if any."""
    return (
        Payment.objects.filter(
            dossier=dossier,
            method=PaymentMethod.ONLINE,
            status=PaymentStatus.PENDING,
            expires_at__gt=at or timezone.now(),
        )  # fmt: skip
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class FeeSummary:
    dossier: Dossier
    lines: list[DossierFee]
    payments: list[Payment]
    charged: int
    paid: int
    pending: Payment | None
    options: list[Fee]  # alternative rates and extra lines the officer may apply now

    @property
    def due(self) -> int:
        return max(0, self.charged - self.paid)

    @property
    def overpaid(self) -> int:
        return max(0, self.paid - self.charged)

    @property
    def has_fees(self) -> bool:
        return bool(self.lines)


def fee_summary(dossier: Dossier) -> FeeSummary:
    """Everything the fee panel shows: lines, payments (newest last), totals."""
    lines = list(dossier.fees.all())
    payments = list(
        Payment.objects.filter(dossier=dossier)
        .select_related("recorded_by")
        .order_by("created_at", "id")
    )
    charged = sum(f.amount for f in lines if not f.exempted)
    paid = sum(p.amount for p in payments if p.status == PaymentStatus.PAID)
    return FeeSummary(
        dossier=dossier, lines=lines, payments=payments, charged=charged, paid=paid,
        pending=pending_online_payment(dossier), options=fee_options(dossier),
    )  # fmt: skip


# --- alternative rates and extra lines (catalog.models.FeeKind) -------------------------------


def fee_options(dossier: Dossier) -> list[Fee]:
    """The catalog's alternative rates and extra lines that could be applied to the dossier."""
    candidates = (
        Fee.objects.filter(version_id=dossier.procedure_version_id)
        .exclude(kind=FeeKind.STANDARD)
        .select_related("replaces")
        .order_by("position", "id")
    )
    return [fee for fee in candidates if fee_option_problem(dossier=dossier, fee=fee) is None]


def payment_for(user: User, payment_id: int) -> Payment | None:
    """A payment of a dossier the user may see (the owner, or an officer in scope)."""
    return (
        Payment.objects.select_related("dossier")
        .filter(pk=payment_id, dossier__in=dossiers_visible_to(user))
        .first()
    )


# --- Decision 766, index 3.6: online payment rate ---------------------------------------------

PAID_ONLINE = Q(method=PaymentMethod.ONLINE, status=PaymentStatus.PAID)


def paid_online_exists():
    """An expression to annotate dossiers with: paid (at least partly) online."""
    return Exists(Payment.objects.filter(PAID_ONLINE, dossier=OuterRef("pk")))


def is_paid_online(dossier: Dossier) -> bool:
    return Payment.objects.filter(PAID_ONLINE, dossier=dossier).exists()


def with_fee(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Dossiers of a procedure version with a non-zero fee in the catalog (the denominator)."""
    from motcua.catalog.models import Fee

    return dossiers.filter(
        Exists(Fee.objects.filter(version=OuterRef("procedure_version"), amount__gt=0))
    )


def online_payment_counts(dossiers: QuerySet[Dossier]) -> tuple[int, int]:
    """(dossiers paid online, dossiers of procedures with a non-zero fee) among `dossiers`."""
    charged = with_fee(dossiers)
    return charged.filter(paid_online_exists()).count(), charged.count()
