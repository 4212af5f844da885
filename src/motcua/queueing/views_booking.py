"""Đặt lịch hẹn (public, no login): /dat-lich/<center>/ → group → day → slot → form →
confirmation with the booking code; /dat-lich/huy/<token>/ cancels. Thin: reads and writes
through `motcua.queueing.booking`."""

from datetime import date, time, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.directory.models import ServiceCenter
from motcua.queueing import booking
from motcua.queueing.forms import BookingForm
from motcua.queueing.models import Booking, ServiceGroup

SESSION_MADE = "bookings_made"  # codes booked in this browser: may see their confirmation


def _center(code: str) -> ServiceCenter:
    return get_object_or_404(ServiceCenter, code=code, is_active=True)


def _group(center: ServiceCenter, prefix: str) -> ServiceGroup:
    return get_object_or_404(ServiceGroup, center=center, prefix=prefix.upper(), is_active=True)


def _day(raw: str) -> date:
    try:
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise Http404(_("Ngày không hợp lệ.")) from exc
    today = timezone.localdate()
    if not today <= day < today + timedelta(days=booking.BOOKING_DAYS):
        raise Http404(
            _("Chỉ đặt lịch được trong %(days)d ngày tới.") % {"days": booking.BOOKING_DAYS}
        )
    return day


def _start(raw: str) -> time:
    if len(raw) != 4 or not raw.isdigit():
        raise Http404(_("Giờ không hợp lệ."))
    try:
        return time(int(raw[:2]), int(raw[2:]))
    except ValueError as exc:
        raise Http404(_("Giờ không hợp lệ.")) from exc


def choose_group(request: HttpRequest, center: str) -> HttpResponse:
    obj = _center(center)
    return render(
        request, "queueing/booking/groups.html",
        {"center": obj, "groups": booking.bookable_groups(obj.pk)},
    )  # fmt: skip


def choose_day(request: HttpRequest, center: str, prefix: str) -> HttpResponse:
    obj = _center(center)
    group = _group(obj, prefix)
    return render(
        request, "queueing/booking/days.html",
        {"center": obj, "group": group, "days": booking.bookable_days(group=group)},
    )  # fmt: skip


def choose_slot(request: HttpRequest, center: str, prefix: str, day: str) -> HttpResponse:
    obj = _center(center)
    group = _group(obj, prefix)
    the_day = _day(day)
    return render(
        request, "queueing/booking/slots.html",
        {"center": obj, "group": group, "day": the_day,
         "slots": booking.slots_for_day(group=group, day=the_day)},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, center: str, prefix: str, day: str, start: str) -> HttpResponse:
    obj = _center(center)
    group = _group(obj, prefix)
    the_day, the_start = _day(day), _start(start)
    slot = next(
        (s for s in booking.slots_for_day(group=group, day=the_day) if s.start == the_start), None
    )
    if slot is None:
        raise Http404(_("Không có khung giờ này."))
    problem = ""
    if request.method == "POST":
        form = BookingForm(request.POST)
        if form.is_valid():
            try:
                made = booking.create_booking(
                    group=group, day=the_day, start=the_start, name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"], email=form.cleaned_data["email"],
                )  # fmt: skip
            except booking.BookingError as exc:
                problem = str(exc)
            else:
                request.session[SESSION_MADE] = [*request.session.get(SESSION_MADE, [])[-9:],
                                                 made.code]  # fmt: skip
                return redirect("queue:booking:done", code=made.code)
    else:
        form = BookingForm()
    return render(
        request, "queueing/booking/form.html",
        {"center": obj, "group": group, "day": the_day, "slot": slot, "form": form,
         "problem": problem},
        status=409 if problem else 200,
    )  # fmt: skip


def done(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation, for the browser that booked (the code is the key at the kiosk)."""
    if code not in request.session.get(SESSION_MADE, []):
        raise Http404(_("Không tìm thấy lịch hẹn."))
    made = get_object_or_404(Booking.objects.select_related("group__center"), code=code)
    cancel_url = request.build_absolute_uri(
        reverse("queue:booking:cancel", args=[made.cancel_token])
    )
    return render(
        request, "queueing/booking/done.html",
        {"b": made, "center": made.group.center, "cancel_url": cancel_url},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Hủy lịch hẹn: GET asks to confirm, POST cancels."""
    made = booking.booking_for_token(token)
    if made is None:
        raise Http404(_("Không tìm thấy lịch hẹn."))
    problem, cancelled = "", False
    if request.method == "POST":
        try:
            made = booking.cancel_booking(token=token)
            cancelled = True
        except booking.BookingError as exc:
            problem = str(exc)
    return render(
        request, "queueing/booking/cancel.html",
        {"b": made, "center": made.group.center, "problem": problem, "cancelled": cancelled},
    )  # fmt: skip
