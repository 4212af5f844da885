"""The legal deadline clock: pauses, the effective appointment, early / on time / late.

Rules (domain reference, Decision 766 index 2.1):
- time waiting for the applicant's supplement, and time to fulfil financial obligations, is not
  counted: the appointment moves later by the working time spent paused;
- more than one supplement request during processing counts as late;
- a dossier that needed the apology (Mẫu 04) with a new appointment is late against the original;
  whether the renewed appointment was kept is reported beside it;
- "early" (trước hạn) means finished on a day before the appointment's day; "on time" (đúng hạn)
  means finished at or before the appointment (a configurable reading: see `early_means`);
- a dossier still in progress at the end of a period is on time if the period ends at or before
  its (effective) appointment, overdue otherwise.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Literal

from motcua.domain.workcalendar import WorkCalendar

Outcome = Literal["early", "on_time", "late"]


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None  # None: still paused
    kind: Literal["supplement", "financial"] = "supplement"


def paused_working_time(
    calendar: WorkCalendar, pauses: list[Pause], *, until: datetime
) -> timedelta:
    """Working time inside the union of the pauses, open pauses counted up to `until`."""
    if not pauses:
        return timedelta(0)
    start = min(p.start for p in pauses)
    if until <= start:
        return timedelta(0)
    total = calendar.working_time_between(start, until)
    counted = calendar.working_time_between(start, until, pauses=[(p.start, p.end) for p in pauses])
    return total - counted


def effective_due(
    calendar: WorkCalendar, due_at: datetime, pauses: list[Pause], *, until: datetime
) -> datetime:
    """The appointment moved later by the working time spent paused (up to `until`)."""
    paused = paused_working_time(calendar, pauses, until=until)
    if paused <= timedelta(0):
        return due_at
    days = Fraction(int(paused.total_seconds()), int(calendar.day_length.total_seconds()))
    return calendar.add_working_days(due_at, days)


def renewed_due(
    calendar: WorkCalendar, new_due_at: datetime, pauses: list[Pause],
    apology_at: datetime | None, *, until: datetime,
) -> datetime:  # fmt: skip
    """The apology's renewed appointment (Mẫu 04) moved by the pauses after it: it was set
    knowing those before (`apology_at` None: every pause counts)."""
    later = [p for p in pauses if apology_at is None or p.end is None or p.end > apology_at]
    return effective_due(calendar, new_due_at, later, until=until)


@dataclass(frozen=True)
class Completion:
    outcome: Outcome
    effective_due: datetime
    renewed_kept: bool | None = None  # only when an apology set a new appointment


def classify_finished(
    calendar: WorkCalendar,
    *,
    finished_at: datetime,
    due_at: datetime,
    pauses: list[Pause] = (),
    supplement_requests: int = 0,
    new_due_at: datetime | None = None,
    apology_at: datetime | None = None,
    early_means: Literal["earlier_day", "any_earlier"] = "earlier_day",
) -> Completion:
    """Early / on time / late for a finished dossier (result issued, returned, refused…).

    The renewed appointment of an apology (Mẫu 04) was set knowing the pauses before it: only
    pauses that end after `apology_at` move it.
    """
    due = effective_due(calendar, due_at, list(pauses), until=finished_at)
    renewed_kept = None
    if new_due_at is not None:
        renewed = renewed_due(calendar, new_due_at, list(pauses), apology_at, until=finished_at)
        renewed_kept = finished_at <= renewed
        return Completion("late", due, renewed_kept)
    if supplement_requests > 1 or finished_at > due:
        return Completion("late", due)
    tz = calendar.tz
    earlier = (
        finished_at.astimezone(tz).date() < due.astimezone(tz).date()
        if early_means == "earlier_day"
        else finished_at < due
    )
    return Completion("early" if earlier else "on_time", due)


def in_progress_on_time(
    calendar: WorkCalendar,
    *,
    period_end: datetime,
    due_at: datetime,
    pauses: list[Pause] = (),
    supplement_requests: int = 0,
    new_due_at: datetime | None = None,
) -> bool:
    """Judged at the period end: still within the (effective) appointment?"""
    if supplement_requests > 1 or new_due_at is not None:
        return False
    return period_end <= effective_due(calendar, due_at, list(pauses), until=period_end)
