"""Demo dossiers (DEMO data): received at the Cần Thơ center over the last weeks and moved along
their process by the demo officers, through the real services (some returned ones rated by
their applicants), so that the worklists, the dossier pages and the figures have something to
show.

`load_dossier_demo()` runs after the directory and queue demos and only when the database has
no dossier at all: it never mixes invented dossiers with real ones, and a second run adds
nothing. Applicants are invented ("demo" in their address), phones are in a range no network
assigns (0990 000 xxx), ID numbers are made up, and there are no e-mail addresses, so nothing is sent to anyone.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.selectors import current_versions
from motcua.directory.models import Level, ServiceCenter
from motcua.directory.selectors import calendar_for_center
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantData, ComponentInput, intake
from motcua.reports.services import submit_rating
from motcua.workflow import runtime

DOSSIERS = 60
PROCEDURES = 12
SEED = 20261203

# Where each demo dossier stops (cycled): the step it waits at, or how it ended.
STOPS = [
    "reception", "specialist", "claimed", "head", "leader", "supplement", "result_ready",
    "returned", "returned", "returned", "refused", "withdrawn", "suspended", "returned_post",
]  # fmt: skip
ORDER = ["reception", "specialist", "head", "leader", "clerk", "return"]

_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi"]
_GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Khánh", "Lan", "Linh"]


def _slug(agency) -> str:
    return agency.code.replace(".", "")


def _staff(agency) -> dict[str, User] | None:
    slug = _slug(agency)
    names = {"reception": f"tn{slug}", "specialist": f"cv{slug}", "head": f"tp{slug}",
             "leader": f"ld{slug}", "clerk": f"vt{slug}"}  # fmt: skip
    users = {u.username: u for u in User.objects.filter(username__in=names.values())}
    if len(users) < len(names):
        return None
    return {key: users[name] for key, name in names.items()}


def _versions(center: ServiceCenter) -> list:
    """Province procedures filed at the counter, one or two per agency with demo staff."""
    chosen, per_agency = [], {}
    versions = (
        current_versions()
        .filter(agency__level=Level.PROVINCE, agency__in=center.agencies.all(),
                time_limit_days__gt=0)
        .select_related("agency", "procedure")
        .order_by("procedure__code")
    )  # fmt: skip
    for version in versions:
        if "counter" not in (version.channels or []) or not version.components.exists():
            continue
        if per_agency.get(version.agency_id, 0) >= 2 or _staff(version.agency) is None:
            continue
        per_agency[version.agency_id] = per_agency.get(version.agency_id, 0) + 1
        chosen.append(version)
        if len(chosen) == PROCEDURES:
            break
    return chosen


def _later(calendar, t: datetime, rng: random.Random, now: datetime) -> datetime | None:
    """A working moment a quarter to two working days after `t`; None if past `now`."""
    then = calendar.due_at(t, Fraction(rng.randint(1, 8), 4))
    return then if then < now else None


def _drive(dossier: Dossier, stop: str, people: dict, calendar, rng, now: datetime) -> None:
    t = dossier.received_at
    target = {"claimed": "specialist", "supplement": "specialist", "suspended": "specialist",
              "refused": "leader", "withdrawn": "specialist", "result_ready": "return",
              "returned": "return", "returned_post": "return"}.get(stop, stop)  # fmt: skip
    for key in ORDER[: ORDER.index(target)]:
        t = _later(calendar, t, rng, now)
        if t is None:
            return  # the demo clock caught up with today: the dossier stays where it is
        if key == "specialist":
            runtime.claim(step_run=_open(dossier), user=people["specialist"], at=t)
        if key == "clerk":
            runtime.record_result(dossier=dossier, user=people["clerk"], paper_only=True, at=t,
                                  note="Kết quả bản giấy (dữ liệu mẫu)")  # fmt: skip
            continue
        action = "approve" if key in ("head", "leader") else "forward"
        runtime.forward(dossier=dossier, user=people[key], action_name=action, at=t)
    t = _later(calendar, t, rng, now)
    if t is None:
        return
    if stop == "claimed":
        runtime.claim(step_run=_open(dossier), user=people["specialist"], at=t)
    elif stop == "supplement":
        runtime.request_supplement(dossier=dossier, user=people["specialist"], at=t,
                                   missing=["Bản sao giấy tờ bị mờ, cần bản rõ hơn"])  # fmt: skip
    elif stop == "suspended":
        runtime.suspend_financial(dossier=dossier, user=people["specialist"], at=t,
                                  note="Chờ người nộp nộp tiền sử dụng đất")  # fmt: skip
    elif stop == "refused":
        runtime.refuse(dossier=dossier, user=people["leader"], at=t,
                       reason="Hồ sơ không đủ điều kiện theo quy định (dữ liệu mẫu).")  # fmt: skip
    elif stop == "withdrawn":
        runtime.withdraw(dossier=dossier, user=people["reception"], at=t,
                         note="Người nộp đề nghị rút hồ sơ.")  # fmt: skip
    elif stop == "returned":
        runtime.return_result(dossier=dossier, user=people["reception"], method="counter",
                              collected_by_name=dossier.applicant_name, id_checked=True, at=t)  # fmt: skip
        # Most demo applicants rate the service from the receipt's QR code afterwards.
        value = rng.choice(["very_satisfied", "very_satisfied", "satisfied", "satisfied",
                            "unsatisfied", None])  # fmt: skip
        if value:
            submit_rating(dossier=dossier, channel="receipt_qr", value=value,
                          officer=people["reception"], at=min(t + timedelta(minutes=30), now))  # fmt: skip
    elif stop == "returned_post":
        runtime.return_result(dossier=dossier, user=people["reception"], method="post",
                              tracking_number=f"EB{dossier.pk:09d}VN", at=t)  # fmt: skip


def _open(dossier: Dossier):
    return dossier.workflow.runs.get(status="open", parallel=False)


@transaction.atomic
def load_dossier_demo(*, now: datetime | None = None) -> list[str]:
    if Dossier.objects.exists():
        return ["Hồ sơ mẫu: bỏ qua (cơ sở dữ liệu đã có hồ sơ)."]
    center = ServiceCenter.objects.filter(code="can-tho").first()
    if center is None:
        return []
    now = now or timezone.now()
    calendar = calendar_for_center(center)
    versions = _versions(center)
    if not versions:
        return ["Hồ sơ mẫu: không có thủ tục phù hợp."]
    rng = random.Random(SEED)
    made = 0
    for n in range(DOSSIERS):
        version = versions[n % len(versions)]
        people = _staff(version.agency)
        # Received on a working morning or afternoon 1–25 working days ago.
        start = timezone.localtime(now - timedelta(days=1 + (n * 37) % 36))
        received = calendar.next_working_instant(
            start.replace(hour=rng.choice([8, 9, 10, 14, 15]), minute=rng.choice([0, 15, 40]))
        )
        if received >= now:
            continue
        name = f"{_SURNAMES[n % len(_SURNAMES)]} Văn {_GIVEN[(n * 7) % len(_GIVEN)]}"
        dossier = intake(
            version=version, center=center, officer=people["reception"],
            applicant=ApplicantData(name=name, phone=f"0990000{n:03d}", id_number=f"0920{70 + n % 30}{n:06d}",
                                    address="Địa chỉ mẫu (demo), thành phố Cần Thơ"),
            components=[ComponentInput(component_id=c.pk) for c in version.components.all()],
            decision="receive", at=received,
            result_delivery="post" if STOPS[n % len(STOPS)] == "returned_post" else "counter",
            delivery_address="Địa chỉ mẫu (demo), thành phố Cần Thơ",
        )  # fmt: skip
        _drive(dossier, STOPS[n % len(STOPS)], people, calendar, rng, now)
        made += 1
    return [f"Hồ sơ mẫu: {made} hồ sơ (dữ liệu mẫu) ở các bước xử lý khác nhau."]
