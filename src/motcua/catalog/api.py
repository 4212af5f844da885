"""Catalog API: GET /api/v1/procedures and GET /api/v1/procedures/{code} (public, no login)."""

from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from motcua.catalog import selectors
from motcua.catalog.models import ProcedureVersion

router = Router(tags=["catalog"])


class AgencyOut(Schema):
    code: str
    name: str


class ProcedureSummary(Schema):
    code: str
    service_code: str
    name: str
    agency: AgencyOut
    field: str
    level: str
    time_limit_days: Decimal
    online_level: str
    channels: list[str]
    url: str


class ComponentOut(Schema):
    name: str
    form: str
    copies: int
    required: bool


class FeeOut(Schema):
    id: int  # what `fee_options[].fee_id` of POST /api/v1/dossiers names
    name: str
    amount: int
    applicant_type: str | None
    channel: str | None
    kind: str  # standard / alternative (applied on request) / extra (added on request)
    replaces: int | None  # an alternative: the id of the standard line it replaces


class ProcedureDetail(ProcedureSummary):
    version: int
    effective_from: str
    competent_authority: str
    applicant_types: list[str]
    description: str
    steps: str
    conditions: str
    result: str
    legal_basis: list[str]
    resolved_at_center: bool
    postal_return: bool
    components: list[ComponentOut]
    fees: list[FeeOut]


class SearchOut(Schema):
    count: int
    items: list[ProcedureSummary]


class SearchParams(Schema):
    q: str = ""
    agency: str | None = None
    field: str | None = None
    level: str | None = None
    online_level: str | None = None
    limit: int = 20
    offset: int = 0


def _summary(v: ProcedureVersion) -> dict:
    return {
        "code": v.procedure.code,
        "service_code": v.service_code,
        "name": v.name,
        "agency": {"code": v.agency.code, "name": v.agency.name},
        "field": v.field.name,
        "level": v.level,
        "time_limit_days": v.time_limit_days,
        "online_level": v.online_level,
        "channels": v.channels,
        "url": f"/thu-tuc/{v.procedure.code}/",
    }


@router.get("", response=SearchOut, summary="Tìm thủ tục hành chính")
def search(request, params: Query[SearchParams]):
    """Best match first; accent- and case-insensitive; codes and colloquial names match."""
    result = selectors.search_procedures(
        query=params.q,
        agency=params.agency,
        field=params.field,
        level=params.level,
        online_level=params.online_level,
        limit=max(1, min(params.limit, 100)),
        offset=max(0, params.offset),
    )
    return {"count": result.count, "items": [_summary(v) for v in result.items]}


@router.get("/{code}", response=ProcedureDetail, summary="Chi tiết thủ tục hành chính")
def detail(request, code: str):
    version = selectors.procedure_detail(code=code)
    if version is None:
        raise Http404(_("Không tìm thấy thủ tục mã %(code)s.") % {"code": code})
    data = _summary(version)
    data.update(
        version=version.number,
        effective_from=version.effective_from.isoformat(),
        competent_authority=version.competent_authority,
        applicant_types=version.applicant_types,
        description=version.description,
        steps=version.steps,
        conditions=version.conditions,
        result=version.result,
        legal_basis=version.legal_basis,
        resolved_at_center=version.resolved_at_center,
        postal_return=version.postal_return,
        components=[
            {"name": c.name, "form": c.form, "copies": c.copies, "required": c.required}
            for c in version.components.all()
        ],
        fees=[
            {
                "id": f.pk,
                "name": f.name,
                "amount": f.amount,
                "applicant_type": f.applicant_type or None,
                "channel": f.channel or None,
                "kind": f.kind,
                "replaces": f.replaces_id,
            }
            for f in version.fees.all()
        ],
    )
    return data
