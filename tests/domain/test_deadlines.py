"""Golden cases for the deadline clock (hand-computed with the Cần Thơ sessions 07:00–11:30,
13:00–17:00 and the Vietnamese calendar)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from motcua.domain.deadlines import (
    Pause,
    classify_finished,
    effective_due,
    in_progress_on_time,
    paused_working_time,
)
from motcua.domain.workcalendar import Session, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(sessions=(Session(time(7), time(11, 30)), Session(time(13), time(17))), tz=VN)


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN)


RECEIVED = at(2026, 3, 2)  # Monday 09:00
DUE = CAL.add_working_days(RECEIVED, 5)  # Monday 9/3 09:00


def test_due_is_five_working_days_later():
    assert at(2026, 3, 9) == DUE


def test_supplement_wait_moves_the_appointment_by_the_working_time_waited():
    # Waiting from Wed 4/3 09:00 to Fri 6/3 09:00 = 2 working days.
    pause = Pause(at(2026, 3, 4), at(2026, 3, 6))
    assert (
        paused_working_time(CAL, [pause], until=at(2026, 3, 12)).total_seconds() == 2 * 8.5 * 3600
    )
    assert effective_due(CAL, DUE, [pause], until=at(2026, 3, 12)) == at(2026, 3, 11)
    result = classify_finished(CAL, finished_at=at(2026, 3, 11, 8), due_at=DUE, pauses=[pause],
                               supplement_requests=1)  # fmt: skip
    assert result.outcome == "on_time"
    assert classify_finished(CAL, finished_at=at(2026, 3, 11, 8), due_at=DUE).outcome == "late"


def test_financial_obligation_pause_is_not_counted_either():
    pause = Pause(at(2026, 3, 3), at(2026, 3, 4), kind="financial")  # one working day
    finished = at(2026, 3, 10, 8)  # the appointment moved from Mon 9/3 to Tue 10/3 09:00
    assert classify_finished(CAL, finished_at=finished, due_at=DUE, pauses=[pause]).outcome == (
        "on_time"
    )
    assert classify_finished(CAL, finished_at=finished, due_at=DUE).outcome == "late"


def test_overlapping_pauses_count_once():
    pauses = [Pause(at(2026, 3, 3), at(2026, 3, 5)), Pause(at(2026, 3, 4), at(2026, 3, 5))]
    assert effective_due(CAL, DUE, pauses, until=at(2026, 3, 20)) == at(2026, 3, 11)


def test_two_supplement_requests_count_as_late_even_when_early():
    result = classify_finished(CAL, finished_at=at(2026, 3, 4), due_at=DUE, supplement_requests=2)
    assert result.outcome == "late"


def test_early_means_a_day_before_the_appointment_day():
    assert classify_finished(CAL, finished_at=at(2026, 3, 6, 16), due_at=DUE).outcome == "early"
    assert classify_finished(CAL, finished_at=at(2026, 3, 9, 8), due_at=DUE).outcome == "on_time"
    assert classify_finished(CAL, finished_at=at(2026, 3, 9, 8), due_at=DUE,
                             early_means="any_earlier").outcome == "early"  # fmt: skip


def test_apology_with_new_appointment_is_late_and_records_whether_it_was_kept():
    new_due = at(2026, 3, 12)
    kept = classify_finished(CAL, finished_at=at(2026, 3, 11), due_at=DUE, new_due_at=new_due)
    missed = classify_finished(CAL, finished_at=at(2026, 3, 13), due_at=DUE, new_due_at=new_due)
    assert (kept.outcome, kept.renewed_kept) == ("late", True)
    assert (missed.outcome, missed.renewed_kept) == ("late", False)


def test_received_after_hours_the_clock_starts_next_morning():
    # Friday 18:30 + 1 working day → Monday 17:00 (Mon 07:00 start + 8h30).
    assert CAL.due_at(at(2026, 3, 6, 18, 30), 1) == at(2026, 3, 9, 17)


def test_steps_crossing_tet_2026():
    # Fri 13/2/2026 10:00 + 2 days: Tết holidays Mon 16/2–Fri 20/2 → Tue 24/2 10:00.
    assert CAL.add_working_days(at(2026, 2, 13, 10), 2) == at(2026, 2, 24, 10)


def test_in_progress_judged_at_period_end():
    assert in_progress_on_time(CAL, period_end=at(2026, 3, 9, 8), due_at=DUE)
    assert not in_progress_on_time(CAL, period_end=at(2026, 3, 10), due_at=DUE)
    open_pause = Pause(at(2026, 3, 6), None)  # still waiting for the applicant
    assert in_progress_on_time(CAL, period_end=at(2026, 3, 10), due_at=DUE, pauses=[open_pause])


def test_pauses_before_the_apology_do_not_move_the_renewed_appointment():
    earlier = Pause(at(2026, 3, 3), at(2026, 3, 4))  # one working day, before the apology
    new_due = at(2026, 3, 12)
    result = classify_finished(CAL, finished_at=at(2026, 3, 12, 16), due_at=DUE, pauses=[earlier],
                               new_due_at=new_due, apology_at=at(2026, 3, 6))  # fmt: skip
    assert (result.outcome, result.renewed_kept) == ("late", False)
    later = Pause(at(2026, 3, 9), at(2026, 3, 10))  # after the apology: moves it to 13/3
    result = classify_finished(CAL, finished_at=at(2026, 3, 12, 16), due_at=DUE,
                               pauses=[earlier, later], new_due_at=new_due,
                               apology_at=at(2026, 3, 6))  # fmt: skip
    assert result.renewed_kept is True
