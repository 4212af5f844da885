"""The dossier page's action form: one form for every action, read into an ActionRequest.

The page shows, for each action the user may perform now, only the inputs that action takes;
they all post here with the action's name, the step acted on and the revision the user saw.
What the rules decide (a reason required, a date later than the deadline…) is checked by the
runtime; this form only turns the posted text into values.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.workflow import permissions as perms
from motcua.workflow.actions import POSTAL_DELIVERY, ActionRequest
from motcua.workflow.models import PostalStatus, ReturnMethod


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in (*perms.ACTIONS, POSTAL_DELIVERY)])
    revision = forms.IntegerField(required=False, min_value=0)
    step = forms.CharField(required=False, max_length=50)
    target = forms.CharField(required=False, max_length=50)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=2000)
    assignee = forms.CharField(label=_("Người được giao"), required=False, max_length=150)
    missing = forms.MultipleChoiceField(label=_("Giấy tờ cần bổ sung"), required=False)
    missing_other = forms.CharField(
        label=_("Giấy tờ, nội dung khác (mỗi dòng một mục)"), required=False, max_length=2000
    )
    new_due_at = forms.DateTimeField(
        label=_("Hẹn lại ngày trả kết quả"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": _("Ngày giờ hẹn lại không hợp lệ (ví dụ 10/12/2026 16:00).")},
    )
    paper_only = forms.BooleanField(label=_("Kết quả chỉ có bản giấy"), required=False)
    file = forms.FileField(label=_("Tệp kết quả (PDF đã ký số)"), required=False)
    method = forms.ChoiceField(
        label=_("Hình thức trả"), required=False, choices=[("", "")] + ReturnMethod.choices
    )
    collected_by_name = forms.CharField(
        label=_("Người nhận kết quả"), required=False, max_length=255
    )
    id_checked = forms.BooleanField(
        label=_("Đã kiểm tra giấy tờ tùy thân của người nhận"), required=False
    )
    tracking_number = forms.CharField(label=_("Số hiệu bưu gửi"), required=False, max_length=40)
    postal_status = forms.ChoiceField(
        label=_("Tình trạng bưu gửi"),
        required=False,
        # Not "sent": the return by post sets it.
        choices=[("", ""), *(c for c in PostalStatus.choices if c[0] != PostalStatus.SENT)],
    )  # fmt: skip

    def __init__(self, *args, component_ids: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [(str(pk), str(pk)) for pk in component_ids]

    def clean_new_due_at(self):
        value = self.cleaned_data.get("new_due_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)  # the center's local time (TIME_ZONE)
        return value

    def to_request(self) -> ActionRequest:
        data = self.cleaned_data
        missing: list[int | str] = [int(pk) for pk in data.get("missing") or []]
        missing += [line.strip() for line in (data.get("missing_other") or "").splitlines()
                    if line.strip()]  # fmt: skip
        return ActionRequest(
            action=data["action"],
            revision=data.get("revision"),
            step=data.get("step") or None,
            target=data.get("target") or None,
            note=data.get("note") or "",
            reason=data.get("reason") or "",
            assignee=data.get("assignee") or None,
            missing=missing,
            new_due_at=data.get("new_due_at"),
            paper_only=bool(data.get("paper_only")),
            file=data.get("file"),
            method=data.get("method") or "",
            collected_by_name=data.get("collected_by_name") or "",
            id_checked=bool(data.get("id_checked")),
            tracking_number=data.get("tracking_number") or "",
            postal_status=data.get("postal_status") or "",
        )
