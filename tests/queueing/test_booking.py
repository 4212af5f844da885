"""Đặt lịch hẹn: free slots, booking and cancelling, concurrency, reminders; the demo set-up."""

import io
import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from motcua.directory.models import CalendarOverride, Counter
from motcua.directory.selectors import calendar_for_center
from motcua.notifications.sms.contrib.logging import plugin as sms_log
from motcua.queueing import booking as booking_module
from motcua.queueing.booking import (
    BookingError,
    bookable_days,
    cancel_booking,
    create_booking,
    slots_for_day,
)
from motcua.queueing.models import Booking, BookingSlotTemplate, PriorityCategory, ServiceGroup
from motcua.queueing.tasks import remind_bookings
from tests import factories
from tests.factories import PHONE, VN

MONDAY = date(2026, 11, 23)
SUNDAY_EVENING = datetime(2026, 11, 22, 18, 0, tzinfo=VN)


@pytest.fixture
def group(center):
    group = factories.service_group(center)
    for weekday in range(5):
        BookingSlotTemplate.objects.create(
            group=group, weekday=weekday, start=time(8), end=time(8, 30), capacity=2
        )
        BookingSlotTemplate.objects.create(
            group=group, weekday=weekday, start=time(8, 30), end=time(9), capacity=1
        )
    return group


def book(group, day=MONDAY, start=time(8), at=SUNDAY_EVENING, **kwargs) -> Booking:
    data = {"name": "Lê Thị Hẹn", "phone": PHONE, **kwargs}
    return create_booking(group=group, day=day, start=start, at=at, **data)


def next_working_weekday(center) -> date:
    """A day in the booking window, Monday–Friday, that is a working day for the center."""
    calendar = calendar_for_center(center)
    today = timezone.localdate()
    for offset in range(1, 14):
        day = today + timedelta(days=offset)
        if day.weekday() < 5 and calendar.is_working_day(day):
            return day
    raise AssertionError("no working weekday in the next two weeks")


# --- which slots are free ------------------------------------------------------------------


@pytest.mark.django_db
def test_days_skip_weekends_holidays_and_days_off(center, group):
    CalendarOverride.objects.create(center=center, date=date(2026, 11, 25), kind="day_off")
    days = [d.date for d in bookable_days(group=group, at=SUNDAY_EVENING)]
    assert days[0] == MONDAY
    assert date(2026, 11, 24) not in days  # Ngày Văn hóa Việt Nam, a public holiday from 2026
    assert date(2026, 11, 25) not in days  # the center's day off
    assert date(2026, 11, 28) not in days and date(2026, 11, 29) not in days  # weekend
    assert all(d.weekday() < 5 for d in days)
    assert max(days) < SUNDAY_EVENING.date() + timedelta(days=14)
    assert len(days) == 8  # 10 weekdays in the window, a holiday and a day off


@pytest.mark.django_db
def test_full_and_cancelled_places_are_counted_right(group):
    book(group, start=time(8, 30))
    first = book(group)
    slots = {s.start: s.free for s in slots_for_day(group=group, day=MONDAY, at=SUNDAY_EVENING)}
    assert slots == {time(8): 1, time(8, 30): 0}
    cancel_booking(token=first.cancel_token, at=SUNDAY_EVENING)
    slots = {s.start: s.free for s in slots_for_day(group=group, day=MONDAY, at=SUNDAY_EVENING)}
    assert slots == {time(8): 2, time(8, 30): 0}
    day = next(d for d in bookable_days(group=group, at=SUNDAY_EVENING) if d.date == MONDAY)
    assert day.free == 2


@pytest.mark.django_db
def test_past_slots_are_left_out(group):
    at = datetime(2026, 11, 23, 8, 10, tzinfo=VN)
    assert [s.start for s in slots_for_day(group=group, day=MONDAY, at=at)] == [time(8, 30)]
    with pytest.raises(BookingError, match="đã qua"):
        book(group, start=time(8), at=at)


# --- booking -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_booking_gets_a_code_and_a_cancel_token(group):
    made = book(group, phone="0912 345 678", email="hen@example.vn", name="  Lê  Thị Hẹn ")
    assert len(made.code) == 6 and made.code.isalnum() and made.code.isupper()
    assert len(made.cancel_token) >= 40
    assert (made.phone, made.name, made.end, made.status) == (
        "0912345678", "Lê Thị Hẹn", time(8, 30), "booked",
    )  # fmt: skip


@pytest.mark.django_db
def test_a_code_collision_draws_another_code(group, monkeypatch):
    codes = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(booking_module, "booking_code", lambda: next(codes))
    assert book(group).code == "AAAAAA"
    assert book(group).code == "BBBBBB"
    assert Booking.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": time(8, 30)}, None),
        ({"start": time(9)}, "Không có khung giờ này"),
        ({"day": date(2026, 11, 28)}, "không làm việc"),  # Saturday
        ({"day": MONDAY + timedelta(days=14)}, "14 ngày tới"),
        ({"phone": "12345"}, "10 chữ số"),
        ({"name": "  "}, "họ và tên"),
    ],
)
def test_booking_rules(group, changes, message):
    if message is None:
        assert book(group, **changes).start == time(8, 30)
        with pytest.raises(BookingError, match="vừa hết chỗ"):
            book(group, **changes)
    else:
        with pytest.raises(BookingError, match=message):
            book(group, **changes)


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_last_place_at_once(center):
    group = factories.service_group(center)
    BookingSlotTemplate.objects.create(
        group=group, weekday=0, start=time(8), end=time(8, 30), capacity=1
    )
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def person(n: int):
        try:
            barrier.wait()
            made = book(group, name=f"Người {n}")
            results.append(made.code)
        except BookingError as exc:
            results.append(str(exc))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert Booking.objects.count() == 1
    refused = [r for r in results if "vừa hết chỗ" in r]
    assert len(refused) == 3
    assert Booking.objects.get().code in results


@pytest.mark.django_db
def test_cancelling(group):
    made = book(group)
    assert cancel_booking(token=made.cancel_token, at=SUNDAY_EVENING).status == "cancelled"
    with pytest.raises(BookingError, match="đã được hủy"):
        cancel_booking(token=made.cancel_token, at=SUNDAY_EVENING)
    checked = book(group)
    checked.status = "checked_in"
    checked.save()
    with pytest.raises(BookingError, match="đã lấy số"):
        cancel_booking(token=checked.cancel_token, at=SUNDAY_EVENING)
    with pytest.raises(BookingError, match="Không tìm thấy"):
        cancel_booking(token="khong-co", at=SUNDAY_EVENING)


# --- the public pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_booking_through_the_pages(client, center, group):
    day = next_working_weekday(center)
    iso = day.isoformat()
    page = client.get(reverse("queue:booking:groups", args=[center.code]))
    assert page.status_code == 200
    assert reverse("queue:booking:days", args=[center.code, "A"]) in page.content.decode()
    days = client.get(reverse("queue:booking:days", args=[center.code, "A"])).content.decode()
    assert reverse("queue:booking:slots", args=[center.code, "A", iso]) in days
    slots = client.get(reverse("queue:booking:slots", args=[center.code, "A", iso]))
    form_url = reverse("queue:booking:book", args=[center.code, "A", iso, "0830"])
    assert form_url in slots.content.decode()
    bad = client.post(form_url, {"name": "Lê Thị Hẹn", "phone": "0123"})
    assert "10 chữ số" in bad.content.decode()
    assert Booking.objects.count() == 0
    done = client.post(form_url, {"name": "Lê Thị Hẹn", "phone": PHONE, "email": ""})
    made = Booking.objects.get()
    assert done.url == reverse("queue:booking:done", args=[made.code])
    confirmation = client.get(done.url).content.decode()
    assert made.code in confirmation
    cancel_url = reverse("queue:booking:cancel", args=[made.cancel_token])
    assert f"http://testserver{cancel_url}" in confirmation
    # The slot had one place: it is now shown full and cannot be booked again.
    slots = client.get(reverse("queue:booking:slots", args=[center.code, "A", iso]))
    assert form_url not in slots.content.decode()
    again = client.post(form_url, {"name": "Trần Văn B", "phone": PHONE})
    assert again.status_code == 409 and "vừa hết chỗ" in again.content.decode()
    # Cancelling: GET asks, POST cancels.
    ask = client.get(cancel_url).content.decode()
    assert "chắc chắn muốn hủy" in ask
    made.refresh_from_db()
    assert made.status == "booked"
    assert "Đã hủy lịch hẹn" in client.post(cancel_url).content.decode()
    made.refresh_from_db()
    assert made.status == "cancelled"
    assert "đã được hủy" in client.post(cancel_url).content.decode()


@pytest.mark.django_db
def test_the_confirmation_is_only_for_the_browser_that_booked(client, group):
    made = book(group, day=next_working_weekday(group.center), at=None)
    assert client.get(reverse("queue:booking:done", args=[made.code])).status_code == 404


@pytest.mark.django_db
def test_pages_404_on_unknown_things(client, center, group):
    assert client.get(reverse("queue:booking:groups", args=["khong-co"])).status_code == 404
    assert client.get(reverse("queue:booking:days", args=[center.code, "Z"])).status_code == 404
    far = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert (
        client.get(reverse("queue:booking:slots", args=[center.code, "A", far])).status_code == 404
    )
    assert client.get("/dat-lich/can-tho/A/hom-nay/").status_code == 404
    day = next_working_weekday(center).isoformat()
    url = reverse("queue:booking:book", args=[center.code, "A", day, "0915"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("queue:booking:cancel", args=["x" * 43])).status_code == 404


# --- reminders -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_go_once_to_tomorrows_bookings(group):
    sms_log.outbox.clear()
    reminded = book(group, email="hen@example.vn")
    other_day = book(group, day=MONDAY + timedelta(days=3))
    cancelled = book(group, start=time(8, 30), phone="0987654321")
    cancel_booking(token=cancelled.cancel_token, at=SUNDAY_EVENING)
    assert remind_bookings(day=MONDAY) == {"sms": 1, "email": 1, "failed": 0}
    assert [phone for phone, _ in sms_log.outbox] == [PHONE]
    assert reminded.code in sms_log.outbox[0][1] and "08:00" in sms_log.outbox[0][1]
    assert mail.outbox[0].to == ["hen@example.vn"] and reminded.code in mail.outbox[0].subject
    assert remind_bookings(day=MONDAY) == {"sms": 0, "email": 0, "failed": 0}
    reminded.refresh_from_db()
    other_day.refresh_from_db()
    assert reminded.reminded and not other_day.reminded


@pytest.mark.django_db
def test_a_failed_reminder_is_tried_again_next_run(group, monkeypatch):
    made = book(group)

    class Refusing:
        def send(self, *, phone, text):
            from motcua.notifications.sms.base import SmsResult

            return SmsResult(accepted=False, error="hết tiền")

    monkeypatch.setattr("motcua.queueing.tasks.gateway", lambda: Refusing())
    assert remind_bookings(day=MONDAY)["failed"] == 1
    made.refresh_from_db()
    assert not made.reminded


@pytest.mark.django_db
def test_reminder_command(group):
    sms_log.outbox.clear()
    book(group)
    out = io.StringIO()
    call_command("send_booking_reminders", "--date", MONDAY.isoformat(), "--now", stdout=out)
    assert "Đã gửi 1 tin nhắn" in out.getvalue()
    book(group, day=MONDAY + timedelta(days=3))
    call_command("send_booking_reminders", "--date", "2026-11-26", stdout=out)  # enqueued
    assert "Đã xếp hàng" in out.getvalue()
    assert Booking.objects.filter(reminded=True).count() == 2  # tests run tasks at once
    assert len(sms_log.outbox) == 2


# --- demo ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_demo_is_idempotent(center):
    from motcua.queueing.demo import load_queue_demo, slot_times

    justice = factories.agency("000.00.12.H13", "Sở Tư pháp thành phố Cần Thơ")
    finance = factories.agency("000.00.13.H13", "Sở Tài chính thành phố Cần Thơ")
    for number, agency in ((1, justice), (2, justice), (3, finance)):
        Counter.objects.create(center=center, number=number).agencies.add(agency)
    commune = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    for number in range(1, 5):
        Counter.objects.create(center=commune, number=number)
    load_queue_demo()
    load_queue_demo()
    groups = {
        (g.center.code, g.prefix): (g.name, sorted(c.number for c in g.counters.all()))
        for g in ServiceGroup.objects.select_related("center")
    }
    assert groups == {
        ("can-tho", "A"): ("Sở Tư pháp", [1, 2]),
        ("can-tho", "B"): ("Sở Tài chính", [3]),
        ("ninh-kieu", "A"): ("Hộ tịch, chứng thực", [1, 2]),
        ("ninh-kieu", "B"): ("Đất đai, xây dựng và các lĩnh vực khác", [3, 4]),
    }
    assert len(slot_times()) == 13  # 7 in the morning, 6 in the afternoon
    assert slot_times()[0] == (time(7, 30), time(8)) and slot_times()[-1] == (
        time(16),
        time(16, 30),
    )
    assert BookingSlotTemplate.objects.count() == 4 * 5 * 13
    assert set(BookingSlotTemplate.objects.filter(group__center=center).values_list(
        "capacity", flat=True)) == {4}  # fmt: skip
    assert PriorityCategory.objects.filter(center=None, rank=1).count() == 5
