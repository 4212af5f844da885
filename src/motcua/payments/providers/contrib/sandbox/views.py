"""The sandbox's own "bank page" (/thanh-toan/sandbox/pay/), served only while the sandbox is
the configured gateway.

GET checks the signed request (as VNPay does) and shows the amount with two buttons. POST
answers as the gateway would: first the server callback (IPN) to our IPN URL, then the browser
is sent to our return URL; both carry signed vnp_* parameters.

The callback is delivered in-process: the IPN URL is resolved with Django's URL resolver and
its view called with a GET request carrying the signed parameters — exactly what an HTTP call
would deliver, without needing a network or a second server worker.
"""

import secrets
from urllib.parse import urlencode, urlsplit

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.payments.providers import registry
from motcua.payments.providers.base import ProviderNotConfigured
from motcua.payments.providers.contrib.sandbox import signing
from motcua.payments.providers.contrib.sandbox.provider import IDENTIFIER, secret, tmn_code

SUCCESS = "00"
CANCELLED_BY_CUSTOMER = "24"  # VNPay: "Khách hàng hủy giao dịch"
BANK_CODE = "SANDBOX"


def _request_params(data: QueryDict) -> dict[str, str]:
    return {key: value for key, value in data.dict().items() if key.startswith("vnp_")}


def _problem(params: dict[str, str]) -> str:
    """Why the gateway would refuse this payment request ("" when it is fine)."""
    if not signing.signature_valid(params, secret()) or params.get("vnp_TmnCode") != tmn_code():
        return _("Chữ ký yêu cầu thanh toán không hợp lệ.")
    amount = params.get("vnp_Amount", "")
    if not amount.isdigit() or int(amount) <= 0 or int(amount) % 100:
        return _("Số tiền không hợp lệ.")
    expires = signing.parse_date(params.get("vnp_ExpireDate", ""))
    if expires is not None and expires < timezone.now():
        return _("Giao dịch đã hết hạn thanh toán.")
    return ""


def deliver_callback(ipn_url: str, params: dict[str, str]) -> HttpResponse:
    """Send the server callback to our own IPN view (in-process; see the module docstring)."""
    path = urlsplit(ipn_url).path
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    try:
        match = resolve(path)
    except Resolver404 as exc:
        raise ValueError("IPN URL does not resolve") from exc
    if match.view_name != "payments:ipn":
        raise ValueError("IPN URL is not the payments IPN endpoint")
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(urlencode(params))
    request.META = {"REQUEST_METHOD": "GET", "REMOTE_ADDR": "127.0.0.1"}
    return match.func(request, *match.args, **match.kwargs)


def _answer(params: dict[str, str], *, success: bool) -> dict[str, str]:
    now = signing.format_date(timezone.now())
    answer = {
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": BANK_CODE,
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": params.get("vnp_OrderInfo", ""),
        "vnp_PayDate": now,
        "vnp_ResponseCode": SUCCESS if success else CANCELLED_BY_CUSTOMER,
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_TransactionNo": str(secrets.randbelow(90_000_000) + 10_000_000) if success else "0",
        "vnp_TransactionStatus": SUCCESS if success else "02",
        "vnp_TxnRef": params.get("vnp_TxnRef", ""),
    }
    if success:
        answer["vnp_BankTranNo"] = f"SBX{now}"
    return signing.signed(answer, secret())


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    if registry.configured_identifier() != IDENTIFIER:
        raise Http404
    data = request.GET if request.method == "GET" else request.POST
    params = _request_params(data)
    try:
        problem = _problem(params)
    except ProviderNotConfigured:
        raise Http404 from None
    context = {"params": params, "problem": problem}
    if problem:
        return render(request, "payments/sandbox/pay.html", context, status=400)
    context["amount"] = int(params["vnp_Amount"]) // 100
    if request.method == "GET":
        return render(request, "payments/sandbox/pay.html", context)

    return_url = params.get("vnp_ReturnUrl", "")
    if not url_has_allowed_host_and_scheme(
        return_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        context["problem"] = _("Địa chỉ trả về không hợp lệ.")
        return render(request, "payments/sandbox/pay.html", context, status=400)
    answer = _answer(params, success=request.POST.get("outcome") == "success")
    ipn_url = params.get("vnp_IpnUrl", "")
    if ipn_url:
        try:
            deliver_callback(ipn_url, answer)
        except ValueError:
            context["problem"] = _("Không gửi được thông báo kết quả đến đơn vị nhận tiền.")
            return render(request, "payments/sandbox/pay.html", context, status=400)
    separator = "&" if "?" in return_url else "?"
    return redirect(f"{return_url}{separator}{urlencode(answer)}")
