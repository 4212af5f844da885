"""Forms of the reception officer's screens (Bộ phận Một cửa): intake at the counter and by post,
and the review of dossiers submitted online.

The forms read and shape the input; the rules (valid ID numbers, completeness, postal
tracking number…) live in `motcua.dossiers.services`, whose `IntakeError` messages are put back
next to the fields they concern (`add_service_errors`). When the form goes back for its own
reasons (a date that is not a date, a bad scan), it asks the same checks without writing
(`applicant_problems`, `check_upload`) so that every problem is shown in one go.
"""

from dataclasses import dataclass

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ApplicantType, Channel, Component, OnlineLevel, ProcedureVersion
from motcua.directory.models import ServiceCenter
from motcua.dossiers.files import FileRejected, check_upload
from motcua.dossiers.models import DossierComponent, ResultDelivery
from motcua.dossiers.services import ApplicantData, ComponentInput, applicant_problems

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png"

# The id of the queue ticket being served (from the counter console).
ticket_validator = RegexValidator(r"^[0-9A-Za-z-]{1,20}$", _("Số phiếu xếp hàng không hợp lệ."))


def ticket_number(raw: str | None) -> str:
    """The `ticket` query parameter if it looks like a ticket number, else ""."""
    raw = (raw or "").strip()
    try:
        ticket_validator(raw)
    except forms.ValidationError:
        return ""
    return raw


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several scans for one component; recognised by content (check_upload) in `clean`."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [item for item in items if item]


def component_field(component_id: int, part: str) -> str:
    """Name of a component row's input: component_<id>_provided / _original_seen / _files."""
    return f"component_{component_id}_{part}"


def _ticked(data, name: str) -> bool:
    return bool(forms.CheckboxInput().value_from_datadict(data, {}, name))


def missing_from_ticks(components, data, files=None) -> list[Component]:
    """Required components neither ticked "Đã nộp" nor given a scan in the posted form.

    The counter's live completeness check: like `services.missing_required`, but on the form
    as it stands, before anything is stored.
    """
    missing = []
    for component in components:
        if not component.required:
            continue
        scanned = bool(files and files.getlist(component_field(component.id, "files")))
        if not (_ticked(data, component_field(component.id, "provided")) or scanned):
            missing.append(component)
    return missing


@dataclass
class ComponentRow:
    """One line of the component table: the catalog component and its three inputs."""

    component: Component
    provided: forms.BoundField
    original_seen: forms.BoundField
    files: forms.BoundField
    error: str = ""
    missing: bool = False


_text = {"autocomplete": "off"}


class CounterIntakeForm(forms.Form):
    """A dossier presented at the counter or arrived by post (one form, one decision)."""

    ticket = forms.CharField(required=False, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Kênh nộp"), widget=forms.RadioSelect)
    postal_tracking_number = forms.CharField(
        label=_("Số hiệu bưu gửi"), required=False, max_length=40, widget=forms.TextInput(_text)
    )
    postal_arrived_on = forms.DateField(
        label=_("Ngày bưu gửi đến"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    applicant_type = forms.ChoiceField(label=_("Người nộp hồ sơ là"), widget=forms.RadioSelect)
    applicant_name = forms.CharField(
        label=_("Họ và tên / tên tổ chức"), required=False, max_length=255,
        widget=forms.TextInput({"autocomplete": "off", "aria-required": "true"}),
    )  # fmt: skip
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân (12 số)"), required=False, max_length=20,
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    applicant_birth_date = forms.DateField(
        label=_("Ngày sinh"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    applicant_tax_code = forms.CharField(
        label=_("Mã số thuế"), required=False, max_length=20,
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    applicant_representative = forms.CharField(
        label=_("Người đại diện theo pháp luật"), required=False, max_length=255,
        widget=forms.TextInput(_text),
    )  # fmt: skip
    applicant_phone = forms.CharField(
        label=_("Điện thoại"), required=False, max_length=20,
        widget=forms.TextInput({"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    applicant_email = forms.CharField(
        label=_("Thư điện tử"), required=False, max_length=254,
        widget=forms.TextInput({"type": "email", "autocomplete": "off"}),
    )  # fmt: skip
    applicant_address = forms.CharField(
        label=_("Địa chỉ"), required=False, max_length=500, widget=forms.TextInput(_text)
    )
    submitter_name = forms.CharField(
        label=_("Họ và tên người nộp thay"), required=False, max_length=255,
        widget=forms.TextInput(_text),
    )  # fmt: skip
    submitter_id_number = forms.CharField(
        label=_("Số định danh cá nhân người nộp thay"), required=False, max_length=20,
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    submitter_phone = forms.CharField(
        label=_("Điện thoại người nộp thay"), required=False, max_length=20,
        widget=forms.TextInput({"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    sets = forms.IntegerField(
        label=_("Số bộ hồ sơ"), min_value=1, max_value=99, initial=1,
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )  # fmt: skip
    result_delivery = forms.ChoiceField(label=_("Nơi nhận kết quả"), widget=forms.RadioSelect)
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"), required=False, max_length=500,
        widget=forms.TextInput(_text),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Lý do từ chối (Mẫu 03) hoặc nội dung cần bổ sung, hoàn thiện (Mẫu 02)"),
        required=False, max_length=2000, widget=forms.Textarea({"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, version: ProcedureVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.components = list(version.components.all())
        self.component_errors: dict[int, str] = {}

        channels = [
            (value, label)
            for value, label in ((Channel.COUNTER, _("Trực tiếp tại quầy")),
                                 (Channel.POSTAL, _("Qua bưu chính công ích")))
            if value in version.channels
        ] or [(Channel.COUNTER, _("Trực tiếp tại quầy"))]  # fmt: skip
        self.fields["channel"].choices = channels
        self.fields["channel"].initial = channels[0][0]

        kinds = [(t, ApplicantType(t).label) for t in version.applicant_types] or list(
            ApplicantType.choices
        )
        self.fields["applicant_type"].choices = kinds
        self.fields["applicant_type"].initial = kinds[0][0]

        deliveries = [(ResultDelivery.COUNTER, _("Nhận tại Trung tâm (tại quầy)"))]
        if version.postal_return:
            deliveries.append((ResultDelivery.POST, _("Gửi qua bưu chính")))
        if version.online_level != OnlineLevel.NONE:
            deliveries.append((ResultDelivery.ELECTRONIC, _("Bản điện tử")))
        self.fields["result_delivery"].choices = deliveries
        self.fields["result_delivery"].initial = ResultDelivery.COUNTER

        for c in self.components:
            self.fields[component_field(c.id, "provided")] = forms.BooleanField(
                label=_("Đã nộp"), required=False,
                widget=forms.CheckboxInput({"class": "provided-tick"}),
            )  # fmt: skip
            self.fields[component_field(c.id, "original_seen")] = forms.BooleanField(
                label=_("Đã xem bản chính"), required=False
            )
            self.fields[component_field(c.id, "files")] = MultipleFileField(
                label=_("Quét/tải lên"),
                widget=MultipleFileInput(
                    {
                        "accept": ACCEPTED_FILES,
                        "data-tick": f"id_{component_field(c.id, 'provided')}",
                    }
                ),
            )

    # --- validation -------------------------------------------------------------------------

    def clean_ticket(self) -> str:
        # Only carried along and shown; a malformed number is dropped, never an error.
        return ticket_number(self.cleaned_data.get("ticket"))

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.POSTAL:
            arrived = data.get("postal_arrived_on")
            if arrived is None and "postal_arrived_on" not in self.errors:
                self.add_error("postal_arrived_on", _("Cần nhập ngày bưu gửi đến Trung tâm."))
            elif arrived and arrived > timezone.localdate():
                self.add_error("postal_arrived_on", _("Ngày bưu gửi đến không thể sau hôm nay."))
        # Each scan is recognised by its content now, so a bad file is reported with the rest
        # (the service checks again before storing anything).
        for c in self.components:
            name = component_field(c.id, "files")
            for upload in data.get(name) or []:
                try:
                    check_upload(upload)
                except FileRejected as exc:
                    self.add_error(name, str(exc))
                    break
        if self.errors:
            # The form goes back anyway: show what the service would refuse in the same go.
            self._add_service_problems()
        return data

    def _add_service_problems(self) -> None:
        problems = applicant_problems(self.applicant())
        if self._value("channel") == Channel.POSTAL and not self._text("postal_tracking_number"):
            problems["postal_tracking_number"] = _(
                "Cần nhập số hiệu bưu gửi của hồ sơ gửi qua bưu chính."
            )
        if self._value("result_delivery") == ResultDelivery.POST and not self._text(
            "delivery_address"
        ):
            problems["delivery_address"] = _("Cần nhập địa chỉ nhận kết quả qua bưu chính.")
        for key, message in problems.items():
            if key in self.fields and key not in self.errors:
                self.add_error(key, message)

    def add_service_errors(self, errors: dict[str, str]) -> None:
        """Put an IntakeError's messages next to their fields ("component_<id>" on its row)."""
        for key, message in errors.items():
            if key.startswith("component_") and key.removeprefix("component_").isdigit():
                self.component_errors[int(key.removeprefix("component_"))] = str(message)
            elif key in self.fields and key not in self.errors:
                self.add_error(key, str(message))
            else:
                self.add_error(None, str(message))

    # --- what the service needs -------------------------------------------------------------

    def _value(self, name: str):
        return (getattr(self, "cleaned_data", None) or {}).get(name)

    def _text(self, name: str) -> str:
        return (self._value(name) or "").strip()

    def applicant(self) -> ApplicantData:
        kind = self._value("applicant_type") or ApplicantType.INDIVIDUAL
        person = kind == ApplicantType.INDIVIDUAL
        return ApplicantData(
            name=self._text("applicant_name"),
            type=kind,
            id_number=self._text("applicant_id_number") if person else "",
            birth_date=self._value("applicant_birth_date") if person else None,
            tax_code="" if person else self._text("applicant_tax_code"),
            representative="" if person else self._text("applicant_representative"),
            phone=self._text("applicant_phone"),
            email=self._text("applicant_email"),
            address=self._text("applicant_address"),
            submitter_name=self._text("submitter_name"),
            submitter_id_number=self._text("submitter_id_number"),
            submitter_phone=self._text("submitter_phone"),
        )

    def component_inputs(self) -> list[ComponentInput]:
        inputs = []
        for c in self.components:
            files = self._value(component_field(c.id, "files")) or []
            inputs.append(
                ComponentInput(
                    component_id=c.id,
                    provided=bool(self._value(component_field(c.id, "provided"))) or bool(files),
                    original_seen=bool(self._value(component_field(c.id, "original_seen"))),
                    copies=c.copies,
                    files=tuple(files),
                )
            )
        return inputs

    def service_kwargs(self) -> dict:
        """Keyword arguments for `services.intake` (all but version, center, officer, decision)."""
        channel = self._value("channel")
        postal = channel == Channel.POSTAL
        delivery = self._value("result_delivery")
        return {
            "applicant": self.applicant(),
            "components": self.component_inputs(),
            "channel": channel,
            "reason": self._text("reason"),
            "result_delivery": delivery,
            "delivery_address": self._text("delivery_address")
            if delivery == ResultDelivery.POST
            else "",
            "postal_tracking_number": self._text("postal_tracking_number") if postal else "",
            "postal_arrived_on": self._value("postal_arrived_on") if postal else None,
            "sets": self._value("sets") or 1,
        }

    # --- for the template -------------------------------------------------------------------

    def missing(self) -> list[Component]:
        if not self.is_bound:
            return [c for c in self.components if c.required]
        return missing_from_ticks(self.components, self.data, self.files)

    def component_rows(self) -> list[ComponentRow]:
        missing = {c.id for c in self.missing()}
        return [
            ComponentRow(
                component=c,
                provided=self[component_field(c.id, "provided")],
                original_seen=self[component_field(c.id, "original_seen")],
                files=self[component_field(c.id, "files")],
                error=self.component_errors.get(c.id, "")
                or " ".join(self[component_field(c.id, "files")].errors),
                missing=c.id in missing,
            )
            for c in self.components
        ]

    @property
    def had_files(self) -> bool:
        """Files were chosen; the browser will not keep them if the form comes back."""
        return bool(self.files)


# --- review of a dossier submitted online (or recorded by post) -------------------------------


class SupplementForm(forms.Form):
    """Mẫu 02 for a submitted dossier: the components to supply, ticked, and a note."""

    missing = forms.TypedMultipleChoiceField(
        label=_("Giấy tờ cần bổ sung, hoàn thiện"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    note = forms.CharField(
        label=_("Nội dung cần bổ sung, hoàn thiện (ghi chú cho người nộp)"),
        required=False, max_length=2000, widget=forms.Textarea({"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, rows: list[DossierComponent], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["missing"].choices = [(r.component_id, r.component.name) for r in rows]
        if not self.is_bound:
            self.initial["missing"] = [
                r.component_id for r in rows if r.component.required and not r.provided
            ]

    def selected_ids(self) -> set[int]:
        if self.is_bound:
            return {int(v) for v in self.data.getlist("missing") if str(v).isdigit()}
        return set(self.initial.get("missing", []))


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối tiếp nhận (ghi vào Mẫu 03)"), required=False, max_length=2000,
        widget=forms.Textarea({"rows": 3}),
    )  # fmt: skip


class CenterChoiceForm(forms.Form):
    """An officer posted to several centers picks where they work now."""

    center = forms.ModelChoiceField(
        label=_("Trung tâm làm việc hôm nay"),
        queryset=ServiceCenter.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = ServiceCenter.objects.filter(
            pk__in=[c.pk for c in centers]
        ).order_by("name")
