"""Forms of the officers' article editor and of the moderators' decisions.

Forms validate and turn input into the plain values services take; they never
save. Rich text is sanitised again by the model field whatever arrives here.
"""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms.renderers import get_default_renderer
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ckeditor_5.widgets import CKEditor5Widget

from articles.images import ALLOWED_CONTENT_TYPES, MAX_IMAGES_PER_ARTICLE, clean_uploaded_image
from articles.models import Article, Category, SectionKey, STANDARD_SECTION_KEYS
from articles.services import ArticleContent, ImageChange, ImageUpload, SectionContent
from articles.text import html_to_text, thai_digits_to_arabic
from provinces.models import District

# What belongs under each standard heading, shown under it as a hint.
SECTION_HINTS = {
    SectionKey.BACKGROUND: gettext_lazy(
        "ที่มาของเรื่อง ปัญหาหรือโอกาสที่พบในชุมชน และแรงบันดาลใจที่ทำให้ลงมือทำ"
    ),
    SectionKey.OBJECTIVES: gettext_lazy("ต้องการให้เกิดอะไรขึ้น กับใคร เขียนเป็นข้อ ๆ ได้"),
    SectionKey.MATERIALS: gettext_lazy("วัตถุดิบที่ใช้ ปริมาณ และแหล่งที่หาได้ในชุมชน (ถ้าไม่มี เว้นว่างไว้)"),
    SectionKey.EQUIPMENT: gettext_lazy("เครื่องมือ อุปกรณ์ และสถานที่ที่ต้องใช้"),
    SectionKey.PROCESS: gettext_lazy("ขั้นตอนการทำตามลำดับ ใครทำอะไร ใช้เวลาเท่าไร เขียนเป็นลำดับเลขได้"),
    SectionKey.CAUTIONS: gettext_lazy("สิ่งที่ต้องระวัง ปัญหาที่เคยเกิดและวิธีแก้ เคล็ดลับจากผู้ปฏิบัติ"),
}
REQUIRED_FOR_SUBMISSION = {"title", "category", "author_name", "background", "objectives", "process"}

# CKEditor's build includes plugins the portal does not use; photos go through
# ArticleImage (checked and re-encoded), never inline into the text.
EDITOR_REMOVED_PLUGINS = [
    "Image", "ImageCaption", "ImageStyle", "ImageToolbar", "ImageResize", "ImageInsert",
    "ImageUpload", "ImageBlock", "ImageInline", "AutoImage", "LinkImage", "PictureEditing",
    "ImageInsertViaUrl", "ImageUploadEditing", "ImageUploadUI", "ImageUploadProgress",
    "SimpleUploadAdapter", "CKFinderUploadAdapter", "MediaEmbed", "HtmlEmbed", "SourceEditing",
    "Markdown", "FullPage", "Style", "CodeBlock", "Code", "Font", "Highlight", "Alignment",
    "TodoList", "PageBreak", "HorizontalLine", "Mention", "WordCount",
]


class ArticleEditorWidget(CKEditor5Widget):
    """CKEditor 5 with the portal's toolbar (settings.CKEDITOR_5_CONFIGS["default"]).

    The package's widget asks for the URL of its own upload view, which the
    portal deliberately does not mount; this one renders without it.
    """

    def __init__(self, attrs=None):
        super().__init__(config_name="default", attrs=attrs)
        self.config = {**self.config, "removePlugins": EDITOR_REMOVED_PLUGINS}

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        context["config"] = self.config
        context["script_id"] = f"{attrs['id']}_script"
        context["upload_url"] = ""
        context["upload_file_types"] = "[]"
        context["csrf_cookie_name"] = settings.CSRF_COOKIE_NAME
        if self._config_errors:
            context["errors"] = forms.utils.ErrorList(self._config_errors)
        return mark_safe((renderer or get_default_renderer()).render(self.template_name, context))


# --- Dates: officers write Buddhist-era dates; the database stores the day. ---

THAI_MONTHS = {
    "มกราคม": 1, "ม.ค.": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "มีนาคม": 3, "มี.ค.": 3,
    "เมษายน": 4, "เม.ย.": 4, "พฤษภาคม": 5, "พ.ค.": 5, "มิถุนายน": 6, "มิ.ย.": 6,
    "กรกฎาคม": 7, "ก.ค.": 7, "สิงหาคม": 8, "ส.ค.": 8, "กันยายน": 9, "ก.ย.": 9,
    "ตุลาคม": 10, "ต.ค.": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "ธันวาคม": 12, "ธ.ค.": 12,
}
BUDDHIST_ERA_OFFSET = 543
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_THAI_WORDS = re.compile(r"^(\d{1,2})\s*(\S+?)\s*(?:พ\.ศ\.|ค\.ศ\.)?\s*(\d{2}|\d{4})$")


def parse_written_date(text: str) -> date | None:
    """A date typed in the Buddhist era or the Gregorian calendar; None when empty.

    14/06/2567, 2567-06-14, 14 มิถุนายน 2567, 14 มิ.ย. 67 and 2024-06-14 are the
    same day: a year above 2400 is Buddhist era (minus 543), a two-digit year
    is 25xx of the Buddhist era, as Thai offices abbreviate it.
    """
    text = " ".join(thai_digits_to_arabic(text or "").split())
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _THAI_WORDS.match(text)) and match.group(2) in THAI_MONTHS:
        day, month, year = int(match.group(1)), THAI_MONTHS[match.group(2)], int(match.group(3))
    else:
        raise ValueError("unrecognised")
    if year < 100:
        year += 2500
    if year > 2400:
        year -= BUDDHIST_ERA_OFFSET
    if not 1900 <= year <= 2200:
        raise ValueError("year out of range")
    return date(year, month, day)


def format_buddhist_date(value: date | None) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year + BUDDHIST_ERA_OFFSET}" if value else ""


class WrittenDateField(forms.Field):
    """One text box that takes the date as officers write it, Buddhist era or Gregorian."""

    widget = forms.TextInput

    default_error_messages = {
        "invalid": gettext_lazy(
            "อ่านวันที่ไม่ออก กรุณาพิมพ์แบบ วัน/เดือน/ปี พ.ศ. เช่น 14/06/2567 หรือแบบ 2024-06-14"
        ),
        "future": gettext_lazy("วันที่เขียนต้องไม่เลยวันนี้ ตรวจดูว่าพิมพ์ปีถูกต้อง"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"maxlength": "40", "autocomplete": "off", "placeholder": "14/06/2567"})

    def prepare_value(self, value):
        if isinstance(value, date):
            return format_buddhist_date(value)
        return value

    def to_python(self, value):
        text = str(value or "").strip()[:40]
        try:
            parsed = parse_written_date(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if parsed and parsed > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future")
        return parsed


# --- The article ---


class ArticleForm(forms.Form):
    """Title, byline, office and the six standard sections of one article."""

    title = forms.CharField(label=gettext_lazy("ชื่อเรื่อง"), max_length=500, required=False)
    category = forms.ModelChoiceField(
        label=gettext_lazy("หมวด"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=gettext_lazy("— เลือกหมวด —"),
    )
    written_at = WrittenDateField(
        label=gettext_lazy("วันที่เขียน"),
        required=False,
        help_text=gettext_lazy("พิมพ์ วัน/เดือน/ปี พ.ศ. เช่น 14/06/2567 (หรือ ค.ศ. เช่น 2024-06-14)"),
    )
    author_name = forms.CharField(
        label=gettext_lazy("ผู้เขียน"),
        max_length=200,
        help_text=gettext_lazy("ชื่อ-นามสกุลตามที่จะแสดง เขียนแทนเพื่อนร่วมงานได้"),
        error_messages={"required": gettext_lazy("กรุณาใส่ชื่อผู้เขียน")},
    )
    author_position = forms.CharField(label=gettext_lazy("ตำแหน่ง"), max_length=200, required=False)
    district = forms.ModelChoiceField(
        label=gettext_lazy("อำเภอ"),
        queryset=District.objects.none(),
        required=False,
        empty_label=gettext_lazy("สำนักงานพัฒนาชุมชนจังหวัด (ไม่ระบุอำเภอ)"),
    )
    office = forms.CharField(
        label=gettext_lazy("สำนักงาน"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("ตามที่จะแสดงใต้ชื่อเรื่อง"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        self.fields["district"].queryset = District.objects.filter(province=province).order_by("name_th")
        self.fields["category"].label_from_instance = lambda category: category.name
        self.fields["district"].label_from_instance = lambda district: district.office_name
        for key in STANDARD_SECTION_KEYS:
            self.fields[key] = forms.CharField(
                label=SectionKey(key).label,
                help_text=SECTION_HINTS[key],
                required=False,
                widget=ArticleEditorWidget(),
            )
        for name in REQUIRED_FOR_SUBMISSION:
            self.fields[name].required_for_submission = True

    def section_fields(self):
        return [self[key] for key in STANDARD_SECTION_KEYS]

    @classmethod
    def initial_for(cls, article: Article | None, *, user) -> dict:
        """What the form opens with: the article as saved, or the officer's own details for a new one."""
        if article is None:
            profile = user.profile
            return {
                "author_name": profile.full_name,
                "author_position": profile.position,
                "district": profile.district_id,
                "office": profile.office_name,
            }
        initial = {
            "title": article.title,
            "category": article.category_id,
            "written_at": article.written_at,
            "author_name": article.author_name,
            "author_position": article.author_position,
            "district": article.district_id,
            "office": article.office,
            "version": article.version,
        }
        for section in article.sections.all():
            if section.key in STANDARD_SECTION_KEYS:
                initial[section.key] = section.body
        return initial

    def content(self, extra_sections: list[SectionContent]) -> ArticleContent:
        data = self.cleaned_data
        standard = [SectionContent(key=key, heading="", body=data.get(key) or "") for key in STANDARD_SECTION_KEYS]
        return ArticleContent(
            title=data["title"],
            category=data["category"],
            author_name=data["author_name"],
            author_position=data["author_position"],
            office=data["office"],
            district=data["district"],
            written_at=data["written_at"],
            sections=tuple(standard + extra_sections),
        )


class ExtraSectionForm(forms.Form):
    """A section with the document's own heading, after the six standard ones."""

    heading = forms.CharField(label=gettext_lazy("ชื่อหัวข้อ"), max_length=300, required=False)
    body = forms.CharField(label=gettext_lazy("เนื้อหา"), required=False, widget=ArticleEditorWidget())
    order = forms.IntegerField(
        label=gettext_lazy("ลำดับ"), required=False, min_value=0, max_value=999,
        widget=forms.NumberInput(attrs={"class": "order-input", "inputmode": "numeric"}),
    )

    def clean(self):
        data = super().clean()
        if html_to_text(data.get("body") or "") and not (data.get("heading") or "").strip():
            self.add_error("heading", _("กรุณาใส่ชื่อหัวข้อของเนื้อหาส่วนนี้"))
        return data


class BaseExtraSectionFormSet(forms.BaseFormSet):
    def sections(self) -> list[SectionContent]:
        """The kept sections in the order the officer gave them (ties keep page order)."""
        rows = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data or self.can_delete and self._should_delete_form(form):
                continue
            order = data.get("order")
            rows.append((order if order is not None else 1000 + index, index, data))
        return [
            SectionContent(key=SectionKey.OTHER, heading=data.get("heading") or "", body=data.get("body") or "")
            for _order, _index, data in sorted(rows, key=lambda row: row[:2])
        ]


ExtraSectionFormSet = forms.formset_factory(
    ExtraSectionForm, formset=BaseExtraSectionFormSet, extra=1, can_delete=True, max_num=30, validate_max=True
)


def extra_section_initial(article: Article | None) -> list[dict]:
    if article is None:
        return []
    return [
        {"heading": section.heading, "body": section.body, "order": number}
        for number, section in enumerate(
            (section for section in article.sections.all() if section.key == SectionKey.OTHER), start=1
        )
    ]


# --- Photos ---


class SavedImageForm(forms.Form):
    """Caption, place and removal of a photo already saved with the article."""

    image_id = forms.IntegerField(widget=forms.HiddenInput)
    caption = forms.CharField(label=gettext_lazy("คำบรรยายภาพ"), max_length=300, required=False)
    position = forms.IntegerField(
        label=gettext_lazy("ลำดับ"), min_value=0, max_value=999,
        widget=forms.NumberInput(attrs={"class": "order-input", "inputmode": "numeric"}),
    )
    delete = forms.BooleanField(label=gettext_lazy("ลบรูปนี้"), required=False)

    def change(self) -> ImageChange:
        data = self.cleaned_data
        return ImageChange(
            image_id=data["image_id"], caption=data["caption"], position=data["position"], delete=data["delete"]
        )


SavedImageFormSet = forms.formset_factory(SavedImageForm, extra=0, max_num=MAX_IMAGES_PER_ARTICLE)


class NewImageForm(forms.Form):
    """One photo to add: checked, re-encoded and stripped of metadata before anything is saved."""

    file = forms.FileField(
        label=gettext_lazy("ไฟล์ภาพ"),
        required=False,
        widget=forms.FileInput(
            attrs={"accept": ",".join(sorted(ALLOWED_CONTENT_TYPES)), "class": "image-file-input"}
        ),
    )
    caption = forms.CharField(label=gettext_lazy("คำบรรยายภาพ"), max_length=300, required=False)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        # Pillow decides what the file is; the name and the browser's type are only hints.
        self.clean_image = clean_uploaded_image(uploaded)
        return uploaded

    def upload(self) -> ImageUpload | None:
        if not self.cleaned_data.get("file"):
            return None
        return ImageUpload(clean=self.clean_image, caption=self.cleaned_data.get("caption") or "")


class BaseNewImageFormSet(forms.BaseFormSet):
    def __init__(self, *args, room: int, **kwargs):
        self.room = room
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        chosen = [form for form in self.forms if form.cleaned_data.get("file")]
        for form in chosen[max(self.room, 0):]:
            form.add_error(
                "file",
                _("บทความหนึ่งมีรูปได้ไม่เกิน %(max)d รูป ภาพนี้ยังไม่ได้บันทึก")
                % {"max": MAX_IMAGES_PER_ARTICLE},
            )

    def uploads(self) -> list[ImageUpload]:
        """The photos that passed every check; the others carry their message in the form."""
        return [
            upload
            for form in self.forms
            if not form.errors and (upload := form.upload()) is not None
        ]


def new_image_formset(*, data=None, files=None, saved_count: int, prefix: str = "new_images"):
    """Empty photo slots up to the article's room (at most three on a page, for phones)."""
    room = MAX_IMAGES_PER_ARTICLE - saved_count
    formset_class = forms.formset_factory(
        NewImageForm, formset=BaseNewImageFormSet, extra=max(0, min(3, room)), max_num=MAX_IMAGES_PER_ARTICLE
    )
    return formset_class(data=data, files=files, prefix=prefix, room=room)


class ImageUploadForm(NewImageForm):
    """A single photo sent by the page's script while the officer keeps typing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = True
        self.fields["file"].error_messages["required"] = _("กรุณาเลือกไฟล์ภาพ")


# --- Moderation ---


class DecisionForm(forms.Form):
    """A moderator's note (required to return, reject or archive) and the version they reviewed."""

    note = forms.CharField(
        label=gettext_lazy("บันทึกถึงผู้เขียน"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


MODERATION_ACTIONS = ("publish", "return", "reject", "archive")


class QueueFilterForm(forms.Form):
    """The moderation queue's filters, read from the query string."""

    STATUS_CHOICES = [
        (Article.Status.SUBMITTED, gettext_lazy("รอตรวจสอบ")),
        (Article.Status.RETURNED, gettext_lazy("ส่งกลับแก้ไข")),
        (Article.Status.PUBLISHED, gettext_lazy("เผยแพร่แล้ว")),
        (Article.Status.ARCHIVED, gettext_lazy("เก็บเข้าคลัง")),
        (Article.Status.REJECTED, gettext_lazy("ไม่อนุมัติ")),
    ]
    KIND_CHOICES = [
        ("", gettext_lazy("ทั้งหมด")),
        ("new", gettext_lazy("บทความใหม่")),
        ("revision", gettext_lazy("ฉบับแก้ไขของบทความที่เผยแพร่แล้ว")),
    ]

    status = forms.ChoiceField(label=gettext_lazy("สถานะ"), choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("ประเภท"), choices=KIND_CHOICES, required=False)
    province = forms.ModelChoiceField(
        label=gettext_lazy("จังหวัด"), queryset=None, required=False, empty_label=gettext_lazy("ทุกจังหวัด")
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("อำเภอ"), queryset=District.objects.none(), required=False,
        empty_label=gettext_lazy("ทุกอำเภอ"),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("หมวด"), queryset=Category.objects.all(), required=False,
        empty_label=gettext_lazy("ทุกหมวด"),
    )
    q = forms.CharField(label=gettext_lazy("ชื่อเรื่องหรือผู้เขียน"), required=False, max_length=200)

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["category"].label_from_instance = lambda category: category.name
        self.fields["district"].label_from_instance = lambda district: district.name_th
        self.single_province = provinces.count() == 1
        if self.single_province:
            del self.fields["province"]
            self.fields["district"].queryset = District.objects.filter(province__in=provinces).order_by("name_th")
        else:
            # Districts follow the chosen province, read by the field itself: a malformed
            # or out-of-range id lists none instead of reaching the query raw.
            try:
                chosen = self.fields["province"].clean(self.data.get("province"))
            except forms.ValidationError:
                chosen = None
            if chosen is not None:
                self.fields["district"].queryset = District.objects.filter(province=chosen).order_by("name_th")

    def filtered(self, queryset):
        if not self.is_valid():
            return queryset.filter(status=Article.Status.SUBMITTED)
        data = self.cleaned_data
        queryset = queryset.filter(status=data.get("status") or Article.Status.SUBMITTED)
        if data.get("kind") == "new":
            queryset = queryset.filter(revision_of__isnull=True)
        elif data.get("kind") == "revision":
            queryset = queryset.filter(revision_of__isnull=False)
        if data.get("province"):
            queryset = queryset.filter(province=data["province"])
        if data.get("district"):
            queryset = queryset.filter(district=data["district"])
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        if data.get("q"):
            words = data["q"].split()
            for word in words:
                queryset = queryset.filter(Q(title__icontains=word) | Q(author_name__icontains=word))
        return queryset
