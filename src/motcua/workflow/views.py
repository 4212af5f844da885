"""The staff page /quy-trinh/<procedure code>/: a process as an ordered list, read-only.

Officers only (any staff role; citizens get 403). Shows the published process, or the default
one a procedure without its own process uses (not stored until a dossier needs it), or with
`?phien-ban=N` any version, drafts included, with the publish check's problems.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.workflow import selectors
from motcua.workflow.specs import format_days


@login_required
def process_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    if not (user.is_officer or user.is_superuser):
        return render(
            request,
            "workflow/forbidden.html",
            {"message": _("Trang quy trình điện tử chỉ dành cho cán bộ, công chức.")},
            status=403,
        )
    procedure = get_object_or_404(Procedure, code=code)
    number = request.GET.get("phien-ban")
    if number is not None and not number.isdigit():
        raise Http404
    page = selectors.process_page(procedure, number=int(number) if number else None)
    if page is None:
        raise Http404
    rows = [{"row": row, "allotted": _allotted(row.step.days, row.step.hours)} for row in page.main]
    names = {s.key: s.name for s in page.spec.steps}
    parallel = [
        {
            "row": row,
            "allotted": _allotted(row.step.days, row.step.hours),
            "join_name": names.get(row.step.join_before or "", _("(chưa chọn)")),
        }
        for row in page.parallel
    ]
    return render(
        request,
        "workflow/process_detail.html",
        {
            "page": page,
            "rows": rows,
            "parallel": parallel,
            "total": format_days(page.total_days),
            "limit": format_days(page.legal_limit) if page.legal_limit is not None else None,
        },
    )


def _allotted(days, hours: int) -> str:
    parts = []
    if days or not hours:
        parts.append(_("%(days)s ngày") % {"days": format_days(days)})
    if hours:
        parts.append(_("%(hours)d giờ") % {"hours": hours})
    return " + ".join(parts)
