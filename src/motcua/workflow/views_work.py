"""Staff pages for running dossiers (mounted at /xu-ly/): the worklist and the dossier page.

- `/xu-ly/` — "Việc của tôi": to do, due within one working day, overdue, waiting for the
  applicant; the counts per agency for leaders, the center's director and supervisors.
- `/xu-ly/ho-so/<code>/` — the dossier: where it is now, its deadlines, the steps so far, the
  whole history, the printed forms, the fees, and a form for every action the user may
  perform now; all of them post to `/xu-ly/ho-so/<code>/thao-tac/`.
- `/xu-ly/ho-so/<code>/ket-qua/` — the result file (staff who may see the dossier; the
  applicant once it was returned electronically).

Thin: reads through `runtime_selectors`, writes through `actions.perform` (the same dispatcher
as the API). Every check is server-side; the page only hides what the user cannot do.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.models import Role, User
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import DOSSIER_RELATED
from motcua.workflow import permissions as perms
from motcua.workflow import runtime
from motcua.workflow import runtime_selectors as selectors
from motcua.workflow.actions import perform
from motcua.workflow.forms import ActionForm
from motcua.workflow.models import PostalStatus, ReturnMethod

PAGE_SIZE = 50

# The worklist's tabs: (query value, label, selector).
LISTS = (
    ("can-xu-ly", gettext_noop("Cần xử lý"), "to_do"),
    ("sap-den-han", gettext_noop("Sắp đến hạn (trong 1 ngày làm việc)"), "due_soon"),
    ("qua-han", gettext_noop("Quá hạn"), "overdue"),
    ("cho-bo-sung", gettext_noop("Chờ người nộp bổ sung"), "waiting"),
)


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workflow/forbidden.html", {"message": message}, status=403)


def _is_staff(user: User) -> bool:
    return user.is_superuser or user.is_officer


def _dossier_or_404(user: User, ref: str) -> Dossier:
    dossier = Dossier.objects.select_related(*DOSSIER_RELATED).filter(code=ref.strip()).first()
    if dossier is None or not selectors.can_view(user, dossier):
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


@require_GET
@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _is_staff(user):
        return _forbidden(request, _("Trang xử lý hồ sơ chỉ dành cho cán bộ, công chức."))
    code = request.GET.get("ma", "").strip()
    if code:
        found = Dossier.objects.filter(code=code).first()
        if found is not None and selectors.can_view(user, found):
            return redirect(reverse("work:dossier", args=[found.code]))
        messages.error(request, _("Không tìm thấy hồ sơ mã “%(code)s”.") % {"code": code[:40]})
    work = selectors.worklist(user)
    tabs = []
    for key, label, attr in LISTS:
        tabs.append({"key": key, "label": _(label), "count": getattr(work, attr).count()})
    current = request.GET.get("danh-sach", LISTS[0][0])
    attr = next((a for k, _label, a in LISTS if k == current), None)
    if attr is None:
        raise Http404
    rows = getattr(work, attr)
    if attr != "waiting":
        rows = selectors.with_overdue_flag(rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "workflow/work/worklist.html",
        {
            "tabs": tabs,
            "current": current,
            "page": page,
            "waiting": attr == "waiting",
            "counts": work.counts,
            "read_only": user.role in perms.READ_ONLY_ROLES,
            "now": timezone.now(),
        },
    )


def _page(
    request: HttpRequest, dossier: Dossier, *, form: ActionForm | None = None,
    error: str = "", status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    state = selectors.dossier_state(dossier)
    available = selectors.available_actions(user, dossier, state=state)
    runs = {r.pk: r for r in state.runs}
    assignees = {
        a.run_id: selectors.assignable_users(runs[a.run_id])
        for a in available
        if a.action == perms.ASSIGN and a.run_id in runs
    }
    failed = form.data.get("action") if form is not None else None
    return render(
        request,
        "workflow/work/dossier.html",
        {
            "dossier": dossier,
            "state": state,
            "actions": [
                {"a": a, "assignees": assignees.get(a.run_id, []), "open": a.action == failed}
                for a in available
            ],
            "form": form if form is not None else ActionForm(),
            "error": error,
            "history": selectors.dossier_history(dossier),
            "components": dossier.components.select_related("component"),
            "notices": dossier.notices.all(),
            "return_methods": ReturnMethod.choices,
            "default_method": dossier.result_delivery,
            "read_only": user.role in perms.READ_ONLY_ROLES,
            "now": timezone.now(),
            "postal_choices": [
                (s.value, s.label) for s in selectors.postal_reports_for(user, state)
            ],
            "postal_collected": PostalStatus.COLLECTED,
        },
        status=status,
    )


@require_GET
@login_required
def dossier_page(request: HttpRequest, ref: str) -> HttpResponse:
    if not _is_staff(request.user):
        return _forbidden(request, _("Trang xử lý hồ sơ chỉ dành cho cán bộ, công chức."))
    return _page(request, _dossier_or_404(request.user, ref))


def _status_of(exc: runtime.WorkflowError) -> int:
    if isinstance(exc, runtime.SystemBusy):
        return 503
    if isinstance(exc, runtime.ActionDenied):
        return 403
    if isinstance(exc, runtime.StaleAction):
        return 409
    return 422 if exc.field else 409


@require_POST
@login_required
def dossier_action(request: HttpRequest, ref: str) -> HttpResponse:
    user = request.user
    if not _is_staff(user):
        return _forbidden(request, _("Trang xử lý hồ sơ chỉ dành cho cán bộ, công chức."))
    dossier = _dossier_or_404(user, ref)
    component_ids = list(dossier.components.values_list("component_id", flat=True))
    form = ActionForm(request.POST, request.FILES, component_ids=component_ids)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _page(request, dossier, form=form, error=first, status=422)
    action_request = form.to_request()
    try:
        perform(user=user, dossier=dossier, request=action_request)
    except runtime.WorkflowError as exc:
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        dossier.refresh_from_db()
        return _page(request, dossier, form=form, error=exc.message, status=_status_of(exc))
    messages.success(
        request,
        _("Đã thực hiện: %(action)s.")
        % {"action": selectors.event_label(form.cleaned_data["action"])},
    )
    return redirect(reverse("work:dossier", args=[dossier.code]))


@require_GET
@login_required
def result_file(request: HttpRequest, ref: str) -> FileResponse:
    """The signed result PDF. Staff who may see the dossier; its applicant (own account)
    only once the result was returned electronically."""
    user = request.user
    dossier = _dossier_or_404(user, ref)
    result = selectors.result_of(dossier)
    if result is None or not result.file:
        raise Http404(_("Hồ sơ không có tệp kết quả."))
    if user.role == Role.CITIZEN and result.return_method != ReturnMethod.ELECTRONIC:
        raise Http404(_("Kết quả chưa được trả bản điện tử."))
    response = FileResponse(
        result.file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"ket-qua-{dossier.code}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
