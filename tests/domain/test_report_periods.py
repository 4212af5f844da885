"""Report periods as day ranges (domain/report_periods.py)."""

from datetime import date
from itertools import pairwise

import pytest

from motcua.domain import report_periods as rp


def test_codes_parse_to_their_days():
    m = rp.parse("month", "2026-02")
    assert (m.first, m.last, m.code, m.days) == (date(2026, 2, 1), date(2026, 2, 28), "2026-02", 28)
    q = rp.parse("quarter", "2026-q4")
    assert (q.first, q.last, q.code) == (date(2026, 10, 1), date(2026, 12, 31), "2026-Q4")
    y = rp.parse("year", "2028")
    assert (y.first, y.last, y.days) == (date(2028, 1, 1), date(2028, 12, 31), 366)


@pytest.mark.parametrize(
    "kind,code", [("month", "2026-13"), ("month", "2026"), ("quarter", "2026-Q5"),
                  ("year", "26-1"), ("week", "2026")],
)  # fmt: skip
def test_bad_codes_are_refused(kind, code):
    with pytest.raises(ValueError):
        rp.parse(kind, code)


def test_current_period_holds_today():
    today = date(2026, 11, 23)
    assert rp.current("month", today).code == "2026-11"
    assert rp.current("quarter", today).code == "2026-Q4"
    assert rp.current("year", today).code == "2026"


def test_trend_windows_end_with_the_anchor_and_do_not_overlap():
    weeks = rp.last_weeks(date(2026, 11, 25))  # a Wednesday
    assert len(weeks) == 12 and weeks[-1].first == date(2026, 11, 23)  # its Monday
    assert all(w.days == 7 for w in weeks)
    assert all(a.last.toordinal() + 1 == b.first.toordinal() for a, b in pairwise(weeks))
    months = rp.last_months(date(2026, 3, 10))
    assert [m.code for m in months[:2]] == ["2025-04", "2025-05"] and months[-1].code == "2026-03"
    assert all(a.last.toordinal() + 1 == b.first.toordinal() for a, b in pairwise(months))


def test_range_must_be_in_order():
    with pytest.raises(ValueError):
        rp.day_range(date(2026, 3, 2), date(2026, 3, 1))
