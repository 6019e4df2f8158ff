"""Builders for articles as the public pages see them: real rows, real photos, real search text."""

import io
from datetime import date, datetime, time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.images import clean_uploaded_image, make_display_sizes
from articles.models import Article, ArticleImage, Category, Section
from articles.services import article_refresh_search_text
from provinces.models import District, Province

DEFAULT_SECTIONS = [
    ("background", "<p>ชาวบ้านรวมกลุ่มกันเพื่อสร้างอาชีพเสริมหลังฤดูเก็บเกี่ยว</p>"),
    ("objectives", "<p>๑) เพื่อเพิ่มรายได้ให้ครัวเรือน</p>"),
]


def small_photo(seed: int = 0, size: tuple[int, int] = (96, 64)) -> SimpleUploadedFile:
    """A small real JPEG, different for each seed."""
    picture = Image.new("RGB", size, ((seed * 37) % 255, (seed * 91) % 255, 120))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"photo{seed}.jpg", buffer.getvalue(), "image/jpeg")


def attach_photo(article: Article, *, caption: str = "", position: int = 1, seed: int = 0) -> ArticleImage:
    clean = clean_uploaded_image(small_photo(seed))
    image = ArticleImage(article=article, caption=caption, position=position)
    image.image.save(clean.content.name, clean.content, save=False)
    make_display_sizes(image)
    image.save()
    return image


def make_article(
    province: Province,
    *,
    title: str = "การรวมกลุ่มอาชีพของครัวเรือนสัมมาชีพ",
    sections: list[tuple[str, str]] | None = None,
    status: str = Article.Status.PUBLISHED,
    district: District | None = None,
    category: Category | None = None,
    author_name: str = "นางสาวทดสอบ ใจดี",
    author_position: str = "นักวิชาการพัฒนาชุมชน",
    office: str = "",
    written_at: date | None = None,
    published_at: datetime | None = None,
    photos: int = 0,
    view_count: int = 0,
) -> Article:
    """A saved article with its sections, photos and search text, as the importer leaves one."""
    if published_at is None and status == Article.Status.PUBLISHED:
        day = written_at or timezone.localdate()
        published_at = timezone.make_aware(datetime.combine(day, time(9, 0)))
    article = Article.objects.create(
        title=title,
        category=category or Category.objects.get(slug="techniques"),
        author_name=author_name,
        author_position=author_position,
        province=province,
        district=district,
        office=office or (district.office_name if district else f"สำนักงานพัฒนาชุมชนจังหวัด{province.name_th}"),
        written_at=written_at,
        status=status,
        published_at=published_at,
        view_count=view_count,
    )
    for position, (key, body) in enumerate(sections if sections is not None else DEFAULT_SECTIONS, start=1):
        Section.objects.create(article=article, position=position, key=key, body=body)
    for number in range(1, photos + 1):
        attach_photo(article, caption=f"ภาพกิจกรรมที่ {number}", position=number, seed=article.pk * 10 + number)
    article_refresh_search_text(article=article)
    return article
