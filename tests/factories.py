"""Small builders for test data, going through the same services the product uses."""

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

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


# --- directory and dossiers ---------------------------------------------------------------

VN = ZoneInfo("Asia/Ho_Chi_Minh")
VALID_ID = "092090001234"  # Cần Thơ (092), born 1990 (century digit 0 = male, 1900s)
PHONE = "0912345678"


def center(code: str = "can-tho", level: str = "province", agency_code: str = "000.00.01.H13"):
    from motcua.directory.models import AdministrativeUnit, ServiceCenter

    province, _ = AdministrativeUnit.objects.get_or_create(
        code="92", defaults={"name": "Thành phố Cần Thơ", "kind": "province"}
    )
    receiver, _ = upsert_agency(
        code=agency_code, name=f"Trung tâm {code}", level=level, kind="service_center"
    )
    obj, _ = ServiceCenter.objects.get_or_create(
        code=code,
        defaults={"name": f"Trung tâm Phục vụ hành chính công {code}", "level": level,
                  "unit": province, "agency": receiver},
    )  # fmt: skip
    return obj


def officer(center, username: str = "tiepnhan", role: str = "reception_officer", agency=None):
    from motcua.accounts.models import User
    from motcua.directory.models import StaffAssignment

    user = User.objects.create_user(
        username=username, password="Mật-khẩu-2026", role=role, agency=agency,
        full_name="Nguyễn Thị Tiếp Nhận",
    )  # fmt: skip
    today = date.today()
    StaffAssignment.objects.create(
        user=user, center=center, start_date=today.replace(year=today.year - 1),
        end_date=today.replace(year=today.year + 1),
    )  # fmt: skip
    return user


def citizen(username: str = "congdan"):
    from motcua.accounts.models import User

    return User.objects.create_user(
        username=username, password="Mật-khẩu-2026", role="citizen", email="dan@example.vn",
        full_name="Trần Văn Dân", phone=PHONE,
    )  # fmt: skip


def applicant(**changes):
    from motcua.dossiers.services import ApplicantData

    data = dict(name="Trần Văn Dân", id_number=VALID_ID, phone=PHONE, email="dan@example.vn",
                address="Phường Ninh Kiều, Cần Thơ")  # fmt: skip
    data.update(changes)
    return ApplicantData(**data)


def all_components(version, **kwargs):
    from motcua.dossiers.services import ComponentInput

    return [ComponentInput(component_id=c.id, **kwargs) for c in version.components.all()]


def png_bytes(size=(8, 8)) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def service_group(center, prefix: str = "A", name: str = "Tư pháp", counters: int = 2):
    from motcua.directory.models import Counter
    from motcua.queueing.models import ServiceGroup

    group = ServiceGroup.objects.create(center=center, prefix=prefix, name=name)
    start = Counter.objects.filter(center=center).count() + 1
    group.counters.set(
        [Counter.objects.create(center=center, number=start + i) for i in range(counters)]
    )
    return group
