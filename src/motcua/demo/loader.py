"""Demo data: a provincial center modeled on Cần Thơ, two commune centers, a real catalog.

This is DEMO data. Procedure names, codes and time limits are public facts (see data/README.md);
the people are invented; agency identifiers and administrative codes are illustrative.
Loading is idempotent: a second run changes nothing.
"""

import os
import secrets
from dataclasses import dataclass
from datetime import date, time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction

from motcua.accounts.models import Role, User
from motcua.accounts.services import ROLE_PERMISSIONS, sync_role_groups
from motcua.catalog.models import Synonym
from motcua.catalog.services import save_synonym
from motcua.directory.models import (
    AdministrativeUnit,
    Agency,
    Counter,
    Level,
    ReceptionPoint,
    ServiceCenter,
    StaffAssignment,
    WorkingSession,
)
from motcua.domain.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_PATH = DATA_DIR / "catalog.json"
CATALOG_EFFECTIVE_FROM = "2025-07-01"  # two-level local government took effect

SYNONYMS = [
    ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
    ("sổ hồng", "giấy chứng nhận quyền sử dụng đất"),
    ("làm sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
    ("làm giấy khai sinh", "đăng ký khai sinh"),
    ("giấy khai sinh", "khai sinh"),
    ("làm khai sinh", "đăng ký khai sinh"),
    ("giấy đăng ký kết hôn", "đăng ký kết hôn"),
    ("giấy xác nhận độc thân", "xác nhận tình trạng hôn nhân"),
    ("xác nhận độc thân", "xác nhận tình trạng hôn nhân"),
    ("bằng lái xe", "giấy phép lái xe"),
    ("bằng lái", "giấy phép lái xe"),
    ("gplx", "giấy phép lái xe"),
    ("gpxd", "giấy phép xây dựng"),
    ("xin phép xây nhà", "giấy phép xây dựng nhà ở riêng lẻ"),
    ("giấy phép xây nhà", "giấy phép xây dựng nhà ở riêng lẻ"),
    ("lý lịch", "lý lịch tư pháp"),
    ("giấy phép kinh doanh", "đăng ký kinh doanh"),
    ("mở công ty", "đăng ký thành lập công ty"),
    ("thành lập doanh nghiệp", "đăng ký thành lập"),
    ("mở quán", "đăng ký thành lập hộ kinh doanh"),
    ("sao y", "chứng thực bản sao"),
    ("công chứng giấy tờ", "chứng thực bản sao"),
    ("khai tử", "đăng ký khai tử"),
    ("mã số thuế", "đăng ký thuế"),
    ("trợ cấp xã hội", "trợ cấp xã hội hằng tháng"),
]

# Vietnamese names for invented officers (deterministic, obviously demo).
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi"]
_MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hoàng", "Quốc", "Kim", "Hữu", "Bảo"]
_GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Khánh", "Lan", "Linh",
    "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
    "Trí", "Tuấn", "Vân", "Vy", "Yến",
]  # fmt: skip


def _person(n: int) -> str:
    return (
        f"{_SURNAMES[n % len(_SURNAMES)]} {_MIDDLE[(n // 3) % len(_MIDDLE)]} "
        f"{_GIVEN[(n * 7) % len(_GIVEN)]}"
    )


@dataclass(frozen=True)
class CounterPlan:
    number: int
    floor: int
    agency_names: tuple[str, ...]  # substrings of agency names served at this counter


# Cần Thơ runs 26 counters on two floors (15 + 11); busy departments get several counters.
CAN_THO_COUNTERS = [
    CounterPlan(1, 1, ("Sở Tư pháp",)),
    CounterPlan(2, 1, ("Sở Tư pháp",)),
    CounterPlan(3, 1, ("Sở Tài chính",)),
    CounterPlan(4, 1, ("Sở Tài chính",)),
    CounterPlan(5, 1, ("Sở Tài chính",)),
    CounterPlan(6, 1, ("Sở Xây dựng",)),
    CounterPlan(7, 1, ("Sở Xây dựng",)),
    CounterPlan(8, 1, ("Sở Xây dựng",)),
    CounterPlan(9, 1, ("Sở Nông nghiệp và Môi trường", "Văn phòng Đăng ký đất đai")),
    CounterPlan(10, 1, ("Văn phòng Đăng ký đất đai",)),
    CounterPlan(11, 1, ("Văn phòng Đăng ký đất đai",)),
    CounterPlan(12, 1, ("Thuế",)),
    CounterPlan(13, 1, ("Bảo hiểm xã hội",)),
    CounterPlan(14, 1, ("Công an",)),
    CounterPlan(15, 1, ("Bưu điện", "Sở Tư pháp")),
    CounterPlan(16, 2, ("Sở Công Thương",)),
    CounterPlan(17, 2, ("Sở Y tế",)),
    CounterPlan(18, 2, ("Sở Y tế",)),
    CounterPlan(19, 2, ("Sở Giáo dục và Đào tạo",)),
    CounterPlan(20, 2, ("Sở Nội vụ",)),
    CounterPlan(21, 2, ("Sở Nội vụ",)),
    CounterPlan(22, 2, ("Sở Văn hóa, Thể thao và Du lịch",)),
    CounterPlan(23, 2, ("Sở Khoa học và Công nghệ",)),
    CounterPlan(24, 2, ("Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ")),
    CounterPlan(25, 2, ("Ban Quản lý", "Thanh tra")),
    CounterPlan(26, 2, ("Ủy ban nhân dân thành phố",)),
]


def demo_password() -> str:
    """MOTCUA_DEMO_PASSWORD, else a random one kept in the data folder (never a known default)."""
    if os.environ.get("MOTCUA_DEMO_PASSWORD"):
        return os.environ["MOTCUA_DEMO_PASSWORD"]
    path = Path(settings.DATA_DIR) / "demo-password.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def load_synonyms() -> int:
    created = 0
    for phrase, meaning in SYNONYMS:
        existing = Synonym.objects.filter(phrase_key=" ".join(fold(phrase).split())).first()
        if existing is None:
            save_synonym(phrase=phrase, meaning=meaning)
            created += 1
    return created


def _agencies_matching(names: tuple[str, ...], level: str) -> list[Agency]:
    found: list[Agency] = []
    for needle in names:
        found.extend(
            a for a in Agency.objects.filter(level=level, name__icontains=needle) if a not in found
        )
    return found


def _center(
    *, code: str, name: str, level: str, unit: AdministrativeUnit, address: str
) -> ServiceCenter:
    center, _ = ServiceCenter.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "unit": unit, "address": address}
    )
    for start, end in ((time(7), time(11, 30)), (time(13), time(17))):
        WorkingSession.objects.get_or_create(center=center, start=start, defaults={"end": end})
    return center


class _Staff:
    """Creates invented officers with one shared password hash (hashing 100 times is slow)."""

    def __init__(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.n = 0
        self.groups = sync_role_groups()

    def user(self, username: str, role: str, agency: Agency | None) -> User:
        self.n += 1
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": _person(self.n),
                "role": role,
                "agency": agency,
                "is_staff": role in ROLE_PERMISSIONS,
                "password": self.password_hash,
                "email": f"{username}@demo.motcua.invalid",
            },
        )
        if created and role in self.groups:
            user.groups.add(self.groups[role])
        return user

    @staticmethod
    def post(user: User, center: ServiceCenter, counter: Counter | None, primary: bool) -> None:
        StaffAssignment.objects.get_or_create(
            user=user,
            center=center,
            defaults={
                "counter": counter,
                "start_date": date(2025, 7, 1),
                "end_date": date(2027, 6, 30),
                "is_primary": primary,
            },
        )


def _slug(agency: Agency) -> str:
    return agency.code.replace(".", "")


@transaction.atomic
def load_demo_data(*, dossiers: bool = True) -> list[str]:
    """Load (or complete) the demo; returns lines to print. `dossiers`: also the demo dossiers
    (motcua.demo.dossiers), only into a database that has none."""
    lines = ["motcua: đang nạp DỮ LIỆU MẪU (demo) — không phải dữ liệu thật của cơ quan nào."]
    can_tho, _ = AdministrativeUnit.objects.get_or_create(
        code="92",
        defaults={"name": "Thành phố Cần Thơ", "kind": "province", "valid_from": date(2025, 7, 1)},
    )
    ninh_kieu, _ = AdministrativeUnit.objects.get_or_create(
        code="31117",
        defaults={"name": "Phường Ninh Kiều", "kind": "ward", "parent": can_tho,
                  "valid_from": date(2025, 7, 1)},
    )  # fmt: skip
    phong_dien, _ = AdministrativeUnit.objects.get_or_create(
        code="31300",
        defaults={"name": "Xã Phong Điền", "kind": "commune", "parent": can_tho,
                  "valid_from": date(2025, 7, 1)},
    )  # fmt: skip

    out = StringIO()
    call_command(
        "import_catalog", str(CATALOG_PATH), effective_from=CATALOG_EFFECTIVE_FROM, stdout=out
    )
    lines.append(out.getvalue().strip())
    Agency.objects.filter(level=Level.PROVINCE, unit__isnull=True).update(unit=can_tho)
    for agency in Agency.objects.filter(level=Level.COMMUNE, unit__isnull=True):
        agency.unit = ninh_kieu if "Ninh Kiều" in agency.name else phong_dien
        agency.save(update_fields=["unit"])
    lines.append(f"Từ đồng nghĩa mới: {load_synonyms()}")

    center_agency, _ = Agency.objects.get_or_create(
        code="000.00.01.H13",
        defaults={
            "name": "Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
            "kind": Agency.Kind.SERVICE_CENTER,
            "level": Level.PROVINCE,
            "unit": can_tho,
        },
    )
    province = _center(
        code="can-tho",
        name="Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
        level=Level.PROVINCE,
        unit=can_tho,
        address="Phường Ninh Kiều, thành phố Cần Thơ",
    )
    if province.agency_id is None:
        province.agency = center_agency
        province.save(update_fields=["agency"])
    province.agencies.add(*Agency.objects.filter(level=Level.PROVINCE).exclude(pk=center_agency.pk))
    ReceptionPoint.objects.get_or_create(
        center=province, name="Sảnh tiếp nhận tầng 1", defaults={"kind": "hall"}
    )
    ReceptionPoint.objects.get_or_create(
        center=province, name="Sảnh tiếp nhận tầng 2", defaults={"kind": "hall"}
    )
    ReceptionPoint.objects.get_or_create(
        center=province,
        name="Điểm tiếp nhận tại Bưu điện thành phố Cần Thơ",
        defaults={"kind": "post_office", "address": "Bưu điện trung tâm Cần Thơ"},
    )

    staff = _Staff(make_password(demo_password()))
    admin = staff.user("admin", Role.ADMINISTRATOR, None)
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    director = staff.user("giamdoc.cantho", Role.CENTER_DIRECTOR, center_agency)
    staff.post(director, province, None, True)
    supervisor = staff.user("giamsat.cantho", Role.SUPERVISOR, None)
    staff.post(supervisor, province, None, True)

    for plan in CAN_THO_COUNTERS:
        counter, _ = Counter.objects.get_or_create(
            center=province, number=plan.number, defaults={"floor": plan.floor}
        )
        counter.agencies.add(*_agencies_matching(plan.agency_names, Level.PROVINCE))
        if "Bưu điện" in plan.agency_names:
            postal = staff.user("buudien.cantho", Role.POSTAL_STAFF, None)
            staff.post(postal, province, counter, True)

    for agency in Agency.objects.filter(level=Level.PROVINCE).exclude(pk=center_agency.pk):
        slug = _slug(agency)
        counters = list(province.counters.filter(agencies=agency).order_by("number"))
        primary = staff.user(f"tn{slug}", Role.RECEPTION_OFFICER, agency)
        backup = staff.user(f"tn{slug}.dp", Role.RECEPTION_OFFICER, agency)
        staff.post(primary, province, counters[0] if counters else None, True)
        staff.post(backup, province, counters[0] if counters else None, False)
        for suffix, role in (
            ("cv", Role.SPECIALIST),
            ("tp", Role.HEAD_OF_DIVISION),
            ("ld", Role.AGENCY_LEADER),
            ("vt", Role.CLERK),
        ):
            staff.user(f"{suffix}{slug}", role, agency)

    for code, name, unit in (
        ("ninh-kieu", "Trung tâm Phục vụ hành chính công phường Ninh Kiều", ninh_kieu),
        ("phong-dien", "Trung tâm Phục vụ hành chính công xã Phong Điền", phong_dien),
    ):
        center = _center(code=code, name=name, level=Level.COMMUNE, unit=unit,
                         address=f"{unit.name}, thành phố Cần Thơ")  # fmt: skip
        committees = list(Agency.objects.filter(level=Level.COMMUNE, unit=unit))
        center.agencies.add(*committees)
        if center.agency_id is None and committees:
            center.agency = committees[0]
            center.save(update_fields=["agency"])
        ReceptionPoint.objects.get_or_create(center=center, name="Bộ phận tiếp nhận và trả kết quả")
        for number in range(1, 5):
            counter, _ = Counter.objects.get_or_create(center=center, number=number)
            counter.agencies.add(*committees)
        for committee in committees:
            slug = _slug(committee)
            first = center.counters.order_by("number").first()
            staff.post(
                staff.user(f"tn{slug}", Role.RECEPTION_OFFICER, committee), center, first, True
            )
            staff.post(
                staff.user(f"tn{slug}.dp", Role.RECEPTION_OFFICER, committee), center, first, False
            )
            staff.user(f"cv{slug}", Role.SPECIALIST, committee)
            staff.user(f"ld{slug}", Role.AGENCY_LEADER, committee)

    from motcua.queueing.demo import load_queue_demo

    lines.extend(load_queue_demo())
    if dossiers:
        from motcua.demo.dossiers import load_dossier_demo

        lines.extend(load_dossier_demo())
    lines.append(
        f"Trung tâm: {ServiceCenter.objects.count()}, quầy: {Counter.objects.count()}, "
        f"cơ quan: {Agency.objects.count()}, cán bộ: {User.objects.count()}."
    )
    lines.append(
        "Đăng nhập quản trị tại /admin/ — tài khoản admin, mật khẩu trong "
        f"{Path(settings.DATA_DIR) / 'demo-password.txt'} (hoặc biến MOTCUA_DEMO_PASSWORD)."
    )
    return lines
