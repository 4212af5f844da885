"""The citizen portal (Cổng dịch vụ công): accounts, filing online, "Hồ sơ của tôi".

Thin views: forms shape input, portal/dossiers services write, selectors read (scoped to the
signed-in account). Every dossier page looks the dossier up among the account's own, so
another person's dossier is a 404.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.forms import RadioSelect
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.catalog.models import OnlineLevel
from motcua.catalog.selectors import procedure_detail
from motcua.directory.models import Level
from motcua.domain.dossier_status import Status
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierFile, ResultDelivery
from motcua.dossiers.services import ComponentInput, IntakeError
from motcua.portal import selectors, services
from motcua.portal.forms import (
    ApplicantForm,
    DeclarationForm,
    DeliveryForm,
    PhoneCodeForm,
    RegisterForm,
    applicant_of,
)
from motcua.portal.signin import registry
from motcua.portal.signin.base import SignInFailed

EDITABLE = (Status.DRAFT, Status.INCOMPLETE)
PAGE_SIZE = 20
RESEND_EMAIL_AFTER_SECONDS = 60


# --- helpers ---------------------------------------------------------------------------------


def _posted(request: HttpRequest):
    """The POST data for a form on a POST (even an empty one), else None (an unbound form)."""
    return request.POST if request.method == "POST" else None


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def error_items(form=None, extra: list[tuple[str, str]] | None = None) -> list[dict]:
    """The error summary at the top of a page: each message linked to its field."""
    items = []
    if form is not None and form.is_bound:
        for message in form.non_field_errors():
            items.append({"anchor": "", "message": message})
        for name in form.fields:
            for message in form.errors.get(name, []):
                bound = form[name]
                anchor = (
                    f"{bound.auto_id}_0"
                    if isinstance(bound.field.widget, RadioSelect)
                    else bound.id_for_label
                )
                items.append({"anchor": anchor, "message": message})
    for anchor, message in extra or []:
        items.append({"anchor": anchor, "message": message})
    return items


def _apply_intake_errors(form, exc: IntakeError) -> None:
    for key, message in exc.errors.items():
        field = key.removeprefix("applicant_")
        form.add_error(field if field in form.fields else None, message)


def citizen_required(view):
    """Signed-in accounts only; others go to the login page and come back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('portal:login')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def _own(request: HttpRequest, public_id) -> Dossier:
    dossier = selectors.my_dossier(request.user, public_id)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


def _editable(request: HttpRequest, public_id) -> Dossier | HttpResponse:
    dossier = _own(request, public_id)
    if dossier.status not in EDITABLE:
        messages.info(request, _("Hồ sơ đã nộp, không sửa được nữa."))
        return redirect("portal:submitted", public_id=dossier.public_id)
    return dossier


STEPS = (
    ("step-applicant", gettext_lazy("Người nộp hồ sơ")),
    ("step-components", gettext_lazy("Giấy tờ")),
    ("step-delivery", gettext_lazy("Nhận kết quả")),
    ("step-check", gettext_lazy("Kiểm tra và nộp")),
)


def _steps(dossier: Dossier | None, current: str) -> list[dict]:
    return [
        {
            "number": n,
            "label": label,
            "current": name == current,
            "url": reverse(f"portal:{name}", kwargs={"public_id": dossier.public_id})
            if dossier
            else "",
        }
        for n, (name, label) in enumerate(STEPS, start=1)
    ]


def _step_context(dossier: Dossier | None, current: str, **extra) -> dict:
    steps = _steps(dossier, current)
    number = next(s["number"] for s in steps if s["current"])
    return {"dossier": dossier, "steps": steps, "step_number": number, "step_total": len(STEPS),
            **extra}  # fmt: skip


def _after_save(request: HttpRequest, dossier: Dossier, next_step: str) -> HttpResponse:
    """Where the buttons of a step lead: exit to the list, back to the check page, or on."""
    if request.POST.get("action") == "exit":
        messages.success(request, _("Đã lưu bản nháp. Bạn có thể tiếp tục bất cứ lúc nào."))
        return redirect("portal:my-dossiers")
    if request.POST.get("return") == "check":
        return redirect("portal:step-check", public_id=dossier.public_id)
    return redirect(f"portal:{next_step}", public_id=dossier.public_id)


def notice_pdf_path(dossier: Dossier, notice) -> str:
    """Built by another module (documents); a plain path so this page does not depend on it."""
    return f"/ho-so/{dossier.code or dossier.public_id}/phieu/{notice.pk}.pdf"


# --- accounts --------------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:account")
    form = RegisterForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_citizen(
                full_name=form.cleaned_data["full_name"],
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
                site_url=request.build_absolute_uri("/"),
            )
        except services.AccountError as exc:
            for key, message in exc.errors.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if user.email:
                request.session["portal_email_sent_at"] = timezone.now().timestamp()
                messages.success(
                    request,
                    _("Đã tạo tài khoản. Chúng tôi vừa gửi thư xác minh tới %(email)s.")
                    % {"email": user.email},
                )
                return redirect("portal:account")
            messages.success(request, _("Đã tạo tài khoản. Chúng tôi vừa gửi mã xác minh qua SMS."))
            return redirect("portal:verify-phone")
    return render(request, "portal/register.html", {"form": form, "error_items": error_items(form)})


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.verify_email(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "portal/verify_email_failed.html", status=400)
    messages.success(request, _("Đã xác minh thư điện tử. Bạn có thể nộp hồ sơ trực tuyến."))
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("portal:account")
    return redirect("portal:login")


@require_POST
@citizen_required
def resend_email(request: HttpRequest) -> HttpResponse:
    last = request.session.get("portal_email_sent_at", 0)
    if timezone.now().timestamp() - last < RESEND_EMAIL_AFTER_SECONDS:
        messages.error(request, _("Thư vừa được gửi. Vui lòng đợi một phút rồi yêu cầu gửi lại."))
        return redirect("portal:account")
    try:
        services.send_email_verification(
            user=request.user, site_url=request.build_absolute_uri("/")
        )
    except services.AccountError as exc:
        messages.error(request, exc.errors["__all__"])
    else:
        request.session["portal_email_sent_at"] = timezone.now().timestamp()
        messages.success(
            request,
            _("Đã gửi lại thư xác minh tới %(email)s.") % {"email": request.user.email},
        )
    return redirect("portal:account")


@citizen_required
def verify_phone(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile = selectors.profile_of(user)
    form = PhoneCodeForm()
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            services.request_phone_code(user=user)
        except services.AccountError as exc:
            messages.error(request, exc.errors["__all__"])
        else:
            messages.success(request, _("Đã gửi mã mới qua SMS."))
        return redirect("portal:verify-phone")
    if request.method == "POST":
        form = PhoneCodeForm(request.POST)
        if form.is_valid():
            try:
                services.confirm_phone_code(user=user, code=form.cleaned_data["code"])
            except services.AccountError as exc:
                form.add_error("code", exc.errors["code"])
            else:
                messages.success(
                    request, _("Đã xác minh số điện thoại. Bạn có thể nộp hồ sơ trực tuyến.")
                )
                return redirect(safe_next(request) or "portal:account")
    context = {
        "form": form,
        "error_items": error_items(form),
        "phone": user.phone,
        "verified": bool(profile and profile.phone_verified_at),
    }
    return render(request, "portal/verify_phone.html", context)


@citizen_required
def account(request: HttpRequest) -> HttpResponse:
    context = {"profile": selectors.profile_of(request.user),
               "verified": selectors.is_verified(request.user)}  # fmt: skip
    return render(request, "portal/account.html", context)


def _signed_in(request: HttpRequest, user) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(safe_next(request) or "portal:my-dossiers")


def sign_in(request: HttpRequest) -> HttpResponse:
    """/dang-nhap/: the password provider's form (other providers are listed on it)."""
    provider = registry.get("password")
    if request.method == "POST":
        try:
            user = provider.complete(request)
        except SignInFailed as failure:
            return provider.start(request, failure=failure)
        return _signed_in(request, user)
    return provider.start(request)


def provider_start(request: HttpRequest, identifier: str) -> HttpResponse:
    provider = registry.get(identifier)
    if provider is None or identifier == "password":
        raise Http404
    return provider.start(request)


def provider_complete(request: HttpRequest, identifier: str) -> HttpResponse:
    provider = registry.get(identifier)
    if provider is None or identifier == "password":
        raise Http404
    try:
        user = provider.complete(request)
    except SignInFailed as failure:
        messages.error(request, str(failure))
        return redirect("portal:login")
    return _signed_in(request, user)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("portal:login")


# --- filing online ---------------------------------------------------------------------------


def online_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("q", "online_level", "level")}
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    result = selectors.online_procedures(
        query=params["q"], online_level=params["online_level"], level=params["level"],
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
    )  # fmt: skip
    pages = max(1, -(-result.count // PAGE_SIZE))
    query_string = urlencode({k: v for k, v in params.items() if v})
    context = {
        "params": params,
        "result": result,
        "page": page,
        "pages": pages,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
        "query_string": query_string,
        "online_levels": [(v, lbl) for v, lbl in OnlineLevel.choices if v != OnlineLevel.NONE],
        "levels": Level.choices,
    }
    return render(request, "portal/online_list.html", context)


def _prefill(user) -> dict:
    """The account's latest dossier first (ID number, address…), gaps filled from the account."""
    previous = selectors.previous_applicant(user)
    initial = ApplicantForm.initial_from(previous) if previous is not None else {}
    initial = {k: v for k, v in initial.items() if v}
    for key, value in (("name", user.full_name), ("phone", user.phone), ("email", user.email)):
        if value and not initial.get(key):
            initial[key] = value
    return initial


@citizen_required
def start(request: HttpRequest, code: str) -> HttpResponse:
    version = procedure_detail(code=code)
    if version is None:
        raise Http404(_("Không tìm thấy thủ tục mã %(code)s.") % {"code": code})
    if not selectors.offered_online(version):
        message = _(
            "Thủ tục “%(name)s” chưa cung cấp dịch vụ công trực tuyến. Vui lòng nộp hồ sơ "
            "trực tiếp tại Trung tâm Phục vụ hành chính công hoặc qua bưu chính."
        ) % {"name": version.name}
        return render(request, "portal/not_online.html", {"version": version, "message": message})
    centers = selectors.centers_for(version)
    if not centers:
        message = _("Hiện chưa có trung tâm nào tiếp nhận trực tuyến thủ tục “%(name)s”.") % {
            "name": version.name
        }
        return render(request, "portal/not_online.html", {"version": version, "message": message})
    form = ApplicantForm(
        _posted(request), version=version, centers=centers, initial=_prefill(request.user)
    )
    if request.method == "POST" and form.is_valid():
        center = form.cleaned_data.get("center") or centers[0]
        try:
            dossier = dossier_services.start_online_dossier(
                version=version, center=center, account=request.user, applicant=form.applicant()
            )
        except IntakeError as exc:
            _apply_intake_errors(form, exc)
        else:
            return _after_save(request, dossier, "step-components")
    context = _step_context(
        None, "step-applicant", form=form, error_items=error_items(form), version=version,
        centers=centers,
    )  # fmt: skip
    return render(request, "portal/step_applicant.html", context)


@citizen_required
def step_applicant(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _editable(request, public_id)
    if isinstance(dossier, HttpResponse):
        return dossier
    version = dossier.procedure_version
    form = ApplicantForm(
        _posted(request), version=version, initial=ApplicantForm.initial_from(dossier)
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = dossier_services.update_online_applicant(
                dossier=dossier, account=request.user, applicant=form.applicant(),
                result_delivery=dossier.result_delivery, delivery_address=dossier.delivery_address,
            )  # fmt: skip
        except IntakeError as exc:
            _apply_intake_errors(form, exc)
        else:
            return _after_save(request, dossier, "step-components")
    context = _step_context(
        dossier, "step-applicant", form=form, error_items=error_items(form), version=version,
        returning=request.GET.get("return") or request.POST.get("return", ""),
    )  # fmt: skip
    return render(request, "portal/step_applicant.html", context)


@citizen_required
def step_components(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _editable(request, public_id)
    if isinstance(dossier, HttpResponse):
        return dossier
    rows = selectors.components_with_files(dossier)
    field_errors: dict[int, str] = {}
    general: list[str] = []
    if request.method == "POST":
        inputs = []
        for row in rows:
            files = request.FILES.getlist(f"files_{row.component_id}")
            if files:
                inputs.append(ComponentInput(
                    component_id=row.component_id, provided=True,
                    original_seen=row.original_seen, copies=row.copies, files=files,
                ))  # fmt: skip
        saved = False
        if inputs:
            try:
                dossier_services.update_online_components(
                    dossier=dossier, account=request.user, components=inputs
                )
                saved = True
            except IntakeError as exc:
                for key, message in exc.errors.items():
                    if key.startswith("component_") and key[10:].isdigit():
                        field_errors[int(key[10:])] = message
                    else:
                        general.append(message)
                general.append(
                    _("Chưa lưu tệp nào trong lần tải này. Hãy chọn lại các tệp hợp lệ.")
                )
        if not field_errors and not general:
            count = sum(len(i.files) for i in inputs)
            if saved:
                messages.success(request, _("Đã tải lên %(count)d tệp.") % {"count": count})
            action = request.POST.get("action")
            if action == "upload":
                return redirect(request.get_full_path())
            if action != "exit":
                rows = selectors.components_with_files(dossier)
                missing = [r for r in rows if r.component.required and not r.files.all()]
                for row in missing:
                    field_errors[row.component_id] = _(
                        "Cần đính kèm tệp cho giấy tờ bắt buộc “%(name)s”."
                    ) % {"name": row.component.name}
            if not field_errors:
                return _after_save(request, dossier, "step-delivery")
        rows = selectors.components_with_files(dossier)
    sections = [
        {"row": row, "error": field_errors.get(row.component_id, ""),
         "input_id": f"files_{row.component_id}"}
        for row in rows
    ]  # fmt: skip
    items = error_items(
        extra=[("", m) for m in general]
        + [(s["input_id"], s["error"]) for s in sections if s["error"]]
    )
    supplement = (
        selectors.latest_supplement(dossier) if dossier.status == Status.INCOMPLETE else None
    )
    context = _step_context(
        dossier, "step-components", sections=sections, error_items=items,
        version=dossier.procedure_version, supplement=supplement,
        returning=request.GET.get("return") or request.POST.get("return", ""),
        max_file_mb=_max_file_mb(),
    )  # fmt: skip
    return render(request, "portal/step_components.html", context)


def _max_file_mb() -> int:
    from motcua.dossiers.files import max_file_size

    return max_file_size() // (1024 * 1024)


@require_POST
@citizen_required
def remove_file(request: HttpRequest, public_id, file_id: int) -> HttpResponse:
    dossier = _editable(request, public_id)
    if isinstance(dossier, HttpResponse):
        return dossier
    dossier_file = get_object_or_404(
        DossierFile.objects.select_related("component"), pk=file_id, component__dossier=dossier
    )
    name = dossier_file.original_name
    try:
        dossier_services.remove_file(dossier_file=dossier_file, account=request.user)
    except IntakeError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": name})
    target = reverse("portal:step-components", kwargs={"public_id": dossier.public_id})
    if request.POST.get("return") == "check":
        target += "?return=check"
    return redirect(target)


@citizen_required
def step_delivery(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _editable(request, public_id)
    if isinstance(dossier, HttpResponse):
        return dossier
    version = dossier.procedure_version
    initial = {"result_delivery": dossier.result_delivery,
               "delivery_address": dossier.delivery_address or dossier.applicant_address}  # fmt: skip
    form = DeliveryForm(_posted(request), version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = dossier_services.update_online_applicant(
                dossier=dossier, account=request.user, applicant=applicant_of(dossier),
                result_delivery=form.cleaned_data["result_delivery"],
                delivery_address=form.cleaned_data.get("delivery_address", ""),
            )  # fmt: skip
        except IntakeError as exc:
            for key, message in exc.errors.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            return _after_save(request, dossier, "step-check")
    context = _step_context(
        dossier, "step-delivery", form=form, error_items=error_items(form), version=version,
        returning=request.GET.get("return") or request.POST.get("return", ""),
    )  # fmt: skip
    return render(request, "portal/step_delivery.html", context)


@citizen_required
def step_check(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _own(request, public_id)
    if dossier.status not in EDITABLE:
        if request.method == "POST":
            messages.info(request, _("Hồ sơ này đã được nộp."))
        return redirect("portal:submitted", public_id=dossier.public_id)
    verified = selectors.is_verified(request.user)
    form = DeclarationForm(_posted(request))
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        if not verified:
            problems.append(("verify", _(
                "Tài khoản của bạn chưa được xác minh nên chưa nộp được hồ sơ. Hãy xác minh thư "
                "điện tử (hoặc số điện thoại) rồi nộp lại; bản nháp vẫn được giữ nguyên."
            )))  # fmt: skip
        elif form.is_valid():
            try:
                dossier_services.submit_online(dossier=dossier, account=request.user)
            except IntakeError as exc:
                problems.extend(("", m) for m in exc.errors.values())
            else:
                return redirect("portal:submitted", public_id=dossier.public_id)
    rows = selectors.components_with_files(dossier)
    context = _step_context(
        dossier, "step-check", form=form, version=dossier.procedure_version, rows=rows,
        missing=[r for r in rows if r.component.required and not r.files.all()],
        fees=list(dossier.fees.all()), verified=verified,
        error_items=error_items(form, extra=problems),
        profile=selectors.profile_of(request.user),
    )  # fmt: skip
    return render(request, "portal/step_check.html", context)


@citizen_required
def submitted(request: HttpRequest, public_id) -> HttpResponse:
    dossier = _own(request, public_id)
    if dossier.status in EDITABLE:
        return redirect("portal:step-check", public_id=dossier.public_id)
    context = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "outlook": selectors.submission_outlook(dossier),
        "delivery_is_post": dossier.result_delivery == ResultDelivery.POST,
    }
    return render(request, "portal/submitted.html", context)


# --- "Hồ sơ của tôi" -------------------------------------------------------------------------


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    # The rating forms of returned dossiers (a later app: imported here).
    from motcua.ratings.offers import portal_offers

    paginator = Paginator(selectors.my_dossiers(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    offers = portal_offers(page.object_list)
    entries = []
    for dossier in page.object_list:
        notices = list(dossier.notices.all())
        supplement = None
        if dossier.status == Status.INCOMPLETE:
            supplements = [n for n in notices if n.kind == "supplement"]
            supplement = supplements[-1] if supplements else None
        entries.append({
            "dossier": dossier,
            "documents": [{"notice": n, "url": notice_pdf_path(dossier, n)} for n in notices],
            "supplement": supplement,
            "editable": dossier.status in EDITABLE,
            "offer": offers.get(dossier.pk),
        })  # fmt: skip
    return render(
        request, "portal/my_dossiers.html",
        {"entries": entries, "page": page, "verified": selectors.is_verified(request.user)},
    )  # fmt: skip
