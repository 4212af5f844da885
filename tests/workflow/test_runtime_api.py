"""The workflow API routers, mounted here on a test API as motcua/api.py will mount them:
`dossier_actions_router` at /dossiers and `worklist_router` at /worklist."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from ninja.testing import TestClient

from motcua.accounts.services import create_api_token
from motcua.workflow.api import dossier_actions_router, worklist_router
from motcua.workflow.models import DossierProcess, ResultDocument
from tests import factories
from tests.workflow.test_runtime_support import (  # noqa: F401  (fixtures)
    open_run,
    people_fixture,
    receive,
)

pytestmark = pytest.mark.django_db

STALE = "Hồ sơ vừa được người khác xử lý, hãy tải lại."


@pytest.fixture
def api():
    return TestClient(dossier_actions_router), TestClient(worklist_router)


def auth(user) -> dict:
    return {"Authorization": f"Bearer {create_api_token(user=user)[1]}"}


def act(client, user, code, **body):
    return client.post(f"/{code}/actions", json=body, headers=auth(user))


@pytest.fixture
def dossier(version, center, people):
    """Received yesterday: the API acts now, after it."""
    return receive(version, center, people.reception, timezone.now() - timedelta(days=1))


def test_forward_then_the_state_and_the_buttons(api, dossier, people):
    actions, _ = api
    response = act(actions, people.reception, dossier.code, action="forward", note="Chuyển",
                   revision=0, step="reception")  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "in_progress" and body["revision"] == 1
    assert body["current"]["step"] == "specialist" and body["current"]["unit"] == "Sở Tư pháp"
    # All the reception officer may still do: the applicant's withdrawal.
    assert [a["action"] for a in body["actions"]] == ["withdraw"]
    specialist = act(actions, people.specialist, dossier.code, action="claim", revision=1)
    assert specialist.status_code == 200
    names = [a["action"] for a in specialist.json()["actions"]]
    assert "forward" in names and "claim" not in names
    forward = next(a for a in specialist.json()["actions"] if a["action"] == "forward")
    assert forward["targets"] == [["head", "Lãnh đạo phòng xem xét"]]


def test_errors(api, dossier, people):
    actions, _ = api
    # 401 without credentials
    assert actions.post(f"/{dossier.code}/actions", json={"action": "forward"}).status_code == 401
    # 404: unknown, or not visible to the user
    assert act(actions, people.reception, "000.00.01.H13-000000-0000", action="forward").status_code == 404  # fmt: skip
    hidden = act(actions, people.outsider, dossier.code, action="forward")
    assert hidden.status_code == 404 and hidden.json()["errors"]["code"] == "Không tìm thấy hồ sơ."
    # 422: bad payloads, in Vietnamese, by field
    bad = act(actions, people.reception, dossier.code, action="fly", colour="red")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"action", "colour"}
    no_reason = act(actions, people.reception, dossier.code, action="refuse")
    assert no_reason.status_code == 422 and "lý do" in no_reason.json()["errors"]["reason"]
    # 403: visible, but not theirs to do
    denied = act(actions, people.supervisor, dossier.code, action="forward")
    assert denied.status_code == 403 and "chỉ được xem" in denied.json()["errors"]["__all__"]
    # 409: the dossier changed since the revision sent
    stale = act(actions, people.reception, dossier.code, action="forward", revision=5)
    assert stale.status_code == 409 and stale.json()["errors"]["__all__"] == STALE
    # 409: a rule refuses it now
    assert act(actions, people.reception, dossier.code, action="forward").status_code == 200
    early = act(actions, people.leader, dossier.code, action="apologize", reason="Chậm",
                new_due_at="2026-12-01T09:00:00+07:00")  # fmt: skip
    assert early.status_code == 422 and "phải sau hạn" in early.json()["errors"]["new_due_at"]
    naive = act(actions, people.leader, dossier.code, action="apologize", reason="Chậm",
                new_due_at="2026-12-30T09:00:00")  # fmt: skip
    assert naive.status_code == 422 and "new_due_at" in naive.json()["errors"]
    assert DossierProcess.objects.get(dossier=dossier).revision == 1


def test_every_action_kind_through_the_api(api, dossier, people, settings):
    actions, _ = api
    p = people
    code = dossier.code
    assert act(actions, p.reception, code, action="forward").status_code == 200
    run = open_run(dossier)
    assign = act(actions, p.head, code, action="assign", assignee=p.specialist2.username,
                 step="specialist")  # fmt: skip
    assert (
        assign.status_code == 200 and assign.json()["current"]["assignee"] == "Cán bộ chuyenvien2"
    )
    unknown = act(actions, p.head, code, action="assign", assignee="ai-do")
    assert unknown.status_code == 422 and "assignee" in unknown.json()["errors"]
    run.refresh_from_db()
    supplement = act(actions, p.specialist2, code, action="request_supplement",
                     missing=[version_component(dossier), "Giấy ủy quyền"], note="Bổ sung")  # fmt: skip
    assert supplement.status_code == 200 and supplement.json()["paused"] == "supplement"
    assert act(actions, p.reception, code, action="supplement_received").status_code == 200
    assert act(actions, p.specialist2, code, action="suspend", note="Thuế").status_code == 200
    assert act(actions, p.reception, code, action="resume").status_code == 200
    assert act(actions, p.specialist2, code, action="forward").status_code == 200
    back = act(actions, p.head, code, action="return", reason="Xem lại", target="specialist")
    assert back.status_code == 200 and back.json()["current"]["step"] == "specialist"
    assert act(actions, p.specialist, code, action="forward").status_code == 200
    assert act(actions, p.head, code, action="approve").status_code == 200
    assert act(actions, p.leader, code, action="approve").status_code == 200
    pdf = base64.b64encode(factories.PDF_BYTES).decode()
    bad_file = act(actions, p.clerk, code, action="record_result",
                   file={"name": "kq.pdf", "content_base64": "***"})  # fmt: skip
    assert bad_file.status_code == 422 and "file" in bad_file.json()["errors"]
    result = act(actions, p.clerk, code, action="record_result",
                 file={"name": "kq.pdf", "content_base64": pdf})  # fmt: skip
    assert result.status_code == 200 and result.json()["status"] == "result_ready"
    done = act(actions, p.reception, code, action="return_result", method="electronic")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "returned" and done.json()["outcome"] in ("early", "on_time")
    assert ResultDocument.objects.get(dossier=dossier).return_method == "electronic"


def version_component(dossier) -> int:
    return dossier.procedure_version.components.first().pk


def test_history(api, dossier, people):
    actions, _ = api
    act(actions, people.reception, dossier.code, action="forward", note="Chuyển Sở")
    for user in (people.specialist, people.supervisor):
        response = actions.get(f"/{dossier.code}/history", headers=auth(user))
        assert response.status_code == 200
        events = response.json()["events"]
        assert [e["action"] for e in events] == ["created", "presented", "received", "forward"]
        assert events[-1]["actor"] == "Nguyễn Thị Tiếp Nhận" and events[-1]["note"] == "Chuyển Sở"
        assert events[-1]["to_step"] == "specialist" and events[-1]["label"] == "Chuyển bước tiếp"
    assert actions.get(f"/{dossier.code}/history", headers=auth(people.citizen)).status_code == 404
    dossier.account = people.citizen
    dossier.save(update_fields=["account"])
    mine = actions.get(f"/{dossier.public_id}/history", headers=auth(people.citizen))
    assert mine.status_code == 200 and mine.json()["actions"] == []


def test_worklist(api, dossier, people):
    _, worklist = api
    response = worklist.get("", headers=auth(people.reception))
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["to_do"] == 1 and body["to_do"][0]["code"] == dossier.code
    assert body["to_do"][0]["step"] == "reception" and body["counts"] == []
    leader = worklist.get("?limit=5", headers=auth(people.leader)).json()
    assert leader["to_do"] == [] and leader["counts"] == []  # nothing at the agency yet
    supervisor = worklist.get("", headers=auth(people.supervisor)).json()
    assert [c["agency"] for c in supervisor["counts"]] == ["000.00.01.H13"]
    assert worklist.get("?limit=0", headers=auth(people.reception)).status_code == 422


def test_worklist_totals_count_beyond_the_page(api, dossier, version, center, people):
    """The count query is skipped only for a page shorter than `limit`."""
    _, worklist = api
    second = receive(version, center, people.reception, timezone.now() - timedelta(hours=20))
    cut = worklist.get("?limit=1", headers=auth(people.reception)).json()
    assert cut["totals"]["to_do"] == 2 and [i["code"] for i in cut["to_do"]] == [dossier.code]
    full = worklist.get("?limit=2", headers=auth(people.reception)).json()
    assert full["totals"]["to_do"] == 2
    assert [i["code"] for i in full["to_do"]] == [dossier.code, second.code]


def test_openapi_beside_the_dossier_router():
    """Mounted as motcua/api.py will: both routers at /dossiers, the worklist at /worklist."""
    from ninja import NinjaAPI

    from motcua.dossiers.api import router as dossiers_router

    test_api = NinjaAPI(urls_namespace="test-workflow-openapi")
    test_api.add_router("/dossiers", dossiers_router)
    test_api.add_router("/dossiers", dossier_actions_router)
    test_api.add_router("/worklist", worklist_router)
    paths = test_api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    assert {"/api/v1/dossiers/{code}", "/api/v1/dossiers/{code}/actions",
            "/api/v1/dossiers/{code}/history", "/api/v1/worklist"} <= set(paths)  # fmt: skip
    body = paths["/api/v1/dossiers/{code}/actions"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert "$ref" not in str(schema) and "approve" in str(schema["properties"]["action"])


def test_the_postal_status_of_a_result_sent_by_post(api, version, center, people):
    from motcua.workflow import runtime

    actions, _ = api
    dossier = receive(version, center, people.reception, timezone.now() - timedelta(days=1),
                      result_delivery="post", delivery_address="12 Hòa Bình")  # fmt: skip
    for user, name in [(people.reception, "forward"), (people.specialist, "forward"),
                       (people.head, "approve"), (people.leader, "approve")]:  # fmt: skip
        runtime.forward(dossier=dossier, user=user, action_name=name)
    runtime.record_result(dossier=dossier, user=people.clerk, paper_only=True)
    response = act(actions, people.reception, dossier.code, action="postal_delivery",
                   postal_status="delivered")  # fmt: skip
    assert response.status_code == 409  # not returned by post yet
    runtime.return_result(dossier=dossier, user=people.reception, method="post",
                          tracking_number="EB1VN")  # fmt: skip
    response = act(actions, people.reception, dossier.code, action="postal_delivery",
                   postal_status="lost")  # fmt: skip
    assert response.status_code == 422 and "postal_status" in response.json()["errors"]
    response = act(actions, people.reception, dossier.code, action="postal_delivery",
                   postal_status="returned", note="Không có người nhận")  # fmt: skip
    assert response.status_code == 200, response.json()
    assert ResultDocument.objects.get(dossier=dossier).postal_status == "returned"
    # Sent back: only its collection at the counter may follow, with the collector's name.
    response = act(actions, people.reception, dossier.code, action="postal_delivery",
                   postal_status="delivered")  # fmt: skip
    assert response.status_code == 422 and "Chuyển hoàn, người nhận đã nhận" in str(
        response.json()["errors"]["postal_status"]
    )
    response = act(actions, people.reception, dossier.code, action="postal_delivery",
                   postal_status="collected", id_checked=True)  # fmt: skip
    assert response.status_code == 422 and "collected_by_name" in response.json()["errors"]
    response = act(actions, people.reception, dossier.code, action="postal_delivery",
                   postal_status="collected", collected_by_name="Trần Văn Dân", id_checked=True)  # fmt: skip
    assert response.status_code == 200, response.json()
    result = ResultDocument.objects.get(dossier=dossier)
    assert (result.postal_status, result.collected_by_name) == ("collected", "Trần Văn Dân")
    response = act(actions, people.reception, dossier.code, action="postal_delivery",
                   postal_status="collected", collected_by_name="Ai đó", id_checked=True)  # fmt: skip
    assert response.status_code == 409 and "tình trạng cuối" in str(response.json())
