"""Queue API: tickets, call-next, ticket actions, and the display board's event stream."""

from datetime import datetime as _datetime
from typing import Literal

from django.db import OperationalError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from motcua.directory.models import Counter, ServiceCenter
from motcua.domain.identity import normalize_phone, phone_problem
from motcua.dossiers.api import AUTH
from motcua.queueing import selectors as queue_selectors
from motcua.queueing import services as queue_services
from motcua.queueing import sse
from motcua.queueing.models import ServiceGroup, Ticket
from motcua.queueing.views_console import busy_message, is_busy, may_operate
from motcua.queueing.views_public import notify_ahead

queue_router = Router(tags=["queue"])  # /api/v1/queue
counters_router = Router(tags=["queue"])  # /api/v1/counters
tickets_router = Router(tags=["queue"])  # /api/v1/tickets

# display events (sse.py)

_EVENTS_200 = {"description": "Sự kiện `call` và `waiting`", "content": {"text/event-stream": {}}}


@queue_router.get(
    "/{center}/events",
    url_name="queue-events",
    summary="Sự kiện bảng hiển thị (Server-Sent Events)",
    openapi_extra={"responses": {200: _EVENTS_200}},
)
def display_events(request, center: str):
    """Luồng SSE của trung tâm: `call` (mỗi lần gọi số), `waiting` (số người chờ theo nhóm).
    Hỗ trợ Last-Event-ID và ?after=<id> để nối lại không mất sự kiện."""
    return sse.display_events(request, center)


# tickets and counters (views_console.py for who may act; services.py for the rules)


class TicketIn(Schema):
    center: str
    group: str
    priority: str | None = None
    phone: str = ""


class TicketCreatedOut(Schema):
    id: int
    public_id: str
    label: str
    group: str
    people_ahead: int
    url: str


class TicketOut(Schema):
    id: int
    public_id: str
    label: str
    center: str
    group: str
    group_name: str
    status: str
    status_label: str
    priority: str | None
    booking: str | None
    counter: int | None
    target_counter: int | None
    call_count: int
    issued_at: _datetime
    first_called_at: _datetime | None
    started_at: _datetime | None
    finished_at: _datetime | None


class TicketActionIn(Schema):
    action: Literal["recall", "no_show", "start", "finish", "transfer"]
    group: str | None = None  # transfer: the prefix of a group of the same center
    counter: int | None = None  # transfer: the number of a counter of the same center


class QueueErrorOut(Schema):
    error: str


def _ticket_out(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk, "public_id": str(ticket.public_id), "label": ticket.label,
        "center": ticket.center.code, "group": ticket.group.prefix, "group_name": ticket.group.name,
        "status": ticket.status, "status_label": str(ticket.get_status_display()),
        "priority": ticket.priority.code if ticket.priority_id else None,
        "booking": ticket.booking.code if ticket.booking_id else None,
        "counter": ticket.counter.number if ticket.counter_id else None,
        "target_counter": ticket.target_counter.number if ticket.target_counter_id else None,
        "call_count": ticket.call_count, "issued_at": ticket.issued_at,
        "first_called_at": ticket.first_called_at, "started_at": ticket.started_at,
        "finished_at": ticket.finished_at,
    }  # fmt: skip


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related(
        "center", "group", "priority", "booking", "counter", "target_counter"
    ).get(pk=ticket.pk)


@queue_router.post(
    "/tickets",
    response={201: TicketCreatedOut, 404: QueueErrorOut, 409: QueueErrorOut, 422: QueueErrorOut},
    summary="Lấy số (máy lấy số, không cần đăng nhập)",
)
def create_ticket(request: HttpRequest, payload: TicketIn):
    """Issue a ticket as the kiosk does: `center` code, `group` prefix, optional `priority`
    code (of the center or global) and `phone` for an SMS when few people are ahead."""
    center = ServiceCenter.objects.filter(code=payload.center.strip(), is_active=True).first()
    if center is None:
        return Status(404, {"error": _("Không tìm thấy trung tâm.")})
    group = ServiceGroup.objects.filter(
        center=center, prefix=payload.group.strip().upper(), is_active=True
    ).first()
    if group is None:
        return Status(404, {"error": _("Không tìm thấy nhóm dịch vụ.")})
    priority = None
    if payload.priority:
        priority = (
            queue_selectors.priority_categories(center.pk)
            .filter(code=payload.priority.strip())
            .order_by(F("center_id").asc(nulls_last=True))  # the center's own first
            .first()
        )
        if priority is None:
            return Status(422, {"error": _("Không có đối tượng ưu tiên này.")})
    phone = normalize_phone(payload.phone or "")
    if phone and phone_problem(phone):
        return Status(422, {"error": phone_problem(phone)})
    try:
        ticket = queue_services.issue_ticket(
            group=group, priority=priority, phone=phone,
            notify_when_ahead=notify_ahead() if phone else None,
        )  # fmt: skip
    except queue_services.QueueError as exc:
        return Status(409, {"error": str(exc)})
    return Status(201, {
        "id": ticket.pk, "public_id": str(ticket.public_id), "label": ticket.label,
        "group": group.prefix, "people_ahead": queue_selectors.people_ahead(ticket),
        "url": request.build_absolute_uri(reverse("queue:ticket", args=[ticket.public_id])),
    })  # fmt: skip


def _refuse_unless_posted(request: HttpRequest, center_id: int):
    if not may_operate(request.auth, center_id):
        return Status(403, {"error": _("Bạn không được cử làm việc tại trung tâm này.")})
    return None


@counters_router.post(
    "/{counter_id}/call-next",
    auth=AUTH,
    response={200: TicketOut, 204: None, 403: QueueErrorOut, 404: QueueErrorOut,
              409: QueueErrorOut, 503: QueueErrorOut},
    summary="Gọi số tiếp theo tại một quầy",
)  # fmt: skip
def call_next(request: HttpRequest, counter_id: int):
    """The next ticket for this counter (priority first, then in order), or 204 when nobody
    waits. Atomic: a ticket is never called by two counters."""
    counter = Counter.objects.filter(pk=counter_id).first()
    if counter is None:
        return Status(404, {"error": _("Không tìm thấy quầy.")})
    refused = _refuse_unless_posted(request, counter.center_id)
    if refused:
        return refused
    try:
        ticket = queue_services.call_next(counter=counter, officer=request.auth)
    except queue_services.QueueError as exc:
        return Status(409, {"error": str(exc)})
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        return Status(503, {"error": busy_message()})
    if ticket is None:
        return Status(204, None)
    return Status(200, _ticket_out(_fresh(ticket)))


@tickets_router.post(
    "/{ticket_id}/actions",
    auth=AUTH,
    response={
        200: TicketOut,
        403: QueueErrorOut,
        404: QueueErrorOut,
        409: QueueErrorOut,
        503: QueueErrorOut,
    },
    summary="Gọi lại, vắng mặt, bắt đầu, kết thúc hoặc chuyển một số",
)
def ticket_action(request: HttpRequest, ticket_id: int, payload: TicketActionIn):
    """`action`: recall | no_show | start | finish | transfer (with `group` prefix and/or
    `counter` number of the same center). Rule violations answer 409 `{"error": …}`."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or not may_operate(request.auth, ticket.center_id):
        # A ticket of a center the officer does not work at does not exist for them.
        return Status(404, {"error": _("Không tìm thấy số thứ tự.")})
    officer = request.auth
    try:
        with transaction.atomic():
            if payload.action == "recall":
                queue_services.recall(ticket=ticket, officer=officer)
            elif payload.action == "no_show":
                queue_services.mark_no_show(ticket=ticket, officer=officer)
            elif payload.action == "start":
                queue_services.start_service(ticket=ticket, officer=officer)
            elif payload.action == "finish":
                queue_services.finish_service(ticket=ticket, officer=officer)
            else:
                group = counter = None
                if payload.group:
                    group = ServiceGroup.objects.filter(
                        center_id=ticket.center_id, prefix=payload.group.strip().upper(),
                        is_active=True,
                    ).first()  # fmt: skip
                    if group is None:
                        raise queue_services.QueueError(_("Không tìm thấy nhóm dịch vụ."))
                if payload.counter is not None:
                    counter = Counter.objects.filter(
                        center_id=ticket.center_id, number=payload.counter
                    ).first()
                    if counter is None:
                        raise queue_services.QueueError(_("Không tìm thấy quầy."))
                queue_services.transfer(ticket=ticket, officer=officer, group=group,
                                        counter=counter)  # fmt: skip
    except queue_services.QueueError as exc:
        return Status(409, {"error": str(exc)})
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        return Status(503, {"error": busy_message()})
    return Status(200, _ticket_out(_fresh(ticket)))
