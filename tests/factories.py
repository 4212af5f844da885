"""Small builders for test data, going through the same services the product uses."""

from datetime import date
from decimal import Decimal

from motcua.catalog.services import upsert_procedure
from motcua.catalog.specs import ComponentSpec, FeeSpec, ProcedureSpec
from motcua.directory.models import Agency
from motcua.directory.services import upsert_agency


def agency(
    code: str = "000.00.12.H13", name: str = "Sở Tư pháp", level: str = "province"
) -> Agency:
    return upsert_agency(code=code, name=name, level=level, kind="department")[0]


def procedure(
    code: str,
    name: str,
    *,
    agency_code: str = "000.00.12.H13",
    field: str = "Hộ tịch",
    level: str = "province",
    days: str = "5",
    effective_from: date | None = None,
    **extra,
):
    spec = ProcedureSpec(
        code=code,
        name=name,
        agency_code=agency_code,
        field=field,
        level=level,
        time_limit_days=Decimal(days),
        components=extra.pop(
            "components",
            (
                ComponentSpec(name="Tờ khai theo mẫu"),
                ComponentSpec(name="Bản sao CCCD", required=False, form="copy"),
            ),
        ),
        fees=extra.pop("fees", (FeeSpec(name="Lệ phí", amount=50000),)),
        **extra,
    )
    return upsert_procedure(spec=spec, effective_from=effective_from or date(2025, 7, 1))
