"""The reception officer's screens at the counter (/quay/): intake at the counter and by post,
and the review of dossiers submitted online. Thin: reads through selectors, writes through
`motcua.dossiers.services`, input shaped by `motcua.dossiers.forms`.

Who may use them: reception officers, postal staff and administrators posted to a center today
(an active StaffAssignment). Others get 403 on these pages; a dossier of a center the officer is
not posted to is 404.
"""

from datetime import datetime
from functools import wraps
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.models import Role
from motcua.catalog import selectors as catalog_selectors
from motcua.directory import selectors as directory_selectors
from motcua.directory.models import ServiceCenter
from motcua.dossiers import selectors, services
from motcua.dossiers.forms import (
    CenterChoiceForm,
    CounterIntakeForm,
    RefuseForm,
    SupplementForm,
    missing_from_ticks,
    ticket_number,
)
from motcua.dossiers.models import Dossier, DossierFile, Notice
from motcua.queueing import selectors as queue_selectors
from motcua.queueing import services as queue_services

COUNTER_ROLES = frozenset({Role.RECEPTION_OFFICER, Role.POSTAL_STAFF, Role.ADMINISTRATOR})
SESSION_CENTER = "counter_center_id"
SEARCH_LIMIT = 15

WEEKDAYS = (
    gettext_lazy("thứ Hai"),
    gettext_lazy("thứ Ba"),
    gettext_lazy("thứ Tư"),
    gettext_lazy("thứ Năm"),
    gettext_lazy("thứ Sáu"),
    gettext_lazy("thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)


def vn_datetime(value: datetime | None) -> str:
    """09:00, thứ Ba, 08/12/2026 (local time, Vietnamese weekday)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M}, {WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}"


# --- who may use the counter ---------------------------------------------------------------


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dossiers/counter/forbidden.html", {"message": message}, status=403)


def counter_view(view):
    """Login, a counter role and a posting today.

    Sets request.counter_centers (where the user is posted) and request.counter_center (where
    they work now: the only one, or the one chosen; None until chosen).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        user = request.user
        if user.role not in COUNTER_ROLES and not user.is_superuser:
            return _forbidden(
                request, _("Màn hình tiếp nhận chỉ dành cho cán bộ tiếp nhận hồ sơ của Trung tâm.")
            )
        centers = directory_selectors.posted_centers(user)
        if not centers:
            return _forbidden(
                request,
                _("Bạn chưa được cử làm việc tại Trung tâm nào (hoặc đợt cử đã hết hạn)."),
            )
        request.counter_centers = centers
        request.counter_center = _current_center(request)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _current_center(request: HttpRequest) -> ServiceCenter | None:
    centers = request.counter_centers
    if len(centers) == 1:
        return centers[0]
    chosen = request.session.get(SESSION_CENTER)
    return next((c for c in centers if c.pk == chosen), None)


def _choose_center_first(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('counter:choose-center')}?next={request.get_full_path()}")


def _counter_dossiers(request: HttpRequest) -> QuerySet[Dossier]:
    """Dossiers the officer may see, at the centers they are posted to."""
    centers = [c.pk for c in request.counter_centers]
    return selectors.dossiers_visible_to(request.user).filter(center_id__in=centers)


def _dossier_or_404(request: HttpRequest, ref: str) -> Dossier:
    dossier = selectors.dossier_for(request.user, code=ref)
    if dossier is None or dossier.center_id not in {c.pk for c in request.counter_centers}:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


def _ref(dossier: Dossier) -> str:
    return dossier.code or str(dossier.public_id)


def _result_url(dossier: Dossier) -> str:
    return reverse("counter:dossier", args=[_ref(dossier)])


# --- dashboard and center choice -----------------------------------------------------------


@counter_view
def dashboard(request: HttpRequest) -> HttpResponse:
    center = _current_center(request)
    if center is None:
        return _choose_center_first(request)
    awaiting = selectors.awaiting_reception(request.user).filter(center=center)
    return render(
        request,
        "dossiers/counter/dashboard.html",
        {
            "center": center,
            "awaiting": awaiting,
            "today": selectors.decided_today_by(
                request.user, center=center, dossiers=_counter_dossiers(request)
            ),
        },
    )


@counter_view
def choose_center(request: HttpRequest) -> HttpResponse:
    centers = request.counter_centers
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        form = CenterChoiceForm(request.POST, centers=centers)
        if form.is_valid():
            request.session[SESSION_CENTER] = form.cleaned_data["center"].pk
            return redirect(next_url or reverse("counter:dashboard"))
    else:
        current = _current_center(request)
        form = CenterChoiceForm(
            centers=centers, initial={"center": current.pk if current else None}
        )
    return render(request, "dossiers/counter/choose_center.html", {"form": form, "next": next_url})


# --- new intake ----------------------------------------------------------------------------


def _ticket(center, raw):
    """The queue ticket the officer is serving (?ticket=<id> from the counter console)."""
    return queue_selectors.ticket_at_center(center_id=center.pk, ticket_id=ticket_number(raw))


@counter_view
def intake_start(request: HttpRequest) -> HttpResponse:
    """Step 1: find the procedure (the catalog search, the center's level)."""
    center = _current_center(request)
    if center is None:
        return _choose_center_first(request)
    query = request.GET.get("q", "").strip()[:200]
    ticket = _ticket(center, request.GET.get("ticket"))
    result = (
        catalog_selectors.search_procedures(query=query, level=center.level, limit=SEARCH_LIMIT)
        if query
        else None
    )
    context = {"center": center, "query": query, "ticket": ticket, "result": result}
    if request.htmx:
        return render(request, "dossiers/counter/_procedure_results.html", context)
    return render(request, "dossiers/counter/intake_start.html", context)


def _version_or_404(code: str):
    version = catalog_selectors.procedure_detail(code=code)
    if version is None:
        raise Http404(_("Không tìm thấy thủ tục mã %(code)s.") % {"code": code})
    return version


@counter_view
def intake_form(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: the applicant, the components presented, and one of the three decisions."""
    center = _current_center(request)
    if center is None:
        return _choose_center_first(request)
    version = _version_or_404(code)
    if request.method == "POST":
        form = CounterIntakeForm(request.POST, request.FILES, version=version)
        decision = request.POST.get("decision", "")
        # "check" (no-JS fallback) only re-renders the completeness; nothing is written.
        if decision != "check" and form.is_valid():
            try:
                dossier = services.intake(
                    version=version, center=center, officer=request.user, decision=decision,
                    **form.service_kwargs(),
                )  # fmt: skip
            except services.IntakeError as exc:
                form.add_service_errors(exc.errors)
            else:
                ticket = _ticket(center, form.cleaned_data.get("ticket"))
                if ticket is not None:
                    queue_services.link_dossier(
                        ticket=ticket, dossier=dossier, officer=request.user
                    )
                return redirect(_result_url(dossier))
        ticket = _ticket(center, request.POST.get("ticket"))
    else:
        ticket = _ticket(center, request.GET.get("ticket"))
        form = CounterIntakeForm(version=version, initial={"ticket": ticket.pk if ticket else ""})
    level_problem = ""
    if version.level != center.level:
        level_problem = _("Thủ tục này thuộc %(level)s, không tiếp nhận tại %(center)s.") % {
            "level": version.get_level_display().lower(),
            "center": center.name,
        }
    rows = form.component_rows()
    return render(
        request,
        "dossiers/counter/intake_form.html",
        {
            "center": center,
            "version": version,
            "form": form,
            "rows": rows,
            "missing": [r.component for r in rows if r.missing],
            "ticket": ticket,
            "level_problem": level_problem,
        },
    )


@counter_view
@require_POST
def completeness(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: the list of required components not ticked yet, from the posted checkboxes."""
    version = _version_or_404(code)
    missing = missing_from_ticks(list(version.components.all()), request.POST)
    return render(request, "dossiers/counter/_completeness.html", {"missing": missing, "oob": True})


# --- after the decision --------------------------------------------------------------------


@counter_view
def dossier_result(request: HttpRequest, ref: str) -> HttpResponse:
    """The outcome, big and clear, with the form(s) to print."""
    dossier = _dossier_or_404(request, ref)
    ref = _ref(dossier)
    notices = [
        {
            "notice": n,
            "html": f"/ho-so/{ref}/phieu/{n.pk}/",
            "pdf": f"/ho-so/{ref}/phieu/{n.pk}.pdf",
        }
        for n in dossier.notices.all()
    ]
    latest = dossier.notices.last()
    return render(
        request,
        "dossiers/counter/result.html",
        {
            "dossier": dossier,
            "notices": notices,
            "latest": latest,
            "kinds": Notice.Kind,
            "components": dossier.components.select_related("component").prefetch_related("files"),
            "due_text": vn_datetime(dossier.due_at),
            "received_text": vn_datetime(dossier.received_at),
        },
    )


# --- dossiers submitted online (or by post) waiting for reception --------------------------


def _review_context(dossier: Dossier, supplement: SupplementForm, refuse: RefuseForm, **extra):
    rows = list(dossier.components.select_related("component").prefetch_related("files"))
    return {
        "dossier": dossier,
        "rows": rows,
        "missing_required": [r for r in rows if r.component.required and not r.provided],
        "supplement": supplement,
        "refuse": refuse,
        "waiting": dossier.status == "submitted",
        "submitted_text": vn_datetime(dossier.submitted_at),
        **extra,
    }


@counter_view
def review(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Accept (Mẫu 01), return for supplement (Mẫu 02) or refuse (Mẫu 03) a submitted dossier."""
    dossier = get_object_or_404(_counter_dossiers(request), public_id=public_id)
    rows = list(dossier.components.select_related("component"))
    errors: dict[str, str] = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    supplement = SupplementForm(request.POST if action == "supplement" else None, rows=rows)
    refuse = RefuseForm(request.POST if action == "refuse" else None)
    if request.method == "POST":
        try:
            if action == "accept":
                dossier = services.accept(dossier=dossier, officer=request.user)
            elif action == "supplement" and supplement.is_valid():
                dossier = services.return_for_supplement(
                    dossier=dossier, officer=request.user,
                    missing_ids=supplement.cleaned_data["missing"],
                    note=supplement.cleaned_data["note"],
                )  # fmt: skip
            elif action == "refuse" and refuse.is_valid():
                dossier = services.refuse_submitted(
                    dossier=dossier, officer=request.user, reason=refuse.cleaned_data["reason"]
                )
            elif action not in ("supplement", "refuse"):
                raise services.IntakeError(_("Thao tác không hợp lệ."))
            else:
                raise services.IntakeError(_("Thông tin nhập chưa hợp lệ, hãy kiểm tra lại."))
        except services.IntakeError as exc:
            errors = exc.errors
            # Another officer may have acted meanwhile: show the dossier as it is now.
            dossier = get_object_or_404(_counter_dossiers(request), pk=dossier.pk)
        else:
            return redirect(_result_url(dossier))
    return render(
        request,
        "dossiers/counter/review.html",
        _review_context(
            dossier,
            supplement,
            refuse,
            errors=errors,
            action=action,
            general_errors=[m for k, m in errors.items() if k != "reason"],
        ),
    )


@counter_view
def dossier_file(request: HttpRequest, file_id: int) -> FileResponse:
    """A scanned file, shown in the browser, only to officers who may see its dossier."""
    record = get_object_or_404(
        DossierFile.objects.select_related("component"),
        Q(component__dossier__in=_counter_dossiers(request)),
        pk=file_id,
    )
    response = FileResponse(
        record.file.open("rb"),
        content_type=record.content_type,
        as_attachment=False,
        filename=record.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response
