"""Printed forms (Mẫu 01/02/03 as PDF and as a print page) and the log book (Mẫu 06) export.

`dossier_or_404` and `safe_next` are shared with the workflow's forms (Mẫu 04/05, stop
notice: motcua.workflow.document_views), which join the "documents" URL namespace."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.directory.models import Agency
from motcua.dossiers import documents, logbook
from motcua.dossiers.models import Dossier, Notice
from motcua.dossiers.selectors import dossier_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dossier_or_404(request: HttpRequest, ref: str) -> Dossier:
    """A dossier the user may see; 404 for anything else (reveals nothing)."""
    try:
        dossier = dossier_for(request.user, code=ref)
    except (ValidationError, ValueError):
        dossier = None
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


def _notice_or_404(request: HttpRequest, ref: str, notice_id: int) -> Notice:
    """The notice of a dossier the user may see; 404 for anything else (reveals nothing)."""
    dossier = dossier_or_404(request, ref)
    notice = dossier.notices.select_related("issued_by").filter(pk=notice_id).first()
    if notice is None:
        raise Http404(_("Không tìm thấy phiếu."))
    notice.dossier = dossier
    return notice


def _lookup_url(request: HttpRequest, notice: Notice) -> str:
    return documents.lookup_url(request=request, code=notice.dossier.code or "")


@require_GET
@login_required
def notice_pdf(request: HttpRequest, ref: str, notice_id: int) -> HttpResponse:
    notice = _notice_or_404(request, ref, notice_id)
    pdf = documents.render_notice_pdf(
        notice=notice,
        base_url=request.build_absolute_uri("/"),
        lookup_url=_lookup_url(request, notice),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.notice_filename(notice)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def notice_print(request: HttpRequest, ref: str, notice_id: int) -> HttpResponse:
    notice = _notice_or_404(request, ref, notice_id)
    html = documents.render_notice_html(
        notice=notice,
        lookup_url=_lookup_url(request, notice),
        screen=True,
        pdf_url=reverse("documents:notice-pdf", args=[ref, notice.pk]),
        back_url=safe_next(request),
    )
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


def safe_next(request: HttpRequest) -> str:
    """The `next` page to link back to, if it is on this site ("" otherwise)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# --- log book (Sổ theo dõi hồ sơ, Mẫu 06) --------------------------------------------------


def _parse_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


@require_GET
@login_required
def logbook_export(request: HttpRequest) -> HttpResponse:
    agencies = logbook.agencies_for(request.user)
    params = {key: request.GET.get(key, "").strip() for key in ("agency", "from", "to")}
    context = {"agencies": agencies, "params": params, "errors": []}
    if not any(params.values()):
        today = timezone.localdate()
        params.update({"from": today.replace(day=1).isoformat(), "to": today.isoformat()})
        if not agencies:
            context["errors"].append(_("Bạn không quản lý cơ quan nào để xuất sổ theo dõi."))
            return render(request, "dossiers/documents/logbook.html", context, status=403)
        return render(request, "dossiers/documents/logbook.html", context)

    agency = Agency.objects.filter(code=params["agency"]).first() if params["agency"] else None
    start, end = _parse_day(params["from"]), _parse_day(params["to"])
    errors = context["errors"]
    if agency is None:
        errors.append(_("Cần chọn cơ quan có trong danh mục."))
    if start is None:
        errors.append(_("Ngày bắt đầu không hợp lệ (định dạng YYYY-MM-DD)."))
    if end is None:
        errors.append(_("Ngày kết thúc không hợp lệ (định dạng YYYY-MM-DD)."))
    if start and end and (problem := logbook.period_problem(start, end)):
        errors.append(problem)
    if errors:
        return render(request, "dossiers/documents/logbook.html", context, status=400)
    if not logbook.may_export(request.user, agency):
        errors.append(_("Bạn không có quyền xuất sổ theo dõi hồ sơ của cơ quan này."))
        return render(request, "dossiers/documents/logbook.html", context, status=403)

    content = logbook.logbook_workbook(agency=agency, start=start, end=end)
    response = HttpResponse(content, content_type=XLSX)
    name = logbook.logbook_filename(agency=agency, start=start, end=end)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
