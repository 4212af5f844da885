"""{% load payments_tags %}{% fee_panel dossier %}: the fee panel for any dossier page."""

from django import template

from motcua.accounts.models import Role
from motcua.dossiers.models import Dossier
from motcua.payments import selectors, services
from motcua.payments.providers import registry

register = template.Library()


@register.inclusion_tag("payments/_fee_panel.html", takes_context=True)
def fee_panel(context, dossier: Dossier, next_url: str | None = None):
    """Lines, exemptions, payments, amount due; buttons for what the user may do.

    Officers allowed on fees get the counter payment and exemption forms; the dossier's
    owner (and those officers) get "Thanh toán trực tuyến" while something is due.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    summary = selectors.fee_summary(dossier)
    is_officer = bool(user and user.is_authenticated and (user.is_superuser or user.is_officer))
    can_manage = bool(
        is_officer
        and (user.is_superuser or user.role in services.FEE_ROLES)
        and dossier.status not in services.NOT_ADJUSTABLE
    )
    is_owner = bool(
        user and user.is_authenticated and user.role == Role.CITIZEN
        and dossier.account_id == user.pk
    )  # fmt: skip
    provider = registry.configured()
    can_pay_online = bool(
        provider is not None
        and (can_manage or is_owner)
        and summary.due > 0
        and dossier.status not in services.NOT_PAYABLE
    )
    return {
        "summary": summary,
        "dossier": dossier,
        "ref": dossier.code or str(dossier.public_id),
        "can_manage": can_manage,
        "can_take_payment": can_manage and dossier.status not in services.NOT_PAYABLE,
        "can_pay_online": can_pay_online,
        "provider": provider,
        "next_url": next_url or (request.get_full_path() if request else ""),
        "csrf_token": context.get("csrf_token"),
        "messages": context.get("messages"),
        "request": request,
    }
