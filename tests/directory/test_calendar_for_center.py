from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from motcua.directory.models import (
    AdministrativeUnit,
    CalendarOverride,
    ServiceCenter,
    WorkingSession,
)
from motcua.directory.selectors import calendar_for_center

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def center():
    unit = AdministrativeUnit.objects.create(code="92", name="Thành phố Cần Thơ", kind="province")
    return ServiceCenter.objects.create(code="can-tho", name="TTPVHCC", level="province", unit=unit)


def test_default_sessions_when_center_has_none(center, settings):
    cal = calendar_for_center(center)
    assert [(s.start, s.end) for s in cal.sessions] == [
        (time(7), time(11, 30)),
        (time(13), time(17)),
    ]


def test_center_sessions_and_holidays(center):
    WorkingSession.objects.create(center=center, start=time(7, 30), end=time(11, 30))
    WorkingSession.objects.create(center=center, start=time(13, 30), end=time(17))
    cal = calendar_for_center(center)
    # Fri 24/1/2025 09:00 + 3 working days crosses Tết (27/1–31/1) → Wed 5/2 09:00.
    due = cal.add_working_days(datetime(2025, 1, 24, 9, tzinfo=VN), 3)
    assert due == datetime(2025, 2, 5, 9, tzinfo=VN)


def test_global_and_center_overrides(center):
    saturday = date(2026, 1, 10)
    friday = date(2026, 1, 2)
    CalendarOverride.objects.create(date=friday, kind="day_off", reason="Hoán đổi Tết dương lịch")
    CalendarOverride.objects.create(date=saturday, kind="working_day", reason="Làm bù")
    other = date(2026, 3, 6)
    CalendarOverride.objects.create(center=center, date=other, kind="day_off")
    # A center's own row wins over a province-wide row for the same date.
    CalendarOverride.objects.create(center=center, date=saturday, kind="day_off")
    cal = calendar_for_center(center)
    assert not cal.is_working_day(friday)
    assert not cal.is_working_day(other)
    assert not cal.is_working_day(saturday)


def test_override_dates_are_unique_per_center_and_globally(center):
    CalendarOverride.objects.create(date=date(2026, 1, 2), kind="day_off")
    with pytest.raises(IntegrityError):
        CalendarOverride.objects.create(date=date(2026, 1, 2), kind="working_day")
