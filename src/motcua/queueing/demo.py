"""Demo queue set-up (DEMO data): service groups, the priority policy, weekly booking slots.

`load_queue_demo()` runs after the directory demo (motcua.demo.loader) and is idempotent: it
only creates what is missing (get_or_create), never changes what an administrator edited.

- Cần Thơ: one group per set of agencies in the counter plan (sets sharing an agency merged;
  letters A, B, C… in the plan's order), named after those agencies, served by the counters
  serving any of them.
- Each commune center: two groups, A "Hộ tịch, chứng thực" (counters 1–2) and B "Đất đai,
  xây dựng và các lĩnh vực khác" (counters 3–4).
- Priority categories, global (every center): all rank 1 — the law (Luật Người cao tuổi,
  Luật Người khuyết tật, …) gives these groups priority without ranking them against each
  other, so among priority tickets the order of arrival decides. A center may add its own or
  change ranks in the admin (a lower rank is served first).
- Booking slots, Monday to Friday, 07:30–11:00 and 13:30–16:30 in 30-minute slots: capacity 4
  per group at Cần Thơ, 2 at the commune centers. Days off come from the center's calendar.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction

from motcua.directory.models import Agency, Counter, Level, ServiceCenter
from motcua.queueing.models import BookingSlotTemplate, PriorityCategory, ServiceGroup

PRIORITIES = [
    ("nguoi-cao-tuoi", "Người cao tuổi"),
    ("nguoi-khuyet-tat", "Người khuyết tật"),
    ("phu-nu-mang-thai", "Phụ nữ mang thai"),
    ("nguoi-co-con-nho", "Người có con nhỏ dưới 36 tháng"),
    ("nguoi-co-cong", "Người có công với cách mạng"),
]
PRIORITY_RANK = 1
MORNING = (time(7, 30), time(11, 0))
AFTERNOON = (time(13, 30), time(16, 30))
SLOT_MINUTES = 30
WEEKDAYS = range(5)  # Monday–Friday
PROVINCE_CAPACITY = 4
COMMUNE_CAPACITY = 2
COMMUNE_GROUPS = [
    ("A", "Hộ tịch, chứng thực", (1, 2)),
    ("B", "Đất đai, xây dựng và các lĩnh vực khác", (3, 4)),
]
LETTERS = "ABCDEFGHKLMNPQRSTUVXY"  # no I, J, O, W, Z: not mistaken for 1/0, all Vietnamese


def slot_times() -> list[tuple[time, time]]:
    """(start, end) of every 30-minute slot of the two sessions."""
    slots = []
    for first, last in (MORNING, AFTERNOON):
        at = datetime.combine(date(2000, 1, 1), first)
        end = datetime.combine(date(2000, 1, 1), last)
        while at + timedelta(minutes=SLOT_MINUTES) <= end:
            slots.append((at.time(), (at + timedelta(minutes=SLOT_MINUTES)).time()))
            at += timedelta(minutes=SLOT_MINUTES)
    return slots


def _agencies(names: tuple[str, ...]) -> list[Agency]:
    found: list[Agency] = []
    for needle in names:
        found.extend(
            a
            for a in Agency.objects.filter(level=Level.PROVINCE, name__icontains=needle)
            if a not in found
        )
    return found


def _group_name(agencies: list[Agency]) -> str:
    """ "Sở Tư pháp", not "Sở Tư pháp thành phố Cần Thơ": the hall is in Cần Thơ."""
    names = []
    for agency in agencies:
        name = agency.short_name or agency.name
        suffixes = (
            (" Cần Thơ",) if name.startswith("Ủy ban") else (" thành phố Cần Thơ", " Cần Thơ")
        )
        for suffix in suffixes:
            name = name.removesuffix(suffix)
        names.append(name)
    return ", ".join(names)[:200]


def _slots(group: ServiceGroup, capacity: int) -> None:
    for weekday in WEEKDAYS:
        for start, end in slot_times():
            BookingSlotTemplate.objects.get_or_create(
                group=group, weekday=weekday, start=start,
                defaults={"end": end, "capacity": capacity},
            )  # fmt: skip


def province_plan() -> list[list[Agency]]:
    """The agencies of each Cần Thơ group: the counter plan's agency sets, those sharing an
    agency merged (counter 9 serves the land registry as counters 10–11 do: one group)."""
    from motcua.demo.loader import CAN_THO_COUNTERS

    groups: list[list[Agency]] = []
    for plan in CAN_THO_COUNTERS:
        agencies = _agencies(plan.agency_names)
        if not agencies:
            continue  # an agency the catalog lacks
        home = next((g for g in groups if set(g) & set(agencies)), None)
        if home is None:
            groups.append(agencies)
        else:
            home.extend(a for a in agencies if a not in home)
    return groups


def _province_groups(center: ServiceCenter) -> int:
    created = 0
    for position, (prefix, agencies) in enumerate(zip(LETTERS, province_plan(), strict=False), 1):
        group, made = ServiceGroup.objects.get_or_create(
            center=center, prefix=prefix,
            defaults={"name": _group_name(agencies), "position": position},
        )  # fmt: skip
        if made:
            created += 1
            group.agencies.set(agencies)
            group.counters.set(
                Counter.objects.filter(center=center, agencies__in=agencies).distinct()
            )
        _slots(group, PROVINCE_CAPACITY)
    return created


def _commune_groups(center: ServiceCenter) -> int:
    created = 0
    for position, (prefix, name, numbers) in enumerate(COMMUNE_GROUPS, 1):
        group, made = ServiceGroup.objects.get_or_create(
            center=center, prefix=prefix, defaults={"name": name, "position": position}
        )
        if made:
            created += 1
            group.agencies.set(center.agencies.all())
            group.counters.set(Counter.objects.filter(center=center, number__in=numbers))
        _slots(group, COMMUNE_CAPACITY)
    return created


@transaction.atomic
def load_queue_demo() -> list[str]:
    """Create what is missing of the demo queue; returns lines to print."""
    for code, name in PRIORITIES:
        PriorityCategory.objects.get_or_create(
            center=None, code=code, defaults={"name": name, "rank": PRIORITY_RANK}
        )
    created = 0
    for center in ServiceCenter.objects.filter(code="can-tho"):
        created += _province_groups(center)
    for center in ServiceCenter.objects.filter(level=Level.COMMUNE):
        created += _commune_groups(center)
    return [
        f"Xếp hàng: {created} nhóm dịch vụ mới; tổng {ServiceGroup.objects.count()} nhóm, "
        f"{BookingSlotTemplate.objects.count()} khung giờ hẹn, "
        f"{PriorityCategory.objects.count()} đối tượng ưu tiên."
    ]
