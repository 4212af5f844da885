"""The periodic report's choices: the kind of period (month, quarter, year), which one, and a
scope within the user's reach (the scope fields of `filters.FilterForm`)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.domain import report_periods
from motcua.reports.filters import FilterForm
from motcua.reports.selectors import Scope

KINDS = (
    ("thang", gettext_lazy("Tháng")),
    ("quy", gettext_lazy("Quý")),
    ("nam", gettext_lazy("Năm")),
)
KIND_OF = {"thang": "month", "quy": "quarter", "nam": "year"}


class ReportForm(FilterForm):
    """`loai` (thang, quy, nam) and `ky` (2026-11, 2026-Q4, 2026; empty: the current one)."""

    def __init__(self, data, *, reach: Scope, today: date):
        super().__init__(data, reach=reach, today=today)
        for name in ("ky", "tu", "den", "thu-tuc"):
            del self.fields[name]
        self.fields = {
            "loai": forms.ChoiceField(label=_("Loại kỳ báo cáo"), choices=KINDS, initial="thang"),
            "ky": forms.CharField(
                label=_("Kỳ báo cáo"), required=False, max_length=10,
                help_text=_("Tháng 2026-11, quý 2026-Q4 hoặc năm 2026; để trống: kỳ hiện tại."),
                widget=forms.TextInput(attrs={"placeholder": "2026-11"}),
            ),
        } | dict(self.fields)  # fmt: skip

    def clean(self):
        data = forms.Form.clean(self)
        kind = KIND_OF.get(data.get("loai") or "thang", "month")
        code = (data.get("ky") or "").strip()
        try:
            days = (
                report_periods.parse(kind, code) if code
                else report_periods.current(kind, self.today)
            )  # fmt: skip
        except ValueError:
            raise ValidationError(
                {"ky": _("Kỳ “%(code)s” không hợp lệ (tháng 2026-11, quý 2026-Q4, năm 2026).")
                       % {"code": code}}
            ) from None  # fmt: skip
        data["days"] = days
        return data

    def period_and_scope(self) -> tuple[report_periods.DayRange, dict]:
        d = self.cleaned_data
        return d["days"], {
            "center": d.get("trung-tam"), "agency": d.get("co-quan"),
            "field": d.get("linh-vuc"), "unit": d.get("xa"),
        }  # fmt: skip
