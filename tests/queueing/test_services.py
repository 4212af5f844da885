import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection

from motcua.queueing.models import Booking, PriorityCategory, Ticket, TicketEvent
from motcua.queueing.services import (
    QueueError,
    call_next,
    check_in_booking,
    finish_service,
    issue_ticket,
    mark_no_show,
    recall,
    start_service,
    transfer,
)
from tests import factories
from tests.factories import VN

AT = datetime(2026, 11, 23, 8, 0, tzinfo=VN)


@pytest.fixture
def group(center):
    return factories.service_group(center)


@pytest.mark.django_db
def test_numbers_per_group_per_day_reset_next_day(center, group):
    other = factories.service_group(center, prefix="B", name="Đất đai", counters=1)
    labels = [issue_ticket(group=group, at=AT).label for _ in range(3)]
    labels.append(issue_ticket(group=other, at=AT).label)
    labels.append(issue_ticket(group=group, at=AT + timedelta(days=1)).label)
    assert labels == ["A001", "A002", "A003", "B001", "A001"]


@pytest.mark.django_db
def test_priority_is_served_before_others_in_the_group(center, group):
    elderly = PriorityCategory.objects.create(code="nguoi-cao-tuoi", name="Người cao tuổi", rank=1)
    first = issue_ticket(group=group, at=AT)
    priority = issue_ticket(group=group, priority=elderly, at=AT + timedelta(minutes=5))
    counter = group.counters.first()
    assert call_next(counter=counter, officer=None, at=AT + timedelta(minutes=6)) == priority
    finish_service(ticket=priority, officer=None)
    assert call_next(counter=counter, officer=None, at=AT + timedelta(minutes=7)) == first


@pytest.mark.django_db
def test_call_next_returns_none_when_nobody_waits_and_refuses_while_busy(center, group):
    counter = group.counters.first()
    assert call_next(counter=counter, officer=None, at=AT) is None
    issue_ticket(group=group, at=AT)
    issue_ticket(group=group, at=AT)
    call_next(counter=counter, officer=None, at=AT)
    with pytest.raises(QueueError, match="chưa kết thúc"):
        call_next(counter=counter, officer=None, at=AT)


@pytest.mark.django_db
def test_recall_then_no_show_after_the_configured_number_of_calls(center, group, settings):
    settings.MOTCUA_QUEUE_CALLS_BEFORE_NO_SHOW = 2
    issue_ticket(group=group, at=AT)
    ticket = call_next(counter=group.counters.first(), officer=None, at=AT)
    with pytest.raises(QueueError, match="gọi đủ 2 lần"):
        mark_no_show(ticket=ticket, officer=None)
    recall(ticket=ticket, officer=None)
    assert mark_no_show(ticket=ticket, officer=None).status == "no_show"
    actions = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == ["issued", "called", "called", "no_show"]


@pytest.mark.django_db
def test_serve_and_transfer_to_a_counter(center, group):
    issue_ticket(group=group, at=AT)
    first, second = group.counters.order_by("number")
    ticket = call_next(counter=first, officer=None, at=AT)
    start_service(ticket=ticket, officer=None)
    transfer(ticket=ticket, officer=None, counter=second)
    assert call_next(counter=first, officer=None, at=AT) is None  # waits for counter 2 only
    assert call_next(counter=second, officer=None, at=AT) == ticket


@pytest.mark.django_db
def test_booking_check_in_in_its_slot_is_served_first(center, group):
    issue_ticket(group=group, at=AT)
    booking = Booking.objects.create(
        group=group, date=AT.date(), start=time(8), end=time(8, 30), code="ABC234",
        cancel_token="t", name="Lê Thị Hẹn", phone="0912345678",
    )  # fmt: skip
    booked = check_in_booking(
        group_center_id=center.pk, code="abc234", at=AT + timedelta(minutes=2)
    )
    assert booked.booking == booking
    assert call_next(counter=group.counters.first(), officer=None, at=AT) == booked
    with pytest.raises(QueueError, match="đã lấy số"):
        check_in_booking(group_center_id=center.pk, code="ABC234", at=AT)


@pytest.mark.django_db(transaction=True)
def test_concurrent_counters_never_call_a_ticket_twice_nor_skip_one(center):
    group = factories.service_group(center, counters=6)
    for _ in range(60):
        issue_ticket(group=group, at=AT)
    called: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def counter_loop(counter):
        try:
            barrier.wait()
            while True:
                ticket = call_next(counter=counter, officer=None, at=AT)
                if ticket is None:
                    return
                called.append(ticket.number)
                finish_service(ticket=ticket, officer=None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=counter_loop, args=(c,)) for c in group.counters.all()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(called) == list(range(1, 61))
    assert Ticket.objects.filter(status="finished").count() == 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_kiosks_issue_unique_numbers(center):
    group = factories.service_group(center, counters=1)
    errors: list[BaseException] = []

    def kiosk():
        try:
            for _ in range(10):
                issue_ticket(group=group, at=AT)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=kiosk) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(Ticket.objects.values_list("number", flat=True)) == list(range(1, 61))


@pytest.mark.django_db
def test_an_sms_goes_out_once_when_few_people_are_ahead(
    center, group, django_capture_on_commit_callbacks
):
    from motcua.notifications.sms.contrib.logging.plugin import outbox

    outbox.clear()
    now = datetime.now(VN)
    for _ in range(3):
        issue_ticket(group=group, at=now)
    waiting = issue_ticket(group=group, phone="0912345678", notify_when_ahead=1, at=now)
    first, second = group.counters.all()
    with django_capture_on_commit_callbacks(execute=True):
        call_next(counter=first, officer=None, at=now)  # 2 ahead: not yet
    assert outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_next(counter=second, officer=None, at=now)  # 1 ahead: text
    assert [phone for phone, _ in outbox] == ["0912345678"] and waiting.label in outbox[0][1]
    finish_service(ticket=Ticket.objects.get(number=1, group=group), officer=None)
    with django_capture_on_commit_callbacks(execute=True):
        call_next(counter=first, officer=None, at=now)  # 0 ahead: already told
    assert len(outbox) == 1
