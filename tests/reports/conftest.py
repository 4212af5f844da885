from datetime import date, datetime

from motcua.reports import selectors
from tests.factories import VN
from tests.workflow.test_runtime_support import people_fixture  # noqa: F401  (fixture)


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def period(start: date, end: date, now: datetime | None = None):
    """The days start..end, judged at their end (tests do not depend on today's date)."""
    return selectors.period_of(start, end, now=now or vn(2030, 1, 1))
