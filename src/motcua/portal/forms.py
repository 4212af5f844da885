"""Forms of the citizen portal. They shape input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ApplicantType, ProcedureVersion
from motcua.directory.models import ServiceCenter
from motcua.dossiers.models import Dossier, ResultDelivery
from motcua.dossiers.services import ApplicantData, applicant_problems
from motcua.portal.selectors import parse_identifier

NUMERIC = {"inputmode": "numeric"}


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    identifier = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại di động"),
        max_length=254,
        required=False,
        help_text=_(
            "Dùng để đăng nhập và nhận thông báo. Với thư điện tử, chúng tôi gửi đường dẫn "
            "xác minh; với số điện thoại, chúng tôi gửi mã 6 chữ số qua SMS."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        required=False,
        strip=False,
        help_text=_("Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá dễ đoán."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if not " ".join(data.get("full_name", "").split()):
            self.add_error("full_name", _("Cần nhập họ và tên."))
        parsed = parse_identifier(data.get("identifier", ""))
        if isinstance(parsed, str):
            self.add_error("identifier", parsed)
        if not data.get("password"):
            self.add_error("password", _("Cần nhập mật khẩu."))
        elif data.get("password") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp nhau."))
        return data


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        max_length=254,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("identifier", "").strip():
            self.add_error("identifier", _("Cần nhập thư điện tử hoặc số điện thoại."))
        if not data.get("password"):
            self.add_error("password", _("Cần nhập mật khẩu."))
        return data


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác minh"),
        max_length=12,
        required=False,
        help_text=_("Mã gồm 6 chữ số trong tin nhắn SMS, có hiệu lực 10 phút."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*",
                   "maxlength": "7", "class": "short"}
        ),
    )  # fmt: skip


# --- filing online -------------------------------------------------------------------------


class ApplicantForm(forms.Form):
    """Người nộp hồ sơ. On the first page it also asks which center, when there are several."""

    center = forms.ModelChoiceField(
        label=_("Nơi nộp hồ sơ"),
        queryset=ServiceCenter.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    type = forms.ChoiceField(
        label=_("Bạn nộp hồ sơ với tư cách"),
        choices=ApplicantType.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("Họ và tên (hoặc tên tổ chức)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (số CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số, in trên thẻ căn cước."),
        widget=forms.TextInput(attrs={**NUMERIC, "autocomplete": "off", "class": "medium"}),
    )
    birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày sinh không hợp lệ.")},
        widget=forms.DateInput(
            attrs={"type": "date", "autocomplete": "bday", "class": "medium"}, format="%Y-%m-%d"
        ),
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế của tổ chức"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={**NUMERIC, "autocomplete": "off", "class": "medium"}),
    )
    representative = forms.CharField(
        label=_("Người đại diện theo pháp luật"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        required=False,
        help_text=_("Để nhận tin nhắn về hồ sơ."),
        widget=forms.TextInput(
            attrs={"type": "tel", **NUMERIC, "autocomplete": "tel", "class": "medium"}
        ),
    )
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "email", "autocomplete": "email", "autocapitalize": "none",
                   "spellcheck": "false"}
        ),
    )  # fmt: skip
    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def __init__(self, *args, version: ProcedureVersion, centers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        types = version.applicant_types or [ApplicantType.INDIVIDUAL.value]
        self.fields["type"].choices = [(v, lbl) for v, lbl in ApplicantType.choices if v in types]
        self.allows_choice_of_type = len(types) > 1
        self.allows_organizations = ApplicantType.ORGANIZATION.value in types
        if not self.allows_choice_of_type:
            self.fields["type"].widget = forms.HiddenInput()
            self.initial.setdefault("type", types[0])
        if centers and len(centers) > 1:
            self.fields["center"].queryset = ServiceCenter.objects.filter(
                pk__in=[c.pk for c in centers]
            ).order_by("name")
            self.fields["center"].required = True
            self.fields["center"].error_messages["required"] = _("Cần chọn nơi nộp hồ sơ.")
        else:
            del self.fields["center"]
        if not self.allows_organizations:
            del self.fields["tax_code"]
            del self.fields["representative"]
            self.fields["name"].label = _("Họ và tên")

    def applicant(self) -> ApplicantData:
        data = self.cleaned_data
        kind = data.get("type") or self.fields["type"].choices[0][0]
        organization = kind == ApplicantType.ORGANIZATION
        return ApplicantData(
            name=data.get("name", ""),
            type=kind,
            id_number="" if organization else "".join(data.get("id_number", "").split()),
            birth_date=None if organization else data.get("birth_date"),
            tax_code=data.get("tax_code", "").strip() if organization else "",
            representative=data.get("representative", "") if organization else "",
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            address=data.get("address", ""),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for key, message in applicant_problems(self.applicant()).items():
            field = key.removeprefix("applicant_")
            self.add_error(field if field in self.fields else None, message)
        return data

    @staticmethod
    def initial_from(dossier: Dossier) -> dict:
        return {
            "type": dossier.applicant_type,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "birth_date": dossier.applicant_birth_date,
            "tax_code": dossier.applicant_tax_code,
            "representative": dossier.applicant_representative,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        }


def applicant_of(dossier: Dossier) -> ApplicantData:
    """The applicant as stored on the dossier (to save other pages without changing it)."""
    return ApplicantData(
        name=dossier.applicant_name,
        type=dossier.applicant_type,
        id_number=dossier.applicant_id_number,
        birth_date=dossier.applicant_birth_date,
        tax_code=dossier.applicant_tax_code,
        representative=dossier.applicant_representative,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
        address=dossier.applicant_address,
    )


class DeliveryForm(forms.Form):
    result_delivery = forms.ChoiceField(
        label=_("Bạn muốn nhận kết quả thế nào?"),
        choices=ResultDelivery.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=500,
        required=False,
        help_text=_("Số nhà, đường, phường/xã, tỉnh/thành phố. Chỉ cần khi nhận qua bưu chính."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    def __init__(self, *args, version: ProcedureVersion, **kwargs):
        super().__init__(*args, **kwargs)
        order = [ResultDelivery.ELECTRONIC, ResultDelivery.COUNTER, ResultDelivery.POST]
        if not version.postal_return:
            order.remove(ResultDelivery.POST)
            del self.fields["delivery_address"]
        self.fields["result_delivery"].choices = [(c.value, c.label) for c in order]

    def clean(self):
        data = super().clean()
        choice = data.get("result_delivery")
        if not choice:
            self.add_error("result_delivery", _("Cần chọn cách nhận kết quả."))
        elif choice == ResultDelivery.POST and not data.get("delivery_address", "").strip():
            self.add_error("delivery_address", _("Cần nhập địa chỉ nhận kết quả qua bưu chính."))
        if choice != ResultDelivery.POST:
            data["delivery_address"] = ""
        return data


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Tôi xin cam đoan những thông tin đã khai là đúng sự thật."),
        required=True,
        error_messages={"required": _("Cần đánh dấu lời cam đoan trước khi nộp hồ sơ.")},
    )
