"""The public side of the queue, no login: the kiosk, the ticket page (also the follow-my-ticket
page opened from its QR code) and the hall display board.

The board's live updates come from the event stream in sse.py (`/api/v1/queue/<center>/events`).
"""

import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.directory.models import ServiceCenter
from motcua.domain.identity import normalize_phone, phone_problem
from motcua.queueing import selectors
from motcua.queueing.estimates import estimated_wait_minutes
from motcua.queueing.models import Ticket
from motcua.queueing.services import QueueError, check_in_booking, issue_ticket

RECENT_CALLS = 8  # the latest call and 7 before it on the board
BOOKING_CODE_KEYS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # services.booking_code's alphabet
FOLLOW_REFRESH_SECONDS = 15
LIVE = (Ticket.Status.WAITING, Ticket.Status.CALLED, Ticket.Status.SERVING)  # page refreshes


def notify_ahead() -> int:
    """The SMS goes out when this many people are ahead (MOTCUA_QUEUE_NOTIFY_AHEAD, default 3)."""
    return getattr(settings, "MOTCUA_QUEUE_NOTIFY_AHEAD", 3)


def _center(code: str) -> ServiceCenter:
    return get_object_or_404(ServiceCenter, code=code, is_active=True)


def _pick(items, raw: str | None):
    raw = (raw or "").strip()
    return next((item for item in items if str(item.pk) == raw), None)


def _kiosk_query(printing: bool, **params) -> str:
    """`?group=…&print=1`: the kiosk's links keep its auto-print flag."""
    if printing:
        params["print"] = "1"
    return "?" + urlencode(params) if params else "?"


def _ticket_url(ticket: Ticket, *, printing: bool) -> str:
    query = {"kiosk": "1", **({"print": "1"} if printing else {})}
    return reverse("queue:ticket", args=[ticket.public_id]) + "?" + urlencode(query)


# --- kiosk ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, center: str) -> HttpResponse:
    """Lấy số: choose a group → "Bạn thuộc đối tượng ưu tiên?" → optional phone → the ticket."""
    center = _center(center)
    data = request.POST if request.method == "POST" else request.GET
    printing = data.get("print") == "1"
    groups = list(selectors.kiosk_groups(center.pk))
    priorities = list(selectors.priority_categories(center.pk))
    context = {"center": center, "printing": printing, "notify_ahead": notify_ahead()}

    group = _pick(groups, data.get("group"))
    if group is None:
        counts = selectors.waiting_counts(center.pk, timezone.localdate())
        waiting = {c.group_id: c.waiting for c in counts}
        choices = [(g, waiting.get(g.pk, 0), _kiosk_query(printing, group=g.pk)) for g in groups]
        error = _("Vui lòng chọn lại dịch vụ.") if request.method == "POST" else ""
        return render(request, "queueing/public/kiosk.html",
                      {**context, "step": "group", "choices": choices, "error": error,
                       "booking_url": reverse("queue:kiosk-booking", args=[center.code])
                       + _kiosk_query(printing)})  # fmt: skip
    context |= {"group": group, "back_url": _kiosk_query(printing)}

    raw_priority = data.get("priority")
    if priorities and raw_priority is None:
        options = [(None, _kiosk_query(printing, group=group.pk, priority=""))]
        options += [(p, _kiosk_query(printing, group=group.pk, priority=p.pk)) for p in priorities]
        return render(request, "queueing/public/kiosk.html",
                      {**context, "step": "priority", "options": options})  # fmt: skip
    priority = _pick(priorities, raw_priority)
    if raw_priority and priority is None:  # a category switched off meanwhile
        return redirect(reverse("queue:kiosk", args=[center.code])
                        + _kiosk_query(printing, group=group.pk))  # fmt: skip
    context |= {"step": "confirm", "priority": priority,
                "back_url": _kiosk_query(printing, group=group.pk)}  # fmt: skip
    if request.method == "GET":
        return render(request, "queueing/public/kiosk.html", context)

    phone = normalize_phone(request.POST.get("phone", ""))
    error = ""
    if phone and phone_problem(phone):
        error = _("Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.")
    elif not phone and request.POST.get("sms"):
        error = _("Vui lòng nhập số điện thoại để nhận tin nhắn.")
    if error:
        return render(request, "queueing/public/kiosk.html",
                      {**context, "error": error, "phone": phone}, status=400)  # fmt: skip
    try:
        ticket = issue_ticket(group=group, priority=priority, phone=phone,
                              notify_when_ahead=notify_ahead() if phone else None)  # fmt: skip
    except QueueError as exc:
        return render(request, "queueing/public/kiosk.html",
                      {**context, "error": str(exc), "phone": phone}, status=409)  # fmt: skip
    return redirect(_ticket_url(ticket, printing=printing))


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_booking(request: HttpRequest, center: str) -> HttpResponse:
    """Đã có lịch hẹn: the booking code → a ticket served first within its slot."""
    center = _center(center)
    data = request.POST if request.method == "POST" else request.GET
    printing = data.get("print") == "1"
    context = {"center": center, "printing": printing, "keys": BOOKING_CODE_KEYS,
               "back_url": reverse("queue:kiosk", args=[center.code]) + _kiosk_query(printing)}  # fmt: skip
    if request.method == "GET":
        return render(request, "queueing/public/kiosk_booking.html", context)
    code = "".join(request.POST.get("code", "").split()).upper()
    if not code:
        return render(request, "queueing/public/kiosk_booking.html",
                      {**context, "error": _("Vui lòng nhập mã đặt lịch.")}, status=400)  # fmt: skip
    try:
        ticket = check_in_booking(group_center_id=center.pk, code=code)
    except QueueError as exc:
        return render(request, "queueing/public/kiosk_booking.html",
                      {**context, "error": str(exc), "code": code}, status=409)  # fmt: skip
    return redirect(_ticket_url(ticket, printing=printing))


# --- ticket / follow page ------------------------------------------------------------------


def wait_text(minutes: int) -> str:
    """45 → "45 phút", 70 → "1 giờ 10 phút"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)d phút") % {"m": rest}
    if not rest:
        return _("%(h)d giờ") % {"h": hours}
    return _("%(h)d giờ %(m)d phút") % {"h": hours, "m": rest}


def _status_context(ticket: Ticket) -> dict:
    is_today = ticket.day == timezone.localdate()
    context = {
        "is_today": is_today,
        "polling": is_today and ticket.status in LIVE,
        "refresh_seconds": FOLLOW_REFRESH_SECONDS,
        "now": timezone.localtime(),
    }
    if ticket.status == Ticket.Status.WAITING and is_today:
        ahead = selectors.people_ahead(ticket)
        if ticket.target_counter_id is not None:
            counters = 1 if ticket.target_counter.is_open else 0
        else:
            counters = selectors.open_counters(ticket.group)
        minutes = estimated_wait_minutes(
            ahead, selectors.average_service_minutes(ticket.group, ticket.day), counters
        )
        context |= {
            "ahead": ahead,
            "estimate": minutes,
            "estimate_text": wait_text(minutes) if minutes else "",
        }
    return context


def _qr_svg(url: str) -> str:
    """The follow page's address as an inline SVG QR code (sized by CSS)."""
    return segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)


@never_cache
@require_http_methods(["GET"])
def ticket(request: HttpRequest, public_id) -> HttpResponse:
    """The ticket: at the kiosk (`?kiosk=1`, `?print=1` prints it), and on a phone from its QR
    code, where the status part refreshes itself every 15 seconds."""
    obj = selectors.ticket_by_public_id(public_id)
    if obj is None:
        raise Http404(_("Không tìm thấy số thứ tự."))
    context = {"ticket": obj, **_status_context(obj)}
    if request.htmx:
        response = render(request, "queueing/public/_ticket_status.html", context)
    else:
        follow_url = request.build_absolute_uri(reverse("queue:ticket", args=[obj.public_id]))
        at_kiosk = request.GET.get("kiosk") == "1"
        printing = request.GET.get("print") == "1"
        context |= {
            "qr_svg": _qr_svg(follow_url),
            "follow_url": follow_url,
            "at_kiosk": at_kiosk,
            "auto_print": printing,
            "issued": timezone.localtime(obj.issued_at),
            "kiosk_url": reverse("queue:kiosk", args=[obj.center.code]) + _kiosk_query(printing),
        }
        if at_kiosk:
            context["polling"] = False  # the kiosk goes back to its start page
        response = render(request, "queueing/public/ticket.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- display board -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def display(request: HttpRequest, center: str) -> HttpResponse:
    """Bảng hiển thị: the latest call big, the calls before it, people waiting per group."""
    center = _center(center)
    # Read the stream's starting point first: a call made while the page renders is then
    # sent again by the stream rather than lost (the board drops the duplicate).
    last_id = selectors.last_event_id(center.pk)
    stream_url = reverse("api-v1:queue-events", kwargs={"center": center.code})
    context = {
        "center": center,
        "calls": selectors.recent_calls(center.pk, limit=RECENT_CALLS),
        "counts": selectors.waiting_counts(center.pk, timezone.localdate()),
        "last_id": last_id,
        "stream_url": f"{stream_url}?after={last_id}",
        "max_calls": RECENT_CALLS,
        "now": timezone.localtime(),
        "server_ms": int(time.time() * 1000),  # the board's clock follows the server's
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "queueing/public/display.html", context)
