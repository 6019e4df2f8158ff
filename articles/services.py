"""Writes that touch several models: importing, exporting support, search text."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.images import make_display_sizes
from articles.legacy import CATEGORY_RECORD, CATEGORY_WEB, ParsedArticle
from articles.models import (
    Article,
    ArticleImage,
    ArticleTransition,
    Category,
    Section,
    SectionKey,
    STANDARD_SECTION_KEYS,
)
from articles.text import html_to_text, normalise_for_search, text_to_html
from provinces.models import District, Province


class ArticleImportError(Exception):
    """An article that cannot be imported; the message is Thai and says what to fix."""


@dataclass
class ImportResult:
    article: Article
    created: bool


def article_refresh_search_text(*, article: Article) -> None:
    """Rebuild the denormalised, normalised text that search matches against."""
    sections = article.sections.all()
    parts = [
        article.title,
        article.author_name,
        article.author_position,
        article.office,
        article.province.name_th,
        article.district.name_th if article.district_id else "",
        article.category.name,
        *(f"{section.display_heading}\n{html_to_text(section.body)}" for section in sections),
    ]
    article.search_text = normalise_for_search("\n".join(part for part in parts if part))
    Article.objects.filter(pk=article.pk).update(search_text=article.search_text)


def _category_for(name: str) -> Category:
    name = (name or CATEGORY_WEB).strip()
    if name.replace(" ", "") in {CATEGORY_RECORD.replace(" ", ""), "บันทึกองค์ความรู้(KM)"}:
        name = CATEGORY_RECORD
    category = Category.objects.filter(name=name).first()
    if category:
        return category
    slug_base = f"category-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
    return Category.objects.create(name=name, slug=slug_base, position=100)


def _normalise_place_name(name: str) -> str:
    return "".join((name or "").replace("จังหวัด", "").split())


def resolve_province(*, name: str | None, fallback: Province | None) -> Province:
    """The province a document names, or the fallback given on the command line."""
    if name:
        wanted = _normalise_place_name(name)
        for province in Province.objects.all():
            if _normalise_place_name(province.name_th) == wanted:
                if fallback and fallback.pk != province.pk:
                    raise ArticleImportError(
                        f"เอกสารระบุจังหวัด{province.name_th} แต่คำสั่งระบุ --province "
                        f"{fallback.code} ({fallback.name_th}) ให้ตรวจสอบว่าเลือกไฟล์ถูกจังหวัด"
                    )
                return province
        raise ArticleImportError(f"ไม่รู้จักจังหวัด “{name}” ที่ระบุในเอกสาร")
    if fallback:
        return fallback
    raise ArticleImportError(
        "เอกสารไม่ได้ระบุจังหวัด (ทั้งในที่อยู่ สังกัด และท้ายเว็บไซต์) "
        "ให้ระบุด้วยตัวเลือก --province <รหัสจังหวัด>"
    )


def resolve_district(*, province: Province, name: str | None) -> District | None:
    """The district named in the office line, within the province; None for a provincial office."""
    if not name:
        return None
    wanted = _normalise_place_name(name)
    candidates = {_normalise_place_name(d.name_th): d for d in province.districts.all()}
    if wanted in candidates:
        return candidates[wanted]
    # "อำเภอเมือง" alone means the province's capital district, เมือง<province>.
    if wanted == "เมือง" and f"เมือง{province.name_th}" in candidates:
        return candidates[f"เมือง{province.name_th}"]
    raise ArticleImportError(
        f"ไม่พบอำเภอ “{name}” ในจังหวัด{province.name_th} ให้ตรวจสอบชื่อสำนักงานในบรรทัดที่อยู่/สังกัด"
    )


def legacy_import_key(*, province: Province, title: str, author_name: str) -> str:
    """The identity of a legacy article: the same document imported again updates it."""
    raw = "|".join([str(province.code), normalise_for_search(title), normalise_for_search(author_name)])
    return "legacy:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:56]


def _published_at_for(written_at: date | None) -> datetime:
    if written_at:
        return timezone.make_aware(datetime.combine(written_at, time(9, 0)))
    return timezone.now()


def _replace_sections(article: Article, sections: list[tuple[str, str, str]]) -> None:
    """Replace an article's sections by (key, heading, html) triples, in order."""
    article.sections.all().delete()
    used: set[str] = set()
    rows = []
    for position, (key, heading, body) in enumerate(sections, start=1):
        if key not in STANDARD_SECTION_KEYS or key in used:
            key = SectionKey.OTHER
        used.add(key)
        section = Section(article=article, position=position, key=key, heading=heading[:300], body=body)
        section.full_clean(exclude=["article"])
        rows.append(section)
    for section in rows:
        section.save()


@transaction.atomic
def import_legacy_article(
    *,
    parsed: ParsedArticle,
    fallback_province: Province | None = None,
    status: str = Article.Status.PUBLISHED,
) -> ImportResult:
    """Create or update the article a parsed legacy document describes."""
    province = resolve_province(name=parsed.province_name, fallback=fallback_province)
    district = resolve_district(province=province, name=parsed.district_name)
    key = legacy_import_key(province=province, title=parsed.title, author_name=parsed.author_name)
    article = Article.objects.filter(import_key=key).first()
    created = article is None
    if created:
        article = Article(import_key=key)
    previous_status = "" if created else article.status
    article.title = parsed.title
    article.category = _category_for(parsed.category)
    article.author_name = parsed.author_name
    article.author_position = parsed.author_position
    article.province = province
    article.district = district
    article.office = parsed.office
    article.written_at = parsed.written_at
    article.status = status
    if status == Article.Status.PUBLISHED and not article.published_at:
        article.published_at = _published_at_for(parsed.written_at)
    if not created:
        article.version += 1
    _validate_and_save(article)
    _replace_sections(
        article,
        [
            (section.key, section.heading if section.key == SectionKey.OTHER else "", text_to_html(section.lines))
            for section in parsed.sections
        ],
    )
    article_refresh_search_text(article=article)
    if previous_status != article.status:
        ArticleTransition.objects.create(
            article=article,
            from_status=previous_status,
            to_status=article.status,
            note="นำเข้าจากเว็บไซต์สัมมาชีพชุมชนจังหวัดเดิม",
        )
    return ImportResult(article=article, created=created)


def _validate_and_save(article: Article) -> None:
    try:
        article.full_clean(exclude=["import_key", "author"])
    except ValidationError as error:
        messages = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in error.message_dict.items())
        raise ArticleImportError(f"ข้อมูลบทความไม่ถูกต้อง: {messages}") from error
    article.save()


def _media_name_from_url(url: str) -> str | None:
    media_url = settings.MEDIA_URL
    if url and url.startswith(media_url):
        return url[len(media_url):]
    return None


@transaction.atomic
def import_exported_article(*, data: dict, status: str | None = None) -> ImportResult:
    """Create or update (by id) an article from one object of the JSON export."""
    try:
        province_code = int(data["province"]["code"])
        title = str(data["title"]).strip()
        sections = list(data.get("sections") or [])
        images = list(data.get("images") or [])
        author = data.get("author") or {}
    except (KeyError, TypeError, ValueError) as error:
        raise ArticleImportError(f"ข้อมูล JSON ไม่ครบ: ขาด {error}") from error
    if not title:
        raise ArticleImportError("บทความใน JSON ไม่มีชื่อเรื่อง (title)")
    province = Province.objects.filter(code=province_code).first()
    if province is None:
        raise ArticleImportError(f"ไม่รู้จักรหัสจังหวัด {province_code}")
    district = None
    if data.get("district"):
        district = District.objects.filter(code=data["district"].get("code"), province=province).first()
        if district is None:
            raise ArticleImportError(
                f"ไม่พบอำเภอรหัส {data['district'].get('code')} ในจังหวัด{province.name_th}"
            )
    article_id = data.get("id")
    article = Article.objects.filter(pk=article_id).first() if article_id else None
    created = article is None
    if created:
        article = Article(pk=article_id) if article_id else Article()
    previous_status = "" if created else article.status
    article.title = title
    article.category = _category_for(data.get("category") or CATEGORY_WEB)
    article.author_name = str(author.get("name") or "").strip()
    article.author_position = str(author.get("position") or "").strip()
    article.province = province
    article.district = district
    article.office = str(data.get("office") or "")
    written_at = data.get("written_at")
    article.written_at = parse_date(written_at) if written_at else None
    if written_at and article.written_at is None:
        raise ArticleImportError(f"วันที่ written_at “{written_at}” ไม่ใช่รูปแบบ ISO 8601 (ปปปป-ดด-วว)")
    article.status = status or data.get("status") or Article.Status.PUBLISHED
    if article.status not in Article.Status.values:
        raise ArticleImportError(f"สถานะ “{article.status}” ไม่ถูกต้อง")
    published_at = data.get("published_at")
    if published_at:
        article.published_at = parse_datetime(published_at)
    if article.status == Article.Status.PUBLISHED and not article.published_at:
        article.published_at = _published_at_for(article.written_at)
    if not created:
        article.version += 1
    _validate_and_save(article)
    _replace_sections(
        article,
        [
            (str(s.get("key") or SectionKey.OTHER), str(s.get("heading") or "") if s.get("key") == SectionKey.OTHER else "", str(s.get("html") or ""))
            for s in sections
        ],
    )
    _replace_images_from_export(article, images)
    article_refresh_search_text(article=article)
    if created:
        ArticleTransition.objects.create(
            article=article, from_status="", to_status=article.status, note="นำเข้าจากไฟล์ส่งออก (JSON)"
        )
    return ImportResult(article=article, created=created)


def _replace_images_from_export(article: Article, images: list[dict]) -> None:
    """Link exported images whose files this portal's media storage already holds."""
    article.images.all().delete()
    for position, item in enumerate(images, start=1):
        name = _media_name_from_url(str(item.get("url") or ""))
        if not name or not default_storage.exists(name):
            raise ArticleImportError(
                f"ไม่พบไฟล์ภาพ “{item.get('url')}” ในที่เก็บสื่อของพอร์ทัล "
                "ให้คัดลอกโฟลเดอร์สื่อ (MEDIA_ROOT) มาก่อนนำเข้า"
            )
        image = ArticleImage(article=article, caption=str(item.get("caption") or "")[:300], position=position)
        image.image.name = name
        make_display_sizes(image)
        image.save()


def reset_article_sequences() -> None:
    """After inserting rows with explicit ids, let PostgreSQL's sequences catch up."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Article])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
