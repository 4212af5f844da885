"""The Decree 61 board (/danh-gia/bang-diem/): per agency, the same averages as
`domain.kpi.evaluation` over that agency's dossiers; only staff with reach see it."""

from dataclasses import replace

import pytest
from django.utils.formats import number_format

from motcua.directory.models import Agency
from motcua.domain import kpi
from motcua.ratings import selectors
from motcua.reports import services
from motcua.reports.models import DossierRecord
from motcua.reports.selectors import Scope
from tests import factories
from tests.domain.test_kpi import FACTS, MARCH
from tests.reports.test_selectors import PERIODS
from tests.workflow.test_runtime_support import people_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SECOND = set("DGL")  # held by the commune agency
ATTITUDE = {"A": 2, "B": 0, "D": 1, "H": 1}  # ratings of some golden dossiers


@pytest.fixture
def golden(version, center):
    commune = factories.center("xa-an-binh", level="commune", agency_code="000.01.02.H13")
    facts = [replace(f, d61_attitude=ATTITUDE.get(f.key)) for f in FACTS]
    for f in facts:
        agency = commune.agency if f.key in SECOND else version.agency
        c = commune if f.key in SECOND else center
        DossierRecord.objects.create(
            code=f.key, center=c, unit=c.unit, agency=agency, receiving_agency=c.agency,
            field=version.field, procedure=version.procedure, status="x",
            **services.record_values(f),
        )  # fmt: skip
    return facts, version.agency, commune


@pytest.mark.parametrize("name", PERIODS)
def test_per_agency_equals_the_pure_evaluation(golden, name):
    facts, justice, commune = golden
    p = PERIODS[name]
    rows = {r.agency_id: r for r in selectors.evaluation_by_agency(p)}
    for agency, keys in ((justice, None), (commune.agency, SECOND)):
        mine = [f for f in facts if (f.key in SECOND) == (keys is not None)]
        pure = kpi.evaluation(mine, p)
        if not kpi.finished(mine, p):
            assert agency.pk not in rows
            continue
        row = rows[agency.pk]
        assert row.dossiers == len(kpi.finished(mine, p))
        for got, want in zip(row.indices, pure, strict=True):
            assert (got.number, got.points, got.dossiers, got.average) == (
                want.number, want.points, want.dossiers, want.average,
            )  # fmt: skip


def test_march_attitude_by_agency(golden):
    """March: of the justice agency's finished A B C E H I M, A (2), B (0), H (1) are rated:
    3/3 = 1; the commune's D (1): 1."""
    rows = {r.agency_code: r for r in selectors.evaluation_by_agency(MARCH)}
    justice = rows["000.00.12.H13"].indices[6]
    assert (justice.number, justice.points, justice.dossiers, justice.average) == (7, 3, 3, 1)
    assert rows["000.01.02.H13"].indices[6].dossiers == 1
    scoped = selectors.evaluation_by_agency(MARCH, Scope(center_in=frozenset()))
    assert scoped == []


def test_the_page(client, golden, people):
    facts, justice, commune = golden
    url = "/danh-gia/bang-diem/?from=2026-03-01&to=2026-03-31"
    client.force_login(people.reception)
    assert client.get(url).status_code == 403
    client.force_login(people.supervisor)
    page = client.get(url).content.decode()
    mine = [f for f in facts if f.key not in SECOND]
    first = kpi.evaluation(mine, MARCH)[0].average
    assert justice.name in page and commune.agency.name in page
    assert number_format(float(first), 2, use_l10n=True) in page
    assert "chưa xếp loại" in page and "không có số liệu" in page
    bad = client.get("/danh-gia/bang-diem/?from=2026-03-31&to=2026-03-01")
    assert bad.status_code == 400
    assert "Ngày kết thúc kỳ phải từ ngày bắt đầu trở đi." in bad.content.decode()


def test_a_center_director_sees_only_the_center(client, golden, people, center):
    _facts, justice, commune = golden
    client.force_login(people.director)
    page = client.get("/danh-gia/bang-diem/?from=2026-03-01&to=2026-03-31").content.decode()
    assert justice.name in page
    assert Agency.objects.get(pk=commune.agency_id).name not in page
