"""The SQL figures (reports.selectors) agree with the pure functions (domain.kpi) on the golden
set of tests/domain/test_kpi.py, stored as fact rows, for several periods and scopes."""

from fractions import Fraction

import pytest

from motcua.catalog.models import Procedure
from motcua.directory.models import Agency, ServiceCenter
from motcua.domain import kpi
from motcua.reports import selectors, services
from tests import factories
from tests.domain.test_kpi import FACTS, MARCH, at

pytestmark = pytest.mark.django_db

PERIODS = {
    "march": MARCH,
    "week": kpi.Period(at(3, 1, 0), at(3, 8, 0)),
    "to 22/3": kpi.Period(at(3, 1, 0), at(3, 23, 0)),
    "february": kpi.Period(at(2, 1, 0), at(3, 1, 0)),
    "january (empty)": kpi.Period(at(1, 1, 0), at(2, 1, 0)),
    "march judged 20/3": kpi.Period(at(3, 1, 0), at(4, 1, 0), judged_at=at(3, 20, 12)),
    "spring": kpi.Period(at(2, 1, 0), at(5, 1, 0)),
}
# Which center each golden dossier belongs to: the second center holds D, G, L.
SECOND = set("DGL")


@pytest.fixture
def rows(version, center):
    other = factories.center("xa-an-binh", level="commune", agency_code="000.01.02.H13")
    factories.procedure(
        "1.001193", "Đăng ký khai sinh", agency_code="000.01.02.H13", field="Hộ tịch",
        online_level="partial",
    )  # fmt: skip
    factories.procedure("1.000001", "Thủ tục giấy", online_level="none")
    for f in FACTS:
        c = other if f.key in SECOND else center
        services.put_record(values=dict(
            code=f.key, center=c, unit=c.unit, agency=version.agency,
            receiving_agency=c.agency, field=version.field, procedure=version.procedure,
            status="x", **services.record_values(f),
        ))  # fmt: skip
    return other


def _pure_figures(facts, p):
    return {
        "on_time_rate": kpi.on_time_rate(facts, p),
        "online_rate": kpi.online_rate(facts, p),
        "counter_rate": kpi.channel_share(facts, p, "counter"),
        "postal_rate": kpi.channel_share(facts, p, "postal"),
        "online_payment_rate": kpi.online_payment_rate(facts, p),
        "electronic_result_rate": kpi.electronic_result_rate(facts, p),
        "digitized_components_rate": kpi.digitized_components_rate(facts, p),
        "digitized_results_rate": kpi.electronic_result_rate(facts, p),
        "digitization_rate": kpi.digitization_rate(facts, p),
        "data_reuse_rate": kpi.data_reuse_rate(facts, p),
        "satisfaction_rate": kpi.satisfaction_rate(facts, p),
        "average_resolution_days": kpi.average_resolution_days(facts, p),
    }


def _pure_counts(facts, p):
    return {
        "received": kpi.received(facts, p).numerator,
        "received_new": kpi.received_new_count(facts, p).numerator,
        "carried_over": kpi.carried_over_count(facts, p).numerator,
        **{f"received_{c}": kpi.received_by_channel(facts, p, c).numerator for c in kpi.CHANNELS},
        "finished_early": kpi.finished_with(facts, p, "early").numerator,
        "finished_on_time": kpi.finished_with(facts, p, "on_time").numerator,
        "finished_late": kpi.finished_with(facts, p, "late").numerator,
        "in_progress_on_time": kpi.in_progress_on_time(facts, p).numerator,
        "in_progress_overdue": kpi.in_progress_overdue(facts, p).numerator,
        "returned": kpi.returned(facts, p).numerator,
        "refused": kpi.ended_as(facts, p, "refused").numerator,
        "withdrawn": kpi.ended_as(facts, p, "withdrawn").numerator,
    }


@pytest.mark.parametrize("name", PERIODS)
@pytest.mark.parametrize("in_second", [None, True, False])
def test_sql_agrees_with_the_pure_functions(rows, center, name, in_second):
    p = PERIODS[name]
    scope, facts = selectors.Scope(), FACTS
    if in_second is not None:
        scope = selectors.Scope(center=(rows if in_second else center).pk)
        facts = [f for f in FACTS if (f.key in SECOND) == in_second]
    sql = selectors.kpi_figures(p, scope)
    for key, value in _pure_counts(facts, p).items():
        assert sql.counts[key] == value, key
    for key, figure in _pure_figures(facts, p).items():
        got = sql.figures[key]
        assert (got.numerator, got.denominator, got.value) == (
            figure.numerator, figure.denominator, figure.value,
        ), key  # fmt: skip
    pure_ev = {e.number: e for e in kpi.evaluation(facts, p)}
    for e in sql.evaluation:
        assert (e.points, e.dossiers, e.average) == (
            pure_ev[e.number].points, pure_ev[e.number].dossiers, pure_ev[e.number].average,
        )  # fmt: skip


def test_march_figures(rows):
    """The golden March figures, as stored rows (hand-computed in tests/domain/test_kpi.py)."""
    sql = selectors.kpi_figures(MARCH)
    assert sql.figures["on_time_rate"].value == Fraction(6, 11)
    assert sql.figures["satisfaction_rate"].value == Fraction(4, 11)
    assert sql.figures["average_resolution_days"].value == Fraction(9897, 1750)
    # 3.1 over the procedures in force on 31/3: 2.000635 full, 1.001193 partial, 1.000001 none
    assert sql.procedures_online.value == Fraction(2, 3)


@pytest.mark.parametrize(
    "figure,denominator,expected",
    [
        ("on_time_rate", False, "ABFHIL"), ("on_time_rate", True, "ABCDEFGHILM"),
        ("in_progress_overdue", False, "G"), ("returned", False, "AJ"),
        ("satisfaction_rate", False, "BFHIL"), ("digitization_rate", False, "AD"),
        ("online_payment_rate", True, "ABE"), ("carried_over", False, "I"),
    ],
)  # fmt: skip
def test_dossiers_behind_a_figure(rows, figure, denominator, expected):
    got = selectors.dossiers_behind(figure, MARCH, denominator=denominator)
    assert "".join(sorted(got.values_list("code", flat=True))) == expected


def test_scope_by_agency_field_procedure(rows, version):
    assert (
        selectors.kpi_figures(MARCH, selectors.Scope(agency=version.agency_id)).counts["received"]
        == 11
    )
    other = Agency.objects.get(code="000.01.02.H13")
    k = selectors.kpi_figures(MARCH, selectors.Scope(agency=other.pk))
    assert k.counts["received"] == 0 and k.figures["on_time_rate"].value is None
    assert k.procedures_online.value == 1  # 1.001193, partial online
    proc = Procedure.objects.get(code="2.000635")
    assert selectors.kpi_figures(MARCH, selectors.Scope(procedure=proc.pk)).counts["received"] == 11
    unit = ServiceCenter.objects.get(code="can-tho").unit_id
    assert selectors.kpi_figures(MARCH, selectors.Scope(unit=unit)).counts["received"] == 11
    assert (
        selectors.kpi_figures(MARCH, selectors.Scope(field=version.field_id)).counts["received"]
        == 11
    )
