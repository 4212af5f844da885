"""The filters of the supervision pages: a period and a scope within the user's reach.

Query parameters (kept by every link, so a figure's list shows the same period and scope):
`ky` (hom-nay, thang — the default —, quy, nam, khoang with `tu` and `den`), `trung-tam`
(center code), `co-quan` (agency code), `linh-vuc` (field slug), `thu-tuc` (procedure code),
`xa` (commune code). A code outside the user's reach is refused (403), an unknown one is a
form error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Field, Procedure
from motcua.directory.models import AdministrativeUnit, Agency, ServiceCenter
from motcua.domain import report_periods
from motcua.reports.selectors import Scope

MAX_DAYS = 366 * 5
PRESETS = (
    ("thang", gettext_lazy("Tháng này")),
    ("quy", gettext_lazy("Quý này")),
    ("nam", gettext_lazy("Năm nay")),
    ("hom-nay", gettext_lazy("Hôm nay")),
    ("khoang", gettext_lazy("Từ ngày … đến ngày …")),
)
SCOPE_PARAMS = ("trung-tam", "co-quan", "linh-vuc", "thu-tuc", "xa")
PARAMS = ("ky", "tu", "den", *SCOPE_PARAMS)
OUT_OF_REACH = "out_of_reach"


class ScopedChoiceField(forms.ModelChoiceField):
    """A code among the user's choices; a code that exists but is outside them is refused with
    code "out_of_reach" (the page answers 403), an unknown code is an ordinary error."""

    def __init__(self, queryset, *, everything: QuerySet, **kwargs):
        super().__init__(queryset, required=False, **kwargs)
        self.everything = everything

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            if self.everything.filter(**{self.to_field_name: value}).exists():
                raise ValidationError(
                    _("“%(value)s” ngoài phạm vi của bạn.") % {"value": value}, code=OUT_OF_REACH
                ) from None
            raise ValidationError(
                _("Không có mã “%(value)s”.") % {"value": value}, code="invalid_choice"
            ) from None


def centers_in(reach: Scope) -> QuerySet[ServiceCenter]:
    centers = ServiceCenter.objects.filter(is_active=True)
    if reach.center_in is not None:
        centers = centers.filter(pk__in=reach.center_in)
    if reach.agency_in is not None:
        centers = centers.filter(
            Q(agencies__in=reach.agency_in) | Q(agency__in=reach.agency_in)
        ).distinct()
    return centers.order_by("level", "name")


def agencies_in(reach: Scope) -> QuerySet[Agency]:
    """A center's director sees the dossiers of their centers whatever the agency (the rows
    stay limited to the centers), so only an agency leader's choice is narrowed."""
    agencies = Agency.objects.all()
    if reach.agency_in is not None:
        agencies = agencies.filter(pk__in=reach.agency_in)
    return agencies.order_by("level", "name")


class FilterForm(forms.Form):
    """Built with the user's reach: only the centers, agencies and communes in it are offered."""

    def __init__(self, data, *, reach: Scope, today: date, presets=PRESETS):
        super().__init__(data)
        self.reach, self.today = reach, today
        date_input = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["ky"] = forms.ChoiceField(
            label=_("Kỳ"), choices=presets, required=False, initial="thang"
        )
        self.fields["tu"] = forms.DateField(label=_("Từ ngày"), required=False, widget=date_input)
        self.fields["den"] = forms.DateField(label=_("Đến ngày"), required=False, widget=date_input)
        centers = centers_in(reach)
        units = AdministrativeUnit.objects.filter(centers__in=centers).distinct().order_by("name")
        everything = _("Tất cả trong phạm vi")
        self.fields["trung-tam"] = ScopedChoiceField(
            centers, everything=ServiceCenter.objects.all(), to_field_name="code",
            label=_("Trung tâm"), empty_label=everything,
        )  # fmt: skip
        self.fields["co-quan"] = ScopedChoiceField(
            agencies_in(reach), everything=Agency.objects.all(), to_field_name="code",
            label=_("Cơ quan"), empty_label=everything,
        )  # fmt: skip
        self.fields["linh-vuc"] = ScopedChoiceField(
            Field.objects.order_by("name"), everything=Field.objects.all(), to_field_name="slug",
            label=_("Lĩnh vực"), empty_label=_("Tất cả lĩnh vực"),
        )  # fmt: skip
        self.fields["thu-tuc"] = ScopedChoiceField(
            Procedure.objects.all(), everything=Procedure.objects.all(), to_field_name="code",
            label=_("Mã thủ tục"), widget=forms.TextInput(attrs={"placeholder": "1.001193"}),
        )  # fmt: skip
        self.fields["xa"] = ScopedChoiceField(
            units, everything=AdministrativeUnit.objects.all(), to_field_name="code",
            label=_("Xã, phường"), empty_label=_("Tất cả"),
        )  # fmt: skip

    @property
    def out_of_reach(self) -> list[str]:
        return [
            str(e.message)
            for name in SCOPE_PARAMS
            for e in (self.errors.as_data().get(name) or [])
            if e.code == OUT_OF_REACH
        ]

    def clean(self):
        data = super().clean()
        preset = data.get("ky") or "thang"
        if data.get("tu") or data.get("den"):
            preset = "khoang"
        data["ky"] = preset
        if preset == "khoang":
            start, end = data.get("tu"), data.get("den")
            if not start or not end:
                raise ValidationError(_("Cần cả ngày bắt đầu và ngày kết thúc của kỳ."))
            if start > end:
                raise ValidationError(_("Ngày kết thúc kỳ phải từ ngày bắt đầu trở đi."))
            if (end - start).days >= MAX_DAYS:
                raise ValidationError(_("Kỳ dài tối đa 5 năm."))
        return data

    def filters(self) -> Filters:
        """The cleaned choices (call after is_valid())."""
        d = self.cleaned_data
        preset = d["ky"]
        if preset == "khoang":
            days = report_periods.day_range(d["tu"], d["den"])
        elif preset == "hom-nay":
            days = report_periods.DayRange("day", self.today, self.today)
        else:
            kind = {"thang": "month", "quy": "quarter", "nam": "year"}[preset]
            days = report_periods.current(kind, self.today)
        return Filters(
            preset=preset, days=days, center=d.get("trung-tam"), agency=d.get("co-quan"),
            field=d.get("linh-vuc"), procedure=d.get("thu-tuc"), unit=d.get("xa"),
            reach=self.reach,
        )  # fmt: skip


@dataclass(frozen=True)
class Filters:
    preset: str
    days: report_periods.DayRange
    center: ServiceCenter | None
    agency: Agency | None
    field: Field | None
    procedure: Procedure | None
    unit: AdministrativeUnit | None
    reach: Scope

    @property
    def scope(self) -> Scope:
        return scope_of(self.reach, center=self.center, agency=self.agency, field=self.field,
                        procedure=self.procedure, unit=self.unit)  # fmt: skip

    def params(self, **changes) -> dict[str, str]:
        """The query parameters that give these filters (with some changed or dropped: None)."""
        out = {"ky": self.preset}
        if self.preset == "khoang":
            out |= {"tu": self.days.first.isoformat(), "den": self.days.last.isoformat()}
        scope = {
            "trung-tam": self.center and self.center.code,
            "co-quan": self.agency and self.agency.code,
            "linh-vuc": self.field and self.field.slug,
            "thu-tuc": self.procedure and self.procedure.code,
            "xa": self.unit and self.unit.code,
        }
        out |= {k: v for k, v in scope.items() if v}
        for key, value in changes.items():
            key = key.replace("_", "-")
            if value is None:
                out.pop(key, None)
            else:
                out[key] = str(value)
        return out

    def query(self, **changes) -> str:
        return urlencode(self.params(**changes))

    @property
    def scope_label(self) -> str:
        parts = [
            str(x) for x in (self.center, self.agency, self.field, self.procedure, self.unit) if x
        ]
        if self.procedure:
            parts[parts.index(str(self.procedure))] = _("Thủ tục %(code)s") % {
                "code": self.procedure.code
            }
        if not parts:
            return _("Toàn bộ phạm vi được xem")
        return " · ".join(parts)


def scope_of(reach: Scope, *, center=None, agency=None, field=None, procedure=None,
             unit=None) -> Scope:  # fmt: skip
    """The chosen scope, always within the reach."""
    return Scope(
        center=center and center.pk, agency=agency and agency.pk, field=field and field.pk,
        procedure=procedure and procedure.pk, unit=unit and unit.pk,
        center_in=reach.center_in, agency_in=reach.agency_in,
    )  # fmt: skip


def period_label(days: report_periods.DayRange) -> str:
    if days.kind == "month":
        return _("Tháng %(month)s/%(year)s") % {"month": days.number, "year": days.year}
    if days.kind == "quarter":
        return _("Quý %(q)s/%(year)s") % {"q": report_periods.ROMAN[days.number - 1],
                                          "year": days.year}  # fmt: skip
    if days.kind == "year":
        return _("Năm %(year)s") % {"year": days.year}
    if days.first == days.last:
        return _("Ngày %(day)s") % {"day": days.first.strftime("%d/%m/%Y")}
    return _("Từ %(first)s đến %(last)s") % {
        "first": days.first.strftime("%d/%m/%Y"), "last": days.last.strftime("%d/%m/%Y"),
    }  # fmt: skip
