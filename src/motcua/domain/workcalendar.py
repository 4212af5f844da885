"""Working-day calendar for legal time limits (thời hạn giải quyết thủ tục hành chính).

Vietnamese administrative procedures have time limits expressed in *working days*
(ngày làm việc), possibly with halves (0.5, 1.5 …); a limit of ``0`` means "within the
day" (trong ngày).  This module turns such limits into concrete instants — the due date
printed on the receipt (hẹn trả kết quả) — and measures the working time actually spent
on a dossier, excluding pauses such as waiting for the applicant to supplement the file.

The module is pure Python (no Django).  Days off come from the ``holidays`` package
(weekends, public holidays, and the weekday/Saturday swaps it knows about) and can be
overridden per center with extra days off and extra working days.

Time model
----------
Each working day has the same sessions (ca làm việc), e.g. 07:00–11:30 and 13:00–17:00.
One working day is worth the sum of the session lengths (:attr:`WorkCalendar.day_length`,
8 h 30 in the example), so half a day is 4 h 15 of session time.

Think of a "working clock" ``P(t)``: the amount of session time on working days elapsed
up to instant ``t``.  It only advances inside sessions and is flat in lunch breaks,
evenings and days off.  Then:

* ``working_time_between(a, b) == P(b) - P(a)`` (minus pauses);
* ``add_working_days(t, d)`` for ``d > 0`` is the *earliest* instant ``x`` with
  ``P(x) == P(t) + d * day_length``.  Being the earliest, a count that is used up exactly
  at the end of a session returns that session end (11:30, 17:00), never the start of the
  next session;
* ``add_working_days(t, 0)`` returns ``t`` itself when ``t`` lies in a session of a working
  day *including its end* (so 11:30 stays 11:30), otherwise :meth:`next_working_instant`
  (12:00 becomes 13:00, Sunday becomes Monday 07:00).  This is the only choice that keeps
  ``add(add(t, a), b) == add(t, a + b)`` for every ``a, b >= 0``, because ``add(t, a)`` may
  itself be a session end.

All computations are done on local wall-clock time of the calendar's time zone
(Asia/Ho_Chi_Minh has no daylight-saving time); inputs must be timezone-aware and results
are returned in the calendar's time zone.  Precision is the microsecond; durations derived
from a number of days are whole seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from math import floor
from numbers import Rational
from zoneinfo import ZoneInfo

import holidays

__all__ = ["Session", "WorkCalendar", "to_days"]

_US_PER_SECOND = 1_000_000
#: Safety net: how many consecutive calendar days may be off before we give up.
_MAX_DAYS_OFF_IN_A_ROW = 3_660

DaysLike = int | Decimal | Fraction | float | str


# --------------------------------------------------------------------------- helpers


def _time_to_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


def _us_of_day(dt: datetime) -> int:
    """Microseconds since local midnight of a naive local datetime."""
    return _time_to_us(dt.time())


def _at(d: date, us: int) -> datetime:
    """Naive local datetime at ``us`` microseconds after midnight of ``d``."""
    return datetime(d.year, d.month, d.day) + timedelta(microseconds=us)


def to_days(days: DaysLike) -> Fraction:
    """Normalise a time limit expressed in working days to an exact :class:`Fraction`.

    Accepts ``int``, :class:`~decimal.Decimal`, :class:`~fractions.Fraction`, ``float``
    (converted through ``Decimal(str(x))`` so ``0.1`` means one tenth) and ``str``
    (``"1.5"``, ``"3/2"``).  Raises :class:`ValueError` for negative, non-finite or
    unparsable values and :class:`TypeError` for other types (including ``bool``).
    """
    if isinstance(days, bool):
        raise TypeError("days must be a number of working days, not a bool")
    original = days
    if isinstance(days, float):
        days = Decimal(str(days))
    if isinstance(days, Decimal) and not days.is_finite():
        raise ValueError(f"days must be a finite number, got {original!r}")
    if isinstance(days, str):
        try:
            value = Fraction(days.strip())
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"invalid number of working days: {days!r}") from exc
    elif isinstance(days, int | Decimal | Fraction):
        value = Fraction(days)
    elif isinstance(days, Rational):
        value = Fraction(days.numerator, days.denominator)
    else:
        raise TypeError(
            f"days must be int, Decimal, Fraction, float or str, got {type(days).__name__}"
        )
    if value < 0:
        raise ValueError(f"days must not be negative, got {original!r}")
    return value


# --------------------------------------------------------------------------- holidays cache

_HOLIDAYS_LOCK = threading.Lock()
_HOLIDAYS_BY_COUNTRY: dict[str, holidays.HolidayBase] = {}


def _package_is_working_day(country: str, d: date) -> bool:
    """Ask the ``holidays`` package, sharing one object per country.

    The object is created with ``expand=True`` so that years are populated lazily the first
    time a date of that year is looked up.  Population mutates the object, hence the lock.
    """
    with _HOLIDAYS_LOCK:
        obj = _HOLIDAYS_BY_COUNTRY.get(country)
        if obj is None:
            obj = holidays.country_holidays(country, years=d.year)  # expand=True by default
            _HOLIDAYS_BY_COUNTRY[country] = obj
        return obj.is_working_day(d)


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True, slots=True)
class Session:
    """A working session (ca làm việc) within a day, in local wall-clock time.

    ``start`` is inside the session, ``end`` is the first instant after it (half-open
    interval ``[start, end)``).  Times must be naive (the calendar carries the time zone),
    whole seconds, and ``start < end``.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise TypeError(f"Session.{name} must be a datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(
                    f"Session.{name} must be a naive local time; the time zone belongs to "
                    "the WorkCalendar"
                )
            if value.microsecond:
                raise ValueError(f"Session.{name} must be a whole number of seconds")
        if not self.start < self.end:
            raise ValueError(f"Session start must be before its end, got {self.start}–{self.end}")

    @property
    def duration(self) -> timedelta:
        """Length of the session."""
        return timedelta(microseconds=_time_to_us(self.end) - _time_to_us(self.start))


class WorkCalendar:
    """Working-day calendar of one center (Trung tâm Phục vụ hành chính công).

    Args:
        sessions: the working sessions of every working day, sorted and non-overlapping
            (touching is allowed).  Defaults to 07:00–11:30 and 13:00–17:00.
        tz: IANA time-zone name or ``tzinfo``; defaults to ``Asia/Ho_Chi_Minh``.
        extra_days_off: dates the center does not work although the national calendar
            says it should (local decisions).
        extra_working_days: dates the center works although the national calendar says
            they are off (e.g. a working Saturday from an annual decision).  A date may not
            be in both sets.  Overrides always win over the ``holidays`` package.
        country: country code for the ``holidays`` package.

    Instances are immutable in behaviour and safe to share between threads.
    """

    def __init__(
        self,
        sessions: Iterable[Session] = (
            Session(time(7), time(11, 30)),
            Session(time(13), time(17)),
        ),
        tz: str | tzinfo = "Asia/Ho_Chi_Minh",
        extra_days_off: Iterable[date] = frozenset(),
        extra_working_days: Iterable[date] = frozenset(),
        country: str = "VN",
    ) -> None:
        sessions = tuple(sessions)
        if not sessions:
            raise ValueError("a WorkCalendar needs at least one session")
        for s in sessions:
            if not isinstance(s, Session):
                raise TypeError(f"sessions must be Session instances, got {s!r}")
        for prev, nxt in zip(sessions, sessions[1:], strict=False):
            if nxt.start < prev.end:
                raise ValueError(
                    "sessions must be sorted and must not overlap: "
                    f"{prev.start}–{prev.end} then {nxt.start}–{nxt.end}"
                )
        self._sessions: tuple[Session, ...] = sessions
        self._spans: tuple[tuple[int, int], ...] = tuple(
            (_time_to_us(s.start), _time_to_us(s.end)) for s in sessions
        )
        self._day_us: int = sum(e - s for s, e in self._spans)

        if isinstance(tz, str):
            tz = ZoneInfo(tz)
        if not isinstance(tz, tzinfo):
            raise TypeError(f"tz must be a time-zone name or tzinfo, got {tz!r}")
        self._tz: tzinfo = tz

        self._extra_days_off = self._date_set(extra_days_off, "extra_days_off")
        self._extra_working_days = self._date_set(extra_working_days, "extra_working_days")
        both = self._extra_days_off & self._extra_working_days
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"dates both in extra_days_off and extra_working_days: {listed}")

        self._country = country
        # Fail early on an unknown country code.
        holidays.country_holidays(country, years=())
        self._day_cache: dict[date, bool] = {}

    @staticmethod
    def _date_set(values: Iterable[date], name: str) -> frozenset[date]:
        out = frozenset(values)
        for d in out:
            if isinstance(d, datetime) or not isinstance(d, date):
                raise TypeError(f"{name} must contain datetime.date values, got {d!r}")
        return out

    # ----------------------------------------------------------------- read-only info

    @property
    def sessions(self) -> tuple[Session, ...]:
        return self._sessions

    @property
    def tz(self) -> tzinfo:
        return self._tz

    @property
    def extra_days_off(self) -> frozenset[date]:
        return self._extra_days_off

    @property
    def extra_working_days(self) -> frozenset[date]:
        return self._extra_working_days

    @property
    def day_length(self) -> timedelta:
        """Length of one working day (một ngày làm việc): the sum of the sessions."""
        return timedelta(microseconds=self._day_us)

    def __repr__(self) -> str:
        spans = ", ".join(f"{s.start:%H:%M}-{s.end:%H:%M}" for s in self._sessions)
        return (
            f"WorkCalendar(sessions=[{spans}], tz={self._tz}, country={self._country!r}, "
            f"extra_days_off={len(self._extra_days_off)}, "
            f"extra_working_days={len(self._extra_working_days)})"
        )

    # ----------------------------------------------------------------- days

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (ngày làm việc) for this center.

        Center overrides are checked first, then the ``holidays`` package (weekends,
        public holidays, observed days and the official weekday/Saturday swaps).
        """
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(
                f"is_working_day() takes a datetime.date, got {d!r}; "
                "convert instants to the calendar's local date first"
            )
        cached = self._day_cache.get(d)
        if cached is not None:
            return cached
        if d in self._extra_working_days:
            result = True
        elif d in self._extra_days_off:
            result = False
        else:
            result = _package_is_working_day(self._country, d)
        self._day_cache[d] = result
        return result

    def _next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within {_MAX_DAYS_OFF_IN_A_ROW} days after {d}")

    # ----------------------------------------------------------------- conversions

    def _to_local(self, t: datetime, name: str = "datetime") -> datetime:
        if not isinstance(t, datetime):
            raise TypeError(f"{name} must be a datetime, got {t!r}")
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(
                f"{name} must be timezone-aware (got naive {t.isoformat()}); "
                "attach a tzinfo, e.g. ZoneInfo('Asia/Ho_Chi_Minh')"
            )
        return t.astimezone(self._tz).replace(tzinfo=None)

    def _from_local(self, naive: datetime) -> datetime:
        return naive.replace(tzinfo=self._tz)

    def duration_of(self, days: DaysLike) -> timedelta:
        """Working time worth ``days`` working days, as a whole number of seconds.

        ``days * day_length`` is rounded to the nearest second, halves rounded up (only
        relevant for unusual fractions such as 1/7 of a day).
        """
        return timedelta(microseconds=self._days_to_us(days))

    def _days_to_us(self, days: DaysLike) -> int:
        seconds = to_days(days) * Fraction(self._day_us, _US_PER_SECOND)
        return floor(seconds + Fraction(1, 2)) * _US_PER_SECOND

    # ----------------------------------------------------------------- within a day

    def _worked_before(self, us: int) -> int:
        """Session time of one working day elapsed before time-of-day ``us``."""
        total = 0
        for s, e in self._spans:
            if us <= s:
                break
            total += min(us, e) - s
        return total

    def _time_for_offset(self, offset: int) -> int:
        """Earliest time-of-day at which ``offset`` session time has elapsed (0 < offset <= L).

        At a boundary between two sessions the end of the earlier session is returned.
        """
        cum = 0
        for s, e in self._spans:
            length = e - s
            if offset <= cum + length:
                return s + (offset - cum)
            cum += length
        raise AssertionError("offset beyond the working day")  # pragma: no cover

    def _in_closed_session(self, us: int) -> bool:
        return any(s <= us <= e for s, e in self._spans)

    # ----------------------------------------------------------------- instants

    def _next_working_instant_local(self, x: datetime) -> datetime:
        d, us = x.date(), _us_of_day(x)
        if self.is_working_day(d):
            for s, e in self._spans:
                if us < e:
                    return x if us >= s else _at(d, s)
        return _at(self._next_working_day(d), self._spans[0][0])

    def next_working_instant(self, t: datetime) -> datetime:
        """``t`` itself if it lies inside a session of a working day, else the start of the
        next session on a working day.

        Sessions are half-open: an instant exactly at a session end (11:30, 17:00) is
        outside, so 11:30 gives 13:00 and 17:00 gives 07:00 of the next working day.
        """
        return self._from_local(self._next_working_instant_local(self._to_local(t, "t")))

    def end_of_working_day(self, t: datetime) -> datetime:
        """End of the last session of the working day of ``next_working_instant(t)``.

        E.g. 09:00 Monday -> 17:00 Monday; 18:00 Monday or 17:00 Monday -> 17:00 Tuesday;
        Sunday -> 17:00 Monday.
        """
        n = self._next_working_instant_local(self._to_local(t, "t"))
        return self._from_local(_at(n.date(), self._spans[-1][1]))

    def _add_us(self, x: datetime, amount: int) -> datetime:
        """Core of :meth:`add_working_days`, on naive local time and microseconds."""
        d, us = x.date(), _us_of_day(x)
        if amount == 0:
            if self.is_working_day(d) and self._in_closed_session(us):
                return x
            return self._next_working_instant_local(x)
        if self.is_working_day(d):
            offset = self._worked_before(us)
        else:
            d, offset = self._next_working_day(d), 0
        remaining_today = self._day_us - offset
        if amount <= remaining_today:
            return _at(d, self._time_for_offset(offset + amount))
        amount -= remaining_today
        while True:
            d = self._next_working_day(d)
            if amount <= self._day_us:
                return _at(d, self._time_for_offset(amount))
            amount -= self._day_us

    def add_working_days(self, start: datetime, days: DaysLike) -> datetime:
        """Instant reached after ``days`` working days of session time from ``start``.

        Counting starts at ``next_working_instant(start)`` when ``start`` is outside working
        time.  With the default sessions, 1 day from Monday 09:00 is Tuesday 09:00, 0.5 day
        (4 h 15) from Monday 09:00 is Monday 14:45, and 1 day from Monday 07:00 is Monday
        17:00 (a count used up exactly at a session end returns that end).

        ``days == 0`` returns ``start`` if it lies in a session of a working day, session
        end included (11:30 stays 11:30), otherwise ``next_working_instant(start)``.  This
        keeps the operation monotonic in ``days`` and additive:
        ``add_working_days(add_working_days(t, a), b) == add_working_days(t, a + b)``.

        ``days`` may be int, Decimal, Fraction, float or str (see :func:`to_days`); the
        resulting working time is rounded to a whole second, halves up.
        """
        amount = self._days_to_us(days)
        return self._from_local(self._add_us(self._to_local(start, "start"), amount))

    def due_at(self, received_at: datetime, time_limit_days: DaysLike) -> datetime:
        """Due date (hẹn trả kết quả) of a dossier received at ``received_at``.

        A limit of 0 means "within the day" (trong ngày): the end of the working day on
        which processing can start, i.e. ``end_of_working_day(received_at)``.  Note that
        this can be later than a 0.5-day limit received in the morning.  Any other limit
        is ``add_working_days(received_at, time_limit_days)``.
        """
        if to_days(time_limit_days) == 0:
            return self.end_of_working_day(received_at)
        return self.add_working_days(received_at, time_limit_days)

    # ----------------------------------------------------------------- measuring

    def _working_us(self, a: datetime, b: datetime) -> int:
        """Session time on working days in ``[a, b]`` (naive local, ``a <= b``)."""
        da, db = a.date(), b.date()
        if da == db:
            if not self.is_working_day(da):
                return 0
            return self._worked_before(_us_of_day(b)) - self._worked_before(_us_of_day(a))
        total = 0
        if self.is_working_day(da):
            total += self._day_us - self._worked_before(_us_of_day(a))
        if self.is_working_day(db):
            total += self._worked_before(_us_of_day(b))
        d = da + timedelta(days=1)
        one = timedelta(days=1)
        full_days = 0
        while d < db:
            if self.is_working_day(d):
                full_days += 1
            d += one
        return total + full_days * self._day_us

    def working_time_between(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[tuple[datetime, datetime | None]] = (),
    ) -> timedelta:
        """Working time inside sessions of working days between ``start`` and ``end``.

        ``pauses`` is an iterable of ``(pause_start, pause_end)`` pairs (e.g. waiting for
        the applicant to supplement the dossier — chờ bổ sung hồ sơ); ``pause_end=None``
        means the pause is still running, i.e. until ``end``.  Pauses are clipped to
        ``[start, end]`` and merged, so overlapping pauses are not subtracted twice.
        Returns ``timedelta(0)`` when ``end <= start``.
        """
        a = self._to_local(start, "start")
        b = self._to_local(end, "end")
        if b <= a:
            return timedelta(0)
        clipped: list[tuple[datetime, datetime]] = []
        for i, pause in enumerate(pauses):
            try:
                p_start, p_end = pause
            except (TypeError, ValueError) as exc:
                raise ValueError(f"pause #{i} must be a (start, end) pair, got {pause!r}") from exc
            ps = self._to_local(p_start, f"pause #{i} start")
            if p_end is None:  # still paused: runs until `end` (empty if it starts later)
                pe = b
            else:
                pe = self._to_local(p_end, f"pause #{i} end")
                if pe < ps:
                    raise ValueError(f"pause #{i} ends before it starts: {p_start} > {p_end}")
            ps, pe = max(ps, a), min(pe, b)
            if ps < pe:
                clipped.append((ps, pe))
        clipped.sort()
        merged: list[tuple[datetime, datetime]] = []
        for ps, pe in clipped:
            if merged and ps <= merged[-1][1]:
                if pe > merged[-1][1]:
                    merged[-1] = (merged[-1][0], pe)
            else:
                merged.append((ps, pe))
        total = self._working_us(a, b) - sum(self._working_us(ps, pe) for ps, pe in merged)
        return timedelta(microseconds=total)

    def working_days_between(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[tuple[datetime, datetime | None]] = (),
    ) -> Fraction:
        """:meth:`working_time_between` expressed in working days (exact fraction)."""
        spent = self.working_time_between(start, end, pauses)
        return Fraction(spent // timedelta(microseconds=1), self._day_us)
