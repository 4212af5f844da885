import base64
import hashlib
import re
import threading

import pytest
from django.db import connection
from django.test import Client

from motcua.accounts.models import IdempotencyRecord
from motcua.accounts.services import create_api_token
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from tests import factories
from tests.factories import PHONE, VALID_ID

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PDF_B64 = base64.b64encode(PDF).decode()
CODE = re.compile(r"^000\.00\.01\.H13-\d{6}-\d{4}$")


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user)[1]}"}


def body(**changes) -> dict:
    data = {
        "procedure_code": "2.000635",
        "center": "can-tho",
        "channel": "counter",
        "decision": "receive",
        "applicant": {
            "name": "Trần Văn Dân", "id_number": VALID_ID, "phone": PHONE,
            "email": "dan@example.vn", "address": "Phường Ninh Kiều, Cần Thơ",
        },
        "components": [
            {"position": 0, "original_seen": True,
             "files": [{"name": "to-khai.pdf", "content_base64": PDF_B64}]},
            {"position": 1, "provided": False},
        ],
    }  # fmt: skip
    data.update(changes)
    return data


def post(client, auth: dict, data, **headers):
    return client.post(URL, data, content_type="application/json", headers=headers, **auth)


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- officers ------------------------------------------------------------------------------


def test_officer_receives_at_the_counter(client, version, officer, settings):
    response = post(client, bearer(officer), body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert CODE.match(data["code"]) and data["code"].endswith("-0001")
    assert data["status"] == "received" and data["status_label"] == "mới tiếp nhận"
    assert data["due_at"] and data["received_at"] and data["due_at"] > data["received_at"]
    assert data["due_at"].endswith("+07:00")
    [notice] = data["notices"]
    assert notice["kind"] == "receipt" and notice["number"] == data["code"]
    assert notice["pdf_url"] == f"/ho-so/{data['code']}/phieu/{notice['id']}.pdf"
    assert data["url"] == f"/api/v1/dossiers/{data['code']}"
    dossier = Dossier.objects.get()
    assert dossier.code == data["code"] and dossier.received_by == officer
    assert dossier.channel == "counter" and dossier.applicant_id_number == VALID_ID
    stored = DossierFile.objects.get()
    assert stored.original_name == "to-khai.pdf" and stored.content_type == "application/pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.component.component.position == version.components.first().position
    assert len(media_files(settings)) == 1


def test_components_by_id_and_postal_intake(client, version, officer):
    first, second = version.components.order_by("position", "id")
    data = body(
        channel="postal", postal_tracking_number="EL123456789VN",
        postal_arrived_on="2026-11-20",
        components=[{"component_id": first.id}, {"component_id": second.id, "copies": 2}],
    )  # fmt: skip
    response = post(client, bearer(officer), data)
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get()
    assert dossier.channel == "postal" and dossier.postal_tracking_number == "EL123456789VN"
    assert str(dossier.postal_arrived_on) == "2026-11-20"
    assert dossier.components.get(component=second).copies == 2


def test_officer_requests_a_supplement(client, version, officer):
    data = body(decision="supplement", components=[{"position": 0, "provided": False}])
    response = post(client, bearer(officer), data)
    assert response.status_code == 201, response.content
    result = response.json()
    assert result["status"] == "incomplete" and result["code"] is None and result["due_at"] is None
    [notice] = result["notices"]
    assert notice["kind"] == "supplement" and notice["number"].startswith("02/")
    assert notice["pdf_url"] == f"/ho-so/{result['public_id']}/phieu/{notice['id']}.pdf"


def test_officer_refuses_with_a_reason_only(client, version, officer):
    auth = bearer(officer)
    response = post(client, auth, body(decision="refuse"))
    assert response.status_code == 422
    assert response.json() == {"errors": {"reason": "Cần ghi rõ lý do từ chối."}}
    assert Dossier.objects.count() == 0
    response = post(client, auth, body(decision="refuse", reason="Không thuộc thẩm quyền"))
    assert response.status_code == 201
    assert response.json()["status"] == "refused"
    assert response.json()["notices"][0]["kind"] == "refusal"


def test_missing_required_component_is_refused_and_nothing_is_stored(
    client, version, officer, settings
):
    data = body(components=[{"position": 0, "provided": False},
                            {"position": 1, "files": [{"name": "cccd.pdf",
                                                       "content_base64": PDF_B64}]}])  # fmt: skip
    response = post(client, bearer(officer), data)
    assert response.status_code == 422
    assert "chưa đủ thành phần bắt buộc" in response.json()["errors"]["__all__"]
    assert Dossier.objects.count() == DossierFile.objects.count() == 0
    assert media_files(settings) == []


def test_officer_needs_a_decision_and_cannot_file_online(client, version, officer):
    response = post(client, bearer(officer), body(channel="online", decision=None))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "counter" in errors["channel"] and "receive" in errors["decision"]


def test_officer_not_posted_to_the_center_is_refused(client, version, officer):
    factories.center("ninh-kieu", agency_code="000.00.02.H13")
    response = post(client, bearer(officer), body(center="ninh-kieu"))
    assert response.status_code == 422
    assert "không được cử" in response.json()["errors"]["__all__"]
    response = post(client, bearer(officer), body(center="khong-co"))
    assert response.json() == {"errors": {"center": "Không tìm thấy trung tâm “khong-co”."}}


# --- citizens ------------------------------------------------------------------------------


def test_citizen_submits_online(client, version, center):
    citizen = factories.citizen()
    data = body(channel="online", decision=None)
    response = post(client, bearer(citizen), data)
    assert response.status_code == 201, response.content
    result = response.json()
    assert result["status"] == "submitted" and result["status_label"] == "chờ tiếp nhận"
    assert result["code"] is None and result["due_at"] is None and result["notices"] == []
    dossier = Dossier.objects.get()
    assert dossier.account == citizen and dossier.channel == "online"
    assert dossier.result_delivery == "electronic"
    assert list(dossier.events.values_list("action", flat=True)) == [
        "created", "draft_saved", "submitted",
    ]  # fmt: skip


def test_citizen_submission_failing_leaves_no_dossier_and_no_file(
    client, version, center, settings
):
    citizen = factories.citizen()
    # The required component has no file; the optional one has: the submission must fail whole.
    data = body(channel="online", decision=None,
                components=[{"position": 1, "files": [{"name": "cccd.pdf",
                                                       "content_base64": PDF_B64}]}])  # fmt: skip
    response = post(client, bearer(citizen), data)
    assert response.status_code == 422
    assert "Cần đính kèm tệp cho: Tờ khai theo mẫu" in response.json()["errors"]["__all__"]
    assert Dossier.objects.count() == DossierEvent.objects.count() == 0
    assert DossierFile.objects.count() == 0
    assert media_files(settings) == []


def test_citizen_cannot_choose_counter_or_a_decision(client, version, center):
    response = post(client, bearer(factories.citizen()), body())
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "trực tuyến" in errors["channel"] and "cán bộ" in errors["decision"]


def test_other_roles_may_not_submit(client, version, center):
    specialist = factories.officer(center, username="chuyenvien", role="specialist")
    response = post(client, bearer(specialist), body())
    assert response.status_code == 403
    assert response.json() == {"errors": {"__all__": "Vai trò của Ông/Bà không được nộp hồ sơ."}}
    assert Dossier.objects.count() == 0


def test_anonymous_requests_are_refused(client, version, center):
    assert post(client, {}, body()).status_code == 401
    # A script without token or session is told to authenticate, not about CSRF.
    response = post(Client(enforce_csrf_checks=True), {}, body())
    assert response.status_code == 401 and "Bearer" in response.json()["detail"]
    assert Dossier.objects.count() == 0


def test_a_body_over_the_upload_limit_is_a_413(client, version, officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    data = body()
    data["components"][0]["files"][0]["content_base64"] = base64.b64encode(PDF * 100).decode()
    response = post(client, bearer(officer), data)
    assert response.status_code == 413
    assert "quá lớn" in response.json()["errors"]["__all__"]
    assert Dossier.objects.count() == 0


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "12345"}, "applicant.id_number", "đúng 12 chữ số"),
        ({"phone": "12345"}, "applicant.phone", "10 chữ số"),
        ({"email": "khong-phai-email"}, "applicant.email", "không hợp lệ"),
        ({"name": " "}, "applicant.name", "họ và tên"),
        ({"submitter_phone": "123"}, "applicant.submitter_phone", "10 chữ số"),
    ],
)
def test_bad_applicant_data_gets_vietnamese_errors_and_nothing_is_stored(
    client, version, officer, settings, changes, field, message
):
    data = body()
    data["applicant"].update(changes)
    response = post(client, bearer(officer), data)
    assert response.status_code == 422
    assert message in response.json()["errors"][field]
    assert Dossier.objects.count() == DossierFile.objects.count() == 0
    assert media_files(settings) == []


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda d: d.update(channel="fax"), "channel", "chọn một trong: counter, postal, online"),
        (lambda d: d.pop("applicant"), "applicant", "Thiếu trường bắt buộc."),
        (lambda d: d.pop("procedure_code"), "procedure_code", "Thiếu trường bắt buộc."),
        (lambda d: d["components"][0].update(copies="hai"), "components[0].copies",
         "Phải là số nguyên."),
        (lambda d: d.update(postal_arrived_on="20/11/2026"), "postal_arrived_on",
         "Ngày phải có dạng YYYY-MM-DD."),
        (lambda d: d["components"][0].update(position=7), "components[0].position",
         "position phải từ 0 đến 1"),
        (lambda d: d["components"][0].update(position=None), "components[0]",
         "Cần component_id hoặc position"),
        (lambda d: d["components"][1].update(position=0), "components[1]", "đã có ở phần tử 0"),
        (lambda d: d["components"][1].update(component_id=999999), "components[1].component_id",
         "không thuộc thủ tục này"),
    ],
)  # fmt: skip
def test_malformed_payloads_get_vietnamese_errors(client, version, officer, mutate, field, message):
    data = body()
    mutate(data)
    response = post(client, bearer(officer), data)
    assert response.status_code == 422, response.content
    assert message in response.json()["errors"][field]
    assert Dossier.objects.count() == 0


def test_a_body_that_is_not_json_is_a_400(client, version, officer):
    response = post(client, bearer(officer), "{không phải json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"__all__": "Nội dung yêu cầu không phải JSON hợp lệ."}}


def test_unknown_procedure_is_404(client, version, officer):
    response = post(client, bearer(officer), body(procedure_code="9.999999"))
    assert response.status_code == 404
    assert response.json() == {"errors": {"procedure_code": "Không tìm thấy thủ tục mã 9.999999."}}


def test_a_file_that_is_not_a_pdf_is_rejected_by_its_content(client, version, officer, settings):
    data = body()
    fake = base64.b64encode(b"MZ\x90\x00 this is an executable, not a PDF" * 10).decode()
    data["components"][0]["files"] = [{"name": "to-khai.pdf", "content_base64": fake}]
    response = post(client, bearer(officer), data)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["components[0].files"]
    assert "“to-khai.pdf” không phải PDF, JPEG hay PNG" in errors["components[0].files"]
    assert Dossier.objects.count() == DossierFile.objects.count() == 0
    assert media_files(settings) == []


def test_content_that_is_not_base64_is_rejected(client, version, officer):
    data = body()
    data["components"][0]["files"] = [{"name": "a.pdf", "content_base64": "không phải base64!"}]
    response = post(client, bearer(officer), data)
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"components[0].files[0]": "Nội dung tệp không phải base64 hợp lệ."}
    }


# --- Idempotency-Key -----------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_answer(client, version, officer):
    auth = bearer(officer)
    first = post(client, auth, body(), **{"Idempotency-Key": "quay-1-0001"})
    again = post(client, auth, body(), **{"Idempotency-Key": "quay-1-0001"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Dossier.objects.count() == 1
    # Key order and spacing do not make a different request.
    reordered = dict(reversed(list(body().items())))
    third = post(client, auth, reordered, **{"Idempotency-Key": "quay-1-0001"})
    assert third.json() == first.json() and Dossier.objects.count() == 1
    # Without the key, a second dossier is a second dossier.
    assert post(client, auth, body()).json()["code"] != first.json()["code"]


def test_the_same_key_with_another_body_is_a_conflict(client, version, officer):
    auth = bearer(officer)
    assert post(client, auth, body(), **{"Idempotency-Key": "k1"}).status_code == 201
    other = body()
    other["applicant"]["name"] = "Lê Thị Khác"
    response = post(client, auth, other, **{"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert response.json() == {"errors": {"Idempotency-Key": "Khóa đã dùng cho một yêu cầu khác."}}
    assert Dossier.objects.count() == 1


def test_a_key_is_remembered_for_seven_days(client, version, officer):
    from datetime import timedelta

    from django.utils import timezone

    auth = bearer(officer)
    first = post(client, auth, body(), **{"Idempotency-Key": "k-old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=6, hours=23))
    assert post(client, auth, body(), **{"Idempotency-Key": "k-old"})["Idempotent-Replayed"]
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=7, minutes=1))
    # Forgotten: the same key is a new request (and the old record is gone).
    again = post(client, auth, body(), **{"Idempotency-Key": "k-old"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert again.json()["code"] != first.json()["code"] and Dossier.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_a_failed_request_stores_nothing_under_its_key(client, version, officer):
    auth = bearer(officer)
    bad = body()
    bad["applicant"]["id_number"] = "123"
    assert post(client, auth, bad, **{"Idempotency-Key": "k2"}).status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    fixed = post(client, auth, body(), **{"Idempotency-Key": "k2"})
    assert fixed.status_code == 201 and Dossier.objects.count() == 1


def test_keys_belong_to_their_user(client, version, center, officer):
    other = factories.officer(center, username="tiepnhan2")
    a = post(client, bearer(officer), body(), **{"Idempotency-Key": "k3"})
    b = post(client, bearer(other), body(), **{"Idempotency-Key": "k3"})
    assert a.status_code == b.status_code == 201
    assert a.json()["code"] != b.json()["code"] and Dossier.objects.count() == 2


def test_a_key_longer_than_255_characters_is_refused(client, version, officer):
    response = post(client, bearer(officer), body(), **{"Idempotency-Key": "x" * 256})
    assert response.status_code == 422
    assert "255" in response.json()["errors"]["Idempotency-Key"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("forced_race", [False, True])
def test_concurrent_requests_with_one_key_create_one_dossier(version, officer, monkeypatch,
                                                             forced_race):  # fmt: skip
    auth = bearer(officer)
    if forced_race:
        # Every thread misses the stored answer before inserting, as if all arrived at once:
        # only the unique constraint stands between them and a second dossier.
        from motcua.accounts import services as account_services

        real = account_services._stored_answer
        first_look = threading.local()

        def racing(**kwargs):
            if not getattr(first_look, "done", False):
                first_look.done = True
                return None
            return real(**kwargs)

        monkeypatch.setattr(account_services, "_stored_answer", racing)
    threads_count = 4
    barrier = threading.Barrier(threads_count)
    answers: list = []

    def send():
        try:
            barrier.wait()
            response = post(Client(), auth, body(), **{"Idempotency-Key": "dong-thoi"})
            answers.append(
                (response.status_code, response.json(), response.get("Idempotent-Replayed"))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == threads_count
    assert {status for status, _, _ in answers} == {201}
    assert len({answer["code"] for _, answer, _ in answers}) == 1
    assert sorted(replayed or "" for _, _, replayed in answers) == ["", "true", "true", "true"]
    assert Dossier.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


# --- GET /api/v1/dossiers/{code} -----------------------------------------------------------


@pytest.fixture
def received(client, version, officer):
    return post(client, bearer(officer), body()).json()


def test_the_receiving_officer_reads_the_dossier(client, officer, received):
    response = client.get(f"{URL}/{received['code']}", **bearer(officer))
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == received["code"] and data["status"] == "received"
    assert data["procedure"] == {"code": "2.000635", "name": "Cấp Phiếu lý lịch tư pháp",
                                 "version": 1}  # fmt: skip
    assert data["center"]["code"] == "can-tho"
    assert data["applicant"]["name"] == "Trần Văn Dân"
    assert data["applicant"]["id_number"] == "********1234"
    assert VALID_ID not in response.content.decode() and PHONE not in response.content.decode()
    assert [c["provided"] for c in data["components"]] == [True, False]
    assert data["components"][0]["files"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert data["fees"] == [
        {"name": "Lệ phí", "amount": 50000, "exempted": False, "kind": "standard"}
    ]
    assert data["notices"] == received["notices"]
    assert data["due_at"] == received["due_at"]


def test_an_officer_of_another_center_gets_404(client, received):
    other_center = factories.center("ninh-kieu", agency_code="000.00.02.H13")
    stranger = factories.officer(other_center, username="khac")
    response = client.get(f"{URL}/{received['code']}", **bearer(stranger))
    assert response.status_code == 404
    assert response.json() == {"errors": {"code": "Không tìm thấy hồ sơ."}}


def test_citizens_see_their_own_dossiers_only(client, version, center):
    owner = factories.citizen()
    created = post(client, bearer(owner), body(channel="online", decision=None)).json()
    url = f"{URL}/{created['public_id']}"
    assert client.get(url, **bearer(owner)).status_code == 200
    assert client.get(url, **bearer(owner)).json()["applicant"]["id_number"] == "********1234"
    other = factories.citizen("congdan2")
    assert client.get(url, **bearer(other)).status_code == 404
    assert client.get(url).status_code == 401


def test_citizens_do_not_see_counter_dossiers(client, received):
    response = client.get(f"{URL}/{received['code']}", **bearer(factories.citizen()))
    assert response.status_code == 404


# --- session authentication and CSRF -------------------------------------------------------


def test_session_posts_need_the_csrf_token(version, officer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    refused = browser.post(URL, body(), content_type="application/json")
    assert refused.status_code == 403 and Dossier.objects.count() == 0
    browser.get("/tra-cuu/")  # any page with a form sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        URL, body(), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content
    # A bearer token needs no CSRF token: it is not sent by browsers on their own.
    api = Client(enforce_csrf_checks=True)
    assert post(api, bearer(officer), body()).status_code == 201


# --- OpenAPI -------------------------------------------------------------------------------


def test_openapi_lists_the_new_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    post_op = paths["/api/v1/dossiers"]["post"]
    assert {"201", "403", "404", "422"} <= set(post_op["responses"])
    request_schema = post_op["requestBody"]["content"]["application/json"]["schema"]
    assert {"procedure_code", "center", "channel", "decision", "applicant", "components"} <= set(
        request_schema["properties"]
    )
    assert "$ref" not in str(request_schema)
    assert request_schema["properties"]["channel"]["enum"] == ["counter", "postal", "online"]
    assert any(p["name"] == "Idempotency-Key" for p in post_op["parameters"])
    assert "get" in paths["/api/v1/dossiers/{code}"]
    lookup = paths["/api/v1/lookup"]["get"]
    assert {p["name"] for p in lookup["parameters"]} == {"code", "verifier"}
    assert {"200", "404", "429"} <= set(lookup["responses"])
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
