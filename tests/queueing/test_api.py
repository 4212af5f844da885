"""Queue API: issuing a ticket (kiosks), call-next and ticket actions (officers)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.accounts.services import create_api_token
from motcua.directory.models import Counter, StaffAssignment
from motcua.queueing.models import PriorityCategory, Ticket, TicketEvent
from motcua.queueing.services import call_next, issue_ticket
from tests import factories

pytestmark = pytest.mark.django_db


def posted(center, username: str = "quay1") -> User:
    user = User.objects.create_user(username=username, role="reception_officer")
    today = timezone.localdate()
    StaffAssignment.objects.create(
        user=user, center=center, start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=180),
    )  # fmt: skip
    return user


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user)[1]}"}


def post(client, url: str, data=None, auth: dict | None = None):
    return client.post(url, data or {}, content_type="application/json", **(auth or {}))


@pytest.fixture
def group(center):
    return factories.service_group(center)


@pytest.fixture
def counter(group):
    return group.counters.order_by("number").first()


@pytest.fixture
def auth(center):
    return bearer(posted(center))


# --- POST /api/v1/queue/tickets ------------------------------------------------------------


def test_kiosk_issues_tickets_without_login(client, group):
    first = post(client, "/api/v1/queue/tickets", {"center": "can-tho", "group": "a"})
    assert first.status_code == 201
    body = first.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body == {
        "id": ticket.pk, "public_id": str(ticket.public_id), "label": "A001", "group": "A",
        "people_ahead": 0, "url": f"http://testserver/so/{ticket.public_id}/",
    }  # fmt: skip
    second = post(client, "/api/v1/queue/tickets", {"center": "can-tho", "group": "A"}).json()
    assert (second["label"], second["people_ahead"]) == ("A002", 1)


def test_priority_and_phone(client, center, group):
    PriorityCategory.objects.create(code="nguoi-cao-tuoi", name="Người cao tuổi", rank=1)
    post(client, "/api/v1/queue/tickets", {"center": "can-tho", "group": "A"})
    response = post(
        client, "/api/v1/queue/tickets",
        {"center": "can-tho", "group": "A", "priority": "nguoi-cao-tuoi", "phone": "0912 345 678"},
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["people_ahead"] == 0
    ticket = Ticket.objects.get(label="A002")
    assert ticket.priority.code == "nguoi-cao-tuoi" and ticket.phone == "0912345678"
    assert ticket.notify_when_ahead is not None


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"center": "khong-co", "group": "A"}, 404, "Không tìm thấy trung tâm."),
        ({"center": "can-tho", "group": "Z"}, 404, "Không tìm thấy nhóm dịch vụ."),
        ({"center": "can-tho", "group": "A", "priority": "vip"}, 422, "đối tượng ưu tiên"),
        ({"center": "can-tho", "group": "A", "phone": "123"}, 422, "10 chữ số"),
    ],
)
def test_kiosk_errors(client, group, payload, status, message):
    response = post(client, "/api/v1/queue/tickets", payload)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert Ticket.objects.count() == 0


def test_an_inactive_group_is_not_found(client, group):
    group.is_active = False
    group.save()
    response = post(client, "/api/v1/queue/tickets", {"center": "can-tho", "group": "A"})
    assert response.status_code == 404


# --- POST /api/v1/counters/{id}/call-next --------------------------------------------------


def test_call_next_returns_the_ticket_or_204(client, group, counter, auth):
    url = f"/api/v1/counters/{counter.pk}/call-next"
    assert post(client, url, auth=auth).status_code == 204
    issue_ticket(group=group)
    response = post(client, url, auth=auth)
    assert response.status_code == 200
    body = response.json()
    assert (body["label"], body["status"], body["counter"], body["call_count"]) == (
        "A001", "called", counter.number, 1,
    )  # fmt: skip
    assert body["status_label"] == "Đã gọi" and body["group"] == "A"
    assert Ticket.objects.get().officer.username == "quay1"
    busy = post(client, url, auth=auth)
    assert busy.status_code == 409 and "chưa kết thúc" in busy.json()["error"]


def test_call_next_with_the_session(center, group, counter):
    issue_ticket(group=group)
    client = Client()
    client.force_login(posted(center))
    assert post(client, f"/api/v1/counters/{counter.pk}/call-next").status_code == 200


def test_call_next_needs_a_posted_officer(client, center, group, counter):
    issue_ticket(group=group)
    url = f"/api/v1/counters/{counter.pk}/call-next"
    assert post(client, url).status_code == 401
    assert post(client, url, auth={"HTTP_AUTHORIZATION": "Bearer sai"}).status_code == 401
    other = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    refused = post(client, url, auth=bearer(posted(other, "xa")))
    assert refused.status_code == 403 and "error" in refused.json()
    assert (
        post(
            client, "/api/v1/counters/999999/call-next", auth=bearer(posted(center, "b"))
        ).status_code
        == 404
    )
    assert Ticket.objects.get().status == "waiting"


# --- POST /api/v1/tickets/{id}/actions -----------------------------------------------------


def test_actions_serve_a_ticket(client, group, counter, auth, settings):
    settings.MOTCUA_QUEUE_CALLS_BEFORE_NO_SHOW = 2
    issue_ticket(group=group)
    ticket = call_next(counter=counter, officer=None)
    url = f"/api/v1/tickets/{ticket.pk}/actions"
    early = post(client, url, {"action": "no_show"}, auth)
    assert early.status_code == 409 and "Cần gọi đủ 2 lần" in early.json()["error"]
    recalled = post(client, url, {"action": "recall"}, auth)
    assert recalled.status_code == 200 and recalled.json()["call_count"] == 2
    assert post(client, url, {"action": "start"}, auth).json()["status"] == "serving"
    done = post(client, url, {"action": "finish"}, auth).json()
    assert done["status"] == "finished" and done["finished_at"] is not None
    again = post(client, url, {"action": "finish"}, auth)
    assert again.status_code == 409 and again.json() == {"error": "Số này không đang được phục vụ."}
    actions = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == ["issued", "called", "called", "serving", "finished"]


def test_no_show_after_enough_calls(client, group, counter, auth, settings):
    settings.MOTCUA_QUEUE_CALLS_BEFORE_NO_SHOW = 1
    issue_ticket(group=group)
    ticket = call_next(counter=counter, officer=None)
    response = post(client, f"/api/v1/tickets/{ticket.pk}/actions", {"action": "no_show"}, auth)
    assert response.status_code == 200 and response.json()["status"] == "no_show"


def test_transfer_by_group_prefix_and_counter_number(client, center, group, counter, auth):
    factories.service_group(center, prefix="B", name="Đất đai", counters=1)  # counter 3
    issue_ticket(group=group)
    ticket = call_next(counter=counter, officer=None)
    url = f"/api/v1/tickets/{ticket.pk}/actions"
    moved = post(client, url, {"action": "transfer", "group": "b", "counter": 3}, auth)
    assert moved.status_code == 200
    body = moved.json()
    assert (body["status"], body["group"], body["target_counter"], body["counter"]) == (
        "waiting", "B", 3, None,
    )  # fmt: skip
    assert call_next(counter=counter, officer=None) is None  # it waits for counter 3 only
    assert call_next(counter=Counter.objects.get(number=3), officer=None).label == "A001"
    nowhere = post(client, url, {"action": "transfer"}, auth)
    assert nowhere.status_code == 409


def test_transfer_to_an_unknown_group_is_a_conflict(client, group, counter, auth):
    issue_ticket(group=group)
    ticket = call_next(counter=counter, officer=None)
    url = f"/api/v1/tickets/{ticket.pk}/actions"
    response = post(client, url, {"action": "transfer", "group": "Z"}, auth)
    assert response.status_code == 409 and "nhóm dịch vụ" in response.json()["error"]
    response = post(client, url, {"action": "transfer", "counter": 42}, auth)
    assert response.status_code == 409 and "quầy" in response.json()["error"]
    ticket.refresh_from_db()
    assert ticket.status == "called"


def test_actions_validation_and_scope(client, center, group, counter, auth):
    issue_ticket(group=group)
    ticket = call_next(counter=counter, officer=None)
    url = f"/api/v1/tickets/{ticket.pk}/actions"
    assert post(client, url, {"action": "explode"}, auth).status_code == 422
    assert post(client, url, {"action": "recall"}).status_code == 401
    other = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    foreign = post(client, url, {"action": "recall"}, bearer(posted(other, "xa")))
    assert foreign.status_code == 404
    assert (
        post(client, "/api/v1/tickets/999999/actions", {"action": "recall"}, auth).status_code
        == 404
    )
    ticket.refresh_from_db()
    assert ticket.call_count == 1


def test_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/queue/tickets" in paths
    assert "/api/v1/counters/{counter_id}/call-next" in paths
    assert "/api/v1/tickets/{ticket_id}/actions" in paths


def test_a_locked_database_is_a_503(client, counter, auth, monkeypatch):
    from django.db import OperationalError

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("motcua.queueing.services.call_next", locked)
    response = post(client, f"/api/v1/counters/{counter.pk}/call-next", auth=auth)
    assert response.status_code == 503 and "đang bận" in response.json()["error"]
