"""The reads added for the pages agree with kpi_figures on the golden rows: per agency × field
(the periodic report), per period (the trends), today's deadlines per agency."""

from datetime import timedelta

import pytest

from motcua.catalog.models import Field, Procedure
from motcua.directory.models import Agency
from motcua.domain import kpi
from motcua.reports import selectors, services
from motcua.reports.models import DossierRecord
from tests.domain.test_kpi import MARCH, at
from tests.reports.test_selectors import PERIODS, rows  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

# D, E and M move to the second agency's procedure (field "Hộ tịch"); B loses its field.
MOVED, FIELDLESS = "DEM", "B"


@pytest.fixture
def varied(rows):  # noqa: F811
    other = Agency.objects.get(code="000.01.02.H13")
    proc = Procedure.objects.get(code="1.001193")
    field = Field.objects.get(name="Hộ tịch")
    DossierRecord.objects.filter(code__in=MOVED).update(agency=other, procedure=proc, field=field)
    DossierRecord.objects.filter(code__in=FIELDLESS).update(field=None)
    services.rebuild_counts()  # the rows were moved behind the services' back
    return other


@pytest.mark.parametrize("name", PERIODS)
def test_grouped_counts_add_up_to_kpi_figures(varied, version, name):
    p = PERIODS[name]
    grouped = selectors.grouped_counts(p, by=("agency", "field"))
    whole = selectors.kpi_figures(p).counts
    for key in selectors.REPORT_COUNTS:
        assert sum(g[key] for g in grouped.values()) == whole[key], key
    for agency in (version.agency, varied):
        mine = [g for (a, _f), g in grouped.items() if a == agency.pk]
        expected = selectors.kpi_figures(p, selectors.Scope(agency=agency.pk)).counts
        for key in selectors.REPORT_COUNTS:
            assert sum(g[key] for g in mine) == expected[key], (agency.code, key)
    for (agency_id, field_id), counts in grouped.items():
        if field_id is None:
            continue
        scope = selectors.Scope(agency=agency_id, field=field_id)
        expected = selectors.kpi_figures(p, scope).counts
        assert counts == {k: expected[k] for k in selectors.REPORT_COUNTS}


def test_grouped_counts_in_march_by_agency(varied, version):
    grouped = selectors.grouped_counts(MARCH, by=("agency",))
    assert grouped[(varied.pk,)]["received"] == 3  # D, E, M
    assert grouped[(varied.pk,)]["finished_late"] == 3
    assert grouped[(version.agency_id,)]["received"] == 8
    with pytest.raises(ValueError):
        selectors.grouped_counts(MARCH, by=("channel",))


def test_grouped_counts_respect_the_scope(varied, center):
    grouped = selectors.grouped_counts(MARCH, selectors.Scope(center_in=frozenset({center.pk})))
    assert sum(g["received"] for g in grouped.values()) == 8  # all but D, G, L


def test_series_equals_kpi_figures_of_each_period(rows, center):  # noqa: F811
    periods = list(PERIODS.values())
    for scope in (selectors.Scope(), selectors.Scope(center=center.pk)):
        points = selectors.series(periods, scope, names=("received", "on_time", "returned"))
        for p, point in zip(periods, points, strict=True):
            # Whole days: the trend is read from the summary counts; the rows agree.
            counts = selectors.kpi_figures(p, scope, from_counts=False).counts
            assert point == {n: counts[n] for n in ("received", "on_time", "returned")}
    # Periods not of whole days: one query over the fact rows, the same figures.
    shifted = [kpi.Period(p.start + timedelta(hours=1), p.end, p.judged_at) for p in periods]
    points = selectors.series(shifted, names=("received", "on_time"))
    for p, point in zip(shifted, points, strict=True):
        counts = selectors.kpi_figures(p).counts
        assert point == {n: counts[n] for n in ("received", "on_time")}
    assert selectors.series([]) == []


def test_deadlines_of_a_day_are_judged_as_kpi_figures_judges_them(varied, version):
    """Monday 23/3 at 10:00: G (due 23/3 09:00) is overdue; F not received yet; L paused."""
    day = kpi.Period(at(3, 23, 0), at(3, 24, 0), judged_at=at(3, 23, 10))
    counts = selectors.deadline_counts(day)
    figures = selectors.kpi_figures(day).counts
    assert sum(c["in_progress_overdue"] for c in counts.values()) == figures["in_progress_overdue"]
    assert sum(c["in_progress_on_time"] for c in counts.values()) == figures["in_progress_on_time"]
    assert counts[version.agency_id]["in_progress_overdue"] == 1  # G
    # At 08:00 G is still on time and due that day (09:00).
    early = kpi.Period(at(3, 23, 0), at(3, 24, 0), judged_at=at(3, 23, 8))
    assert selectors.deadline_counts(early)[version.agency_id]["due"] == 1
    assert list(selectors.dossiers_due(early).values_list("code", flat=True)) == ["G"]
    assert not selectors.dossiers_due(day).exists()
