"""The password provider: the accounts registered at /dang-ky/."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.portal.signin.base import SignInFailed, SignInProvider
from motcua.portal.signin.registry import register


def client_ip(request: HttpRequest) -> str:
    # The address of the peer; behind a reverse proxy that is the proxy (see the report).
    return request.META.get("REMOTE_ADDR", "")


@register
class PasswordProvider(SignInProvider):
    identifier = "password"
    label = _("Thư điện tử hoặc số điện thoại và mật khẩu")

    def start(self, request: HttpRequest, *, failure: SignInFailed | None = None) -> HttpResponse:
        from motcua.portal.forms import LoginForm
        from motcua.portal.signin import registry
        from motcua.portal.views import error_items, safe_next

        form = failure.form if failure and failure.form is not None else LoginForm()
        if failure and failure.form is None:
            form = LoginForm(request.POST)
            form.is_valid()
            form.add_error(None, str(failure))
        others = [p for p in registry.providers() if p.identifier != self.identifier]
        context = {
            "form": form,
            "error_items": error_items(form),
            "next": safe_next(request),
            "other_providers": others,
        }
        return render(request, "portal/login.html", context)

    def complete(self, request: HttpRequest) -> User:
        from motcua.portal.forms import LoginForm
        from motcua.portal.services import authenticate_password

        form = LoginForm(request.POST)
        if not form.is_valid():
            raise SignInFailed(str(next(iter(form.errors.values()))[0]), form=form)
        return authenticate_password(
            identifier=form.cleaned_data["identifier"],
            password=form.cleaned_data["password"],
            client_ip=client_ip(request),
        )
