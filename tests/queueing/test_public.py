"""Public queue pages (kiosk, ticket / follow page, display board) and their selectors."""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
import segno
from django.utils import timezone

from motcua.directory.models import Counter
from motcua.queueing import selectors
from motcua.queueing import views_public as views
from motcua.queueing.models import Booking, PriorityCategory, Ticket
from motcua.queueing.services import (
    QueueError,
    call_next,
    finish_service,
    issue_ticket,
    mark_no_show,
    recall,
    start_service,
    transfer,
)
from tests import factories

STATIC = Path(views.__file__).parent / "static" / "queueing"


@pytest.fixture
def group(center):
    return factories.service_group(center, prefix="A", name="Tư pháp – Hộ tịch", counters=2)


@pytest.fixture
def land(center):
    group = factories.service_group(center, prefix="B", name="Đất đai", counters=1)
    group.position = 5
    group.save()
    return group


@pytest.fixture
def elderly(db):
    return PriorityCategory.objects.create(code="cao-tuoi", name="Người cao tuổi", rank=1)


def kiosk_url(center):
    return f"/kiosk/{center.code}/"


def ticket_url(ticket):
    return f"/so/{ticket.public_id}/"


# --- kiosk ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_kiosk_lists_the_active_groups_of_the_center_in_order(client, center, group, land):
    group.position, land.position = 3, 1
    group.save()
    land.save()
    paused = factories.service_group(center, prefix="C", name="Nhóm tạm ngừng", counters=1)
    paused.is_active = False
    paused.save()
    other = factories.center("soc-trang", agency_code="000.00.02.H13")
    factories.service_group(other, prefix="X", name="Nhóm trung tâm khác", counters=1)
    issue_ticket(group=group)
    issue_ticket(group=group)

    page = client.get(kiosk_url(center)).content.decode()

    assert "Chọn dịch vụ bạn cần" in page
    assert page.index("Đất đai") < page.index("Tư pháp – Hộ tịch")  # by position
    assert "Nhóm tạm ngừng" not in page
    assert "Nhóm trung tâm khác" not in page
    assert "2 người đang chờ" in page
    assert f'href="?group={group.pk}"' in page
    assert "Đã có lịch hẹn" in page


@pytest.mark.django_db
def test_kiosk_of_an_unknown_or_closed_center_is_not_found(client, center):
    assert client.get("/kiosk/khong-co/").status_code == 404
    center.is_active = False
    center.save()
    assert client.get(kiosk_url(center)).status_code == 404


@pytest.mark.django_db
def test_priority_step_offers_no_first_then_the_center_and_global_categories(
    client, center, group, elderly
):
    PriorityCategory.objects.create(center=center, code="mang-thai", name="Phụ nữ mang thai",
                                    rank=2)  # fmt: skip
    PriorityCategory.objects.create(code="tam-ngung", name="Đã ngừng áp dụng", is_active=False)
    other = factories.center("soc-trang", agency_code="000.00.02.H13")
    PriorityCategory.objects.create(center=other, code="khac", name="Ưu tiên nơi khác")

    page = client.get(kiosk_url(center), {"group": group.pk}).content.decode()

    assert "Bạn thuộc đối tượng ưu tiên?" in page
    labels = re.findall(r'class="k-btn k-option[^"]*" href="[^"]*">([^<]+)</a>', page)
    assert labels == ["Không", "Người cao tuổi", "Phụ nữ mang thai"]
    assert f"?group={group.pk}&amp;priority=" in page


@pytest.mark.django_db
def test_without_priority_categories_the_kiosk_goes_straight_to_take_a_number(
    client, center, group
):
    page = client.get(kiosk_url(center), {"group": group.pk}).content.decode()
    assert "Bạn thuộc đối tượng ưu tiên?" not in page
    assert f'name="group" value="{group.pk}"' in page
    assert "Lấy số" in page
    assert "Nhận tin nhắn khi còn 3 người trước bạn" in page


@pytest.mark.django_db
def test_taking_a_number_issues_the_ticket_and_opens_its_page(client, center, group, elderly):
    response = client.post(kiosk_url(center), {"group": group.pk, "priority": elderly.pk})

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/so/{ticket.public_id}/?kiosk=1"
    assert (ticket.label, ticket.priority, ticket.priority_rank) == ("A001", elderly, 1)
    assert (ticket.phone, ticket.notify_when_ahead) == ("", None)


@pytest.mark.django_db
def test_a_phone_number_asks_for_an_sms_when_few_people_are_ahead(client, center, group, settings):
    settings.MOTCUA_QUEUE_NOTIFY_AHEAD = 5
    response = client.post(
        kiosk_url(center), {"group": group.pk, "priority": "", "phone": "0912 345 678", "sms": "1",
                            "print": "1"},
    )  # fmt: skip
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/so/{ticket.public_id}/?kiosk=1&print=1"
    assert (ticket.phone, ticket.notify_when_ahead) == ("0912345678", 5)


@pytest.mark.django_db
def test_a_wrong_phone_number_is_refused_with_a_message(client, center, group):
    response = client.post(kiosk_url(center), {"group": group.pk, "phone": "12345"})
    assert response.status_code == 400
    assert "phải có 10 chữ số" in response.content.decode()
    response = client.post(kiosk_url(center), {"group": group.pk, "sms": "1"})
    assert "Vui lòng nhập số điện thoại" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_an_inactive_or_foreign_group_cannot_be_taken(client, center, group):
    other = factories.center("soc-trang", agency_code="000.00.02.H13")
    foreign = factories.service_group(other, prefix="X", counters=1)
    group.is_active = False
    group.save()
    for pk in (group.pk, foreign.pk):
        response = client.post(kiosk_url(center), {"group": pk})
        assert response.status_code == 200
        assert "Vui lòng chọn lại dịch vụ." in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_queue_error_is_shown_at_the_kiosk(client, center, group, monkeypatch):
    def refuse(**kwargs):
        raise QueueError("Nhóm dịch vụ này đang tạm ngừng.")

    monkeypatch.setattr(views, "issue_ticket", refuse)
    response = client.post(kiosk_url(center), {"group": group.pk})
    assert response.status_code == 409
    assert "Nhóm dịch vụ này đang tạm ngừng." in response.content.decode()


@pytest.fixture
def booking(group):
    return Booking.objects.create(
        group=group, date=timezone.localdate(), start=time(0, 0), end=time(23, 59, 59),
        code="KH7M2Q", cancel_token="t" * 40, name="Trần Văn Dân", phone="0912345678",
    )  # fmt: skip


@pytest.mark.django_db
def test_booking_code_at_the_kiosk_gives_a_ticket_served_first(client, center, group, booking):
    page = client.get(f"/kiosk/{center.code}/lich-hen/").content.decode()
    assert "Nhập mã đặt lịch" in page

    response = client.post(f"/kiosk/{center.code}/lich-hen/", {"code": " kh7m 2q "})

    ticket = Ticket.objects.get()
    assert response["Location"] == f"/so/{ticket.public_id}/?kiosk=1"
    assert ticket.booking == booking and ticket.priority_rank == 0
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


@pytest.mark.django_db
def test_booking_errors_are_shown_at_the_kiosk(client, center, group, booking):
    url = f"/kiosk/{center.code}/lich-hen/"
    wrong = client.post(url, {"code": "ZZZZZZ"})
    assert wrong.status_code == 409
    assert "Không tìm thấy lịch hẹn với mã này." in wrong.content.decode()
    assert "Vui lòng nhập mã đặt lịch." in client.post(url, {"code": "  "}).content.decode()
    client.post(url, {"code": "KH7M2Q"})
    again = client.post(url, {"code": "KH7M2Q"})
    assert "Lịch hẹn này đã lấy số." in again.content.decode()
    assert Ticket.objects.count() == 1


# --- ticket / follow page ------------------------------------------------------------------


@pytest.mark.django_db
def test_ticket_page_shows_number_people_ahead_wait_and_time(client, group):
    first, second, mine = (issue_ticket(group=group) for _ in range(3))
    page = client.get(ticket_url(mine)).content.decode()

    assert '<p class="t-number">A003</p>' in page
    assert "Tư pháp – Hộ tịch" in page
    assert '<dd class="t-ahead">2</dd>' in page
    # 2 ahead × 8 minutes (default) / 2 open counters
    assert "khoảng 8 phút" in page
    issued = timezone.localtime(mine.issued_at)
    assert f"Lấy số lúc {issued:%H:%M} ngày {issued:%d/%m/%Y}" in page


@pytest.mark.django_db
def test_ticket_qr_code_opens_the_follow_page_by_its_absolute_address(client, group, settings):
    settings.ALLOWED_HOSTS = ["motcua.cantho.gov.vn"]
    ticket = issue_ticket(group=group)
    response = client.get(ticket_url(ticket), HTTP_HOST="motcua.cantho.gov.vn")
    follow = f"http://motcua.cantho.gov.vn/so/{ticket.public_id}/"
    assert response.context["follow_url"] == follow
    svg = segno.make(follow, error="m").svg_inline(scale=1, border=2, omitsize=True)
    assert svg in response.content.decode()  # the very QR code of that address, inline


@pytest.mark.django_db
def test_follow_page_refreshes_its_status_every_15_seconds_with_htmx(client, group):
    ticket = issue_ticket(group=group)
    page = client.get(ticket_url(ticket)).content.decode()
    assert f'hx-get="/so/{ticket.public_id}/"' in page
    assert 'hx-trigger="every 15s"' in page
    assert "htmx" in page  # the script is loaded

    fragment = client.get(ticket_url(ticket), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().startswith('<section id="ticket-status"')
    assert "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    assert "no-cache" in fragment["Cache-Control"]


@pytest.mark.django_db
def test_status_words_follow_the_ticket_and_polling_stops_when_done(client, group, settings):
    settings.MOTCUA_QUEUE_CALLS_BEFORE_NO_SHOW = 2
    ticket = issue_ticket(group=group)
    assert call_next(counter=group.counters.order_by("number").first(), officer=None) == ticket

    def status():
        return client.get(ticket_url(ticket), HTTP_HX_REQUEST="true").content.decode()

    assert "Mời bạn đến Quầy 1" in status()
    start_service(ticket=ticket, officer=None)
    assert "Đang được phục vụ tại Quầy 1" in status()
    finish_service(ticket=ticket, officer=None)
    assert "Đã phục vụ xong" in status()
    assert "hx-trigger" not in status()

    absent = issue_ticket(group=group)
    call_next(counter=group.counters.order_by("number").first(), officer=None)
    recall(ticket=absent, officer=None)
    mark_no_show(ticket=absent, officer=None)
    assert "vắng mặt" in client.get(ticket_url(absent), HTTP_HX_REQUEST="true").content.decode()


@pytest.mark.django_db
def test_a_ticket_of_another_day_is_no_longer_valid(client, group):
    ticket = issue_ticket(group=group, at=timezone.now() - timedelta(days=1))
    page = client.get(ticket_url(ticket)).content.decode()
    assert "không còn hiệu lực" in page
    assert "hx-trigger" not in page


@pytest.mark.django_db
def test_no_open_counter_means_no_estimate(client, group):
    group.counters.update(is_open=False)
    ticket = issue_ticket(group=group)
    page = client.get(ticket_url(ticket)).content.decode()
    assert "Chưa có quầy mở" in page


@pytest.mark.django_db
def test_nobody_ahead_is_next(client, group):
    ticket = issue_ticket(group=group)
    assert "Sắp đến lượt" in client.get(ticket_url(ticket)).content.decode()


@pytest.mark.django_db
def test_unknown_ticket_is_not_found(client, db):
    assert client.get("/so/6f1c1f0e-0000-4000-8000-000000000000/").status_code == 404


@pytest.mark.django_db
def test_kiosk_ticket_prints_itself_on_80mm_paper_and_returns_to_the_kiosk(client, center, group):
    ticket = issue_ticket(group=group)
    page = client.get(ticket_url(ticket), {"kiosk": "1", "print": "1"}).content.decode()
    assert 'data-auto-print="1"' in page
    assert "queueing/ticket.js" in page
    assert f'data-kiosk-url="/kiosk/{center.code}/?print=1"' in page
    assert "In phiếu" in page and "Xong" in page
    assert "hx-trigger" not in page  # the kiosk screen does not poll
    script = (STATIC / "ticket.js").read_text()
    assert "window.print()" in script
    css = (STATIC / "public.css").read_text()
    assert re.search(r"@page \{ size: 80mm \d+mm; margin: 0; \}", css)
    assert "@media print" in css

    phone = client.get(ticket_url(ticket)).content.decode()
    assert 'data-auto-print=""' in phone and "In phiếu" not in phone


# --- selectors -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_people_ahead_matches_the_order_of_call_next(center, group, elderly):
    one_counter = factories.service_group(center, prefix="D", name="Một quầy", counters=1)
    now = timezone.now()
    tickets = [
        issue_ticket(group=one_counter, at=now),
        issue_ticket(group=one_counter, at=now + timedelta(seconds=1)),
        issue_ticket(group=one_counter, priority=elderly, at=now + timedelta(seconds=2)),
        issue_ticket(group=one_counter, at=now + timedelta(seconds=2)),  # same instant: by id
        issue_ticket(group=one_counter, priority=elderly, at=now + timedelta(seconds=3)),
        issue_ticket(group=group, at=now - timedelta(minutes=5)),  # another group: not ahead
    ]
    ahead = {t.pk: selectors.people_ahead(t) for t in tickets[:5]}
    assert sorted(ahead.values()) == [0, 1, 2, 3, 4]

    counter = one_counter.counters.get()
    order = []
    while (called := call_next(counter=counter, officer=None)) is not None:
        order.append(called.pk)
        finish_service(ticket=called, officer=None)
    assert order == sorted(ahead, key=ahead.get)


@pytest.mark.django_db
def test_people_ahead_counts_tickets_transferred_to_the_groups_counters(center, group, land):
    now = timezone.now()
    counter_of_a = group.counters.order_by("number").first()
    counter_of_b = land.counters.get()
    to_a = issue_ticket(group=land, at=now)
    to_b = issue_ticket(group=group, at=now + timedelta(seconds=1))
    mine = issue_ticket(group=group, at=now + timedelta(seconds=2))
    for ticket, counter in ((to_a, counter_of_b), (to_b, counter_of_a)):
        called = call_next(counter=counter, officer=None)
        assert called == ticket
    transfer(ticket=to_a, officer=None, counter=counter_of_a)  # now waits for a counter of A
    transfer(ticket=to_b, officer=None, counter=counter_of_b)  # now waits for B's counter
    mine.refresh_from_db()
    to_a.refresh_from_db()
    to_b.refresh_from_db()

    assert selectors.people_ahead(mine) == 1  # to_a, transferred ahead to a counter of A
    # to_b waits for B's counter: ahead of it only B's own tickets and tickets sent there.
    late_b = issue_ticket(group=land, at=now + timedelta(seconds=3))
    assert selectors.people_ahead(to_b) == 0
    assert selectors.people_ahead(late_b) == 1
    assert selectors.people_ahead(to_a) == 0


@pytest.mark.django_db
def test_people_ahead_is_zero_once_called(group):
    issue_ticket(group=group)
    second = issue_ticket(group=group)
    call_next(counter=group.counters.first(), officer=None)
    call_next(counter=group.counters.last(), officer=None)
    second.refresh_from_db()
    assert second.status == Ticket.Status.CALLED
    assert selectors.people_ahead(second) == 0


@pytest.mark.django_db
def test_average_service_minutes_of_the_day(group):
    today = timezone.localdate()
    assert selectors.average_service_minutes(group, today) == 8  # nothing finished yet
    start = timezone.now() - timedelta(hours=1)
    counter = group.counters.first()
    for minutes in (4, 10):
        ticket = issue_ticket(group=group, at=start)
        call_next(counter=counter, officer=None, at=start)
        start_service(ticket=ticket, officer=None, at=start)
        finish_service(ticket=ticket, officer=None, at=start + timedelta(minutes=minutes))
        start += timedelta(minutes=minutes)
    assert selectors.average_service_minutes(group, today) == 7
    # Finished straight from "called": measured from the call.
    ticket = issue_ticket(group=group, at=start)
    call_next(counter=counter, officer=None, at=start)
    finish_service(ticket=ticket, officer=None, at=start + timedelta(minutes=10))
    assert selectors.average_service_minutes(group, today) == 8


@pytest.mark.django_db
def test_open_counters_of_a_group(group):
    assert selectors.open_counters(group) == 2
    Counter.objects.filter(pk=group.counters.first().pk).update(is_open=False)
    assert selectors.open_counters(group) == 1


@pytest.mark.django_db
def test_waiting_counts_per_group_today_including_zeros(center, group, land):
    issue_ticket(group=group)
    issue_ticket(group=group)
    issue_ticket(group=land, at=timezone.now() - timedelta(days=1))
    issue_ticket(group=land)
    call_next(counter=land.counters.get(), officer=None)
    counts = selectors.waiting_counts(center.pk, timezone.localdate())
    assert [(c.prefix, c.waiting) for c in counts] == [("A", 2), ("B", 0)]


@pytest.mark.django_db
def test_recent_calls_newest_first_with_counter_and_recalls(center, group):
    tickets = [issue_ticket(group=group) for _ in range(3)]
    first, second = group.counters.order_by("number")
    call_next(counter=first, officer=None)
    call_next(counter=second, officer=None)
    recall(ticket=tickets[0], officer=None)
    calls = selectors.recent_calls(center.pk, limit=2)
    assert [(c.label, c.counter_number, c.recall) for c in calls] == [("A001", 1, 2),
                                                                      ("A002", 2, 0)]  # fmt: skip
    assert calls[0].event_id > calls[1].event_id
    assert selectors.last_event_id(center.pk) == calls[0].event_id


# --- display board -------------------------------------------------------------------------


@pytest.mark.django_db
def test_display_board_shows_calls_waiting_counts_and_connects_to_the_stream(
    client, center, group, land
):
    for _ in range(3):
        issue_ticket(group=group)
    call_next(counter=group.counters.order_by("number").first(), officer=None)
    call_next(counter=group.counters.order_by("number").last(), officer=None)

    response = client.get(f"/display/{center.code}/")
    page = response.content.decode()

    last_id = selectors.last_event_id(center.pk)
    assert f'sse-connect="/api/v1/queue/{center.code}/events?after={last_id}"' in page
    assert 'hx-ext="sse"' in page and 'sse-swap="call"' in page and 'sse-swap="waiting"' in page
    assert "queueing/vendor/htmx-ext-sse.js" in page and "queueing/display.js" in page
    labels = re.findall(r'<span class="c-label">(\w+)</span>', page)
    assert labels == ["A002", "A001"]  # latest first
    assert "Quầy 2" in page
    assert re.search(r'w-name">Tư pháp – Hộ tịch</span><span class="w-count">1<', page)
    assert re.search(r'w-name">Đất đai</span><span class="w-count">0<', page)
    assert "no-cache" in response["Cache-Control"]
    assert "data-speak" not in page  # past calls are not announced again


@pytest.mark.django_db
def test_display_board_of_an_unknown_center_is_not_found(client, db):
    assert client.get("/display/khong-co/").status_code == 404


def test_the_vendored_sse_extension_keeps_its_licence_and_is_documented():
    vendored = (STATIC / "vendor" / "htmx-ext-sse.js").read_text()
    assert vendored.startswith("/*! htmx-ext-sse 2.")
    assert "BSD Zero Clause License" in vendored
    assert 'htmx.defineExtension("sse"' in vendored
    readme = (STATIC / "vendor" / "README.md").read_text()
    assert "htmx-ext-sse" in readme and "0BSD" in readme


def test_display_script_bounds_the_list_and_speaks_one_call_at_a_time():
    script = (STATIC / "display.js").read_text()
    assert "list.removeChild" in script  # the list is trimmed to data-max
    assert "onend" in script and "MAX_QUEUE" in script
    assert "vi-vn" in script.lower()


@pytest.mark.django_db
def test_tickets_to_notify_when_few_people_are_ahead(center, group):
    issue_ticket(group=group)
    issue_ticket(group=group)
    issue_ticket(group=group, phone="0912345678")  # no notification asked
    late = issue_ticket(group=group, phone="0912345678", notify_when_ahead=2)
    today = timezone.localdate()
    assert selectors.tickets_to_notify(center.pk, today) == []  # 3 ahead
    call_next(counter=group.counters.first(), officer=None)
    assert selectors.tickets_to_notify(center.pk, today) == [late]  # 2 ahead now
    Ticket.objects.filter(pk=late.pk).update(notified=True)
    assert selectors.tickets_to_notify(center.pk, today) == []
