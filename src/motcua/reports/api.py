"""`GET /api/v1/reports/kpi`: the Decision 766 figures of a period and scope.

Who sees what: `reports.selectors.reach_of` (supervisors and province administrators
everything; a center's director the centers they are posted to; an agency leader their agency
and the agencies under it). Anyone else: 403.
Rates are fractions in [0, 1], unrounded; a rate with an empty denominator is null.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pydantic
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from motcua.accounts.models import User
from motcua.catalog.models import Field, Procedure
from motcua.directory.models import AdministrativeUnit, Agency, ServiceCenter
from motcua.domain import kpi
from motcua.dossiers.api import AUTH
from motcua.reports import selectors

router = Router(tags=["reports"])


class ErrorsOut(Schema):
    errors: dict[str, str]


class KpiParams(Schema):
    # Strings, parsed here, so that a bad date gets a Vietnamese message.
    from_: str = pydantic.Field("", alias="from")
    to: str = ""
    center: str = ""
    agency: str = ""
    field: str = ""
    procedure: str = ""
    commune: str = ""


def _date(value: str, name: str, errors: dict[str, str]) -> date | None:
    if not value:
        errors[name] = _("Cần ngày %(name)s (YYYY-MM-DD).") % {"name": name}
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("Ngày “%(value)s” không hợp lệ (cần dạng YYYY-MM-DD).") % {"value": value}
        return None


def _lookup(params: KpiParams, errors: dict[str, str]) -> dict[str, int]:
    """The scope codes of the query as ids (an unknown code is a 422)."""
    found: dict[str, int] = {}
    lookups = [
        ("center", ServiceCenter.objects, "code"), ("agency", Agency.objects, "code"),
        ("field", Field.objects, "slug"), ("procedure", Procedure.objects, "code"),
        ("commune", AdministrativeUnit.objects, "code"),
    ]  # fmt: skip
    for name, manager, key in lookups:
        value = getattr(params, name).strip()
        if not value:
            continue
        pk = manager.filter(**{key: value}).values_list("pk", flat=True).first()
        if pk is None:
            errors[name] = _("Không có mã “%(value)s”.") % {"value": value}
        else:
            found[name] = pk
    return found


def _rate(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _figure(f: kpi.Figure) -> dict:
    return {"numerator": float(f.numerator) if not isinstance(f.numerator, int) else f.numerator,
            "denominator": f.denominator, "value": _rate(f.value)}  # fmt: skip


def _score(s: kpi.Score766) -> dict:
    return {
        "total": _rate(s.total),
        "scored": float(s.scored),
        "scored_max": s.scored_max,
        "groups": [
            {
                "key": g.key, "name": g.name, "points": g.points, "score": _rate(g.score),
                "scored": float(g.scored), "note": g.note,
                "indices": [
                    {"key": i.key, "name": i.name, "rate": _rate(i.rate), "points": i.points,
                     "threshold": _rate(i.threshold), "score": _rate(i.score),
                     "missing": i.missing}
                    for i in g.indices
                ],
            }
            for g in s.groups
        ],
    }  # fmt: skip


@router.get(
    "/kpi",
    auth=AUTH,
    response={200: dict, 403: ErrorsOut, 422: ErrorsOut},
    summary="Chỉ số Quyết định 766 của một kỳ và phạm vi (trung tâm, cơ quan, lĩnh vực, thủ tục)",
)
def kpi_view(request: HttpRequest, params: Query[KpiParams]):
    """`from` and `to` (YYYY-MM-DD, both included); optional center, agency (code), field
    (slug), procedure (code), commune (administrative unit code)."""
    user: User = request.auth
    reach = selectors.reach_of(user)
    if reach is None:
        return Status(
            403, {"errors": {"__all__": _("Bạn không có quyền xem số liệu giám sát, đánh giá.")}}
        )
    errors: dict[str, str] = {}
    start, end = _date(params.from_, "from", errors), _date(params.to, "to", errors)
    if start and end and start > end:
        errors["to"] = _("Ngày kết thúc kỳ phải từ ngày bắt đầu trở đi.")
    ids = _lookup(params, errors)
    if errors:
        return Status(422, {"errors": errors})
    if reach.center_in is not None and "center" in ids and ids["center"] not in reach.center_in:
        return Status(403, {"errors": {"center": _("Trung tâm này ngoài phạm vi của bạn.")}})
    if reach.agency_in is not None and "agency" in ids and ids["agency"] not in reach.agency_in:
        return Status(403, {"errors": {"agency": _("Cơ quan này ngoài phạm vi của bạn.")}})
    scope = selectors.Scope(
        center=ids.get("center"), agency=ids.get("agency"), field=ids.get("field"),
        procedure=ids.get("procedure"), unit=ids.get("commune"),
        center_in=reach.center_in, agency_in=reach.agency_in,
    )  # fmt: skip
    period = selectors.period_of(start, end)
    result = selectors.kpi_figures(period, scope)
    c, f = result.counts, result.figures
    body = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "received": c["received"],
        "received_new": c["received_new"],
        "received_carried_over": c["carried_over"],
        "received_by_channel": {ch: c[f"handled_{ch}"] for ch in kpi.CHANNELS},
        "received_new_by_channel": {ch: c[f"received_{ch}"] for ch in kpi.CHANNELS},
        "finished_early": c["finished_early"],
        "finished_on_time": c["finished_on_time"],
        "finished_late": c["finished_late"],
        "renewed_kept": c["renewed_kept"],
        "renewed_missed": c["renewed_missed"],
        "in_progress_on_time": c["in_progress_on_time"],
        "in_progress_overdue": c["in_progress_overdue"],
        "returned": c["returned"],
        "refused": c["refused"],
        "withdrawn": c["withdrawn"],
        "on_time_rate": _rate(f["on_time_rate"].value),
        "average_resolution_days": _rate(f["average_resolution_days"].value),
        "online_rate": _rate(f["online_rate"].value),
        "counter_rate": _rate(f["counter_rate"].value),
        "postal_rate": _rate(f["postal_rate"].value),
        "procedures_online_rate": _rate(result.procedures_online.value),
        "online_payment_rate": _rate(f["online_payment_rate"].value),
        "electronic_result_rate": _rate(f["electronic_result_rate"].value),
        "digitized_components_rate": _rate(f["digitized_components_rate"].value),
        "digitized_results_rate": _rate(f["digitized_results_rate"].value),
        "digitization_rate": _rate(f["digitization_rate"].value),
        "data_reuse_rate": _rate(f["data_reuse_rate"].value),
        "satisfaction_rate": _rate(f["satisfaction_rate"].value),
        "figures": {name: _figure(fig) for name, fig in f.items()}
        | {"procedures_online_rate": _figure(result.procedures_online)},
        "index_766": _score(result.score),
        "evaluation_61": [
            {
                "index": e.number,
                "name": e.name,
                "points": e.points,
                "dossiers": e.dossiers,
                "average": _rate(e.average),
            }
            for e in result.evaluation
        ],  # fmt: skip
    }
    return Status(200, body)
