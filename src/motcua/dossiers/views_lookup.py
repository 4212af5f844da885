"""Public lookup page (tra cứu hồ sơ, no login): /tra-cuu/ and /tra-cuu/?code=… (from the QR)."""

import math

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.dossiers import lookup


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ"),
        max_length=40,
        help_text=gettext_lazy("Ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."),
        error_messages={"required": gettext_lazy("Cần nhập mã hồ sơ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    verifier = forms.CharField(
        label=gettext_lazy("4 số cuối số điện thoại hoặc số định danh cá nhân của người nộp"),
        max_length=4,
        error_messages={"required": gettext_lazy("Cần nhập 4 số cuối.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}
        ),
    )

    def clean_verifier(self) -> str:
        value = self.cleaned_data["verifier"].strip()
        if len(value) != 4 or not value.isdigit():
            raise forms.ValidationError(_("Nhập đúng 4 chữ số."))
        return value


@never_cache
@require_http_methods(["GET", "POST"])
def lookup_page(request):
    context: dict = {"answer": None, "not_found": False, "retry_minutes": None}
    status = 200
    if request.method == "GET":
        form = LookupForm(initial={"code": request.GET.get("code", "").strip()[:40]})
        return render(request, "dossiers/lookup/lookup.html", {"form": form, **context})
    form = LookupForm(request.POST)
    retry_after = 0
    if form.is_valid():
        try:
            answer = lookup.look_up(
                code=form.cleaned_data["code"],
                verifier=form.cleaned_data["verifier"],
                client=lookup.client_key(request),
            )
        except lookup.RateLimited as exc:
            retry_after = exc.retry_after
            context["retry_minutes"] = max(1, math.ceil(retry_after / 60))
            status = 429
        else:
            context["answer"] = answer
            context["not_found"] = answer is None
            if answer is not None:
                # The rating form once the result is returned (a later app: imported here).
                from motcua.ratings.offers import receipt_offer

                context["offer"] = receipt_offer(answer.public_id)
        # The verifier is not shown back; the code stays for another try.
        form = LookupForm(initial={"code": form.cleaned_data["code"]})
    response = render(
        request, "dossiers/lookup/lookup.html", {"form": form, **context}, status=status
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
