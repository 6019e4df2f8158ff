import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.sanitize import sanitize_html
from provinces.models import District, Province


class RichTextField(models.TextField):
    """HTML that is sanitised with nh3 every time it is saved, whoever saves it."""

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


class SectionKey(models.TextChoices):
    """The six sections of the KM template, with their exact Thai headings, and 'other'."""

    BACKGROUND = "background", "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ"
    OBJECTIVES = "objectives", "วัตถุประสงค์"
    MATERIALS = "materials", "วัตถุดิบ (ถ้ามี)"
    EQUIPMENT = "equipment", "อุปกรณ์"
    PROCESS = "process", "กระบวนการ/ขั้นตอน"
    CAUTIONS = "cautions", "ข้อพึงระวัง"
    OTHER = "other", "หัวข้ออื่น"


STANDARD_SECTION_KEYS = [key for key in SectionKey.values if key != SectionKey.OTHER]


class Category(models.Model):
    """A หมวด of KM articles."""

    name = models.CharField("ชื่อหมวด", max_length=200, unique=True)
    slug = models.SlugField("ชื่อในลิงก์", max_length=100, unique=True, allow_unicode=True)
    description = models.TextField("คำอธิบาย", blank=True)
    position = models.PositiveSmallIntegerField("ลำดับ", default=0)

    class Meta:
        verbose_name = "หมวดองค์ความรู้"
        verbose_name_plural = "หมวดองค์ความรู้"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def live(self):
        """Articles in their own right: not the pending revisions of published ones."""
        return self.filter(revision_of__isnull=True)

    def open_revisions(self):
        """Revisions still being written or reviewed (closed ones are kept as a record)."""
        return self.filter(revision_of__isnull=False, status__in=Article.OPEN_REVISION_STATUSES)

    def written_by(self, user):
        return self.filter(author=user)

    def awaiting_review(self):
        """What a moderator has to decide on: submitted articles and submitted revisions."""
        return self.filter(status=Article.Status.SUBMITTED)

    def for_province(self, province: Province):
        return self.filter(province=province)

    def with_listing_related(self):
        """What a list of articles shows next to each title."""
        return self.select_related("category", "province", "district")


def _image_path(folder: str, filename: str) -> str:
    """A random stored name: the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:5] or ".jpg"
    return f"articles/{folder}/{uuid.uuid4().hex}{suffix}"


def image_upload_to(instance, filename: str) -> str:
    return _image_path("original", filename)


def thumbnail_upload_to(instance, filename: str) -> str:
    return _image_path("thumb", filename)


def large_upload_to(instance, filename: str) -> str:
    return _image_path("large", filename)


class Article(models.Model):
    """A knowledge-management article written at a community development office."""

    class Status(models.TextChoices):
        DRAFT = "draft", "ฉบับร่าง"
        SUBMITTED = "submitted", "รอตรวจสอบ"
        PUBLISHED = "published", "เผยแพร่แล้ว"
        RETURNED = "returned", "ส่งกลับแก้ไข"
        ARCHIVED = "archived", "เก็บเข้าคลัง"
        REJECTED = "rejected", "ไม่อนุมัติ"

    # Statuses in which the author may still change the text.
    EDITABLE_STATUSES = ("draft", "returned")
    # A revision in one of these is the published article's one pending revision.
    OPEN_REVISION_STATUSES = ("draft", "submitted", "returned")

    # Blank title and no category are allowed while drafting; the constraint
    # below and the submit service require them from submission on.
    title = models.CharField("ชื่อเรื่อง", max_length=500, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
        verbose_name="หมวด",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name="บัญชีผู้เขียน",
        help_text="ว่างสำหรับบทความที่นำเข้าจากเว็บไซต์เดิม",
    )
    author_name = models.CharField("ผู้เขียน (ตามที่พิมพ์)", max_length=200)
    author_position = models.CharField("ตำแหน่ง (ตามที่พิมพ์)", max_length=200, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="articles", verbose_name="จังหวัด"
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
        verbose_name="อำเภอ",
        help_text="ว่างสำหรับสำนักงานพัฒนาชุมชนจังหวัด",
    )
    office = models.CharField("สำนักงาน (ตามที่พิมพ์)", max_length=300, blank=True)
    written_at = models.DateField("วันที่เขียน", null=True, blank=True)
    status = models.CharField(
        "สถานะ", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("เผยแพร่เมื่อ", null=True, blank=True)
    submitted_at = models.DateTimeField(
        "ส่งตรวจเมื่อ", null=True, blank=True, help_text="ครั้งล่าสุด ใช้เรียงคิวตรวจสอบจากเก่าไปใหม่"
    )
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        related_name="revisions",
        null=True,
        blank=True,
        verbose_name="ฉบับแก้ไขของ",
        help_text="ฉบับแก้ไขของบทความที่เผยแพร่แล้ว ฉบับเดิมยังเผยแพร่อยู่จนกว่าจะอนุมัติฉบับนี้",
    )
    view_count = models.PositiveIntegerField("จำนวนผู้อ่าน", default=0)
    version = models.PositiveIntegerField(
        "รุ่นของข้อมูล", default=1, help_text="เพิ่มขึ้นทุกครั้งที่บันทึก ใช้กันการบันทึกทับกัน"
    )
    import_key = models.CharField(
        "รหัสการนำเข้า",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="ลายนิ้วมือของเอกสารเดิม ใช้ให้การนำเข้าซ้ำปรับปรุงแทนการสร้างใหม่",
    )
    search_text = models.TextField("ข้อความสำหรับค้นหา", blank=True, editable=False)
    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "บทความ"
        verbose_name_plural = "บทความ"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_published"),
            models.Index(
                fields=["province", "status", "-published_at", "-id"], name="article_province_published"
            ),
            # A category's newest articles: an article page's related articles, the category filter.
            models.Index(
                fields=["category", "status", "-published_at", "-id"], name="article_category_published"
            ),
            models.Index(fields=["province", "status", "submitted_at"], name="article_review_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_published_at",
            ),
            # From submission on an article has what the public page needs.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"])
                | (~Q(title="") & Q(category__isnull=False)),
                name="submitted_article_has_title_and_category",
            ),
            # A revision goes online by being copied into its live article, never by itself.
            models.CheckConstraint(
                condition=Q(revision_of__isnull=True) | ~Q(status__in=["published", "archived"]),
                name="revision_is_never_published",
            ),
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="one_open_revision_per_article",
            ),
        ]

    def __str__(self) -> str:
        return self.title or "(ยังไม่มีชื่อเรื่อง)"

    def get_absolute_url(self) -> str:
        return reverse(
            "articles:detail", kwargs={"province_slug": self.province.slug, "pk": self.pk}
        )

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def live_article_id(self) -> int:
        """The id of the article the public sees for this one (itself unless a revision)."""
        return self.revision_of_id or self.pk

    @property
    def is_editable_by_author(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class Section(models.Model):
    """One headed part of an article, in order."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sections", verbose_name="บทความ"
    )
    position = models.PositiveSmallIntegerField("ลำดับ")
    key = models.CharField("ประเภทหัวข้อ", max_length=20, choices=SectionKey.choices)
    heading = models.CharField(
        "หัวข้อ", max_length=300, blank=True, help_text="สำหรับหัวข้ออื่น ใช้หัวข้อตามเอกสาร"
    )
    body = RichTextField("เนื้อหา", blank=True)

    class Meta:
        verbose_name = "หัวข้อของบทความ"
        verbose_name_plural = "หัวข้อของบทความ"
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="section_position_unique"),
            models.UniqueConstraint(
                fields=["article", "key"],
                condition=~Q(key="other"),
                name="standard_section_once_per_article",
            ),
        ]

    def __str__(self) -> str:
        return self.display_heading

    @property
    def display_heading(self) -> str:
        """The exact template heading for a standard section, the document's own otherwise."""
        if self.key != SectionKey.OTHER:
            return SectionKey(self.key).label
        return self.heading


class ArticleImage(models.Model):
    """A photo of an article, stored re-encoded with its display sizes."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images", verbose_name="บทความ"
    )
    image = models.ImageField(
        "ภาพ", upload_to=image_upload_to, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField("ภาพย่อ", upload_to=thumbnail_upload_to, blank=True)
    large = models.ImageField("ภาพขนาดใหญ่", upload_to=large_upload_to, blank=True)
    width = models.PositiveIntegerField("กว้าง (พิกเซล)", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("สูง (พิกเซล)", null=True, blank=True, editable=False)
    caption = models.CharField("คำบรรยายภาพ", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField("ลำดับ", default=0)

    class Meta:
        verbose_name = "รูปประกอบ"
        verbose_name_plural = "รูปประกอบ"
        ordering = ["article", "position", "id"]

    def __str__(self) -> str:
        return self.caption or PurePosixPath(self.image.name).name


class ArticleTransition(models.Model):
    """One step of an article's paper trail: who moved it from which status to which, and why."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions", verbose_name="บทความ"
    )
    from_status = models.CharField(
        "จากสถานะ", max_length=20, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField("เป็นสถานะ", max_length=20, choices=Article.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article_transitions",
        verbose_name="ผู้ดำเนินการ",
    )
    note = models.TextField("บันทึก", blank=True)
    is_revision = models.BooleanField(
        "ฉบับแก้ไข", default=False, help_text="เป็นขั้นตอนของฉบับแก้ไข ไม่ใช่ของฉบับที่เผยแพร่อยู่"
    )
    at = models.DateTimeField("เมื่อ", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "ประวัติการเปลี่ยนสถานะ"
        verbose_name_plural = "ประวัติการเปลี่ยนสถานะ"
        ordering = ["article", "at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.from_status or '—'} → {self.to_status}"
