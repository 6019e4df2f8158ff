import io
import math
import random
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import User
from articles.images import clean_uploaded_image, make_display_sizes
from articles.legacy import parse_bytes
from articles.models import ArticleImage
from articles.services import import_legacy_article
from provinces.models import District, OfficerProfile, Province, Role

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "samma-demo-2569"

# (file, [(caption, palette)]) — palettes give each picture its own look.
DEMO_IMAGES = {
    "01_lampang_mushroom.txt": [
        ("โรงเรือนเพาะเห็ดนางฟ้าของกลุ่ม", ((236, 226, 198), (120, 94, 60))),
        ("ดอกเห็ดพร้อมเก็บในเช้าวันที่เจ็ด", ((250, 246, 235), (190, 170, 140))),
    ],
    "03_ubon_silk.txt": [("ผ้าไหมมัดหมี่ลายโบราณของกลุ่ม", ((128, 30, 60), (230, 180, 60)))],
    "04_chiangmai_bamboo.txt": [
        ("ตะกร้าไม้ไผ่รูปทรงใหม่", ((214, 186, 120), (110, 80, 40))),
        ("ผู้สูงอายุสอนจักตอกให้เยาวชน", ((190, 210, 170), (80, 110, 60))),
        ("สินค้าในร้านค้าชุมชน", ((230, 215, 180), (150, 100, 50))),
    ],
    "06_korat_eggs.txt": [("ลานปล่อยไก่ของครัวเรือนสัมมาชีพ", ((170, 210, 120), (200, 140, 60)))],
}

DEMO_BRANDING = {
    52: {"theme_colour": "#1b5e20", "contact_phone": "0 5400 0000 (ตัวอย่าง)",
         "contact_email": "lampang@example.go.th",
         "contact_address": "ศาลากลางจังหวัดลำปาง ถนนบุญวาทย์ อำเภอเมืองลำปาง จังหวัดลำปาง",
         "about": "สำนักงานพัฒนาชุมชนจังหวัดลำปางเผยแพร่องค์ความรู้สัมมาชีพชุมชนที่เจ้าหน้าที่และปราชญ์ชุมชนร่วมกันถอดบทเรียน เพื่อให้ครัวเรือนนำไปใช้สร้างอาชีพและรายได้"},
    44: {"theme_colour": "#0d47a1", "contact_phone": "0 4300 0000 (ตัวอย่าง)",
         "contact_email": "mahasarakham@example.go.th"},
    34: {"theme_colour": "#6a1b9a"},
    50: {"theme_colour": "#8d6e63"},
    90: {"theme_colour": "#00695c"},
    30: {"theme_colour": "#e65100"},
}


def demo_picture(palette, seed: int) -> bytes:
    """A simple landscape-style JPEG, so demo articles show real photos' shapes and sizes."""
    sky, ground = palette
    rng = random.Random(seed)
    width, height = 1600, 1066
    picture = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        shade = 1 - 0.35 * y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(c * shade) for c in sky))
    horizon = int(height * 0.62)
    points = [(0, height)]
    for x in range(0, width + 40, 40):
        points.append((x, horizon + int(40 * math.sin(x / 180 + seed))))
    points.append((width, height))
    draw.polygon(points, fill=ground)
    for _ in range(9):
        cx, cy, r = rng.randint(80, width - 80), rng.randint(horizon - 120, height - 60), rng.randint(30, 110)
        tone = tuple(min(255, c + rng.randint(20, 80)) for c in ground)
        draw.ellipse([cx - r, cy - r // 2, cx + r, cy + r // 2], fill=tone, outline=(60, 50, 40), width=3)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "โหลดเนื้อหาตัวอย่างและบัญชีทดลองสำหรับการพัฒนา (ใช้ได้เมื่อ DJANGO_DEBUG=1 เท่านั้น)"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("เนื้อหาและบัญชีตัวอย่างสร้างได้เฉพาะเมื่อ DJANGO_DEBUG=1 (โหมดพัฒนา)")
        with transaction.atomic():
            for code, fields in DEMO_BRANDING.items():
                Province.objects.filter(code=code).update(**fields)
            files = sorted(DEMO_DIR.glob("*.txt"))
            for number, path in enumerate(files, start=1):
                result = import_legacy_article(parsed=parse_bytes(path.read_bytes()))
                if not result.article.images.exists():
                    self._attach_images(result.article, DEMO_IMAGES.get(path.name, []), seed=number)
                self.stdout.write(f"[{number}/{len(files)}] {result.article.title}")
            accounts = self._demo_accounts()
        self.stdout.write(self.style.SUCCESS("เนื้อหาตัวอย่างพร้อมแล้ว บัญชีทดลอง (เฉพาะโหมดพัฒนา):"))
        for role, email in accounts:
            self.stdout.write(f"  {role:<28} {email}  รหัสผ่าน: {DEMO_PASSWORD}")

    def _attach_images(self, article, images, seed: int) -> None:
        for position, (caption, palette) in enumerate(images, start=1):
            upload = SimpleUploadedFile("demo.jpg", demo_picture(palette, seed * 10 + position), "image/jpeg")
            clean = clean_uploaded_image(upload)
            image = ArticleImage(article=article, caption=caption, position=position)
            image.image.save(clean.content.name, clean.content, save=False)
            make_display_sizes(image)
            image.save()

    def _demo_accounts(self) -> list[tuple[str, str]]:
        lampang = Province.objects.get(code=52)
        ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
        people = [
            ("officer@samma.example", "นางสาวกนกพร แสนคำ", "นักวิชาการพัฒนาชุมชนชำนาญการ", ko_kha, Role.OFFICER, False),
            ("moderator@samma.example", "นายวีระพงษ์ คำมูล", "พัฒนาการจังหวัดลำปาง", None, Role.MODERATOR, False),
            ("admin@samma.example", "นางศศิธร พึ่งบุญ", "ผู้ดูแลระบบ กรมการพัฒนาชุมชน", None, Role.ADMINISTRATOR, True),
        ]
        created = []
        for email, full_name, position, district, role, is_superuser in people:
            user, _ = User.objects.get_or_create(email=email)
            user.set_password(DEMO_PASSWORD)
            user.is_active = True
            user.is_staff = role != Role.OFFICER
            user.is_superuser = is_superuser
            user.save()
            OfficerProfile.objects.update_or_create(
                user=user,
                defaults={
                    "full_name": full_name,
                    "position": position,
                    "province": None if role == Role.ADMINISTRATOR else lampang,
                    "district": district,
                    "role": role,
                },
            )
            created.append((Role(role).label, email))
        return created
