"""The counter console (/quay-so/): choosing a counter, the buttons, permissions; the admin."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.models import User
from motcua.directory.models import StaffAssignment
from motcua.queueing.models import PriorityCategory, Ticket, TicketEvent
from motcua.queueing.services import call_next, issue_ticket, recall
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def posted(center, username: str, role: str = "reception_officer", counter=None) -> User:
    """An officer posted to `center` from a month ago for half a year."""
    user = User.objects.create_user(
        username=username, password="Mật-khẩu-2026", role=role, full_name=f"Cán bộ {username}"
    )
    today = timezone.localdate()
    StaffAssignment.objects.create(
        user=user, center=center, counter=counter, start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=180),
    )  # fmt: skip
    return user


@pytest.fixture
def group(center):
    return factories.service_group(center)  # counters 1 and 2


@pytest.fixture
def counter(group):
    return group.counters.order_by("number").first()


@pytest.fixture
def clerk(client, center, counter):
    user = posted(center, "quay1")
    client.force_login(user)
    return user


def act(client, at, action: str, ticket=None, htmx=True, **data):
    """Press a button of the console of counter `at`."""
    payload = {"action": action, **data}
    if ticket is not None:
        payload["ticket"] = ticket.pk
    url = reverse("queue-console:act", args=[at.pk])
    return client.post(url, payload, **(HTMX if htmx else {}))


def button(html: str, action: str) -> str:
    """The <button> of the form posting `action`."""
    match = re.search(rf'value="{action}">.*?(<button[^>]*>)', html, re.S)
    assert match, f"no button for {action}"
    return match.group(1)


# --- choosing the counter ------------------------------------------------------------------


def test_choosing_a_counter_is_remembered(client, center, group, clerk):
    other = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    factories.service_group(other, counters=1)
    page = client.get(reverse("queue-console:choose"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Quầy 1" in html and "Quầy 2" in html
    assert "ninh-kieu" not in html and other.name not in html  # not posted there
    second = group.counters.order_by("number").last()
    response = client.post(reverse("queue-console:choose"), {"counter": second.pk})
    assert response.url == reverse("queue-console:console", args=[second.pk])
    assert client.get(reverse("queue-console:choose")).url == response.url
    assert client.get(reverse("queue-console:choose") + "?doi=1").status_code == 200


def test_the_posting_counter_is_preselected(client, center, group):
    second = group.counters.order_by("number").last()
    client.force_login(posted(center, "quay2", counter=second))
    html = client.get(reverse("queue-console:choose")).content.decode()
    assert re.search(rf'value="{second.pk}"[^>]*checked', html)


# --- the buttons ---------------------------------------------------------------------------


def test_call_next_swaps_the_fragment_with_the_ticket(client, group, counter, clerk):
    elderly = PriorityCategory.objects.create(code="nguoi-cao-tuoi", name="Người cao tuổi")
    issue_ticket(group=group, at=timezone.now() - timedelta(minutes=12))
    issue_ticket(group=group, priority=elderly)
    response = act(client, counter, "call_next")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="console"')  # the fragment, not the page
    assert "<html" not in html
    assert "Mời số A002 đến quầy 1." in html  # the priority ticket first
    assert "Người cao tuổi" in html
    ticket = Ticket.objects.get(label="A002")
    assert (ticket.status, ticket.counter, ticket.officer) == ("called", counter, clerk)
    assert "disabled" in button(html, "call_next")  # busy until finished
    assert "disabled" not in button(html, "recall")


def test_nobody_waiting_says_so(client, counter, clerk):
    html = act(client, counter, "call_next").content.decode()
    assert "Không còn ai chờ." in html
    assert Ticket.objects.count() == 0


def test_queue_errors_are_shown_in_the_fragment_not_as_an_error_page(client, group, counter, clerk):
    issue_ticket(group=group)
    issue_ticket(group=group)
    act(client, counter, "call_next")
    response = act(client, counter, "call_next")  # the button is disabled, but posted anyway
    assert response.status_code == 200
    assert "chưa kết thúc" in response.content.decode()
    assert Ticket.objects.filter(status="called").count() == 1


def test_no_show_is_disabled_until_the_configured_number_of_calls(
    client, group, counter, clerk, settings
):
    settings.MOTCUA_QUEUE_CALLS_BEFORE_NO_SHOW = 2
    issue_ticket(group=group)
    html = act(client, counter, "call_next").content.decode()
    ticket = Ticket.objects.get()
    assert "disabled" in button(html, "no_show")
    assert "sau 2 lần gọi" in html
    early = act(client, counter, "no_show", ticket).content.decode()
    assert "Cần gọi đủ 2 lần" in early
    html = act(client, counter, "recall", ticket).content.decode()
    assert "Đã gọi lại số A001 (lần 2)." in html
    assert "disabled" not in button(html, "no_show")
    html = act(client, counter, "no_show", ticket).content.decode()
    assert "Số A001 vắng mặt." in html
    ticket.refresh_from_db()
    assert ticket.status == "no_show"


def test_start_then_finish_offers_the_intake_screen(client, group, counter, clerk):
    issue_ticket(group=group)
    act(client, counter, "call_next")
    ticket = Ticket.objects.get()
    html = act(client, counter, "start", ticket).content.decode()
    assert "Đang phục vụ" in html
    assert "disabled" in button(html, "start") and "disabled" in button(html, "recall")
    html = act(client, counter, "finish", ticket).content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "finished" and ticket.started_at <= ticket.finished_at
    intake = f"{reverse('counter:intake-start')}?ticket={ticket.pk}"
    assert f'href="{intake}"' in html
    assert "Tiếp nhận hồ sơ cho số này" in html
    # Still offered when the console is reloaded, until the next call.
    page = client.get(reverse("queue-console:console", args=[counter.pk])).content.decode()
    assert intake in page


def test_transfer_to_another_group_or_counter(client, center, group, counter, clerk):
    other = factories.service_group(center, prefix="B", name="Đất đai", counters=1)
    issue_ticket(group=group)
    issue_ticket(group=group)
    act(client, counter, "call_next")
    first = Ticket.objects.get(label="A001")
    html = act(client, counter, "transfer", first, group=other.pk).content.decode()
    assert "Đã chuyển số A001 sang nhóm B — Đất đai." in html
    first.refresh_from_db()
    assert (first.status, first.group, first.counter) == ("waiting", other, None)
    act(client, counter, "call_next")
    second = Ticket.objects.get(label="A002")
    target = group.counters.order_by("number").last()
    html = act(client, counter, "transfer", second, counter=target.pk).content.decode()
    assert "sang quầy 2" in html
    second.refresh_from_db()
    assert second.target_counter == target
    assert call_next(counter=target, officer=None) == second


def test_transfer_needs_a_destination(client, group, counter, clerk):
    issue_ticket(group=group)
    act(client, counter, "call_next")
    ticket = Ticket.objects.get()
    html = act(client, counter, "transfer", ticket).content.decode()
    assert "Hãy chọn nhóm dịch vụ hoặc quầy để chuyển đến." in html
    assert '<details class="transfer" open>' in html
    ticket.refresh_from_db()
    assert ticket.status == "called"


def test_console_shows_the_ticket_and_todays_counts(client, group, counter, clerk):
    issue_ticket(group=group, at=timezone.now() - timedelta(minutes=25))
    issue_ticket(group=group)
    issue_ticket(group=group)
    act(client, counter, "call_next")
    ticket = Ticket.objects.get(label="A001")
    act(client, counter, "recall", ticket)
    act(client, counter, "finish", ticket)
    act(client, counter, "call_next")
    html = client.get(reverse("queue-console:console", args=[counter.pk])).content.decode()
    assert "<html" in html and "A002" in html
    assert re.search(r"Số lần gọi</dt><dd>1<", html)
    assert re.search(r"Đang chờ: <span class=\"n\">1<", html)
    assert re.search(r"Đã gọi: <span class=\"n\">2<", html)  # distinct tickets, not calls
    assert re.search(r"Đã phục vụ xong: <span class=\"n\">1<", html)
    waiting = client.get(reverse("queue-console:waiting", args=[counter.pk])).content.decode()
    assert re.search(r'class="n">1<', waiting)


def test_waited_time_is_shown(client, group, counter, clerk):
    issue_ticket(group=group, at=timezone.now() - timedelta(minutes=25))
    html = act(client, counter, "call_next").content.decode()
    assert re.search(r"2[45] phút \(lấy số lúc", html)


def test_without_htmx_the_whole_page_comes_back(client, group, counter, clerk):
    issue_ticket(group=group)
    response = act(client, counter, "call_next", htmx=False)
    assert response.status_code == 200
    assert "<html" in response.content.decode() and "A001" in response.content.decode()


def test_a_stale_button_does_not_act_on_a_ticket_that_left_the_counter(
    client, group, counter, clerk
):
    issue_ticket(group=group)
    act(client, counter, "call_next")
    ticket = Ticket.objects.get()
    act(client, counter, "finish", ticket)
    html = act(client, counter, "recall", ticket).content.decode()
    assert "không còn ở quầy này" in html
    assert TicketEvent.objects.filter(action="called").count() == 1


def test_unknown_action_is_a_bad_request(client, counter, clerk):
    assert act(client, counter, "explode").status_code == 400


# --- permissions ---------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, counter):
    response = client.get(reverse("queue-console:console", args=[counter.pk]))
    assert response.status_code == 302 and "?next=/quay-so/quay/" in response.url


def test_citizens_and_unposted_officers_are_refused(client, center, counter):
    client.force_login(factories.citizen())
    assert client.get(reverse("queue-console:choose")).status_code == 403
    unposted = User.objects.create_user(username="khong-cu", role="reception_officer")
    client.force_login(unposted)
    assert client.get(reverse("queue-console:console", args=[counter.pk])).status_code == 403


def test_officer_of_another_center_gets_403_for_its_counters(client, group, counter):
    other = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    client.force_login(posted(other, "xa"))
    issue_ticket(group=group)
    assert client.get(reverse("queue-console:console", args=[counter.pk])).status_code == 403
    assert act(client, counter, "call_next").status_code == 403
    assert Ticket.objects.get().status == "waiting"


def test_expired_posting_is_refused(client, center, counter):
    user = User.objects.create_user(username="het-han", role="reception_officer")
    today = timezone.localdate()
    StaffAssignment.objects.create(
        user=user, center=center, start_date=today - timedelta(days=60),
        end_date=today - timedelta(days=1),
    )  # fmt: skip
    client.force_login(user)
    assert client.get(reverse("queue-console:console", args=[counter.pk])).status_code == 403


def test_a_ticket_of_another_center_is_404(client, group, counter, clerk):
    other = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    foreign_group = factories.service_group(other, counters=1)
    issue_ticket(group=foreign_group)
    foreign = call_next(counter=foreign_group.counters.get(), officer=None)
    assert act(client, counter, "recall", foreign).status_code == 404
    foreign.refresh_from_db()
    assert foreign.call_count == 1
    recall(ticket=foreign, officer=None)  # still fine for its own center


# --- admin ---------------------------------------------------------------------------------


def test_tickets_are_read_only_in_the_admin_with_their_events(client, center, group):
    admin = User.objects.create_superuser(username="root", password="x", email="r@example.vn")
    client.force_login(admin)
    ticket = issue_ticket(group=group)
    call_next(counter=group.counters.first(), officer=admin)
    page = client.get(reverse("admin:queueing_ticket_change", args=[ticket.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "issued" in html and "called" in html
    assert 'name="_save"' not in html
    assert client.get(reverse("admin:queueing_ticket_add")).status_code == 403
    assert client.get(reverse("admin:queueing_servicegroup_changelist")).status_code == 200
    assert client.get(reverse("admin:queueing_booking_changelist")).status_code == 200
    assert client.get(reverse("admin:queueing_bookingslottemplate_changelist")).status_code == 200


def test_group_admin_refuses_counters_of_another_center(client, center, group):
    admin = User.objects.create_superuser(username="root", password="x", email="r@example.vn")
    client.force_login(admin)
    other = factories.center("ninh-kieu", level="commune", agency_code="000.00.31.H13")
    foreign = factories.service_group(other, counters=1).counters.get()
    response = client.post(
        reverse("admin:queueing_servicegroup_change", args=[group.pk]),
        {"center": center.pk, "prefix": "a", "name": "Tư pháp", "position": 0,
         "is_active": "on", "counters": [foreign.pk],
         "slot_templates-TOTAL_FORMS": 0, "slot_templates-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 200
    assert "không thuộc trung tâm của nhóm" in response.content.decode()
    assert set(group.counters.values_list("center", flat=True)) == {center.pk}


def test_a_locked_database_asks_to_press_again(client, counter, clerk, monkeypatch):
    from django.db import OperationalError

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("motcua.queueing.services.call_next", locked)
    response = act(client, counter, "call_next")
    assert response.status_code == 200
    assert "Hệ thống đang bận" in response.content.decode()
