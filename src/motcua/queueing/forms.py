"""Forms of the queue screens: the counter console, bookings and the statistics filter.

They only read and shape input; the rules live in `services`, `booking` and `stats`.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.directory.models import Counter, ServiceCenter
from motcua.domain.identity import phone_problem
from motcua.queueing.models import ServiceGroup
from motcua.queueing.stats import MAX_PERIOD_DAYS


class CounterChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Counter) -> str:
        agencies = ", ".join(a.short_name or a.name for a in obj.agencies.all())
        label = _("Quầy %(number)s") % {"number": obj.number}
        if obj.label:
            label = f"{label} — {obj.label}"
        return f"{label} ({agencies})" if agencies else label


class CounterChoiceForm(forms.Form):
    counter = CounterChoice(
        label=_("Quầy làm việc"), queryset=Counter.objects.none(), widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": _("Hãy chọn quầy bạn ngồi.")},
    )  # fmt: skip

    def __init__(self, *args, counters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = counters


class TransferForm(forms.Form):
    """Chuyển: to another group of the center, or to one counter (or both)."""

    group = forms.ModelChoiceField(
        label=_("Sang nhóm dịch vụ"), queryset=ServiceGroup.objects.none(), required=False,
        empty_label=_("— giữ nhóm hiện tại —"),
    )  # fmt: skip
    counter = forms.ModelChoiceField(
        label=_("Sang quầy"), queryset=Counter.objects.none(), required=False,
        empty_label=_("— không chọn quầy —"),
    )  # fmt: skip

    def __init__(self, *args, counter: Counter, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = ServiceGroup.objects.filter(center_id=counter.center_id, is_active=True)
        if ticket is not None:
            groups = groups.exclude(pk=ticket.group_id)
        self.fields["group"].queryset = groups.order_by("position", "prefix")
        self.fields["counter"].queryset = (
            Counter.objects.filter(center_id=counter.center_id).exclude(pk=counter.pk)
        ).order_by("number")
        self.fields["group"].label_from_instance = lambda g: f"{g.prefix} — {g.name}"
        self.fields["counter"].label_from_instance = lambda c: (
            _("Quầy %(number)s") % {"number": c.number}
        )

    def clean(self):
        data = super().clean()
        if not data.get("group") and not data.get("counter"):
            raise forms.ValidationError(_("Hãy chọn nhóm dịch vụ hoặc quầy để chuyển đến."))
        return data


class BookingForm(forms.Form):
    name = forms.CharField(
        label=_("Họ và tên"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Số điện thoại di động"), max_length=20,
        help_text=_("Để nhận tin nhắn nhắc lịch hẹn."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Vui lòng nhập số điện thoại.")},
    )  # fmt: skip
    email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        problem = phone_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class StatsFilterForm(forms.Form):
    start = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    center = forms.ModelChoiceField(
        label=_("Trung tâm"), queryset=ServiceCenter.objects.none(), to_field_name="code",
        empty_label=None,
    )  # fmt: skip

    def __init__(self, data=None, *, centers, **kwargs):
        # The query string uses from/to; the form fields are start/end.
        if data is not None:
            data = {
                "start": data.get("from", ""),
                "end": data.get("to", ""),
                "center": data.get("center") or (centers[0].code if centers else ""),
            }
        super().__init__(data, **kwargs)
        self.fields["center"].queryset = ServiceCenter.objects.filter(
            pk__in=[c.pk for c in centers]
        ).order_by("name")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        # Default: today; only `from`: from then to today; only `to`: that day alone.
        start: date = data.get("start") or data.get("end") or today
        end: date = data.get("end") or max(start, today)
        if end < start:
            raise forms.ValidationError(_("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(
                _("Mỗi lần xem tối đa %(days)d ngày.") % {"days": MAX_PERIOD_DAYS}
            )
        data["start"], data["end"] = start, end
        return data
