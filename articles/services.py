"""Writes that touch several models: importing, search text, and the writing and review workflow."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import profile_of
from articles import emails
from articles.images import MAX_IMAGES_PER_ARTICLE, CleanImage, make_display_sizes
from articles.legacy import CATEGORY_RECORD, CATEGORY_WEB, ParsedArticle
from articles.permissions import can_discard_article, can_moderate_article, can_write_articles, is_author
from articles.sanitize import sanitize_html
from articles.models import (
    Article,
    ArticleImage,
    ArticleTransition,
    Category,
    Section,
    SectionKey,
    STANDARD_SECTION_KEYS,
)
from articles.page_cache import changes_batched
from articles.storage_safety import atomic_with_files, record_stored_files
from articles.text import html_to_text, normalise_for_search, text_to_html
from provinces.models import District, Province


class ArticleImportError(Exception):
    """An article that cannot be imported; the message is Thai and says what to fix."""


@dataclass
class ImportResult:
    article: Article
    created: bool


def search_text_for(article: Article, sections) -> str:
    """The denormalised, normalised text that search matches against, from these sections."""
    parts = [
        article.title,
        article.author_name,
        article.author_position,
        article.office,
        article.province.name_th,
        article.district.name_th if article.district_id else "",
        article.category.name if article.category_id else "",
        *(f"{section.display_heading}\n{html_to_text(section.body)}" for section in sections),
    ]
    return normalise_for_search("\n".join(part for part in parts if part))


def article_refresh_search_text(*, article: Article) -> None:
    """Rebuild the article's search text from its saved sections."""
    article.search_text = search_text_for(article, article.sections.all())
    Article.objects.filter(pk=article.pk).update(search_text=article.search_text)


def _category_for(name: str) -> Category:
    name = (name or CATEGORY_WEB).strip()
    if name.replace(" ", "") in {CATEGORY_RECORD.replace(" ", ""), "บันทึกองค์ความรู้(KM)"}:
        name = CATEGORY_RECORD
    category = Category.objects.filter(name=name).first()
    if category:
        return category
    limit = Category._meta.get_field("name").max_length
    if len(name) > limit:
        raise ArticleImportError(
            f"หมวดองค์ความรู้ “{name[:40]}…” ยาวเกิน {limit} ตัวอักษร ตรวจสอบบรรทัดหมวดในเอกสาร"
        )
    slug_base = f"category-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
    return Category.objects.create(name=name, slug=slug_base, position=100)


def _normalise_place_name(name: str) -> str:
    return "".join((name or "").replace("จังหวัด", "").split())


class PlaceDirectory:
    """Provinces and their districts, read from the database once for a run of many documents.

    Reference data does not change while an import runs; looking it up per document
    cost two queries and a hundred model instances each time.
    """

    def __init__(self) -> None:
        self._provinces: dict[str, Province] | None = None
        self._districts: dict[int, dict[str, District]] = {}

    def province_named(self, name: str) -> Province | None:
        if self._provinces is None:
            self._provinces = {_normalise_place_name(p.name_th): p for p in Province.objects.all()}
        return self._provinces.get(_normalise_place_name(name))

    def districts_of(self, province: Province) -> dict[str, District]:
        """The province's districts by normalised Thai name."""
        if province.pk not in self._districts:
            self._districts[province.pk] = {
                _normalise_place_name(d.name_th): d for d in District.objects.filter(province=province)
            }
        return self._districts[province.pk]


def resolve_province(*, name: str | None, fallback: Province | None, places: PlaceDirectory) -> Province:
    """The province a document names, or the fallback given on the command line."""
    if name:
        province = places.province_named(name)
        if province is None:
            raise ArticleImportError(f"ไม่รู้จักจังหวัด “{name}” ที่ระบุในเอกสาร")
        if fallback and fallback.pk != province.pk:
            raise ArticleImportError(
                f"เอกสารระบุจังหวัด{province.name_th} แต่คำสั่งระบุ --province "
                f"{fallback.code} ({fallback.name_th}) ให้ตรวจสอบว่าเลือกไฟล์ถูกจังหวัด"
            )
        return province
    if fallback:
        return fallback
    raise ArticleImportError(
        "เอกสารไม่ได้ระบุจังหวัด (ทั้งในที่อยู่ สังกัด และท้ายเว็บไซต์) "
        "ให้ระบุด้วยตัวเลือก --province <รหัสจังหวัด>"
    )


def resolve_district(*, province: Province, name: str | None, places: PlaceDirectory) -> District | None:
    """The district named in the office line, within the province; None for a provincial office."""
    if not name:
        return None
    wanted = _normalise_place_name(name)
    candidates = places.districts_of(province)
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


def _build_sections(rows: list[tuple[str, str, str]]) -> list[Section]:
    """Validated, unsaved sections from (key, heading, html) triples, in order."""
    used: set[str] = set()
    sections = []
    for position, (key, heading, body) in enumerate(rows, start=1):
        if key not in STANDARD_SECTION_KEYS or key in used:
            key = SectionKey.OTHER
        used.add(key)
        section = Section(position=position, key=key, heading=heading[:300], body=body)
        section.full_clean(exclude=["article"])
        sections.append(section)
    return sections


def _store_sections(article: Article, sections: list[Section], *, replace: bool = True) -> None:
    """Write the sections as the article's, in one statement; replace=False for a new article."""
    if replace:
        article.sections.all().delete()
    for section in sections:
        section.article = article
    # One INSERT; the article's own save has already told the page cache about the change.
    Section.objects.bulk_create(sections)


def _replace_sections(article: Article, rows: list[tuple[str, str, str]]) -> None:
    """Replace an article's sections by (key, heading, html) triples, in order."""
    _store_sections(article, _build_sections(rows))


@changes_batched()
@transaction.atomic
def import_legacy_article(
    *,
    parsed: ParsedArticle,
    fallback_province: Province | None = None,
    status: str = Article.Status.PUBLISHED,
    places: PlaceDirectory | None = None,
) -> ImportResult:
    """Create or update the article a parsed legacy document describes.

    ``places`` lets a run of many documents look provinces and districts up once.
    """
    places = places or PlaceDirectory()
    province = resolve_province(name=parsed.province_name, fallback=fallback_province, places=places)
    district = resolve_district(province=province, name=parsed.district_name, places=places)
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
    sections = _build_sections(
        [
            (section.key, section.heading if section.key == SectionKey.OTHER else "", text_to_html(section.lines))
            for section in parsed.sections
        ]
    )
    article.search_text = search_text_for(article, sections)
    # Province, district and category were just read from the database, and what the
    # table's check constraints require holds by construction (a parsed document always
    # has a title; a category and, when published, a date are always set): validating
    # them again would cost seven queries per document.
    _validate_and_save(article, exclude=("category", "province", "district"), validate_constraints=False)
    _store_sections(article, sections, replace=not created)
    if previous_status != article.status:
        ArticleTransition.objects.create(
            article=article,
            from_status=previous_status,
            to_status=article.status,
            note="นำเข้าจากเว็บไซต์สัมมาชีพชุมชนจังหวัดเดิม",
        )
    return ImportResult(article=article, created=created)


def _validate_and_save(
    article: Article, *, exclude: tuple[str, ...] = (), validate_constraints: bool = True
) -> None:
    try:
        article.full_clean(
            exclude=["import_key", "author", "search_text", *exclude], validate_constraints=validate_constraints
        )
    except ValidationError as error:
        messages = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in error.message_dict.items())
        raise ArticleImportError(f"ข้อมูลบทความไม่ถูกต้อง: {messages}") from error
    article.save()


def _media_name_from_url(url: str) -> str | None:
    media_url = settings.MEDIA_URL
    if url and url.startswith(media_url):
        return url[len(media_url):]
    return None


@changes_batched()
@atomic_with_files()
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
    # A draft may not have chosen its category yet; everything from submission on has one.
    if data.get("category"):
        article.category = _category_for(data["category"])
    elif article.status in Article.EDITABLE_STATUSES:
        article.category = None
    else:
        article.category = _category_for(CATEGORY_WEB)
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
    """Link exported images whose files this portal's media storage already holds.

    The originals are only linked, never recorded as written here: a rollback must
    not delete them. The display sizes are new files, made again on every import.
    """
    replaced = list(article.images.all())
    ArticleImage.objects.filter(pk__in=[image.pk for image in replaced]).delete()
    for position, item in enumerate(images, start=1):
        name = _media_name_from_url(str(item.get("url") or ""))
        if not name or not default_storage.exists(name):
            raise ArticleImportError(
                f"ไม่พบไฟล์ภาพ “{item.get('url')}” ในที่เก็บสื่อของพอร์ทัล "
                "ให้คัดลอกโฟลเดอร์สื่อ (MEDIA_ROOT) มาก่อนนำเข้า"
            )
        image = ArticleImage(article=article, caption=str(item.get("caption") or "")[:300], position=position)
        image.image.name = name
        try:
            make_display_sizes(image)
        finally:
            record_stored_files(image.large, image.thumbnail)
        image.save()
    # The replaced rows' display sizes (and any original the file no longer lists) go once committed.
    _delete_files_unless_used(_file_names(replaced))


def reset_article_sequences() -> None:
    """After inserting rows with explicit ids, let PostgreSQL's sequences catch up."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Article])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# ---------------------------------------------------------------------------
# Writing and reviewing articles through the portal.
#
# Every service below takes keyword-only arguments, checks that ``by`` may act
# (views check too; admin actions rely on this), runs in one transaction, locks
# the article row and compares its version with the one the form was opened on,
# and sends its e-mails only after the transaction has committed.
# ---------------------------------------------------------------------------

STALE_VERSION_MESSAGE = gettext_lazy(
    "บทความนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่คุณเปิดฟอร์ม จึงยังไม่ได้บันทึกสิ่งที่คุณแก้ไข "
    "ข้อความที่คุณพิมพ์ยังอยู่ในฟอร์มนี้ กรุณาคัดลอกเก็บไว้ "
    "แล้วเปิดบทความฉบับล่าสุดเพื่อตรวจดูก่อนแก้ไขอีกครั้ง"
)
SECTIONS_REQUIRED_FOR_SUBMISSION = (SectionKey.BACKGROUND, SectionKey.OBJECTIVES, SectionKey.PROCESS)
# What a revision changes and publishing it copies into the live article.
CONTENT_FIELDS = ("title", "category", "author_name", "author_position", "district", "office", "written_at")


class ArticleConflictError(ValidationError):
    """The article changed, or was decided on, after the form was opened; nothing was saved."""

    def __init__(self, message):
        super().__init__(message, code="conflict")


@dataclass(frozen=True)
class SectionContent:
    key: str
    heading: str
    body: str


@dataclass(frozen=True)
class ArticleContent:
    """What the article form edits, validated by the form."""

    title: str
    category: Category | None
    author_name: str
    author_position: str
    office: str
    district: District | None
    written_at: date | None
    sections: tuple[SectionContent, ...]


@dataclass(frozen=True)
class ImageChange:
    """A new caption or place for a saved photo, or its removal."""

    image_id: int
    caption: str
    position: int
    delete: bool = False


@dataclass(frozen=True)
class ImageUpload:
    """A photo that passed articles.images.clean_uploaded_image, with its caption."""

    clean: CleanImage
    caption: str = ""


def _after_commit(func, **kwargs) -> None:
    """Send mail once the data is saved; a mail server fault is logged, never undoes the save."""
    transaction.on_commit(partial(func, **kwargs), robust=True)


def _status_label(status: str) -> str:
    return str(Article.Status(status).label) if status in Article.Status.values else status


def _lock_and_claim(article: Article, *, expected_version: int | None, allowed_statuses) -> Article:
    """The article's row, locked, after checking nobody changed it since the form was opened.

    SELECT … FOR UPDATE makes a second moderator wait for the first; the
    conditional UPDATE on the version does the same job on SQLite, which has no
    row locks, so of two people acting at once exactly one gets through.
    """
    current = Article.objects.select_for_update().filter(pk=article.pk).first()
    if current is None:
        raise ArticleConflictError(_("บทความนี้ถูกดำเนินการไปแล้วโดยผู้อื่น (ฉบับแก้ไขอาจถูกเผยแพร่หรือยกเลิกแล้ว)"))
    if expected_version is not None and current.version != expected_version:
        raise ArticleConflictError(STALE_VERSION_MESSAGE)
    if current.status not in allowed_statuses:
        raise ArticleConflictError(
            _("บทความนี้มีผู้ดำเนินการไปแล้ว สถานะปัจจุบันคือ “%(status)s” จึงทำรายการนี้ไม่ได้")
            % {"status": _status_label(current.status)}
        )
    claimed = Article.objects.filter(pk=current.pk, version=current.version, status=current.status).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ArticleConflictError(STALE_VERSION_MESSAGE)
    current.version += 1
    return current


def _record(article: Article, *, from_status: str, to_status: str, by, note: str = "") -> ArticleTransition:
    return ArticleTransition.objects.create(
        article=article,
        from_status=from_status,
        to_status=to_status,
        by=by,
        note=note,
        is_revision=article.is_revision,
    )


def _full_clean(article: Article) -> None:
    article.full_clean(exclude=["import_key", "author", "revision_of", "search_text"])


def _apply_content(article: Article, content: ArticleContent) -> None:
    if content.district is not None and content.district.province_id != article.province_id:
        raise ValidationError({"district": _("อำเภอที่เลือกไม่ได้อยู่ในจังหวัดของบทความ")})
    article.title = content.title.strip()
    article.category = content.category
    article.author_name = content.author_name.strip()
    article.author_position = content.author_position.strip()
    article.office = content.office.strip()
    article.district = content.district
    article.written_at = content.written_at


def _section_rows(content: ArticleContent) -> list[tuple[str, str, str]]:
    """(key, heading, html) for the sections worth keeping: standard ones first, in template order."""
    rows = []
    for section in content.sections:
        body = sanitize_html(section.body)
        has_text = bool(html_to_text(body))
        heading = section.heading.strip() if section.key == SectionKey.OTHER else ""
        if has_text or heading:
            rows.append((section.key, heading, body if has_text else ""))
    order = {key: index for index, key in enumerate(STANDARD_SECTION_KEYS)}
    standard = sorted((row for row in rows if row[0] in order), key=lambda row: order[row[0]])
    others = [row for row in rows if row[0] not in order]
    return standard + others


def _delete_files_unless_used(names: list[str]) -> None:
    """Remove photo files no article image refers to any more, once the change is committed.

    A revision's photos share files with the live article, so a file is only
    deleted when no row at all points at it.
    """
    names = sorted({name for name in names if name})
    if not names:
        return

    def delete_unused() -> None:
        for name in names:
            used = ArticleImage.objects.filter(Q(image=name) | Q(thumbnail=name) | Q(large=name)).exists()
            if not used:
                default_storage.delete(name)

    transaction.on_commit(delete_unused, robust=True)


def _file_names(images) -> list[str]:
    return [name for image in images for name in (image.image.name, image.thumbnail.name, image.large.name)]


def _check_image_room(article: Article, adding: int) -> None:
    if adding and article.images.count() + adding > MAX_IMAGES_PER_ARTICLE:
        raise ValidationError(
            _("บทความหนึ่งมีรูปได้ไม่เกิน %(max)d รูป ลบรูปเดิมบางรูปก่อนเพิ่มรูปใหม่")
            % {"max": MAX_IMAGES_PER_ARTICLE},
            code="too_many_images",
        )


def _store_image(article: Article, upload: ImageUpload, position: int) -> ArticleImage:
    """Write a photo in its three sizes and its row; the caller's atomic_with_files() block owns the files."""
    image = ArticleImage(article=article, caption=upload.caption.strip()[:300], position=position)
    try:
        image.image.save(upload.clean.content.name, upload.clean.content, save=False)
        make_display_sizes(image)
    finally:
        # Recorded even when a later write fails, so that a rollback removes the earlier ones.
        recorded = record_stored_files(image.image, image.large, image.thumbnail)
    if not recorded:
        raise RuntimeError("_store_image must run inside atomic_with_files()")
    image.save()
    return image


def _renumber_images(article: Article) -> None:
    for position, image in enumerate(article.images.order_by("position", "id"), start=1):
        if image.position != position:
            ArticleImage.objects.filter(pk=image.pk).update(position=position)


def _apply_image_changes(article: Article, changes, uploads) -> None:
    images = {image.pk: image for image in article.images.all()}
    removed = []
    for change in changes:
        image = images.get(change.image_id)
        if image is None:
            continue  # removed in another tab already; nothing to do
        if change.delete:
            removed.append(image)
            continue
        image.caption = change.caption.strip()[:300]
        image.position = change.position
        image.save(update_fields=["caption", "position"])
    for image in removed:
        image.delete()
    _delete_files_unless_used(_file_names(removed))
    _check_image_room(article, len(uploads))
    next_position = max((change.position for change in changes if not change.delete), default=0)
    next_position = max(next_position, article.images.aggregate(top=Max("position"))["top"] or 0)
    for offset, upload in enumerate(uploads, start=1):
        _store_image(article, upload, next_position + offset)
    _renumber_images(article)


def submission_problems(article: Article) -> dict[str, str]:
    """What is still missing before an article can be sent for review, by form field."""
    problems: dict[str, str] = {}
    if not article.title.strip():
        problems["title"] = _("กรุณาใส่ชื่อเรื่องก่อนส่งตรวจ")
    if article.category_id is None:
        problems["category"] = _("กรุณาเลือกหมวดก่อนส่งตรวจ")
    if not article.author_name.strip():
        problems["author_name"] = _("กรุณาใส่ชื่อผู้เขียนก่อนส่งตรวจ")
    filled = {
        section.key for section in article.sections.all() if html_to_text(section.body)
    }
    for key in SECTIONS_REQUIRED_FOR_SUBMISSION:
        if key not in filled:
            problems[key] = _("กรุณาเขียนหัวข้อ “%(heading)s” ก่อนส่งตรวจ") % {"heading": SectionKey(key).label}
    return problems


@changes_batched()
@atomic_with_files()
def article_save_draft(
    *,
    article: Article | None,
    by,
    content: ArticleContent,
    expected_version: int | None = None,
    image_changes: tuple[ImageChange, ...] | list[ImageChange] = (),
    image_uploads: tuple[ImageUpload, ...] | list[ImageUpload] = (),
) -> Article:
    """Create a draft (article=None) or save the author's changes to a draft or returned article."""
    if article is None:
        return _create_draft(by=by, content=content, image_uploads=image_uploads)
    if not is_author(by, article):
        raise PermissionDenied(_("แก้ไขได้เฉพาะบทความของตนเอง"))
    article = _lock_and_claim(
        article, expected_version=expected_version, allowed_statuses=Article.EDITABLE_STATUSES
    )
    _apply_content(article, content)
    _full_clean(article)
    article.save()
    _replace_sections(article, _section_rows(content))
    _apply_image_changes(article, image_changes, image_uploads)
    article_refresh_search_text(article=article)
    return article


def _create_draft(*, by, content: ArticleContent, image_uploads) -> Article:
    if not can_write_articles(by):
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ที่มีสังกัดจังหวัดจึงเขียนบทความได้"))
    profile = profile_of(by)
    article = Article(author=by, province_id=profile.province_id, status=Article.Status.DRAFT)
    _apply_content(article, content)
    _full_clean(article)
    article.save()
    _replace_sections(article, _section_rows(content))
    _apply_image_changes(article, (), image_uploads)
    _record(article, from_status="", to_status=Article.Status.DRAFT, by=by)
    article_refresh_search_text(article=article)
    return article


@atomic_with_files()
def article_add_image(*, article: Article, by, upload: ImageUpload) -> ArticleImage:
    """Attach one checked photo to a draft or returned article, after the ones it has."""
    if not is_author(by, article):
        raise PermissionDenied(_("เพิ่มรูปได้เฉพาะบทความของตนเอง"))
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in Article.EDITABLE_STATUSES:
        raise ArticleConflictError(
            _("บทความอยู่ในสถานะ “%(status)s” จึงเพิ่มรูปไม่ได้") % {"status": _status_label(locked.status)}
        )
    _check_image_room(locked, 1)
    position = (locked.images.aggregate(top=Max("position"))["top"] or 0) + 1
    image = _store_image(locked, upload, position)
    Article.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return image


@transaction.atomic
def article_submit(*, article: Article, by, expected_version: int | None = None, site_url: str = "") -> Article:
    """Send a draft or returned article (or revision) to the province's moderators."""
    if not is_author(by, article):
        raise PermissionDenied(_("ส่งตรวจได้เฉพาะบทความของตนเอง"))
    article = _lock_and_claim(
        article, expected_version=expected_version, allowed_statuses=Article.EDITABLE_STATUSES
    )
    problems = submission_problems(article)
    if problems:
        raise ValidationError(problems)
    from_status = article.status
    article.status = Article.Status.SUBMITTED
    article.submitted_at = timezone.now()
    _full_clean(article)
    article.save()
    _record(article, from_status=from_status, to_status=article.status, by=by)
    _after_commit(
        emails.mail_submitted_to_moderators,
        article_id=article.pk,
        site_url=site_url,
        resubmitted=from_status == Article.Status.RETURNED,
    )
    return article


def _check_moderator(by, article: Article) -> None:
    if not can_moderate_article(by, article):
        raise PermissionDenied(_("เฉพาะผู้ตรวจสอบของจังหวัดนี้และผู้ดูแลระบบ"))


def _required_note(note: str, field: str, message) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({field: message})
    return note


def _tell_author(article: Article, *, decision: str, note: str, by, site_url: str, article_id=None) -> None:
    author = article.author
    if author is None or not author.is_active or not author.email:
        return
    _after_commit(
        emails.mail_decision_to_author,
        author_email=author.email,
        article_id=article_id or article.pk,
        title=article.title,
        decision=decision,
        note=note,
        decided_by_name=by.get_full_name() if by else "",
        is_revision=article.is_revision,
        site_url=site_url,
    )


@transaction.atomic
def article_publish(
    *, article: Article, by, expected_version: int | None = None, note: str = "", site_url: str = ""
) -> Article:
    """Publish a submitted article, or copy a submitted revision into its live article.

    Returns the article the public now sees. Of two moderators publishing at
    once, one succeeds and the other gets ArticleConflictError: one transition.
    """
    _check_moderator(by, article)
    note = (note or "").strip()
    if article.is_revision:
        return _publish_revision(article, by=by, expected_version=expected_version, note=note, site_url=site_url)
    article = _lock_and_claim(
        article,
        expected_version=expected_version,
        allowed_statuses=(Article.Status.SUBMITTED, Article.Status.ARCHIVED),
    )
    if article.status == Article.Status.SUBMITTED and (problems := submission_problems(article)):
        raise ValidationError(" ".join(problems.values()))
    from_status = article.status
    article.status = Article.Status.PUBLISHED
    if article.published_at is None:
        article.published_at = timezone.now()
    _full_clean(article)
    article.save()
    _record(article, from_status=from_status, to_status=article.status, by=by, note=note)
    _tell_author(article, decision=Article.Status.PUBLISHED, note=note, by=by, site_url=site_url)
    return article


def _publish_revision(revision: Article, *, by, expected_version, note: str, site_url: str) -> Article:
    """Copy the revision's fields, sections and photos into the live article, atomically."""
    revision = _lock_and_claim(
        revision, expected_version=expected_version, allowed_statuses=(Article.Status.SUBMITTED,)
    )
    problems = submission_problems(revision)
    if problems:
        raise ValidationError(" ".join(problems.values()))
    live = _lock_and_claim(
        revision.revision_of,
        expected_version=None,
        allowed_statuses=(Article.Status.PUBLISHED, Article.Status.ARCHIVED),
    )
    live_from_status = live.status
    for field in CONTENT_FIELDS:
        setattr(live, field, getattr(revision, field))
    live.status = Article.Status.PUBLISHED
    if live.published_at is None:
        live.published_at = timezone.now()
    _full_clean(live)
    live.save()
    replaced_images = list(live.images.all())
    live.sections.all().delete()
    revision.sections.update(article=live)
    ArticleImage.objects.filter(pk__in=[image.pk for image in replaced_images]).delete()
    revision.images.update(article=live)
    # The revision's own steps (submitted, returned, …) become part of the live article's trail.
    revision.transitions.update(article=live, is_revision=True)
    ArticleTransition.objects.create(
        article=live,
        from_status=revision.status,
        to_status=Article.Status.PUBLISHED,
        by=by,
        note=note,
        is_revision=True,
    )
    if live_from_status != Article.Status.PUBLISHED:
        _record(live, from_status=live_from_status, to_status=Article.Status.PUBLISHED, by=by, note=note)
    _tell_author(revision, decision=Article.Status.PUBLISHED, note=note, by=by, site_url=site_url, article_id=live.pk)
    revision.delete()
    _delete_files_unless_used(_file_names(replaced_images))
    article_refresh_search_text(article=live)
    return live


def _moderator_decision(
    *, article: Article, by, note: str, missing_note: str, from_status: str, to_status: str,
    expected_version: int | None, site_url: str,
) -> Article:
    """A moderator's decision that needs a written note: lock, move, record, tell the author."""
    _check_moderator(by, article)
    note = _required_note(note, "note", missing_note)
    article = _lock_and_claim(article, expected_version=expected_version, allowed_statuses=(from_status,))
    article.status = to_status
    article.save()
    _record(article, from_status=from_status, to_status=to_status, by=by, note=note)
    _tell_author(article, decision=to_status, note=note, by=by, site_url=site_url)
    return article


@transaction.atomic
def article_return_to_author(
    *, article: Article, by, note: str, expected_version: int | None = None, site_url: str = ""
) -> Article:
    """ส่งกลับแก้ไข: back to the author with a note of what to change."""
    return _moderator_decision(
        article=article, by=by, note=note, missing_note=_("กรุณาระบุสิ่งที่ผู้เขียนต้องแก้ไข"),
        from_status=Article.Status.SUBMITTED, to_status=Article.Status.RETURNED,
        expected_version=expected_version, site_url=site_url,
    )


@transaction.atomic
def article_reject(
    *, article: Article, by, reason: str, expected_version: int | None = None, site_url: str = ""
) -> Article:
    """Turn a submission down for good, with the reason; a rejected revision leaves the live article as it is."""
    return _moderator_decision(
        article=article, by=by, note=reason, missing_note=_("กรุณาระบุเหตุผลที่ไม่อนุมัติ"),
        from_status=Article.Status.SUBMITTED, to_status=Article.Status.REJECTED,
        expected_version=expected_version, site_url=site_url,
    )


@transaction.atomic
def article_archive(
    *, article: Article, by, reason: str, expected_version: int | None = None, site_url: str = ""
) -> Article:
    """Take a published article off the public pages, with the reason."""
    return _moderator_decision(
        article=article, by=by, note=reason, missing_note=_("กรุณาระบุเหตุผลที่นำออกจากการเผยแพร่"),
        from_status=Article.Status.PUBLISHED, to_status=Article.Status.ARCHIVED,
        expected_version=expected_version, site_url=site_url,
    )


@transaction.atomic
def article_start_revision(*, article: Article, by) -> Article:
    """The published article's open revision, made now as a copy if there is none.

    The live article stays published and untouched until the revision is published.
    """
    if not is_author(by, article) or article.is_revision:
        raise PermissionDenied(_("แก้ไขได้เฉพาะบทความของตนเอง"))
    live = Article.objects.select_for_update().get(pk=article.pk)
    existing = live.revisions.open_revisions().first()
    if existing is not None:
        return existing
    if live.status != Article.Status.PUBLISHED:
        raise ArticleConflictError(
            _("บทความอยู่ในสถานะ “%(status)s” จึงสร้างฉบับแก้ไขไม่ได้") % {"status": _status_label(live.status)}
        )
    revision = Article(revision_of=live, author=by, province_id=live.province_id, status=Article.Status.DRAFT)
    for field in CONTENT_FIELDS:
        setattr(revision, field, getattr(live, field))
    _full_clean(revision)
    revision.save()
    for section in live.sections.order_by("position"):
        Section.objects.create(
            article=revision, position=section.position, key=section.key, heading=section.heading, body=section.body
        )
    for image in live.images.order_by("position", "id"):
        # Same files: a revision's photos are new rows pointing at the live article's files.
        copy = ArticleImage(article=revision, caption=image.caption, position=image.position)
        copy.image.name, copy.thumbnail.name, copy.large.name = image.image.name, image.thumbnail.name, image.large.name
        copy.width, copy.height = image.width, image.height
        copy.save()
    _record(revision, from_status="", to_status=Article.Status.DRAFT, by=by, note=_("เริ่มแก้ไขบทความที่เผยแพร่แล้ว"))
    article_refresh_search_text(article=revision)
    return revision


@transaction.atomic
def article_discard(*, article: Article, by) -> None:
    """Throw away a draft nobody has reviewed, or an open revision; the live article is untouched."""
    if not can_discard_article(by, article):
        raise PermissionDenied(_("ลบได้เฉพาะฉบับร่างของตนเองที่ยังไม่เคยเผยแพร่"))
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not can_discard_article(by, locked):
        raise ArticleConflictError(
            _("บทความอยู่ในสถานะ “%(status)s” จึงลบไม่ได้") % {"status": _status_label(locked.status)}
        )
    names = _file_names(locked.images.all())
    locked.delete()
    _delete_files_unless_used(names)
