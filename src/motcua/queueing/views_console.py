"""The officer's side of the queue (mounted at /quay-so/): the counter console and statistics.

Who may use the console: officers posted to the counter's center today (an active
StaffAssignment, or the center receiving for their agency: `scoped_center_ids`), and
superusers. Others get 403; a ticket of another center is 404. Every button posts and swaps
the console fragment (htmx); without JavaScript the same forms post and get the whole page.
QueueError messages are shown in the fragment, never as an error page.

Statistics: center directors, supervisors and administrators for the centers in their scope.
"""

from datetime import datetime, time
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.selectors import scoped_center_ids
from motcua.directory.models import Counter, ServiceCenter, StaffAssignment
from motcua.queueing import services
from motcua.queueing.forms import CounterChoiceForm, StatsFilterForm, TransferForm
from motcua.queueing.models import ServiceGroup, Ticket, TicketEvent
from motcua.queueing.stats import centers_for_stats, queue_stats, stats_workbook

SESSION_COUNTER = "queue_counter_id"
SESSION_FINISHED = "queue_last_finished"  # {counter id: ticket id} for the intake link
ACTIVE = (Ticket.Status.CALLED, Ticket.Status.SERVING)
ACTIONS = ("call_next", "recall", "no_show", "start", "finish", "transfer")


def is_busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked": a writer waited past the timeout; nothing was written."""
    return "locked" in str(exc)


def busy_message() -> str:
    return _("Hệ thống đang bận, chưa thực hiện được. Vui lòng bấm lại.")


# --- who may use the console ---------------------------------------------------------------


def console_center_ids(user) -> set[int]:
    """Centers at whose counters the user may call tickets."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ServiceCenter.objects.values_list("id", flat=True))
    if not user.is_officer:
        return set()
    return scoped_center_ids(user)


def may_operate(user, center_id: int) -> bool:
    return center_id in console_center_ids(user)


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "queueing/console/forbidden.html", {"message": message}, status=403)


def console_view(view):
    """Login and a posting; sets request.console_center_ids."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        ids = console_center_ids(request.user)
        if not ids:
            return _forbidden(
                request,
                _("Màn hình gọi số chỉ dành cho cán bộ được cử làm việc tại Trung tâm "
                  "(hoặc đợt cử đã hết hạn)."),
            )  # fmt: skip
        request.console_center_ids = ids
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _counter_or_403(request: HttpRequest, counter_id: int) -> Counter | HttpResponse:
    counter = get_object_or_404(Counter.objects.select_related("center"), pk=counter_id)
    if counter.center_id not in request.console_center_ids:
        return _forbidden(request, _("Bạn không được cử làm việc tại trung tâm có quầy này."))
    return counter


# --- choosing the counter ------------------------------------------------------------------


def _assigned_counter_id(user) -> int | None:
    today = timezone.localdate()
    return (
        StaffAssignment.objects.filter(
            user=user, start_date__lte=today, end_date__gte=today, counter__isnull=False
        )
        .order_by("-is_primary")
        .values_list("counter_id", flat=True)
        .first()
    )


@console_view
def choose_counter(request: HttpRequest) -> HttpResponse:
    """Chọn quầy: the counters of the user's centers; the choice is kept in the session."""
    counters = (
        Counter.objects.filter(center_id__in=request.console_center_ids)
        .select_related("center")
        .prefetch_related("agencies")
        .order_by("center__name", "number")
    )
    remembered = request.session.get(SESSION_COUNTER)
    assigned = _assigned_counter_id(request.user)
    if request.method == "POST":
        form = CounterChoiceForm(request.POST, counters=counters)
        if form.is_valid():
            counter = form.cleaned_data["counter"]
            request.session[SESSION_COUNTER] = counter.pk
            return redirect("queue-console:console", counter_id=counter.pk)
    else:
        if remembered and "doi" not in request.GET and counters.filter(pk=remembered).exists():
            return redirect("queue-console:console", counter_id=remembered)
        initial = remembered or assigned
        form = CounterChoiceForm(initial={"counter": initial}, counters=counters)
    centers: dict[ServiceCenter, list] = {}
    for choice in form["counter"]:
        counter = choice.data["value"].instance
        centers.setdefault(counter.center, []).append(choice)
    return render(
        request, "queueing/console/choose.html",
        {"form": form, "centers": centers, "assigned": assigned,
         "may_see_stats": bool(centers_for_stats(request.user))},
    )  # fmt: skip


# --- the console ---------------------------------------------------------------------------


def _start_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def current_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, day=timezone.localdate(), status__in=ACTIVE)
        .select_related("group", "priority", "booking")
        .order_by("-last_called_at")
        .first()
    )


def waiting_for(counter: Counter) -> int:
    """Tickets waiting today that this counter may call."""
    groups = ServiceGroup.objects.filter(counters=counter, is_active=True).values("id")
    return Ticket.objects.filter(
        Q(group_id__in=groups, target_counter__isnull=True) | Q(target_counter=counter),
        status=Ticket.Status.WAITING,
        day=timezone.localdate(),
    ).count()


def today_counts(counter: Counter) -> dict[str, int]:
    """Distinct tickets per action at this counter today (called, finished, no-show…)."""
    counts = dict.fromkeys(("called", "serving", "finished", "no_show", "transferred"), 0)
    for row in (
        TicketEvent.objects.filter(counter=counter, at__gte=_start_of_today())
        .values("action")
        .annotate(n=Count("ticket", distinct=True))
    ):
        counts[row["action"]] = row["n"]
    return counts


def _minutes(seconds: float) -> int:
    return max(int(seconds // 60), 0)


def _last_finished(request: HttpRequest, counter: Counter) -> Ticket | None:
    ticket_id = request.session.get(SESSION_FINISHED, {}).get(str(counter.pk))
    if not ticket_id:
        return None
    return Ticket.objects.filter(
        pk=ticket_id, counter=counter, day=timezone.localdate(), status=Ticket.Status.FINISHED
    ).first()


def _render_console(
    request: HttpRequest,
    counter: Counter,
    *,
    message: str = "",
    level: str = "ok",
    transfer_form: TransferForm | None = None,
) -> HttpResponse:
    ticket = current_ticket(counter)
    called = ticket is not None and ticket.status == Ticket.Status.CALLED
    now = timezone.now()
    context = {
        "counter": counter,
        "groups": ServiceGroup.objects.filter(counters=counter, is_active=True),
        "ticket": ticket,
        "waited_minutes": _minutes(
            ((ticket.first_called_at or now) - ticket.issued_at).total_seconds()
        )
        if ticket
        else None,  # fmt: skip
        "calls_needed": services.recalls_before_no_show(),
        "recall_disabled": not called,
        "no_show_disabled": not (called and ticket.call_count >= services.recalls_before_no_show()),
        "start_disabled": not called,
        "finish_disabled": ticket is None,
        "finished": None if ticket else _last_finished(request, counter),
        "waiting": waiting_for(counter),
        "counts": today_counts(counter),
        "transfer_form": transfer_form
        or (TransferForm(counter=counter, ticket=ticket) if ticket else None),
        "message": message,
        "level": level,
        "may_see_stats": bool(centers_for_stats(request.user)),
    }
    template = "queueing/console/_console.html" if request.htmx else "queueing/console/console.html"
    return render(request, template, context)


@console_view
def console(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter_or_403(request, counter_id)
    if isinstance(counter, HttpResponse):
        return counter
    request.session[SESSION_COUNTER] = counter.pk
    return _render_console(request, counter)


@console_view
def waiting(request: HttpRequest, counter_id: int) -> HttpResponse:
    """The waiting count alone, polled by the console."""
    counter = _counter_or_403(request, counter_id)
    if isinstance(counter, HttpResponse):
        return counter
    return render(
        request,
        "queueing/console/_waiting.html",
        {"counter": counter, "waiting": waiting_for(counter)},
    )


def _posted_ticket(request: HttpRequest, counter: Counter) -> Ticket:
    """The ticket the button was for: 404 if of another center; a QueueError if it is no
    longer at this counter (another tab, another officer)."""
    raw = request.POST.get("ticket", "")
    if not raw.isdigit():
        raise services.QueueError(_("Quầy chưa có số nào đang được gọi."))
    ticket = Ticket.objects.filter(pk=int(raw)).select_related("counter").first()
    if ticket is None or ticket.center_id != counter.center_id:
        raise Http404(_("Không tìm thấy số thứ tự."))
    if ticket.counter_id != counter.pk or ticket.status not in ACTIVE:
        raise services.QueueError(
            _("Số %(label)s không còn ở quầy này; màn hình đã được cập nhật.")
            % {"label": ticket.label}
        )
    return ticket


@require_POST
@console_view
def act(request: HttpRequest, counter_id: int) -> HttpResponse:
    """One button of the console: call next, recall, no-show, start, finish, transfer."""
    counter = _counter_or_403(request, counter_id)
    if isinstance(counter, HttpResponse):
        return counter
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return HttpResponse(_("Thao tác không hợp lệ."), status=400)
    officer = request.user
    message, level, form = "", "ok", None
    try:
        if action == "call_next":
            called = services.call_next(counter=counter, officer=officer)
            if called is None:
                message, level = _("Không còn ai chờ."), "info"
            else:
                message = _("Mời số %(label)s đến quầy %(number)s.") % {
                    "label": called.label, "number": counter.number,
                }  # fmt: skip
        else:
            ticket = _posted_ticket(request, counter)
            if action == "recall":
                ticket = services.recall(ticket=ticket, officer=officer)
                message = _("Đã gọi lại số %(label)s (lần %(n)d).") % {
                    "label": ticket.label, "n": ticket.call_count,
                }  # fmt: skip
            elif action == "no_show":
                services.mark_no_show(ticket=ticket, officer=officer)
                message, level = _("Số %(label)s vắng mặt.") % {"label": ticket.label}, "info"
            elif action == "start":
                services.start_service(ticket=ticket, officer=officer)
                message = _("Bắt đầu phục vụ số %(label)s.") % {"label": ticket.label}
            elif action == "finish":
                services.finish_service(ticket=ticket, officer=officer)
                finished = request.session.get(SESSION_FINISHED, {})
                finished[str(counter.pk)] = ticket.pk
                request.session[SESSION_FINISHED] = finished
                message = _("Đã kết thúc phục vụ số %(label)s.") % {"label": ticket.label}
            elif action == "transfer":
                form = TransferForm(request.POST, counter=counter, ticket=ticket)
                if form.is_valid():
                    group, target = form.cleaned_data["group"], form.cleaned_data["counter"]
                    ticket = services.transfer(
                        ticket=ticket, officer=officer, group=group, counter=target
                    )
                    form = None
                    message = _("Đã chuyển số %(label)s sang %(where)s.") % {
                        "label": ticket.label, "where": _transfer_target(group, target),
                    }  # fmt: skip
                else:
                    level = "error"
                    message = " ".join(form.non_field_errors()) or _(
                        "Không chuyển được: hãy kiểm tra lựa chọn."
                    )
    except services.QueueError as exc:
        message, level, form = str(exc), "error", None
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        message, level, form = busy_message(), "error", None
    return _render_console(request, counter, message=message, level=level, transfer_form=form)


def _transfer_target(group: ServiceGroup | None, counter: Counter | None) -> str:
    parts = []
    if group is not None:
        parts.append(_("nhóm %(prefix)s — %(name)s") % {"prefix": group.prefix, "name": group.name})
    if counter is not None:
        parts.append(_("quầy %(number)s") % {"number": counter.number})
    return ", ".join(parts)


# --- statistics ----------------------------------------------------------------------------


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    """Thống kê xếp hàng: `?from=YYYY-MM-DD&to=YYYY-MM-DD&center=<code>[&format=xlsx]`."""
    centers = centers_for_stats(request.user)
    if not centers:
        return _forbidden(
            request,
            _(
                "Thống kê xếp hàng dành cho Giám đốc Trung tâm, cán bộ giám sát và quản trị hệ thống."
            ),
        )
    code = request.GET.get("center")
    if code and code not in {c.code for c in centers}:
        return _forbidden(request, _("Bạn không được xem thống kê của trung tâm này."))
    form = StatsFilterForm(request.GET, centers=centers)
    result = None
    if form.is_valid():
        result = queue_stats(
            center=form.cleaned_data["center"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                stats_workbook(result),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            name = (
                f"thong-ke-xep-hang-{result.center.code}-{result.start:%Y%m%d}-{result.end:%Y%m%d}"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
    export_url = ""
    if result is not None:
        export_url = (
            f"{reverse('queue-console:stats')}?from={result.start:%Y-%m-%d}"
            f"&to={result.end:%Y-%m-%d}&center={result.center.code}&format=xlsx"
        )
    return render(
        request, "queueing/stats/stats.html",
        {"form": form, "stats": result, "export_url": export_url,
         "console_allowed": bool(console_center_ids(request.user))},
    )  # fmt: skip
