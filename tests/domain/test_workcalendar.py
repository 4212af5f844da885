"""Tests for motcua.domain.workcalendar (pure Python, no Django).

Golden cases were checked by hand against the Vietnamese calendar as known by the
``holidays`` package (0.109), with the default sessions 07:00–11:30 and 13:00–17:00
(one working day = 8 h 30, half a day = 4 h 15).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.domain.workcalendar import Session, WorkCalendar, to_days

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SESSIONS = (Session(time(7), time(11, 30)), Session(time(13), time(17)))
CAL = WorkCalendar(sessions=SESSIONS, tz="Asia/Ho_Chi_Minh")


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


# --------------------------------------------------------------------------- Session / setup


def test_day_length_is_sum_of_sessions():
    assert CAL.day_length == timedelta(hours=8, minutes=30)
    assert CAL.sessions == SESSIONS
    assert CAL.tz == VN


def test_session_validation():
    with pytest.raises(ValueError, match="before its end"):
        Session(time(11), time(7))
    with pytest.raises(ValueError, match="before its end"):
        Session(time(7), time(7))
    with pytest.raises(ValueError, match="naive"):
        Session(time(7, tzinfo=UTC), time(8))
    with pytest.raises(TypeError):
        Session("07:00", time(8))  # type: ignore[arg-type]


def test_overlapping_sessions_rejected():
    with pytest.raises(ValueError, match="overlap"):
        WorkCalendar(sessions=(Session(time(7), time(12)), Session(time(11), time(17))))


def test_unsorted_sessions_rejected():
    with pytest.raises(ValueError, match="sorted"):
        WorkCalendar(sessions=(Session(time(13), time(17)), Session(time(7), time(11, 30))))


def test_empty_sessions_rejected():
    with pytest.raises(ValueError, match="at least one session"):
        WorkCalendar(sessions=())


def test_date_both_off_and_working_rejected():
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(extra_days_off={date(2025, 3, 17)}, extra_working_days=[date(2025, 3, 17)])


# --------------------------------------------------------------------------- days off


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2025, 1, 1), False),  # Tết Dương lịch (New Year)
        (date(2025, 1, 27), False),  # Tết Nguyên đán 2025, first day off
        (date(2025, 1, 31), False),  # Tết Nguyên đán 2025, last weekday off
        (date(2025, 2, 3), True),  # first working day after Tết 2025
        (date(2025, 4, 7), False),  # Giỗ Tổ Hùng Vương 2025 (10/3 lunar)
        (date(2025, 4, 26), True),  # Saturday swapped to a working day
        (date(2025, 4, 30), False),  # Reunification Day
        (date(2025, 5, 1), False),  # Labour Day
        (date(2025, 5, 2), False),  # Friday off, swapped with Sat 26/4/2025
        (date(2025, 9, 1), False),  # National Day 2025 adjacent day
        (date(2025, 9, 2), False),  # National Day 2025
        (date(2026, 2, 16), False),  # Tết Nguyên đán 2026 (Mon 16/2 – Fri 20/2)
        (date(2026, 2, 20), False),
        (date(2026, 2, 13), True),
        (date(2026, 4, 27), False),  # Hùng Kings 2026 (Sun 26/4) observed Monday
        (date(2026, 8, 22), True),  # working Saturday, swapped with Mon 31/8/2026
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),  # National Day 2026
        (date(2026, 9, 2), False),
        (date(2026, 11, 24), False),  # Ngày Văn hóa Việt Nam (from 2026)
        (date(2025, 11, 24), True),  # …not a day off before 2026
        (date(2025, 3, 15), False),  # ordinary Saturday
        (date(2025, 3, 16), False),  # ordinary Sunday
        (date(2025, 3, 14), True),  # ordinary Friday
    ],
)
def test_is_working_day_vietnam(d, working):
    assert CAL.is_working_day(d) is working


def test_is_working_day_rejects_datetime():
    with pytest.raises(TypeError):
        CAL.is_working_day(vn(2025, 3, 14, 9))


def test_overrides_win_over_package():
    cal = WorkCalendar(
        extra_working_days={date(2025, 3, 15), date(2025, 9, 2)},  # a Saturday, National Day
        extra_days_off=[date(2025, 3, 17), date(2025, 4, 26)],  # a Monday, the swap Saturday
    )
    assert cal.is_working_day(date(2025, 3, 15))
    assert cal.is_working_day(date(2025, 9, 2))
    assert not cal.is_working_day(date(2025, 3, 17))
    assert not cal.is_working_day(date(2025, 4, 26))
    assert cal.is_working_day(date(2025, 3, 18))


def test_lazy_years_far_away():
    # Years are populated lazily from the package: 1/1/2040 is a Sunday, observed Mon 2/1.
    assert not CAL.is_working_day(date(2040, 1, 2))
    assert CAL.is_working_day(date(2040, 1, 3))


# --------------------------------------------------------------------------- golden: holidays


def test_tet_2025_three_days_from_friday_before_tet():
    # Received Fri 24/1/2025 10:00; Tết Nguyên đán 2025 = Mon 27/1 – Fri 31/1 (+ Sat 1/2),
    # so the 3 working days are Mon 3/2, Tue 4/2, Wed 5/2.
    assert CAL.add_working_days(vn(2025, 1, 24, 10), 3) == vn(2025, 2, 5, 10)
    assert CAL.due_at(vn(2025, 1, 24, 10), 3) == vn(2025, 2, 5, 10)
    assert CAL.working_days_between(vn(2025, 1, 24, 10), vn(2025, 2, 5, 10)) == 3


def test_received_on_tet_eve_2025():
    # Submitted online on Tết eve (Tue 28/1/2025, Giao thừa): counting starts Mon 3/2 07:00.
    received = vn(2025, 1, 28, 9)
    assert CAL.next_working_instant(received) == vn(2025, 2, 3, 7)
    assert CAL.due_at(received, 1) == vn(2025, 2, 3, 17)
    assert CAL.due_at(received, 2) == vn(2025, 2, 4, 17)
    assert CAL.due_at(received, 0) == vn(2025, 2, 3, 17)  # "trong ngày"


def test_tet_2026():
    # Tết 2026 = Mon 16/2 – Fri 20/2; received Fri 13/2/2026 10:00 + 3 -> Wed 25/2 10:00.
    assert CAL.add_working_days(vn(2026, 2, 13, 10), 3) == vn(2026, 2, 25, 10)
    # Received on Tết eve 2026 (Mon 16/2) -> from Mon 23/2 07:00.
    assert CAL.due_at(vn(2026, 2, 16, 20), 1) == vn(2026, 2, 23, 17)


def test_reunification_labour_day_and_swap_2025():
    # Sat 26/4/2025 is a working day (swapped with Fri 2/5/2025).
    assert CAL.add_working_days(vn(2025, 4, 25, 10), 1) == vn(2025, 4, 26, 10)
    assert CAL.add_working_days(vn(2025, 4, 25, 10), 2) == vn(2025, 4, 28, 10)
    # 30/4, 1/5 and the swapped 2/5 are off, then the weekend: Tue 29/4 + 1 -> Mon 5/5.
    assert CAL.add_working_days(vn(2025, 4, 29, 10), 1) == vn(2025, 5, 5, 10)
    # Received on the working Saturday itself.
    assert CAL.add_working_days(vn(2025, 4, 26, 16), "0.5") == vn(2025, 4, 28, 10, 15)


def test_national_day_2025():
    # 2/9/2025 with adjacent Mon 1/9: Fri 29/8 14:00 + 1 -> Wed 3/9 14:00.
    assert CAL.add_working_days(vn(2025, 8, 29, 14), 1) == vn(2025, 9, 3, 14)


def test_national_day_2026_with_swap():
    # Sat 22/8/2026 works (swapped with Mon 31/8/2026).
    assert CAL.add_working_days(vn(2026, 8, 21, 14), 1) == vn(2026, 8, 22, 14)
    # Mon 31/8 (swap), Tue 1/9, Wed 2/9 off: Fri 28/8 14:00 + 1 -> Thu 3/9 14:00.
    assert CAL.add_working_days(vn(2026, 8, 28, 14), 1) == vn(2026, 9, 3, 14)


def test_hung_kings_2025():
    # Giỗ Tổ Hùng Vương 2025 = Mon 7/4.
    assert CAL.add_working_days(vn(2025, 4, 4, 9), 1) == vn(2025, 4, 8, 9)


def test_hung_kings_2026_observed_and_reunification():
    # Giỗ Tổ 2026 falls on Sun 26/4, observed Mon 27/4; then 30/4 (Thu) and 1/5 (Fri).
    assert CAL.add_working_days(vn(2026, 4, 24, 9), 1) == vn(2026, 4, 28, 9)
    assert CAL.add_working_days(vn(2026, 4, 24, 9), 3) == vn(2026, 5, 4, 9)


def test_vietnam_cultural_day_2026():
    # Ngày Văn hóa Việt Nam, Tue 24/11/2026.
    assert CAL.add_working_days(vn(2026, 11, 23, 15), 1) == vn(2026, 11, 25, 15)
    # Same dates in 2025 were ordinary working days.
    assert CAL.add_working_days(vn(2025, 11, 24, 15), 1) == vn(2025, 11, 25, 15)


def test_center_overrides_change_due_dates():
    base = vn(2025, 3, 14, 10)  # Friday
    assert CAL.add_working_days(base, 1) == vn(2025, 3, 17, 10)
    saturday = WorkCalendar(extra_working_days={date(2025, 3, 15)})
    assert saturday.add_working_days(base, 1) == vn(2025, 3, 15, 10)
    day_off = WorkCalendar(extra_days_off={date(2025, 3, 17)})
    assert day_off.add_working_days(base, 1) == vn(2025, 3, 18, 10)
    # A center that does not work the national swap Saturday 26/4/2025.
    no_swap = WorkCalendar(extra_days_off={date(2025, 4, 26)})
    assert no_swap.add_working_days(vn(2025, 4, 25, 10), 1) == vn(2025, 4, 28, 10)


# --------------------------------------------------------------------------- golden: times of day

MON = (2025, 3, 10)  # an ordinary week: Mon 10/3/2025 – Fri 14/3/2025


def test_one_day_keeps_time_of_day():
    assert CAL.add_working_days(vn(*MON, 9), 1) == vn(2025, 3, 11, 9)


def test_half_day_and_one_and_a_half():
    assert CAL.add_working_days(vn(*MON, 9), 0.5) == vn(*MON, 14, 45)
    assert CAL.add_working_days(vn(*MON, 9), Decimal("1.5")) == vn(2025, 3, 11, 14, 45)
    assert CAL.add_working_days(vn(*MON, 9), "1.5") == vn(2025, 3, 11, 14, 45)
    assert CAL.add_working_days(vn(*MON, 9), Fraction(3, 2)) == vn(2025, 3, 11, 14, 45)
    assert CAL.add_working_days(vn(*MON, 7), 0.5) == vn(*MON, 11, 15)
    assert CAL.add_working_days(vn(*MON, 13), 0.5) == vn(2025, 3, 11, 7, 15)


def test_used_up_exactly_at_session_end_returns_session_end():
    assert CAL.add_working_days(vn(*MON, 7), 1) == vn(*MON, 17)
    assert CAL.add_working_days(vn(*MON, 7), Fraction(9, 17)) == vn(*MON, 11, 30)  # 4h30
    assert CAL.add_working_days(vn(*MON, 9), Fraction(5, 17)) == vn(*MON, 11, 30)  # 2h30


def test_zero_days_boundaries():
    assert CAL.add_working_days(vn(*MON, 9), 0) == vn(*MON, 9)
    assert CAL.add_working_days(vn(*MON, 11, 30), 0) == vn(*MON, 11, 30)  # session end kept
    assert CAL.add_working_days(vn(*MON, 17), 0) == vn(*MON, 17)
    assert CAL.add_working_days(vn(*MON, 12), 0) == vn(*MON, 13)
    assert CAL.add_working_days(vn(*MON, 6), 0) == vn(*MON, 7)
    assert CAL.add_working_days(vn(*MON, 18), 0) == vn(2025, 3, 11, 7)


def test_next_working_instant():
    assert CAL.next_working_instant(vn(*MON, 9)) == vn(*MON, 9)
    assert CAL.next_working_instant(vn(*MON, 7)) == vn(*MON, 7)
    assert CAL.next_working_instant(vn(*MON, 11, 30)) == vn(*MON, 13)  # end is outside
    assert CAL.next_working_instant(vn(*MON, 12)) == vn(*MON, 13)
    assert CAL.next_working_instant(vn(*MON, 17)) == vn(2025, 3, 11, 7)
    assert CAL.next_working_instant(vn(2025, 3, 14, 18)) == vn(2025, 3, 17, 7)  # Fri eve


def test_end_of_working_day():
    assert CAL.end_of_working_day(vn(*MON, 9)) == vn(*MON, 17)
    assert CAL.end_of_working_day(vn(*MON, 17)) == vn(2025, 3, 11, 17)
    assert CAL.end_of_working_day(vn(2025, 3, 16, 10)) == vn(2025, 3, 17, 17)  # Sunday


def test_within_the_day():
    # Time limit 0 ("trong ngày"): end of the working day on which processing starts.
    assert CAL.due_at(vn(*MON, 9), 0) == vn(*MON, 17)
    assert CAL.due_at(vn(*MON, 16, 59), "0") == vn(*MON, 17)
    assert CAL.due_at(vn(*MON, 18), 0) == vn(2025, 3, 11, 17)
    assert CAL.due_at(vn(2025, 3, 15, 9), 0) == vn(2025, 3, 17, 17)  # Saturday


def test_received_after_hours():
    # 18:00 Monday -> counting from Tue 07:00.
    assert CAL.due_at(vn(*MON, 18), 1) == vn(2025, 3, 11, 17)
    assert CAL.due_at(vn(*MON, 18), 0.5) == vn(2025, 3, 11, 11, 15)
    assert CAL.due_at(vn(*MON, 18), 2) == vn(2025, 3, 12, 17)


def test_received_at_lunch():
    # 12:00 -> counting from 13:00; 4h until 17:00, then 15 minutes on Tuesday.
    assert CAL.due_at(vn(*MON, 12), 0.5) == vn(2025, 3, 11, 7, 15)
    # One day = Monday afternoon (4h) + Tuesday morning (4h30): used up exactly at 11:30.
    assert CAL.due_at(vn(*MON, 12), 1) == vn(2025, 3, 11, 11, 30)
    assert CAL.due_at(vn(*MON, 12), 2) == vn(2025, 3, 12, 11, 30)


def test_received_on_sunday():
    assert CAL.due_at(vn(2025, 3, 16, 10), 1) == vn(2025, 3, 17, 17)
    assert CAL.due_at(vn(2025, 3, 16, 10), 0.5) == vn(2025, 3, 17, 11, 15)


def test_other_timezone_input_returned_in_calendar_tz():
    received = datetime(2025, 3, 10, 2, tzinfo=UTC)  # 09:00 in Hà Nội
    due = CAL.add_working_days(received, 1)
    assert due == vn(2025, 3, 11, 9)
    assert due.tzinfo == VN
    assert due.utcoffset() == timedelta(hours=7)


def test_rounding_to_whole_seconds_half_up():
    # 1 working day = 30 600 s; 1/61 200 day = 0.5 s -> rounds up to 1 s.
    assert CAL.duration_of(Fraction(1, 61_200)) == timedelta(seconds=1)
    assert CAL.duration_of(Fraction(1, 61_201)) == timedelta(0)
    assert CAL.add_working_days(vn(*MON, 9), Fraction(1, 61_200)) == vn(*MON, 9) + timedelta(
        seconds=1
    )
    assert CAL.duration_of(0.1) == timedelta(seconds=3_060)


def test_long_spans_are_fast_and_consistent():
    start = vn(2024, 1, 2, 9)
    far = CAL.add_working_days(start, 1_000)
    assert far.time() == time(9)
    assert CAL.is_working_day(far.date())
    assert CAL.working_days_between(start, far) == 1_000
    # Consistent with a day-by-day count of working days.
    n, d = 0, start.date()
    while d < far.date():
        n += CAL.is_working_day(d)
        d += timedelta(days=1)
    assert n == 1_000


# --------------------------------------------------------------------------- measuring


def test_working_time_plain_week():
    assert CAL.working_time_between(vn(*MON, 9), vn(2025, 3, 14, 9)) == 4 * CAL.day_length
    assert CAL.working_time_between(vn(*MON, 11), vn(*MON, 14)) == timedelta(hours=1, minutes=30)
    assert CAL.working_time_between(vn(*MON, 12), vn(*MON, 12, 30)) == timedelta(0)
    assert CAL.working_time_between(vn(2025, 3, 15, 8), vn(2025, 3, 16, 16)) == timedelta(0)


def test_working_time_end_before_start_is_zero():
    assert CAL.working_time_between(vn(*MON, 14), vn(*MON, 9)) == timedelta(0)
    assert CAL.working_days_between(vn(*MON, 14), vn(*MON, 9)) == 0


def test_working_time_with_supplement_pause():
    # Dossier waiting for supplements (chờ bổ sung) Tue 09:00 – Wed 09:00: one day frozen.
    pauses = [(vn(2025, 3, 11, 9), vn(2025, 3, 12, 9))]
    assert CAL.working_days_between(vn(*MON, 9), vn(2025, 3, 14, 9), pauses) == 3


def test_overlapping_pauses_not_double_counted():
    pauses = [
        (vn(2025, 3, 11, 9), vn(2025, 3, 12, 9)),
        (vn(2025, 3, 11, 14), vn(2025, 3, 13, 9)),
        (vn(2025, 3, 11, 10), vn(2025, 3, 11, 11)),  # fully inside the first one
    ]
    assert CAL.working_days_between(vn(*MON, 9), vn(2025, 3, 14, 9), pauses) == 2


def test_open_pause_runs_until_end():
    pauses = [(vn(2025, 3, 12, 9), None)]
    assert CAL.working_days_between(vn(*MON, 9), vn(2025, 3, 14, 9), pauses) == 2
    # An open pause starting after `end` removes nothing.
    later = [(vn(2025, 3, 20, 9), None)]
    assert CAL.working_days_between(vn(*MON, 9), vn(2025, 3, 14, 9), later) == 4


def test_pauses_are_clipped_to_the_interval():
    pauses = [(vn(2025, 3, 7, 9), vn(2025, 3, 10, 13))]  # starts before, ends Mon 13:00
    spent = CAL.working_time_between(vn(*MON, 9), vn(*MON, 17), pauses)
    assert spent == timedelta(hours=4)


def test_pause_ending_before_it_starts_rejected():
    with pytest.raises(ValueError, match="ends before"):
        CAL.working_time_between(vn(*MON, 9), vn(*MON, 17), [(vn(*MON, 12), vn(*MON, 10))])


def test_working_time_across_tet():
    # From the last afternoon before Tết 2025 to the first morning after.
    spent = CAL.working_time_between(vn(2025, 1, 24, 16), vn(2025, 2, 3, 8))
    assert spent == timedelta(hours=2)


# --------------------------------------------------------------------------- invalid input


def test_naive_datetimes_rejected():
    naive = datetime(2025, 3, 10, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_days(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.due_at(naive, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.next_working_instant(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_time_between(vn(*MON, 9), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_time_between(vn(*MON, 9), vn(*MON, 17), [(naive, None)])


@pytest.mark.parametrize("bad", [-1, -0.5, "-1.5", Decimal("-0.5"), Fraction(-1, 2)])
def test_negative_days_rejected(bad):
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(vn(*MON, 9), bad)
    with pytest.raises(ValueError, match="negative"):
        CAL.due_at(vn(*MON, 9), bad)


@pytest.mark.parametrize("bad", ["abc", "1,5", float("nan"), float("inf"), Decimal("NaN")])
def test_invalid_days_rejected(bad):
    with pytest.raises(ValueError):
        to_days(bad)


@pytest.mark.parametrize("bad", [True, None, [1]])
def test_days_of_wrong_type_rejected(bad):
    with pytest.raises(TypeError):
        to_days(bad)


def test_to_days_conversions():
    assert to_days(2) == 2
    assert to_days(0.1) == Fraction(1, 10)
    assert to_days("1.5") == Fraction(3, 2)
    assert to_days(" 3/2 ") == Fraction(3, 2)
    assert to_days(Decimal("0.5")) == Fraction(1, 2)


# --------------------------------------------------------------------------- properties

# Session starts/ends and the instants around them, where off-by-one bugs live.
BOUNDARY_TIMES = [
    time(0),
    time(6, 59),
    time(7),
    time(11, 29),
    time(11, 30),
    time(12),
    time(13),
    time(16, 59),
    time(17),
    time(17, 1),
    time(23, 59),
]

instants = st.builds(
    lambda d, t, utc: (
        datetime.combine(d, t, tzinfo=VN).astimezone(UTC)
        if utc
        else datetime.combine(d, t, tzinfo=VN)
    ),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    st.one_of(
        st.sampled_from(BOUNDARY_TIMES),
        st.times().map(lambda t: t.replace(microsecond=0)),
    ),
    st.booleans(),
)
half_days = st.integers(min_value=0, max_value=120).map(lambda n: Fraction(n, 2))
day_offs = st.frozensets(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 6, 30)), max_size=25
)
calendars = st.builds(lambda off: WorkCalendar(extra_days_off=off), day_offs)

PROPS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


def _in_some_closed_session(cal: WorkCalendar, t: datetime) -> bool:
    local = t.astimezone(cal.tz)
    return any(s.start <= local.time() <= s.end for s in cal.sessions)


@PROPS
@given(cal=calendars, t=instants, a=half_days, b=half_days)
def test_prop_monotonic(cal, t, a, b):
    a, b = min(a, b), max(a, b)
    assert cal.add_working_days(t, a) <= cal.add_working_days(t, b)


@PROPS
@given(cal=calendars, t=instants, a=half_days, b=half_days)
def test_prop_additive(cal, t, a, b):
    assert cal.add_working_days(cal.add_working_days(t, a), b) == cal.add_working_days(t, a + b)


@PROPS
@given(cal=calendars, t=instants, d=half_days)
def test_prop_lands_on_working_time(cal, t, d):
    result = cal.add_working_days(t, d)
    assert result.tzinfo == cal.tz
    assert result >= t
    assert cal.is_working_day(result.date())
    assert _in_some_closed_session(cal, result)
    due = cal.due_at(t, d)
    assert cal.is_working_day(due.astimezone(cal.tz).date())
    assert _in_some_closed_session(cal, due)


@PROPS
@given(cal=calendars, t=instants, d=half_days)
def test_prop_inverse(cal, t, d):
    assert cal.working_days_between(t, cal.add_working_days(t, d)) == d


@PROPS
@given(cal=calendars, a=instants, b=instants, c=instants)
def test_prop_working_time_split_and_bound(cal, a, b, c):
    a, b, c = sorted([a, b, c])
    whole = cal.working_time_between(a, c)
    assert whole == cal.working_time_between(a, b) + cal.working_time_between(b, c)
    assert timedelta(0) <= whole <= c - a


@PROPS
@given(
    cal=calendars,
    a=instants,
    c=instants,
    pauses=st.lists(st.tuples(instants, st.one_of(st.none(), instants)), max_size=4),
)
def test_prop_pauses_only_reduce(cal, a, c, pauses):
    a, c = min(a, c), max(a, c)
    ordered = [(ps, pe) if pe is None or ps <= pe else (pe, ps) for ps, pe in pauses]
    with_pauses = cal.working_time_between(a, c, ordered)
    assert timedelta(0) <= with_pauses <= cal.working_time_between(a, c)
    # Pausing twice over the same interval changes nothing.
    assert cal.working_time_between(a, c, ordered + ordered) == with_pauses
