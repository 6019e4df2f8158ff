"""Forms for signing up, signing in, passwords, approvals and province pages.

Forms validate and say what is wrong in Thai next to the field; the writes
themselves are in accounts.services.
"""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.models import SignupRequest, User
from accounts.services import EMAIL_TAKEN_MESSAGE, email_may_apply, normalise_email
from articles.images import ALLOWED_CONTENT_TYPES, clean_uploaded_image
from provinces.models import District, OfficerProfile, Province, hex_colour_validator

# Thai leading vowels are written before the consonant they follow in speech;
# dictionaries sort เชียงใหม่ under ช, not after every word that starts with ก–ฮ.
_LEADING_VOWELS = frozenset("เแโใไ")

PROVINCIAL_OFFICE = "provincial"
FULL_NAME_MAX_LENGTH = OfficerProfile._meta.get_field("full_name").max_length
TITLE_OTHER = "other"
TITLE_CHOICES = [
    ("นาย", _("นาย")),
    ("นาง", _("นาง")),
    ("นางสาว", _("นางสาว")),
    (TITLE_OTHER, _("ยศหรือคำนำหน้าอื่น")),
]


def thai_sort_key(text: str) -> str:
    """A key that sorts Thai names roughly in dictionary order."""
    chars = list(text)
    index = 0
    while index < len(chars) - 1:
        if chars[index] in _LEADING_VOWELS:
            chars[index], chars[index + 1] = chars[index + 1], chars[index]
            index += 1  # the vowel now follows its consonant; do not move it again
        index += 1
    return "".join(chars)


def districts_in_thai_order(province: Province) -> list[District]:
    return sorted(province.districts.all(), key=lambda district: thai_sort_key(district.name_th))


def office_choices(province: Province | None) -> list[tuple[str, str]]:
    """The offices an officer of the province can belong to: the provincial one and each district's."""
    if province is None:
        return [("", _("— เลือกจังหวัดก่อน —"))]
    return [
        ("", _("— เลือกสำนักงาน —")),
        (PROVINCIAL_OFFICE, _("สำนักงานพัฒนาชุมชนจังหวัด%(province)s") % {"province": province.name_th}),
        *((str(district.pk), district.office_name) for district in districts_in_thai_order(province)),
    ]


class ThaiOrderIterator(ModelChoiceIterator):
    """Choices read from the database when the select is drawn, in Thai dictionary order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=lambda item: thai_sort_key(str(item))):
            yield self.choice(obj)


class ProvinceChoiceField(forms.ModelChoiceField):
    """Active provinces by slug (so a plain GET form can say ?province=lampang), in Thai order."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Province.objects.active(),
            to_field_name="slug",
            empty_label=_("— เลือกจังหวัด —"),
            error_messages={
                "required": _("กรุณาเลือกจังหวัด"),
                "invalid_choice": _("ไม่พบจังหวัดที่เลือก หรือจังหวัดนี้ยังไม่เปิดใช้งาน"),
            },
            **kwargs,
        )

    iterator = ThaiOrderIterator


class SignupForm(forms.Form):
    """An officer's application for an account."""

    # The order of the page, so the error summary lists problems top to bottom.
    field_order = [
        "title", "title_other", "first_name", "last_name", "position", "phone",
        "province", "district", "email", "password1", "password2",
    ]

    email = forms.EmailField(
        label=_("อีเมล"),
        max_length=254,
        help_text=_("ใช้เข้าสู่ระบบ และรับแจ้งผลการอนุมัติ"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("กรุณากรอกอีเมล"), "invalid": _("รูปแบบอีเมลไม่ถูกต้อง เช่น somjai@example.com")},
    )
    title = forms.ChoiceField(
        label=_("คำนำหน้าชื่อ"),
        choices=TITLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("กรุณาเลือกคำนำหน้าชื่อ")},
    )
    title_other = forms.CharField(
        label=_("ยศหรือคำนำหน้าอื่น"),
        max_length=60,
        required=False,
        help_text=_("พิมพ์ตามที่ใช้จริง เช่น ว่าที่ร้อยตรี สิบเอกหญิง ดร."),
        widget=forms.TextInput(attrs={"autocomplete": "honorific-prefix"}),
    )
    first_name = forms.CharField(
        label=_("ชื่อ"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("กรุณากรอกชื่อ")},
    )
    last_name = forms.CharField(
        label=_("นามสกุล"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("กรุณากรอกนามสกุล")},
    )
    position = forms.CharField(
        label=_("ตำแหน่ง"),
        max_length=200,
        help_text=_("เช่น นักวิชาการพัฒนาชุมชนชำนาญการ"),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        error_messages={"required": _("กรุณากรอกตำแหน่ง")},
    )
    province = ProvinceChoiceField(label=_("จังหวัด"))
    district = forms.CharField(
        label=_("สำนักงานที่สังกัด"),
        help_text=_("สำนักงานพัฒนาชุมชนอำเภอ หรือสำนักงานพัฒนาชุมชนจังหวัด"),
        widget=forms.Select,
        error_messages={"required": _("กรุณาเลือกสำนักงานที่สังกัด")},
    )
    phone = forms.CharField(
        label=_("โทรศัพท์ (ไม่บังคับ)"),
        max_length=50,
        required=False,
        help_text=_("ให้ผู้ตรวจสอบติดต่อกลับได้หากต้องการข้อมูลเพิ่ม"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=_("รหัสผ่าน"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": _("กรุณาตั้งรหัสผ่าน")},
    )
    password2 = forms.CharField(
        label=_("ยืนยันรหัสผ่าน"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("พิมพ์รหัสผ่านเดิมอีกครั้งเพื่อป้องกันการพิมพ์ผิด"),
        error_messages={"required": _("กรุณายืนยันรหัสผ่าน")},
    )

    def __init__(self, *args, province: Province | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.selected_province = province if province is not None else self._province_from_input()
        self.fields["district"].widget.choices = office_choices(self.selected_province)
        if self.selected_province is None:
            self.fields["district"].widget.attrs["disabled"] = True

    def _province_from_input(self) -> Province | None:
        """The province typed in so far, to list its offices before the form is complete."""
        if self.is_bound:
            slug = self.data.get(self.add_prefix("province"))
        else:
            slug = self.initial.get("province")
            slug = getattr(slug, "slug", slug)
        if not slug:
            return None
        return Province.objects.active().filter(slug=slug).first()

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if not email_may_apply(email):
            raise ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email

    def clean_title_other(self) -> str:
        return " ".join(self.cleaned_data.get("title_other", "").split())

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_position(self) -> str:
        return " ".join(self.cleaned_data["position"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title") == TITLE_OTHER and not cleaned.get("title_other"):
            self.add_error("title_other", _("กรุณาพิมพ์ยศหรือคำนำหน้าชื่อ"))
        elif not self.errors.keys() & {"title", "title_other", "first_name", "last_name"}:
            if len(self.full_name) > FULL_NAME_MAX_LENGTH:
                self.add_error(
                    "last_name",
                    _("ชื่อ-นามสกุลรวมคำนำหน้ายาวเกิน %(limit)d ตัวอักษร กรุณาใช้ยศแบบย่อ")
                    % {"limit": FULL_NAME_MAX_LENGTH},
                )
        self._clean_office(cleaned)
        self._clean_passwords(cleaned)
        return cleaned

    def _clean_office(self, cleaned: dict) -> None:
        province = cleaned.get("province")
        value = cleaned.get("district")
        if province is None:
            # "Choose a province" already says what to do; the office list depends on it.
            self.errors.pop("district", None)
            return
        if not value:
            return
        if value == PROVINCIAL_OFFICE:
            cleaned["district"] = None
            return
        # isdecimal(), not isdigit(): "²" is a digit that the id lookup refuses.
        district = District.objects.select_related("province").filter(pk=value).first() if value.isdecimal() else None
        if district is None:
            self.add_error("district", _("ไม่พบสำนักงานที่เลือก กรุณาเลือกจากรายการ"))
        elif district.province_id != province.pk:
            self.add_error(
                "district",
                _("%(office)s ไม่ได้อยู่ในจังหวัด%(province)s กรุณาเลือกสำนักงานในจังหวัด%(province)s")
                % {"office": district.office_name, "province": province.name_th},
            )
        else:
            cleaned["district"] = district

    def _clean_passwords(self, cleaned: dict) -> None:
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("รหัสผ่านทั้งสองช่องไม่ตรงกัน"))
            return
        if password1:
            try:
                password_validation.validate_password(password1, User(email=cleaned.get("email") or ""))
            except ValidationError as error:
                self.add_error("password1", error)

    @property
    def full_name(self) -> str:
        """The name as the officer writes it, title joined to the first name: นางสาวสมใจ ใจดี."""
        data = self.cleaned_data
        title = data["title_other"] if data["title"] == TITLE_OTHER else data["title"]
        return f"{title}{data['first_name']} {data['last_name']}"


class LoginForm(auth_forms.AuthenticationForm):
    """Sign in by e-mail; an applicant with the right password learns their account awaits approval."""

    error_messages = {
        "invalid_login": _("อีเมลหรือรหัสผ่านไม่ถูกต้อง กรุณาลองอีกครั้ง"),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน กรุณาติดต่อผู้ตรวจสอบระดับจังหวัดของคุณ"),
        "pending": _(
            "บัญชีของคุณอยู่ระหว่างรอผู้ตรวจสอบระดับจังหวัดอนุมัติ "
            "เมื่ออนุมัติแล้วระบบจะแจ้งทางอีเมล จากนั้นจึงเข้าสู่ระบบได้"
        ),
        "rejected": _(
            "คำขอสมัครใช้งานของคุณไม่ได้รับการอนุมัติ ดูเหตุผลในอีเมลที่ได้รับ "
            "แล้วแก้ไขและสมัครใหม่ได้ที่หน้าสมัครสมาชิก"
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Set when the right password met an account that may not sign in (pending, rejected, suspended).
        self.inactive_reason = ""
        username = self.fields["username"]
        username.label = _("อีเมล")
        username.widget = forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email", "maxlength": 254})
        username.error_messages["required"] = _("กรุณากรอกอีเมล")
        # Django sets only the widget's maxlength; without the check an address of any length
        # reaches authenticate() and the lock-out record, whose column holds 255 characters.
        username.max_length = User._meta.get_field("email").max_length
        username.validators.append(MaxLengthValidator(username.max_length))
        username.error_messages["max_length"] = self.error_messages["invalid_login"]
        self.fields["password"].label = _("รหัสผ่าน")
        self.fields["password"].error_messages["required"] = _("กรุณากรอกรหัสผ่าน")

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                self._explain_inactive_account()
            raise

    def _explain_inactive_account(self) -> None:
        """Say why an inactive account cannot sign in, but only to someone who knows its password."""
        email = normalise_email(self.cleaned_data.get("username") or "")
        password = self.cleaned_data.get("password") or ""
        user = User.objects.filter(email__iexact=email).first()
        # Exactly one password hash on every path, so the time taken tells nothing either.
        if user is None:
            User().set_password(password)
            return
        if not user.check_password(password) or user.is_active:
            return
        latest = user.signup_requests.order_by("-requested_at", "-id").first()
        if latest is not None and latest.status == SignupRequest.Status.PENDING:
            code = "pending"
        elif latest is not None and latest.status == SignupRequest.Status.REJECTED:
            code = "rejected"
        else:
            code = "inactive"
        self.inactive_reason = code
        raise ValidationError(self.error_messages[code], code=code)


def _thai_password_fields(form, *, new1: str, new2: str) -> None:
    form.fields[new1].label = _("รหัสผ่านใหม่")
    form.fields[new2].label = _("ยืนยันรหัสผ่านใหม่")
    form.fields[new2].help_text = _("พิมพ์รหัสผ่านใหม่อีกครั้งเพื่อป้องกันการพิมพ์ผิด")
    form.fields[new1].error_messages["required"] = _("กรุณาตั้งรหัสผ่านใหม่")
    form.fields[new2].error_messages["required"] = _("กรุณายืนยันรหัสผ่านใหม่")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": _("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน"),
        "password_incorrect": _("รหัสผ่านปัจจุบันไม่ถูกต้อง กรุณากรอกอีกครั้ง"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("รหัสผ่านปัจจุบัน")
        self.fields["old_password"].error_messages["required"] = _("กรุณากรอกรหัสผ่านปัจจุบัน")
        _thai_password_fields(self, new1="new_password1", new2="new_password2")


class SetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": _("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _thai_password_fields(self, new1="new_password1", new2="new_password2")


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("อีเมลที่ใช้สมัคร")
        email.error_messages.update(
            {"required": _("กรุณากรอกอีเมล"), "invalid": _("รูปแบบอีเมลไม่ถูกต้อง เช่น somjai@example.com")}
        )


class RejectSignupForm(forms.Form):
    reason = forms.CharField(
        label=_("เหตุผลที่ไม่อนุมัติ"),
        max_length=2000,
        help_text=_("ผู้สมัครจะได้รับเหตุผลนี้ทางอีเมล เช่น ไม่พบชื่อในสำนักงานที่ระบุ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("กรุณาระบุเหตุผลที่ไม่อนุมัติ เพื่อให้ผู้สมัครแก้ไขได้")},
    )


class ProvinceFilterForm(forms.Form):
    """Narrow a list to one province (administrators see every province)."""

    province = ProvinceChoiceField(label=_("จังหวัด"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].empty_label = _("ทุกจังหวัด")


class ModeratorSearchForm(ProvinceFilterForm):
    q = forms.CharField(label=_("ค้นหาชื่อหรืออีเมล"), required=False, max_length=100)


class PictureInput(forms.ClearableFileInput):
    """A file input that shows the picture in use and offers to remove it, in Thai."""

    template_name = "accounts/widgets/picture_input.html"
    clear_checkbox_label = _("ลบภาพนี้ (ไม่ใช้ภาพ)")


class ProvinceBrandingForm(forms.ModelForm):
    """What a province moderator may change on their province's site."""

    class Meta:
        model = Province
        fields = [
            "site_title",
            "theme_colour",
            "logo",
            "banner",
            "contact_phone",
            "contact_email",
            "contact_address",
            "about",
        ]
        # The portal's own checks (accounts.services / articles.images) judge every
        # upload, so the form takes files as they come and says in Thai what is wrong.
        field_classes = {"logo": forms.FileField, "banner": forms.FileField}
        widgets = {
            "logo": PictureInput,
            "banner": PictureInput,
            "theme_colour": forms.TextInput(attrs={"type": "color"}),
            "contact_address": forms.Textarea(attrs={"rows": 3}),
            "about": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "logo": _("ไฟล์ JPEG, PNG หรือ WebP ไม่เกิน 10 MB ระบบย่อให้ด้านยาวไม่เกิน 600 พิกเซล"),
            "banner": _("ภาพแนวนอน เช่น 2400×600 พิกเซล ไฟล์ JPEG, PNG หรือ WebP ไม่เกิน 10 MB"),
            "theme_colour": _("สีแถบหัวเว็บไซต์และลิงก์ของจังหวัด"),
            "about": _("แสดงในหน้า “เกี่ยวกับเรา” ของจังหวัด เว้นบรรทัดเพื่อขึ้นย่อหน้าใหม่"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_images: dict = {}
        for name in ("logo", "banner"):
            # Stored under a new name, so the uploader's file name may be any length.
            self.fields[name].max_length = None
            self.fields[name].widget.attrs["accept"] = ",".join(sorted(ALLOWED_CONTENT_TYPES))
        self.fields["contact_email"].error_messages["invalid"] = _("รูปแบบอีเมลไม่ถูกต้อง")
        # Anything longer than #rrggbb is not a colour: say so in Thai, not as a length limit.
        self.fields["theme_colour"].error_messages["max_length"] = hex_colour_validator.message
        self.fields["site_title"].help_text = _("เว้นว่างเพื่อใช้ชื่อเดิม “เว็บไซต์สัมมาชีพชุมชนจังหวัด%(province)s”") % {
            "province": self.instance.name_th
        }

    def _clean_picture(self, name: str):
        value = self.cleaned_data.get(name)
        if value and hasattr(value, "content_type"):
            # A new upload: verified and re-encoded now, stored by the service.
            self.clean_images[name] = clean_uploaded_image(value)
        return value

    def clean_logo(self):
        return self._clean_picture("logo")

    def clean_banner(self):
        return self._clean_picture("banner")

    def clean_theme_colour(self) -> str:
        return (self.cleaned_data.get("theme_colour") or "").lower()

    def branding_changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name not in {"logo", "banner"}}

    def image_cleared(self, name: str) -> bool:
        return self.cleaned_data.get(name) is False
