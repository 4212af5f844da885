"""The rating pages (mounted at /danh-gia/).

- `/danh-gia/quay/ghep-noi/`: an officer working at a counter pairs the tablet facing the
  citizen with it (signed in on the tablet once); the tablet keeps a secret cookie and the
  officer is signed out, so the tablet is signed in as nobody.
- `/danh-gia/quay/<center>/<number>/`: the tablet. It offers only the dossier just served at
  its counter (`selectors.awaiting_at_counter`), never one chosen by the person in front of it.
- `/danh-gia/tra-cuu/`: the rating form of the public lookup (the receipt's QR), with the
  token a successful lookup gave; `/danh-gia/cong/<id>/`: "Hồ sơ của tôi" in the portal.
- `/danh-gia/bang-diem/`: the Decree 61 evaluation per agency, for staff with reach
  (`reports.selectors.reach_of`).
"""

from __future__ import annotations

import math
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from motcua.directory.models import Counter
from motcua.domain import kpi
from motcua.dossiers import lookup
from motcua.portal import selectors as portal_selectors
from motcua.queueing.views_console import console_center_ids
from motcua.ratings import selectors, services
from motcua.reports import selectors as report_selectors
from motcua.reports.models import RatingValue
from motcua.reports.services import RatingError

DEVICE_COOKIE = "motcua_rating_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the browsers' cap; pair again after that
IDLE_REFRESH_SECONDS = 5  # the idle tablet looks for a dossier to offer this often
FORM_SECONDS = 120  # nobody touches the form: back to idle
THANKS_SECONDS = 8
COMMENT_MAX = 2000


def choices() -> list[tuple[str, str]]:
    """The three answers, best first (the buttons' order)."""
    return [(v.value, v.label) for v in RatingValue]


# --- the counter tablet -----------------------------------------------------------------------


class PairForm(forms.Form):
    counter = forms.ModelChoiceField(
        label=gettext_lazy("Quầy"), queryset=Counter.objects.none(),
        error_messages={"required": gettext_lazy("Hãy chọn quầy."),
                        "invalid_choice": gettext_lazy("Quầy không hợp lệ.")},
    )  # fmt: skip

    def __init__(self, *args, center_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["counter"]
        field.queryset = (
            Counter.objects.filter(center_id__in=center_ids)
            .select_related("center")
            .order_by("center__name", "number")
        )
        field.label_from_instance = lambda c: f"{c.center.name} — {c}"


@login_required
@require_http_methods(["GET", "POST"])
def pair(request: HttpRequest) -> HttpResponse:
    """Ghép nối máy đánh giá: for officers who may work at the counter's center."""
    center_ids = console_center_ids(request.user)
    if not center_ids:
        return render(
            request, "ratings/forbidden.html",
            {"message": _("Chỉ cán bộ được cử làm việc tại Trung tâm mới ghép nối được máy "
                          "đánh giá với quầy.")},
            status=403,
        )  # fmt: skip
    form = PairForm(request.POST or None, center_ids=center_ids)
    if request.method == "POST" and form.is_valid():
        counter = form.cleaned_data["counter"]
        _device, token = services.pair_device(counter=counter, user=request.user)
        # The tablet faces the citizen: nobody stays signed in on it.
        logout(request)
        response = redirect(_tablet_url(counter))
        response.set_cookie(
            DEVICE_COOKIE, token, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Strict",
            secure=settings.SESSION_COOKIE_SECURE,
        )  # fmt: skip
        return response
    return render(request, "ratings/pair.html", {"form": form})


def _tablet_url(counter: Counter) -> str:
    return reverse("ratings:tablet", args=[counter.center.code, counter.number])


def _counter(center: str, number: int) -> Counter:
    return get_object_or_404(
        Counter.objects.select_related("center"), center__code=center, number=number,
        center__is_active=True,
    )  # fmt: skip


def _tablet_render(request: HttpRequest, counter: Counter, context: dict, status: int = 200):
    base = {"counter": counter, "center": counter.center, "choices": choices(),
            "comment_max": COMMENT_MAX, "idle_seconds": IDLE_REFRESH_SECONDS}  # fmt: skip
    return render(request, "ratings/tablet.html", base | context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def tablet(request: HttpRequest, center: str, number: int) -> HttpResponse:
    """Máy đánh giá tại quầy: idle, or the dossier just served here with the three buttons;
    after a rating, a thank-you screen that returns to idle."""
    counter = _counter(center, number)
    device = selectors.device_for(request.COOKIES.get(DEVICE_COOKIE))
    if device is None or device.counter_id != counter.pk:
        return _tablet_render(request, counter, {"step": "unpaired"}, status=403)
    if request.method == "POST":
        try:
            services.rate_at_counter(
                device=device, dossier_id=request.POST.get("dossier", ""),
                value=request.POST.get("value", ""),
                comment=request.POST.get("comment", "")[:COMMENT_MAX],
            )  # fmt: skip
        except services.TooManyRatings as exc:
            response = _tablet_render(request, counter, {"step": "error", "error": str(exc)},
                                      status=429)  # fmt: skip
            response["Retry-After"] = str(exc.retry_after)
            return response
        except RatingError as exc:
            return _tablet_render(request, counter, {"step": "error", "error": str(exc)},
                                  status=409)  # fmt: skip
        return redirect(_tablet_url(counter) + "?xong=1")
    if request.GET.get("xong") == "1":
        return _tablet_render(request, counter, {"step": "thanks"})
    awaiting = selectors.awaiting_at_counter(counter)
    if awaiting is None or awaiting.rated:
        return _tablet_render(request, counter, {"step": "idle"})
    return _tablet_render(
        request, counter,
        {"step": "rate", "awaiting": awaiting,
         "initials": lookup.initials(awaiting.dossier.applicant_name)},
    )  # fmt: skip


# --- from the receipt's QR --------------------------------------------------------------------


@never_cache
@require_POST
def receipt(request: HttpRequest) -> HttpResponse:
    """The lookup page's rating form posts here (channel "receipt QR")."""
    context: dict = {"choices": choices()}
    try:
        rating = services.rate_from_receipt(
            token=request.POST.get("token", ""), value=request.POST.get("value", ""),
            comment=request.POST.get("comment", "")[:COMMENT_MAX],
            client=lookup.client_key(request),
        )  # fmt: skip
    except lookup.RateLimited as exc:
        context["retry_minutes"] = max(1, math.ceil(exc.retry_after / 60))
        response = render(request, "ratings/receipt_done.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except RatingError as exc:
        context["error"] = str(exc)
        return render(request, "ratings/receipt_done.html", context, status=409)
    context["rating"] = rating
    return render(request, "ratings/receipt_done.html", context)


# --- in the portal ----------------------------------------------------------------------------


@login_required
@require_POST
def portal(request: HttpRequest, public_id) -> HttpResponse:
    """ "Hồ sơ của tôi": the citizen's own dossier (another's is 404, as in the portal)."""
    dossier = portal_selectors.my_dossier(request.user, public_id)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    try:
        services.rate_in_portal(
            user=request.user, dossier=dossier, value=request.POST.get("value", ""),
            comment=request.POST.get("comment", "")[:COMMENT_MAX],
        )  # fmt: skip
    except RatingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Cảm ơn Ông/Bà đã đánh giá hồ sơ %(code)s.") % {"code": dossier.code},
        )
    return redirect(reverse("portal:my-dossiers") + f"#ho-so-{dossier.public_id}")


# --- the Decree 61 board ----------------------------------------------------------------------


class BoardForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Từ ngày"), required=False)
    end = forms.DateField(label=gettext_lazy("Đến ngày"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày kết thúc kỳ phải từ ngày bắt đầu trở đi."))
        return data


@login_required
@require_http_methods(["GET"])
def board(request: HttpRequest) -> HttpResponse:
    """Bảng điểm Nghị định 61: per agency, the average points (0–2) of each index computable
    from the data over the dossiers finished in the period."""
    reach = report_selectors.reach_of(request.user)
    if reach is None:
        return render(
            request, "ratings/forbidden.html",
            {"message": _("Bạn không có quyền xem số liệu giám sát, đánh giá.")}, status=403,
        )  # fmt: skip
    today = timezone.localdate()
    data = {"start": request.GET.get("from") or date(today.year, today.month, 1).isoformat(),
            "end": request.GET.get("to") or today.isoformat()}  # fmt: skip
    form = BoardForm(data)
    rows, period = [], None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        period = (start, end)
        rows = selectors.evaluation_by_agency(report_selectors.period_of(start, end), reach)
    return render(
        request, "ratings/board.html",
        {"form": form, "rows": rows, "period": period, "indices": kpi.DECREE_61,
         "bands": kpi.DECREE_61_BANDS},
        status=200 if form.is_valid() else 400,
    )  # fmt: skip
