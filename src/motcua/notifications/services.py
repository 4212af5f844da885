"""Telling the applicant what happened to the dossier: email and SMS, never in the request."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from motcua.notifications.sms.registry import gateway

SUBJECTS = {
    "received": "Hồ sơ {code} đã được tiếp nhận",
    "supplement_requested": "Hồ sơ cần bổ sung, hoàn thiện",
    "refused": "Hồ sơ không được tiếp nhận",
    "apology": "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
    "withdrawn": "Hồ sơ {code} đã dừng xử lý",
    "result_ready": "Hồ sơ {code} đã có kết quả",
    "returned": "Đã trả kết quả hồ sơ {code}",
    "postal_returned": "Kết quả hồ sơ {code} bị bưu chính chuyển hoàn",
}


def notify_applicant(*, dossier_id: int, kind: str) -> None:
    """Queue the notification (call it after the transaction commits)."""
    from motcua.notifications.tasks import send_dossier_notification

    send_dossier_notification.enqueue(dossier_id, kind)


def deliver(*, dossier_id: int, kind: str) -> str:
    """Send now (runs in the background worker). Returns what was sent, for the task result."""
    from motcua.dossiers.models import Dossier

    dossier = Dossier.objects.select_related("procedure_version", "center").get(pk=dossier_id)
    sent = []
    with translation.override("vi"):
        context = {"d": dossier, "notice": dossier.notices.order_by("-issued_at").first()}
        if dossier.applicant_email:
            body = render_to_string(f"notifications/{kind}.txt", context)
            subject = SUBJECTS[kind].format(code=dossier.code or "")
            send_mail(subject, body, None, [dossier.applicant_email])
            sent.append("email")
        if dossier.applicant_phone:
            text = render_to_string(f"notifications/{kind}.sms.txt", context).strip()
            result = gateway().send(phone=dossier.applicant_phone, text=text)
            if not result.accepted:
                raise RuntimeError(f"SMS gateway refused: {result.error}")
            sent.append("sms")
    return ",".join(sent) or "none"
