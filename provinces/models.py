from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

BANGKOK_CODE = 10


class Region(models.TextChoices):
    """The six geographic regions of the Royal Society's system."""

    NORTH = "north", "ภาคเหนือ"
    NORTHEAST = "northeast", "ภาคตะวันออกเฉียงเหนือ"
    CENTRAL = "central", "ภาคกลาง"
    EAST = "east", "ภาคตะวันออก"
    WEST = "west", "ภาคตะวันตก"
    SOUTH = "south", "ภาคใต้"


hex_colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", "กรุณาระบุสีเป็นรหัสฐานสิบหก 6 หลัก เช่น #1b5e20"
)


class ProvinceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Province(models.Model):
    """A province and the branding of its provincial Samma Chiep site."""

    code = models.PositiveSmallIntegerField(
        "รหัสจังหวัด",
        unique=True,
        validators=[MinValueValidator(10), MaxValueValidator(96)],
        help_text="รหัสจังหวัดของกรมการปกครอง (10–96)",
    )
    name_th = models.CharField("ชื่อจังหวัด (ไทย)", max_length=100, unique=True)
    name_en = models.CharField("ชื่อจังหวัด (อังกฤษ)", max_length=100)
    slug = models.SlugField("ชื่อในลิงก์", max_length=100, unique=True)
    region = models.CharField("ภาค", max_length=20, choices=Region.choices)
    is_active = models.BooleanField(
        "เปิดใช้งาน", default=True, help_text="จังหวัดที่มีสำนักงานพัฒนาชุมชนและแสดงบนพอร์ทัล"
    )
    site_title = models.CharField(
        "ชื่อเว็บไซต์",
        max_length=200,
        blank=True,
        help_text="เว้นว่างเพื่อใช้ “เว็บไซต์สัมมาชีพชุมชนจังหวัด…”",
    )
    theme_colour = models.CharField(
        "สีประจำเว็บไซต์", max_length=7, default="#1b5e20", validators=[hex_colour_validator]
    )
    logo = models.ImageField("ตราสัญลักษณ์", upload_to="provinces/logos/", blank=True)
    banner = models.ImageField("ภาพแบนเนอร์", upload_to="provinces/banners/", blank=True)
    contact_phone = models.CharField("โทรศัพท์", max_length=100, blank=True)
    contact_email = models.EmailField("อีเมล", blank=True)
    contact_address = models.TextField("ที่อยู่", blank=True)
    about = models.TextField("เกี่ยวกับเรา", blank=True)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = "จังหวัด"
        verbose_name_plural = "จังหวัด"
        ordering = ["name_th"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__gte=10) & Q(code__lte=96), name="province_code_in_dopa_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    def get_absolute_url(self) -> str:
        return reverse("provinces:home", kwargs={"province_slug": self.slug})

    @property
    def display_title(self) -> str:
        """The site title, or the name every provincial site used."""
        return self.site_title or f"เว็บไซต์สัมมาชีพชุมชนจังหวัด{self.name_th}"

    @property
    def is_bangkok(self) -> bool:
        return self.code == BANGKOK_CODE


class District(models.Model):
    """An อำเภอ (or a Bangkok เขต) and the district community development office in it."""

    code = models.PositiveSmallIntegerField(
        "รหัสอำเภอ", unique=True, validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name="จังหวัด"
    )
    name_th = models.CharField("ชื่ออำเภอ (ไทย)", max_length=100)
    name_en = models.CharField("ชื่ออำเภอ (อังกฤษ)", max_length=100)
    postal_code = models.CharField("รหัสไปรษณีย์", max_length=5, blank=True)

    class Meta:
        verbose_name = "อำเภอ"
        verbose_name_plural = "อำเภอ"
        ordering = ["province__name_th", "name_th"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name_th"], name="district_name_unique_in_province"),
            models.CheckConstraint(
                condition=Q(code__gte=1000) & Q(code__lte=9999), name="district_code_four_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_th}{self.name_th} จังหวัด{self.province.name_th}"

    @property
    def kind_th(self) -> str:
        """Bangkok is divided into เขต, the rest of the country into อำเภอ."""
        # The first two digits of a district code are its province's code.
        return "เขต" if self.code // 100 == BANGKOK_CODE else "อำเภอ"

    @property
    def office_name(self) -> str:
        if self.kind_th == "เขต":
            return f"สำนักงานเขต{self.name_th}"
        return f"สำนักงานพัฒนาชุมชนอำเภอ{self.name_th}"


class Role(models.TextChoices):
    OFFICER = "officer", "เจ้าหน้าที่"
    MODERATOR = "moderator", "ผู้ตรวจสอบระดับจังหวัด"
    ADMINISTRATOR = "administrator", "ผู้ดูแลระบบระดับประเทศ"


class OfficerProfile(models.Model):
    """What the portal knows of an officer: name as written, position and office."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name="ผู้ใช้"
    )
    full_name = models.CharField(
        "ชื่อ-นามสกุล", max_length=200, help_text="พร้อมคำนำหน้าหรือยศ เช่น นางสาวสมใจ ใจดี"
    )
    position = models.CharField("ตำแหน่ง", max_length=200, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="officers",
        null=True,
        blank=True,
        verbose_name="จังหวัด",
        help_text="ว่างได้เฉพาะผู้ดูแลระบบระดับประเทศ (ส่วนกลาง)",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="officers",
        null=True,
        blank=True,
        verbose_name="สำนักงานพัฒนาชุมชนอำเภอ",
        help_text="เว้นว่างสำหรับสำนักงานพัฒนาชุมชนจังหวัด",
    )
    phone = models.CharField("โทรศัพท์", max_length=50, blank=True)
    role = models.CharField("บทบาท", max_length=20, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        verbose_name = "ข้อมูลเจ้าหน้าที่"
        verbose_name_plural = "ข้อมูลเจ้าหน้าที่"
        constraints = [
            # Officers and moderators belong to a province; only national administrators may not.
            models.CheckConstraint(
                condition=Q(role="administrator") | Q(province__isnull=False),
                name="officer_profile_has_province_unless_administrator",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def office_name(self) -> str:
        if self.district_id:
            return self.district.office_name
        if self.province_id:
            return f"สำนักงานพัฒนาชุมชนจังหวัด{self.province.name_th}"
        return "กรมการพัฒนาชุมชน"

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.user.is_superuser

    def moderates(self, province: Province) -> bool:
        """Whether this person may moderate the given province's articles and officers."""
        if self.is_administrator:
            return True
        return self.role == Role.MODERATOR and self.province_id == province.pk
