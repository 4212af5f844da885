"""Fee and payment pages (/thanh-toan/). Thin: reads through selectors, writes through services.

- /thanh-toan/ho-so/<code or public id>/ — officers: the fee panel (counter payment,
  exemption, alternative rates and extra lines); POSTs to …/thu-tai-quay/, …/mien-giam/<fee>/,
  …/ap-dung-lai/<fee>/, …/ap-dung-muc-thu/<catalog fee>/.
- /thanh-toan/bat-dau/<public id>/ — the owner (or an officer): confirm, then go to the gateway.
- /thanh-toan/ipn/<provider>/ — the gateway's server callback (no login, no CSRF: signed).
- /thanh-toan/ket-qua/<payment id>/ — where the gateway sends the browser back; it only shows.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import Role
from motcua.catalog.models import Fee
from motcua.dossiers.models import Dossier, DossierFee
from motcua.dossiers.selectors import dossier_for, dossiers_visible_to
from motcua.payments import selectors, services
from motcua.payments.forms import CounterPaymentForm, ExemptionForm, FeeOptionForm, RestoreForm
from motcua.payments.models import PaymentStatus
from motcua.payments.providers import registry
from motcua.payments.providers.base import ProviderNotConfigured


def _officer_dossier(request: HttpRequest, ref: str) -> Dossier:
    """A dossier the signed-in officer may see; 404 for citizens and for anything else."""
    if request.user.role == Role.CITIZEN and not request.user.is_superuser:
        raise Http404(_("Không tìm thấy hồ sơ."))
    dossier = dossier_for(request.user, code=ref)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


def _ref(dossier: Dossier) -> str:
    return dossier.code or str(dossier.public_id)


def _next_url(request: HttpRequest, dossier: Dossier) -> str:
    """Where to go after an action: a safe `next` (the page the panel is on), else the fee page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("payments:dossier", args=[_ref(dossier)])
    return target


def _back(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    return redirect(_next_url(request, dossier))


def _fee_page(request: HttpRequest, dossier: Dossier, *, error: str = "", status: int = 200):
    context = {"dossier": dossier, "error": error, "next_url": _next_url(request, dossier)}
    return render(request, "payments/fee_page.html", context, status=status)


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return _("Dữ liệu không hợp lệ.")


@login_required
def dossier_fees(request: HttpRequest, ref: str) -> HttpResponse:
    return _fee_page(request, _officer_dossier(request, ref))


@login_required
@require_POST
def counter_payment(request: HttpRequest, ref: str) -> HttpResponse:
    dossier = _officer_dossier(request, ref)
    form = CounterPaymentForm(request.POST)
    if not form.is_valid():
        return _fee_page(request, dossier, error=_first_error(form), status=400)
    try:
        payment = services.record_counter_payment(
            dossier=dossier, officer=request.user, method=form.cleaned_data["method"],
            amount=form.cleaned_data["amount"], receipt_number=form.cleaned_data["receipt_number"],
        )  # fmt: skip
    except services.PaymentError as exc:
        return _fee_page(request, dossier, error=str(exc), status=400)
    messages.success(
        request,
        _("Đã ghi nhận thu %(amount)s, biên lai số %(number)s.")
        % {"amount": services.vnd(payment.amount), "number": payment.receipt_number},
        extra_tags="payments",
    )
    return _back(request, dossier)


def _fee_line(dossier: Dossier, fee_id: int) -> DossierFee:
    return get_object_or_404(DossierFee, pk=fee_id, dossier=dossier)


@login_required
@require_POST
def exempt(request: HttpRequest, ref: str, fee_id: int) -> HttpResponse:
    dossier = _officer_dossier(request, ref)
    fee = _fee_line(dossier, fee_id)
    form = ExemptionForm(request.POST)
    if not form.is_valid():
        return _fee_page(request, dossier, error=_first_error(form), status=400)
    try:
        services.exempt_fee(
            fee=fee, officer=request.user, reason=form.cleaned_data["reason"],
            amount=form.cleaned_data["amount"],
        )  # fmt: skip
    except services.PaymentError as exc:
        return _fee_page(request, dossier, error=str(exc), status=400)
    messages.success(
        request, _("Đã miễn, giảm “%(name)s”.") % {"name": fee.name}, extra_tags="payments"
    )
    return _back(request, dossier)


@login_required
@require_POST
def restore(request: HttpRequest, ref: str, fee_id: int) -> HttpResponse:
    dossier = _officer_dossier(request, ref)
    fee = _fee_line(dossier, fee_id)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        return _fee_page(request, dossier, error=_first_error(form), status=400)
    try:
        services.restore_fee(fee=fee, officer=request.user, reason=form.cleaned_data["reason"])
    except services.PaymentError as exc:
        return _fee_page(request, dossier, error=str(exc), status=400)
    messages.success(
        request, _("Đã áp dụng lại “%(name)s”.") % {"name": fee.name}, extra_tags="payments"
    )
    return _back(request, dossier)


@login_required
@require_POST
def apply_option(request: HttpRequest, ref: str, fee_id: int) -> HttpResponse:
    """An alternative rate or an extra line of the catalog (`fee_id`), with the reason."""
    dossier = _officer_dossier(request, ref)
    fee = get_object_or_404(Fee, pk=fee_id, version_id=dossier.procedure_version_id)
    form = FeeOptionForm(request.POST)
    if not form.is_valid():
        return _fee_page(request, dossier, error=_first_error(form), status=400)
    try:
        services.apply_fee_option(
            dossier=dossier, officer=request.user, fee=fee, reason=form.cleaned_data["reason"]
        )
    except services.PaymentError as exc:
        return _fee_page(request, dossier, error=str(exc), status=400)
    messages.success(
        request, _("Đã áp dụng “%(name)s”.") % {"name": fee.name}, extra_tags="payments"
    )
    return _back(request, dossier)


# --- online payment -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, public_id) -> HttpResponse:
    """GET: the amount and the gateway, one button. POST: a pending payment, then the gateway."""
    dossier = dossiers_visible_to(request.user).filter(public_id=public_id).first()
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    provider = registry.configured()
    context = {"dossier": dossier, "provider": provider, "due": selectors.amount_due(dossier)}
    if provider is None:
        context["error"] = _("Thanh toán trực tuyến chưa sẵn sàng. Vui lòng thử lại sau.")
        return render(request, "payments/start.html", context, status=503)
    if request.method == "GET":
        return render(request, "payments/start.html", context)
    try:
        payment = services.start_online_payment(
            dossier=dossier, user=request.user, provider=provider
        )
        return_url = request.build_absolute_uri(reverse("payments:result", args=[payment.pk]))
        ipn_url = request.build_absolute_uri(reverse("payments:ipn", args=[provider.identifier]))
        target = provider.start(payment, return_url, ipn_url)
    except services.PaymentError as exc:
        context["error"] = str(exc)
        return render(request, "payments/start.html", context, status=400)
    except ProviderNotConfigured:
        context["error"] = _("Thanh toán trực tuyến chưa sẵn sàng. Vui lòng thử lại sau.")
        return render(request, "payments/start.html", context, status=503)
    return redirect(target)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request: HttpRequest, provider: str) -> HttpResponse:
    """The gateway's server-to-server callback. Only this changes an online payment."""
    gateway = registry.get(provider)
    if gateway is None:
        raise Http404
    params = request.GET if request.method == "GET" else request.POST
    outcome = services.handle_callback(provider=gateway, params=params.dict())
    return gateway.callback_response(outcome)


@login_required
def result(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The citizen's way back from the gateway: says what happened; changes nothing."""
    payment = selectors.payment_for(request.user, payment_id)
    if payment is None:
        raise Http404(_("Không tìm thấy giao dịch."))
    gateway = registry.get(payment.provider) if payment.provider else None
    verified = None
    if gateway is not None and request.GET:
        try:
            verified = gateway.verify_return(request.GET.dict())
        except ProviderNotConfigured:
            verified = None
    if verified is not None and verified.valid and verified.payment_id != payment.pk:
        verified = None  # signed, but for another transaction
    if payment.status == PaymentStatus.PAID:
        state = "paid"
    elif payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED):
        state = "failed"
    elif verified is None or not verified.valid:
        state = "unverified" if request.GET else "pending"
    elif verified.success:
        state = "pending"  # the gateway says yes; its server callback has not arrived yet
    else:
        state = "failed"
    return render(
        request,
        "payments/result.html",
        {
            "payment": payment,
            "dossier": payment.dossier,
            "state": state,
            "due": selectors.amount_due(payment.dossier),
        },
    )
