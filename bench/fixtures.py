"""Building a minimal center, officer and procedure for dossier benchmarks (real services)."""

from datetime import date
from decimal import Decimal


def intake_setup():
    from motcua.accounts.models import Role, User
    from motcua.catalog.services import upsert_procedure
    from motcua.catalog.specs import ComponentSpec, FeeSpec, ProcedureSpec
    from motcua.directory.models import AdministrativeUnit, ServiceCenter, StaffAssignment
    from motcua.directory.services import upsert_agency

    unit, _ = AdministrativeUnit.objects.get_or_create(
        code="92", defaults={"name": "Thành phố Cần Thơ", "kind": "province"}
    )
    department, _ = upsert_agency(code="000.00.05.H13", name="Sở Tư pháp", level="province")
    receiver, _ = upsert_agency(
        code="000.00.01.H13", name="Trung tâm PVHCC", level="province", kind="service_center"
    )
    center, _ = ServiceCenter.objects.get_or_create(
        code="can-tho",
        defaults={"name": "Trung tâm PVHCC Cần Thơ", "level": "province", "unit": unit,
                  "agency": receiver},
    )  # fmt: skip
    version, _ = upsert_procedure(
        spec=ProcedureSpec(
            code="2.000635", name="Cấp Phiếu lý lịch tư pháp", agency_code=department.code,
            field="Lý lịch tư pháp", level="province", time_limit_days=Decimal(10),
            channels=("counter", "online", "postal"), online_level="full",
            components=(ComponentSpec(name="Tờ khai"), ComponentSpec(name="Bản sao CCCD")),
            fees=(FeeSpec(name="Lệ phí", amount=200000),),
        ),
        effective_from=date(2025, 7, 1),
    )  # fmt: skip
    officers = []
    for i in range(8):
        user, created = User.objects.get_or_create(
            username=f"bench-officer-{i}",
            defaults={"role": Role.RECEPTION_OFFICER, "full_name": f"Cán bộ {i}"},
        )
        if created:
            user.set_password("bench-Password-1")
            user.save()
            StaffAssignment.objects.create(
                user=user, center=center, start_date=date(2025, 1, 1), end_date=date(2099, 1, 1)
            )
        officers.append(user)
    return center, version, officers


def applicant():
    from motcua.dossiers.services import ApplicantData

    return ApplicantData(
        name="Trần Văn Dân", id_number="092090001234", phone="0912345678",
        email="dan@example.vn", address="Ninh Kiều, Cần Thơ",
    )  # fmt: skip
