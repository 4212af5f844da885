"""Writes to the queue: issuing tickets, calling them, serving them. One transaction each."""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.sequences import next_number
from motcua.directory.models import Counter
from motcua.queueing.models import Booking, PriorityCategory, ServiceGroup, Ticket, TicketEvent

NORMAL_RANK = 100
BOOKING_RANK = 0  # a checked-in booking is served first within its slot


class QueueError(Exception):
    """A queue action the rules do not allow; the message is for the user."""


def _event(ticket: Ticket, action: str, at: datetime, *, counter=None, actor=None, **data):
    return TicketEvent.objects.create(
        ticket=ticket, center_id=ticket.center_id, at=at, action=action, counter=counter,
        actor=actor, data=data,
    )  # fmt: skip


def recalls_before_no_show() -> int:
    return getattr(settings, "MOTCUA_QUEUE_CALLS_BEFORE_NO_SHOW", 3)


@transaction.atomic
def issue_ticket(
    *,
    group: ServiceGroup,
    priority: PriorityCategory | None = None,
    phone: str = "",
    notify_when_ahead: int | None = None,
    booking: Booking | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Lấy số: the next number of the group today (A001…), unique under concurrent kiosks."""
    if not group.is_active:
        raise QueueError(_("Nhóm dịch vụ này đang tạm ngừng."))
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    number = next_number(scope=f"ticket:{group.pk}", day=day)
    rank = NORMAL_RANK
    if priority is not None:
        rank = priority.rank
    if booking is not None:
        rank = BOOKING_RANK
    ticket = Ticket.objects.create(
        center_id=group.center_id, group=group, day=day, number=number,
        label=f"{group.prefix}{number:03d}", priority=priority, priority_rank=rank,
        booking=booking, issued_at=at, phone=phone, notify_when_ahead=notify_when_ahead,
    )  # fmt: skip
    _event(ticket, "issued", at, priority=priority.code if priority else "",
           booking=booking.code if booking else "")  # fmt: skip
    return ticket


@transaction.atomic
def check_in_booking(*, group_center_id: int, code: str, at: datetime | None = None) -> Ticket:
    """Kiosk check-in with the booking code: a ticket served first within its slot."""
    at = at or timezone.now()
    local = timezone.localtime(at)
    booking = (
        Booking.objects.select_for_update()
        .select_related("group")
        .filter(code=code.strip().upper(), group__center_id=group_center_id)
        .first()
    )
    if booking is None or booking.status == Booking.Status.CANCELLED:
        raise QueueError(_("Không tìm thấy lịch hẹn với mã này."))
    if booking.status == Booking.Status.CHECKED_IN:
        raise QueueError(_("Lịch hẹn này đã lấy số."))
    if booking.date != local.date():
        raise QueueError(
            _("Lịch hẹn này vào ngày %(date)s.") % {"date": booking.date.strftime("%d/%m/%Y")}
        )
    booking.status = Booking.Status.CHECKED_IN
    booking.save(update_fields=["status"])
    # Early or late arrivals keep their booking but queue as everyone else outside the slot.
    in_slot = booking.start <= local.time() <= booking.end
    ticket = issue_ticket(group=booking.group, booking=booking, phone=booking.phone, at=at)
    if not in_slot:
        ticket.priority_rank = NORMAL_RANK
        ticket.save(update_fields=["priority_rank"])
    return ticket


def _active_at(counter: Counter, at: datetime) -> Ticket | None:
    return (
        Ticket.objects.filter(
            counter=counter,
            day=timezone.localtime(at).date(),
            status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING],
        )
        .order_by("-last_called_at")
        .first()
    )


@transaction.atomic
def call_next(
    *, counter: Counter, officer: User | None, at: datetime | None = None
) -> Ticket | None:
    """Gọi số tiếp theo: atomic, a ticket is never called by two counters and never skipped.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED; SQLite: the write transaction is IMMEDIATE
    (settings), so calls are serialized. Priority first, then the order of issue.
    """
    if not counter.is_open:
        raise QueueError(_("Quầy đang đóng."))
    at = at or timezone.now()
    if _active_at(counter, at) is not None:
        raise QueueError(_("Quầy đang có số chưa kết thúc: hãy kết thúc hoặc báo vắng trước."))
    served_groups = ServiceGroup.objects.filter(counters=counter, is_active=True).values("id")
    candidates = Ticket.objects.filter(
        Q(group_id__in=served_groups, target_counter__isnull=True) | Q(target_counter=counter),
        status=Ticket.Status.WAITING,
        day=timezone.localtime(at).date(),
    ).order_by("priority_rank", "issued_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    ticket = candidates.first()
    if ticket is None:
        return None
    ticket.status = Ticket.Status.CALLED
    ticket.counter = counter
    ticket.officer = officer
    ticket.call_count = 1
    ticket.first_called_at = ticket.last_called_at = at
    ticket.save(update_fields=["status", "counter", "officer", "call_count", "first_called_at",
                               "last_called_at"])  # fmt: skip
    _event(ticket, "called", at, counter=counter, actor=officer, counter_number=counter.number)
    _notify_ahead_on_commit(ticket)
    return ticket


def _notify_ahead_on_commit(ticket: Ticket) -> None:
    """After a call people move up: text those who asked (ticket.notify_when_ahead)."""
    from motcua.queueing.tasks import send_ahead_notifications

    center_id, day = ticket.center_id, ticket.day.isoformat()
    transaction.on_commit(lambda: send_ahead_notifications.enqueue(center_id, day))


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("counter").get(pk=ticket.pk)
    )


@transaction.atomic
def recall(*, ticket: Ticket, officer: User | None, at: datetime | None = None) -> Ticket:
    ticket = _lock(ticket)
    if ticket.status != Ticket.Status.CALLED:
        raise QueueError(_("Chỉ gọi lại được số đang được gọi."))
    at = at or timezone.now()
    ticket.call_count += 1
    ticket.last_called_at = at
    ticket.save(update_fields=["call_count", "last_called_at"])
    _event(ticket, "called", at, counter=ticket.counter, actor=officer, recall=ticket.call_count,
           counter_number=ticket.counter.number)  # fmt: skip
    return ticket


@transaction.atomic
def mark_no_show(*, ticket: Ticket, officer: User | None, at: datetime | None = None) -> Ticket:
    ticket = _lock(ticket)
    if ticket.status != Ticket.Status.CALLED:
        raise QueueError(_("Chỉ báo vắng được số đang được gọi."))
    if ticket.call_count < recalls_before_no_show():
        raise QueueError(
            _("Cần gọi đủ %(n)d lần trước khi báo vắng (đã gọi %(done)d lần).")
            % {"n": recalls_before_no_show(), "done": ticket.call_count}
        )
    at = at or timezone.now()
    ticket.status = Ticket.Status.NO_SHOW
    ticket.finished_at = at
    ticket.save(update_fields=["status", "finished_at"])
    _event(ticket, "no_show", at, counter=ticket.counter, actor=officer)
    return ticket


@transaction.atomic
def start_service(*, ticket: Ticket, officer: User | None, at: datetime | None = None) -> Ticket:
    ticket = _lock(ticket)
    if ticket.status != Ticket.Status.CALLED:
        raise QueueError(_("Chỉ bắt đầu phục vụ được số đang được gọi."))
    at = at or timezone.now()
    ticket.status = Ticket.Status.SERVING
    ticket.started_at = at
    ticket.officer = officer or ticket.officer
    ticket.save(update_fields=["status", "started_at", "officer"])
    _event(ticket, "serving", at, counter=ticket.counter, actor=officer)
    return ticket


@transaction.atomic
def finish_service(
    *, ticket: Ticket, officer: User | None, dossier=None, at: datetime | None = None
) -> Ticket:
    ticket = _lock(ticket)
    if ticket.status not in (Ticket.Status.SERVING, Ticket.Status.CALLED):
        raise QueueError(_("Số này không đang được phục vụ."))
    at = at or timezone.now()
    if ticket.started_at is None:
        # Finished without "start": service began when the person was (last) called.
        ticket.started_at = ticket.last_called_at or at
    ticket.status = Ticket.Status.FINISHED
    ticket.finished_at = at
    if dossier is not None:
        ticket.dossier = dossier
    ticket.save(update_fields=["status", "started_at", "finished_at", "dossier"])
    _event(ticket, "finished", at, counter=ticket.counter, actor=officer,
           dossier=dossier.code if dossier is not None and dossier.code else "")  # fmt: skip
    return ticket


@transaction.atomic
def transfer(
    *,
    ticket: Ticket,
    officer: User | None,
    group: ServiceGroup | None = None,
    counter: Counter | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Chuyển: back to waiting, in another group or for one counter, ahead of new arrivals."""
    ticket = _lock(ticket)
    if ticket.status not in (Ticket.Status.CALLED, Ticket.Status.SERVING):
        raise QueueError(_("Chỉ chuyển được số đang được gọi hoặc đang phục vụ."))
    if group is None and counter is None:
        raise QueueError(_("Cần chọn nhóm dịch vụ hoặc quầy để chuyển đến."))
    if group is not None and group.center_id != ticket.center_id:
        raise QueueError(_("Nhóm dịch vụ thuộc trung tâm khác."))
    if counter is not None and counter.center_id != ticket.center_id:
        raise QueueError(_("Quầy thuộc trung tâm khác."))
    at = at or timezone.now()
    source = ticket.counter
    ticket.status = Ticket.Status.WAITING
    ticket.group = group or ticket.group
    ticket.target_counter = counter
    ticket.counter = None
    ticket.priority_rank = min(ticket.priority_rank, BOOKING_RANK + 1)
    ticket.save(update_fields=["status", "group", "target_counter", "counter", "priority_rank"])
    _event(ticket, "transferred", at, counter=source, actor=officer,
           to_group=ticket.group.prefix, to_counter=counter.number if counter else None)  # fmt: skip
    return ticket


def booking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the kiosk
    return "".join(secrets.choice(alphabet) for _ in range(6))


@transaction.atomic
def link_dossier(*, ticket: Ticket, dossier, officer: User | None) -> Ticket:
    """Record which dossier was received for this ticket (the queue ↔ intake link)."""
    ticket = _lock(ticket)
    if ticket.center_id != dossier.center_id:
        raise QueueError(_("Số thứ tự và hồ sơ thuộc hai trung tâm khác nhau."))
    ticket.dossier = dossier
    ticket.save(update_fields=["dossier"])
    _event(ticket, "dossier_linked", timezone.now(), counter=ticket.counter, actor=officer,
           dossier=dossier.code or str(dossier.public_id))  # fmt: skip
    return ticket
