"""GET /api/v1/reports/kpi: the contract, the scope rules and the errors."""

import pytest

from motcua.accounts.services import create_api_token
from tests.reports.test_selectors import rows  # noqa: F401  (fixture: the golden rows)
from tests.workflow.test_runtime_support import person

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/kpi"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
REQUIRED = (
    "received", "received_by_channel", "finished_early", "finished_on_time", "finished_late",
    "in_progress_on_time", "in_progress_overdue", "on_time_rate", "online_rate",
    "online_payment_rate", "digitized_components_rate", "digitized_results_rate",
    "digitization_rate", "satisfaction_rate", "index_766",
)  # fmt: skip


def get(client, user, **params):
    token = create_api_token(user=user)[1]
    return client.get(URL, params, headers={"Authorization": f"Bearer {token}"})


def test_supervisor_sees_every_figure(client, rows, people):  # noqa: F811
    response = get(client, people.supervisor, **MARCH)
    assert response.status_code == 200, response.content
    body = response.json()
    assert all(key in body for key in REQUIRED)
    assert body["received"] == 11 and body["received_new"] == 10
    assert body["received_carried_over"] == 1
    assert body["received_by_channel"] == {"counter": 5, "online": 4, "postal": 2}
    assert body["received_new_by_channel"] == {"counter": 4, "online": 4, "postal": 2}
    assert (body["finished_early"], body["finished_on_time"], body["finished_late"]) == (3, 1, 4)
    assert (body["in_progress_on_time"], body["in_progress_overdue"]) == (2, 1)
    assert body["on_time_rate"] == 6 / 11 and body["satisfaction_rate"] == 4 / 11
    assert body["online_rate"] == 0.4 and body["online_payment_rate"] == 2 / 3
    assert body["digitized_components_rate"] == 0.5 and body["digitized_results_rate"] == 0.5
    assert body["digitization_rate"] == 1 / 3
    assert body["figures"]["on_time_rate"] == {"numerator": 6, "denominator": 11,
                                               "value": 6 / 11}  # fmt: skip
    groups = {g["key"]: g for g in body["index_766"]["groups"]}
    assert sum(g["points"] for g in groups.values()) == 100
    assert body["index_766"]["total"] is None  # nothing scoreable from the reference alone
    assert groups["progress"]["indices"][0]["rate"] == 6 / 11
    assert [e["index"] for e in body["evaluation_61"]] == list(range(1, 10))


def test_empty_period_gives_nulls(client, rows, people):  # noqa: F811
    body = get(client, people.supervisor, **{"from": "2025-01-01", "to": "2025-01-31"}).json()
    assert body["received"] == 0
    for key in ("on_time_rate", "online_rate", "online_payment_rate", "digitization_rate",
                "satisfaction_rate", "average_resolution_days"):  # fmt: skip
        assert body[key] is None, key


def test_center_director_sees_their_center(client, rows, people):  # noqa: F811
    """The director is posted to can-tho, which holds all but D, G and L."""
    body = get(client, people.director, **MARCH).json()
    assert body["received"] == 8
    assert get(client, people.director, **MARCH, center="can-tho").json()["received"] == 8
    denied = get(client, people.director, **MARCH, center="xa-an-binh")
    assert denied.status_code == 403 and "ngoài phạm vi" in denied.json()["errors"]["center"]


def test_agency_leader_sees_their_agency(client, rows, people):  # noqa: F811
    assert get(client, people.leader, **MARCH).json()["received"] == 11
    assert get(client, people.leader, **MARCH, agency="000.00.12.H13").json()["received"] == 11
    denied = get(client, people.leader, **MARCH, agency="000.01.02.H13")
    assert denied.status_code == 403
    other_leader = person("lanhdao-xd", "agency_leader", agency=people.outsider.agency)
    assert get(client, other_leader, **MARCH).json()["received"] == 0


@pytest.mark.parametrize("who", ["specialist", "reception", "citizen", "clerk"])
def test_others_are_refused(client, people, who):
    response = get(client, getattr(people, who), **MARCH)
    assert response.status_code == 403
    assert "không có quyền" in response.json()["errors"]["__all__"]


def test_without_credentials(client, db):
    assert client.get(URL, MARCH).status_code == 401


@pytest.mark.parametrize(
    "params,field,words",
    [
        ({"from": "2026-02-30", "to": "2026-03-31"}, "from", "không hợp lệ"),
        ({"from": "01/03/2026", "to": "2026-03-31"}, "from", "YYYY-MM-DD"),
        ({"to": "2026-03-31"}, "from", "Cần ngày"),
        ({"from": "2026-04-01", "to": "2026-03-31"}, "to", "từ ngày bắt đầu"),
        ({**MARCH, "center": "khong-co"}, "center", "Không có mã"),
        ({**MARCH, "procedure": "9.999999"}, "procedure", "Không có mã"),
    ],
)
def test_bad_queries_get_a_vietnamese_422(client, people, params, field, words):
    response = get(client, people.supervisor, **params)
    assert response.status_code == 422
    assert words in response.json()["errors"][field]


def test_a_supervisor_attached_to_an_agency_still_sees_everything(client, rows, people):  # noqa: F811
    """Supervisors see every dossier, read-only (issue 4), and so every figure."""
    attached = person("giamsat2", "supervisor", agency=people.specialist.agency)
    everything = get(client, people.supervisor, **MARCH).json()
    assert get(client, attached, **MARCH).json()["received"] == everything["received"] == 11


def test_points_entered_in_the_setting_score_the_api_index(client, rows, people, settings):  # noqa: F811
    """2.1 = 6/11 in March; entered as 20 points at a 100% threshold: 20 × 6/11."""
    settings.MOTCUA_INDEX_766 = '{"2.1": {"points": 20, "threshold": "1"}}'
    body = get(client, people.supervisor, **MARCH).json()
    groups = {g["key"]: g for g in body["index_766"]["groups"]}
    assert groups["progress"]["score"] == 20 * 6 / 11
    assert body["index_766"]["scored_max"] == 20


def test_a_bad_index_setting_fails_the_system_check(settings):
    from motcua.reports.checks import index_766_setting

    settings.MOTCUA_INDEX_766 = '{"2.1": {"points": 25}}'
    errors = index_766_setting(None)
    assert [e.id for e in errors] == ["reports.E001"] and "progress: 25 points" in errors[0].msg
    settings.MOTCUA_INDEX_766 = "not json"
    assert index_766_setting(None)[0].id == "reports.E001"
    settings.MOTCUA_INDEX_766 = "{}"
    assert index_766_setting(None) == []
