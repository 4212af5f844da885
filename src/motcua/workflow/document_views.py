"""The workflow's printed forms as PDF and as a print page: Mẫu 05 control slip, Mẫu 04
apology, the stop notice (rendering in `motcua.workflow.documents`).

Mounted with the intake forms under /ho-so/ in the "documents" namespace (motcua/urls.py
joins `urls_documents` here to the dossiers app's), with the same access rule: login
required, 404 for any dossier the user may not see, never cached.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.dossiers.views_documents import dossier_or_404, safe_next
from motcua.workflow import documents
from motcua.workflow.models import Apology, Withdrawal

_FORM_URLS = {
    documents.CONTROL_SLIP: "documents:control-slip-pdf",
    documents.APOLOGY: "documents:apology-pdf",
    documents.WITHDRAWAL: "documents:withdrawal-pdf",
}


def _form_subject(request: HttpRequest, ref: str, kind: str):
    """(dossier, what the form is drawn from); 404 when the dossier has no such form."""
    dossier = dossier_or_404(request, ref)
    if kind == documents.CONTROL_SLIP:
        return dossier, dossier
    model = Apology if kind == documents.APOLOGY else Withdrawal
    subject = model.objects.select_related("issued_by").filter(dossier=dossier).first()
    if subject is None:
        raise Http404(_("Không tìm thấy phiếu."))
    subject.dossier = dossier
    return dossier, subject


def _form_pdf(request: HttpRequest, ref: str, kind: str) -> HttpResponse:
    dossier, subject = _form_subject(request, ref, kind)
    pdf = documents.render_form_pdf(kind, subject, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = documents.form_filename(kind, dossier)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _form_print(request: HttpRequest, ref: str, kind: str) -> HttpResponse:
    _, subject = _form_subject(request, ref, kind)
    html = documents.render_form_html(
        kind, subject, screen=True, pdf_url=reverse(_FORM_URLS[kind], args=[ref]),
        back_url=safe_next(request),
    )  # fmt: skip
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def control_slip_pdf(request: HttpRequest, ref: str) -> HttpResponse:
    return _form_pdf(request, ref, documents.CONTROL_SLIP)


@require_GET
@login_required
def control_slip_print(request: HttpRequest, ref: str) -> HttpResponse:
    return _form_print(request, ref, documents.CONTROL_SLIP)


@require_GET
@login_required
def apology_pdf(request: HttpRequest, ref: str) -> HttpResponse:
    return _form_pdf(request, ref, documents.APOLOGY)


@require_GET
@login_required
def apology_print(request: HttpRequest, ref: str) -> HttpResponse:
    return _form_print(request, ref, documents.APOLOGY)


@require_GET
@login_required
def withdrawal_pdf(request: HttpRequest, ref: str) -> HttpResponse:
    return _form_pdf(request, ref, documents.WITHDRAWAL)


@require_GET
@login_required
def withdrawal_print(request: HttpRequest, ref: str) -> HttpResponse:
    return _form_print(request, ref, documents.WITHDRAWAL)
