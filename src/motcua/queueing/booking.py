"""Đặt lịch hẹn: which slots are free, and the writes (create, cancel, remind).

Slots come from the group's weekly BookingSlotTemplate rows, on the center's working days
(`calendar_for_center`), within the next BOOKING_DAYS days, minus past slots and full ones. A
slot's capacity counts bookings that are booked or checked in.

Two people booking the last place of a slot at once: `create_booking` locks the template row
(SELECT … FOR UPDATE on PostgreSQL; on SQLite the write transaction is IMMEDIATE, so bookings
are serialized) before counting, so one gets the place and the other a clear message.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.directory.selectors import calendar_for_center
from motcua.domain.identity import normalize_phone, phone_problem
from motcua.queueing.models import Booking, BookingSlotTemplate, ServiceGroup
from motcua.queueing.services import QueueError, booking_code

BOOKING_DAYS = 14  # how far ahead one may book
TAKEN = (Booking.Status.BOOKED, Booking.Status.CHECKED_IN)
CODE_ATTEMPTS = 20


class BookingError(QueueError):
    """A booking the rules do not allow; the message (Vietnamese) is for the person booking."""


@dataclass(frozen=True)
class Slot:
    template_id: int
    date: date
    start: time
    end: time
    capacity: int
    taken: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


@dataclass(frozen=True)
class BookableDay:
    date: date
    free: int  # places left in all of the day's slots


# --- reads ---------------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return timezone.localtime(at or timezone.now())


def _is_past(day: date, start: time, now: datetime) -> bool:
    return (day, start) <= (now.date(), now.time())


def slots_for_day(*, group: ServiceGroup, day: date, at: datetime | None = None) -> list[Slot]:
    """All of the group's slots on `day` (full ones included, with `free` = 0), past ones left
    out; none on a day off."""
    now = _now(at)
    if not calendar_for_center(group.center).is_working_day(day):
        return []
    templates = [
        t
        for t in BookingSlotTemplate.objects.filter(group=group, weekday=day.weekday())
        if not _is_past(day, t.start, now)
    ]
    taken = {
        row["start"]: row["n"]
        for row in Booking.objects.filter(group=group, date=day, status__in=TAKEN)
        .values("start")
        .annotate(n=Count("id"))
    }
    return [
        Slot(template_id=t.pk, date=day, start=t.start, end=t.end, capacity=t.capacity,
             taken=taken.get(t.start, 0))
        for t in templates
    ]  # fmt: skip


def bookable_days(*, group: ServiceGroup, at: datetime | None = None) -> list[BookableDay]:
    """The next BOOKING_DAYS days (today first) that are working days for the center and have
    slots in the group's weekly template; `free` is 0 when every slot is full or past."""
    now = _now(at)
    calendar = calendar_for_center(group.center)
    weekdays = set(
        BookingSlotTemplate.objects.filter(group=group).values_list("weekday", flat=True)
    )
    days = []
    for offset in range(BOOKING_DAYS):
        day = now.date() + timedelta(days=offset)
        if day.weekday() not in weekdays or not calendar.is_working_day(day):
            continue
        free = sum(s.free for s in slots_for_day(group=group, day=day, at=now))
        days.append(BookableDay(date=day, free=free))
    return days


def bookable_groups(center_id: int):
    """Active groups of the center that offer appointments (have a weekly template)."""
    return (
        ServiceGroup.objects.filter(center_id=center_id, is_active=True)
        .annotate(n_slots=Count("slot_templates"))
        .filter(n_slots__gt=0)
        .order_by("position", "prefix")
    )


def booking_for_token(token: str) -> Booking | None:
    if not token or len(token) > 64:
        return None
    return Booking.objects.select_related("group__center").filter(cancel_token=token).first()


# --- writes --------------------------------------------------------------------------------


@transaction.atomic
def create_booking(
    *,
    group: ServiceGroup,
    day: date,
    start: time,
    name: str,
    phone: str,
    email: str = "",
    at: datetime | None = None,
) -> Booking:
    """Book one place in the slot starting at `start` on `day`, if the slot exists and is not
    full; the booking code is unique (a new one is drawn on a collision)."""
    now = _now(at)
    name = " ".join(name.split())
    if not name:
        raise BookingError(_("Vui lòng nhập họ và tên."))
    problem = phone_problem(phone)
    if problem:
        raise BookingError(problem)
    if not group.is_active:
        raise BookingError(_("Nhóm dịch vụ này đang tạm ngừng nhận lịch hẹn."))
    if not (now.date() <= day < now.date() + timedelta(days=BOOKING_DAYS)):
        raise BookingError(_("Chỉ đặt lịch được trong %(days)d ngày tới.") % {"days": BOOKING_DAYS})
    if not calendar_for_center(group.center).is_working_day(day):
        raise BookingError(
            _("Ngày %(date)s Trung tâm không làm việc.") % {"date": f"{day:%d/%m/%Y}"}
        )
    # The lock: every booking of this slot goes through this row, one at a time.
    template = (
        BookingSlotTemplate.objects.select_for_update()
        .filter(group=group, weekday=day.weekday(), start=start)
        .first()
    )
    if template is None:
        raise BookingError(_("Không có khung giờ này."))
    if _is_past(day, template.start, now):
        raise BookingError(_("Khung giờ này đã qua, vui lòng chọn khung giờ khác."))
    taken = Booking.objects.filter(group=group, date=day, start=start, status__in=TAKEN).count()
    if taken >= template.capacity:
        raise BookingError(
            _("Khung giờ %(start)s–%(end)s ngày %(date)s vừa hết chỗ, vui lòng chọn khung giờ khác.")
            % {"start": f"{template.start:%H:%M}", "end": f"{template.end:%H:%M}",
               "date": f"{day:%d/%m/%Y}"}
        )  # fmt: skip
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: a code collision does not end the booking
                return Booking.objects.create(
                    group=group, date=day, start=template.start, end=template.end,
                    code=booking_code(), cancel_token=secrets.token_urlsafe(32), name=name,
                    phone=normalize_phone(phone), email=email.strip(),
                )  # fmt: skip
        except IntegrityError:
            continue
    raise BookingError(_("Không tạo được mã đặt lịch, vui lòng thử lại."))


@transaction.atomic
def cancel_booking(*, token: str, at: datetime | None = None) -> Booking:
    """Hủy lịch hẹn with the link sent at booking; the place becomes free again."""
    now = _now(at)
    booking = Booking.objects.select_for_update().filter(cancel_token=token).first()
    if booking is None:
        raise BookingError(_("Không tìm thấy lịch hẹn."))
    if booking.status == Booking.Status.CANCELLED:
        raise BookingError(_("Lịch hẹn này đã được hủy trước đó."))
    if booking.status == Booking.Status.CHECKED_IN:
        raise BookingError(_("Lịch hẹn này đã lấy số tại Trung tâm, không hủy được nữa."))
    if _is_past(booking.date, booking.end, now):
        raise BookingError(_("Lịch hẹn này đã qua, không cần hủy."))
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status"])
    return booking


def bookings_to_remind(*, day: date):
    """Bookings on `day` still booked and not reminded yet."""
    return Booking.objects.filter(
        status=Booking.Status.BOOKED, date=day, reminded=False
    ).select_related("group__center")


def claim_reminder(booking: Booking) -> bool:
    """Mark the booking reminded unless another run already did (True: this run sends)."""
    return bool(Booking.objects.filter(pk=booking.pk, reminded=False).update(reminded=True))


def release_reminder(booking: Booking) -> None:
    """Sending failed: let the next run try again."""
    Booking.objects.filter(pk=booking.pk).update(reminded=False)
