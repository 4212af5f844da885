"""The summary counts (reports.counts, KpiCount) give exactly the figures of the straight query
over the fact rows, on random rows written, rewritten and deleted through the services, for
random periods of whole days, judged at their end or earlier, and several scopes."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.domain import kpi
from motcua.reports import counts, selectors, services
from motcua.reports.models import DossierRecord, KpiCount
from tests import factories
from tests.factories import VN

pytestmark = pytest.mark.django_db

FIRST = datetime(2025, 12, 1, tzinfo=VN)
DAYS = 120  # 1/12/2025 … 30/3/2026: a year end, month ends, a leap of months


@st.composite
def instants(draw, after: datetime | None = None) -> datetime:
    """Around midnights (exactly, 1 µs either side) as often as anywhere in a day."""
    base = after or FIRST
    day = draw(st.integers(0, max(0, DAYS - (after - FIRST).days) if after else DAYS))
    midnight = datetime.combine(base.date() + timedelta(days=day), datetime.min.time(), VN)
    offset = draw(
        st.one_of(
            st.sampled_from([timedelta(0), timedelta(microseconds=1), -timedelta(microseconds=1)]),
            st.timedeltas(timedelta(0), timedelta(days=1)),
        )
    )
    return max(midnight + offset, base)


@st.composite
def rows(draw) -> dict:
    received = draw(instants())
    ended = draw(st.one_of(st.none(), instants(after=received)))
    maybe = lambda: draw(st.one_of(st.none(), instants()))  # noqa: E731
    return {
        "scope": draw(st.integers(0, 3)),
        "channel": draw(st.sampled_from(["counter", "online", "postal"])),
        "received_at": received,
        "due_at": received + timedelta(days=5),
        "ended_at": ended,
        "end_kind": draw(st.sampled_from(["result", "returned", "refused", "withdrawn"]))
        if ended
        else "",
        "outcome": draw(st.sampled_from(["early", "on_time", "late"])) if ended else "",
        "renewed_kept": draw(st.one_of(st.none(), st.booleans())),
        "on_time_until": maybe(),
        "late_from": maybe(),
        "returned_at": maybe(),
        "result_electronic": draw(st.booleans()),
        "components_digitized": draw(st.booleans()),
        "data_reused": draw(st.booleans()),
        "fee_total": draw(st.sampled_from([0, 0, 50000])),
        "paid_online": draw(st.booleans()),
        "dissatisfied": draw(st.booleans()),
        "resolution_days": draw(
            st.one_of(st.none(), st.decimals(0, 60, places=4, allow_nan=False))
        ),
        "d61_time": draw(st.one_of(st.none(), st.integers(0, 2))),
        "d61_agency_time": draw(st.one_of(st.none(), st.integers(0, 2))),
        "d61_contacts": draw(st.one_of(st.none(), st.integers(0, 2))),
        "d61_attitude": draw(st.one_of(st.none(), st.integers(0, 2))),
    }


@st.composite
def periods(draw):
    start = draw(st.integers(0, DAYS))
    length = draw(st.sampled_from([1, 7, 31, 59, 90, DAYS]))
    first = FIRST.date() + timedelta(days=start)
    last = first + timedelta(days=length - 1)
    judged = draw(st.one_of(st.none(), instants()))
    return first, last, judged


@pytest.fixture
def places(version, center):
    other = factories.center("xa-an-binh", level="commune", agency_code="000.01.02.H13")
    second, _ = factories.procedure(
        "1.001193", "Đăng ký khai sinh", agency_code="000.01.02.H13", field="Hộ tịch"
    )
    # (center, unit, agency, field, procedure) of the four scopes a row may fall in
    return [
        (center, center.unit, version.agency, version.field, version.procedure),
        (center, center.unit, second.agency, second.field, second.procedure),
        (other, other.unit, second.agency, second.field, second.procedure),
        (other, None, version.agency, None, version.procedure),
    ]


def _values(row: dict, places, code: str) -> dict:
    c, unit, agency, field, procedure = places[row["scope"]]
    values = {k: v for k, v in row.items() if k != "scope"}
    return dict(
        values, code=code, center=c, unit=unit, agency=agency, receiving_agency=c.agency,
        field=field, procedure=procedure, status="x",
    )  # fmt: skip


def _same(p, scope):
    fast = selectors.kpi_figures(p, scope)
    slow = selectors.kpi_figures(p, scope, from_counts=False)
    assert fast.counts == slow.counts
    for name, f in slow.figures.items():
        g = fast.figures[name]
        assert (g.numerator, g.denominator, g.value) == (f.numerator, f.denominator, f.value)
    assert fast.evaluation == slow.evaluation


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    written=st.lists(rows(), min_size=1, max_size=25),
    rewritten=st.lists(st.tuples(st.integers(0, 24), rows()), max_size=8),
    deleted=st.sets(st.integers(0, 24), max_size=4),
    asked=st.lists(periods(), min_size=1, max_size=4),
)
def test_counts_give_the_figures_of_the_rows(places, written, rewritten, deleted, asked):
    DossierRecord.objects.all().delete()
    KpiCount.objects.all().delete()
    for i, row in enumerate(written):
        services.put_record(values=_values(row, places, f"R{i}"))
    for i, row in rewritten:  # a fact changes: the counts move by the difference
        if i < len(written):
            services.put_record(values=_values(row, places, f"R{i}"))
    services.delete_records(
        records=DossierRecord.objects.filter(code__in=[f"R{i}" for i in deleted])
    )
    center, unit, agency, field, procedure = places[1]
    scopes = [
        selectors.Scope(), selectors.Scope(center=center.pk), selectors.Scope(agency=agency.pk),
        selectors.Scope(procedure=procedure.pk), selectors.Scope(unit=unit.pk),
        selectors.Scope(field=field.pk), selectors.Scope(center_in=frozenset({places[2][0].pk})),
    ]  # fmt: skip
    for first, last, judged in asked:
        p = selectors.period_of(first, last, now=judged or datetime(2030, 1, 1, tzinfo=VN))
        for scope in scopes:
            _same(p, scope)
    # Recomputing from the rows gives the counts kept along the way.
    kept = _table()
    services.rebuild_counts()
    assert _table() == kept


def _table() -> dict:
    rows = KpiCount.objects.values("grain", "start", *counts.KEYS, *counts.COLUMNS)
    out = {}
    for r in rows:
        values = tuple(r[c] for c in counts.COLUMNS)
        if any(values):
            out[(r["grain"], r["start"], *(r[k] for k in counts.KEYS))] = values
    return out


def _plain(**kw) -> dict:
    received = datetime(2026, 3, 2, 9, tzinfo=VN)
    row = dict(
        scope=0, channel="online", received_at=received, due_at=received + timedelta(days=5),
        ended_at=None, end_kind="", outcome="", renewed_kept=None, on_time_until=None,
        late_from=None, returned_at=None, result_electronic=False, components_digitized=True,
        data_reused=False, fee_total=0, paid_online=False, dissatisfied=False,
        resolution_days=None, d61_time=None, d61_agency_time=None, d61_contacts=None, d61_attitude=None,
    )  # fmt: skip
    return {**row, **kw}


def test_a_period_not_of_whole_days_is_read_from_the_rows(places):
    services.put_record(values=_values(_plain(), places, "X"))
    p = kpi.Period(datetime(2026, 3, 2, 8, tzinfo=VN), datetime(2026, 3, 2, 10, tzinfo=VN))
    assert counts.local_day(p.start) is None
    assert selectors.kpi_figures(p).counts["received_new"] == 1
    _same(p, selectors.Scope())


def test_counts_move_with_a_fact_and_leave_with_the_row(places):
    services.put_record(values=_values(_plain(), places, "X"))
    day = KpiCount.objects.get(grain="d", start=date(2026, 3, 2))
    assert (day.new, day.new_online, day.components_digitized, day.fin) == (1, 1, 1, 0)
    ended = datetime(2026, 3, 5, 10, tzinfo=VN)
    services.put_record(values=_values(
        _plain(ended_at=ended, end_kind="result", outcome="early", resolution_days=Decimal("2.1176")),
        places, "X",
    ))  # fmt: skip
    month = KpiCount.objects.get(grain="m", start=date(2026, 3, 1))
    assert (month.new, month.fin, month.early, month.resolution_units) == (1, 1, 1, 21176)
    services.delete_records(records=DossierRecord.objects.filter(code="X"))
    assert not any(
        any(r[c] for c in counts.COLUMNS) for r in KpiCount.objects.values(*counts.COLUMNS)
    )


def test_buckets_cover_a_period_exactly():
    assert counts.ranges_between(date(2025, 12, 30), date(2027, 2, 3)) == [
        ("d", date(2025, 12, 30), date(2026, 1, 1)),
        ("y", date(2026, 1, 1), date(2027, 1, 1)),
        ("m", date(2027, 1, 1), date(2027, 2, 1)),
        ("d", date(2027, 2, 1), date(2027, 2, 3)),
    ]
    assert counts.ranges_between(date(2026, 3, 1), date(2026, 4, 1)) == [
        ("m", date(2026, 3, 1), date(2026, 4, 1))
    ]


def test_a_row_cannot_end_before_it_was_received(places):
    from django.db import IntegrityError

    row = _plain(ended_at=datetime(2026, 3, 2, 8, tzinfo=VN), end_kind="result", outcome="early")
    with pytest.raises(IntegrityError):
        services.put_record(values=_values(row, places, "Y"))


def test_rows_inserted_in_bulk_are_counted(places):
    """The history import inserts rows with bulk_create, then counts them."""
    rows = [
        DossierRecord(**_values(_plain(scope=i % 4, channel=c), places, f"H{i}"))
        for i, c in enumerate(["counter", "online", "postal"] * 5)
    ]
    DossierRecord.objects.bulk_create(rows)
    services.count_new_records(records=rows)
    kept = _table()
    services.rebuild_counts()
    assert _table() == kept and kept
    p = selectors.period_of(
        date(2026, 3, 1), date(2026, 3, 31), now=datetime(2030, 1, 1, tzinfo=VN)
    )
    assert selectors.kpi_figures(p).counts["received_new"] == 15
