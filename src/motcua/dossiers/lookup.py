"""Public lookup (tra cứu): each status in plain Vietnamese, and the limit on failed attempts.

Used by the `/tra-cuu/` page and `GET /api/v1/lookup`. The answer names the applicant only by
initials and never shows an ID or phone number. An unknown code and a wrong verifier give the
same answer; a client (by IP address, stored only as an HMAC) that fails too often within the
window is refused with HTTP 429 until its oldest counted failure leaves the window.
"""

import hashlib
import hmac
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import LookupFailure
from motcua.domain.dossier_status import Status
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, ResultDelivery

NOT_FOUND = gettext_lazy("Không tìm thấy hồ sơ khớp với mã và 4 số đã nhập.")
DEFAULT_MAX_FAILURES = 10
DEFAULT_WINDOW_SECONDS = 600


# --- the answer ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LookupAnswer:
    code: str
    status: str
    status_label: str
    message: str
    next_step: str
    holder_agency: str
    due_at: datetime | None
    due_text: str  # "hh:mm dd/mm/yyyy" in the center's time zone, or ""
    applicant_initials: str
    public_id: str = ""  # for the page's rating form (ratings.offers); not in the API answer


def initials(name: str) -> str:
    """“Nguyễn Văn An” → “N*** V*** A”: enough to recognise one's own dossier, no more."""
    words = unicodedata.normalize("NFC", name).split()
    if not words:
        return ""
    return " ".join([w[0].upper() + "***" for w in words[:-1]] + [words[-1][0].upper()])


def format_moment(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _texts(dossier: Dossier, holder: str, due: str) -> tuple[str, str]:
    """(what is happening, what happens next) for the dossier's status."""
    center = dossier.center.name
    status = dossier.status
    if status in (Status.RECEIVED, Status.IN_PROGRESS):
        message = _("Hồ sơ đang được giải quyết tại %(holder)s.") % {"holder": holder}
        if due:
            step = _(
                "Ông/Bà chưa cần làm gì thêm. Kết quả hẹn trả lúc %(due)s; khi có kết quả, "
                "Ông/Bà sẽ được thông báo."
            ) % {"due": due}
        else:
            step = _("Ông/Bà chưa cần làm gì thêm; khi có kết quả, Ông/Bà sẽ được thông báo.")
        return message, step
    if status == Status.RESULT_READY:
        if dossier.result_delivery == ResultDelivery.POST:
            return (
                _("Đã có kết quả; kết quả được gửi qua bưu chính đến địa chỉ Ông/Bà đã đăng ký."),
                _("Ông/Bà chờ nhận bưu phẩm; cần hỏi thêm, xin liên hệ %(center)s.")
                % {"center": center},
            )
        if dossier.result_delivery == ResultDelivery.ELECTRONIC:
            return (
                _("Đã có kết quả; bản điện tử của kết quả đã sẵn sàng."),
                _("Ông/Bà đăng nhập Cổng dịch vụ công để tải kết quả về."),
            )
        return (
            _("Đã có kết quả, mời Ông/Bà đến nhận tại %(center)s.") % {"center": center},
            _(
                "Khi đến nhận, Ông/Bà mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả "
                "cùng giấy tờ tùy thân."
            ),
        )
    texts = {
        Status.DRAFT: (
            _("Hồ sơ chưa được nộp."),
            _("Ông/Bà hoàn thiện và nộp hồ sơ trên Cổng dịch vụ công."),
        ),
        Status.SUBMITTED: (
            _("Hồ sơ đã nộp, đang chờ cán bộ tại %(center)s kiểm tra và tiếp nhận.")
            % {"center": center},
            _("Ông/Bà sẽ được thông báo khi hồ sơ được tiếp nhận hoặc khi cần bổ sung giấy tờ."),
        ),
        Status.INCOMPLETE: (
            _("Hồ sơ cần bổ sung, hoàn thiện trước khi được tiếp nhận."),
            _(
                "Ông/Bà bổ sung các giấy tờ ghi trong Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ "
                "rồi nộp lại."
            ),
        ),
        Status.WAITING_SUPPLEMENT: (
            _(
                "%(holder)s đề nghị Ông/Bà bổ sung hồ sơ; thời gian chờ bổ sung không tính "
                "vào thời hạn giải quyết."
            )
            % {"holder": holder},
            _("Ông/Bà nộp giấy tờ bổ sung tại %(center)s theo thông báo đã nhận.")
            % {"center": center},
        ),
        Status.SUSPENDED: (
            _("Hồ sơ đang tạm dừng, chờ Ông/Bà thực hiện nghĩa vụ tài chính (thuế, phí)."),
            _(
                "Ông/Bà nộp các khoản theo thông báo; hồ sơ được giải quyết tiếp ngay sau khi "
                "nộp xong."
            ),
        ),
        Status.RETURNED: (
            _("Hồ sơ đã giải quyết xong và đã trả kết quả."),
            _("Ông/Bà không cần làm gì thêm."),
        ),
        Status.REFUSED: (
            _("Hồ sơ không được giải quyết (từ chối)."),
            _(
                "Lý do được ghi trong phiếu đã gửi Ông/Bà; cần giải thích thêm, xin liên hệ "
                "%(center)s."
            )
            % {"center": center},
        ),
        Status.WITHDRAWN: (
            _("Hồ sơ đã dừng xử lý (rút hồ sơ)."),
            _("Ông/Bà không cần làm gì thêm."),
        ),
    }
    return texts[Status(status)]


def answer_for(dossier: Dossier) -> LookupAnswer:
    agency = dossier.holder_agency or dossier.receiving_agency
    due = format_moment(dossier.due_at)
    message, step = _texts(dossier, agency.name, due)
    return LookupAnswer(
        code=dossier.code or "",
        status=dossier.status,
        status_label=dossier.get_status_display(),
        message=message,
        next_step=step,
        holder_agency=agency.name,
        due_at=dossier.due_at,
        due_text=due,
        applicant_initials=initials(dossier.applicant_name),
        public_id=str(dossier.public_id),
    )


# --- limiting failed attempts --------------------------------------------------------------


class RateLimited(Exception):
    """Too many failed lookups from this client; `retry_after` seconds until the next try."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(retry_after)


def max_failures() -> int:
    return int(getattr(settings, "MOTCUA_LOOKUP_MAX_FAILURES", DEFAULT_MAX_FAILURES))


def window() -> timedelta:
    seconds = getattr(settings, "MOTCUA_LOOKUP_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)
    return timedelta(seconds=int(seconds))


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind a trusted reverse proxy, the address that proxy saw (the last
    X-Forwarded-For entry). The header is ignored otherwise: clients can write anything there."""
    if getattr(settings, "MOTCUA_TRUSTED_PROXY", False):
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request: HttpRequest) -> str:
    """The client's IP address as HMAC-SHA-256 with SECRET_KEY: countable, not readable."""
    return hmac.new(
        settings.SECRET_KEY.encode(), client_ip(request).encode(), hashlib.sha256
    ).hexdigest()


def seconds_until_allowed(client: str, *, now: datetime | None = None) -> int:
    """0 if the client may try now; else how long until enough failures leave the window."""
    now = now or timezone.now()
    limit = max_failures()
    recent = LookupFailure.objects.filter(ip_hash=client, at__gt=now - window())
    count = recent.count()
    if count < limit:
        return 0
    # Allowed again when the failure at index (count - limit) leaves the window.
    pivot = recent.order_by("at").values_list("at", flat=True)[count - limit]
    return max(1, math.ceil((pivot + window() - now).total_seconds()))


@transaction.atomic
def record_failure(client: str, *, now: datetime | None = None) -> None:
    """Count one failed lookup; failures older than the window are forgotten."""
    now = now or timezone.now()
    LookupFailure.objects.filter(at__lte=now - window()).delete()
    LookupFailure.objects.create(ip_hash=client, at=now)


def look_up(*, code: str, verifier: str, client: str) -> LookupAnswer | None:
    """The public answer for (code, verifier), or None (unknown code and wrong verifier alike).

    Raises RateLimited, without looking, while the client has too many recent failures.
    """
    wait = seconds_until_allowed(client)
    if wait:
        raise RateLimited(wait)
    dossier = selectors.dossier_by_lookup(code=code.strip().upper(), verifier=verifier)
    if dossier is None:
        record_failure(client)
        return None
    return answer_for(dossier)
