"""What the lookup page and "Hồ sơ của tôi" show about rating a dossier. The dossiers and portal
apps come before this one, so they call these lazily, inside the view (like the intake's call
of the workflow)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from motcua.domain.dossier_status import Status
from motcua.dossiers.models import Dossier
from motcua.ratings import selectors, services
from motcua.reports.models import RatingChannel, RatingValue


def _choices() -> list[tuple[str, str]]:
    return [(v.value, v.label) for v in RatingValue]


def receipt_offer(public_id) -> dict | None:
    """After a successful lookup: the rating form (with its token) once the result has been
    returned, "already rated" after a rating through the QR, else nothing."""
    dossier = Dossier.objects.filter(public_id=public_id).first()
    if dossier is None or dossier.status != Status.RETURNED:
        return None
    if selectors.rated_channels([dossier.pk], RatingChannel.RECEIPT_QR):
        return {"state": "rated"}
    return {"state": "open", "token": services.receipt_token(dossier), "choices": _choices(),
            "action": reverse("ratings:receipt"), "form_id": "qr"}  # fmt: skip


def portal_offers(dossiers: Iterable[Dossier]) -> dict[int, dict]:
    """Per returned dossier of the page: its rating form, or "already rated" (one query)."""
    returned = [d for d in dossiers if d.status == Status.RETURNED]
    rated = selectors.rated_channels([d.pk for d in returned], RatingChannel.PORTAL)
    offers = {}
    for d in returned:
        if d.pk in rated:
            offers[d.pk] = {"state": "rated"}
        else:
            offers[d.pk] = {"state": "open", "choices": _choices(), "form_id": str(d.public_id),
                            "action": reverse("ratings:portal", args=[d.public_id])}  # fmt: skip
    return offers
