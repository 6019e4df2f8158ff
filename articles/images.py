"""Photo uploads: verify, re-encode without metadata, and make the display sizes."""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_IMAGES_PER_ARTICLE = 10
# Longest side, in pixels, of the stored copy and of the sizes the pages show.
STORED_MAX_SIDE = 2560
LARGE_MAX_SIDE = 1600
THUMBNAIL_MAX_SIDE = 480

# Pillow format -> (file suffix, save options). Anything else is refused.
FORMATS = {
    "JPEG": (".jpg", {"quality": 85, "optimize": True, "progressive": True}),
    "PNG": (".png", {"optimize": True}),
    "WEBP": (".webp", {"quality": 85}),
}
ALLOWED_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp"}


@dataclass
class CleanImage:
    """An upload that passed every check, re-encoded and ready to store."""

    content: ContentFile
    width: int
    height: int
    format: str


def _rejected(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_image")


def clean_uploaded_image(uploaded) -> CleanImage:
    """Check an uploaded file really is a safe JPEG/PNG/WebP photo and re-encode it.

    The re-encoded copy carries no EXIF/XMP/ICC metadata (GPS positions
    included), is turned upright by its EXIF orientation, and contains only
    pixels, so trailing payloads of polyglot files are dropped.
    """
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, io.SEEK_END)
        size = uploaded.tell()
    if size == 0:
        raise _rejected("ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ภาพอีกครั้ง")
    if size > MAX_UPLOAD_BYTES:
        raise _rejected(
            f"ไฟล์ใหญ่เกินไป ({size / 1024 / 1024:.1f} MB) ภาพแต่ละภาพต้องไม่เกิน "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB"
        )
    uploaded.seek(0)
    data = uploaded.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in FORMATS:
                    raise _rejected("รองรับเฉพาะไฟล์ภาพ JPEG, PNG และ WebP")
                if width * height > MAX_PIXELS:
                    raise _rejected(
                        f"ภาพมีขนาด {width}×{height} พิกเซล เกินกำหนด "
                        f"{MAX_PIXELS // 1_000_000} ล้านพิกเซล กรุณาย่อภาพก่อนอัปโหลด"
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as source:
                if image_format == "JPEG":
                    source.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))
                source.load()
                picture = ImageOps.exif_transpose(source)
                picture = _pixels_only(picture, image_format)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _rejected("ไฟล์นี้ไม่ใช่ภาพที่รองรับ หรือภาพมีขนาดพิกเซลใหญ่ผิดปกติ") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _rejected("ไฟล์ภาพเสียหรือไม่สมบูรณ์ กรุณาบันทึกภาพใหม่แล้วอัปโหลดอีกครั้ง") from None
    picture.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    suffix, options = FORMATS[image_format]
    content = ContentFile(_encode(picture, image_format, options), name=f"upload{suffix}")
    return CleanImage(content=content, width=picture.width, height=picture.height, format=image_format)


def _pixels_only(picture: Image.Image, image_format: str) -> Image.Image:
    """A copy holding pixels and nothing else: no EXIF, XMP, ICC profile or text chunks."""
    keep_alpha = image_format in {"PNG", "WEBP"} and (
        picture.mode in {"RGBA", "LA"} or (picture.mode == "P" and "transparency" in picture.info)
    )
    mode = "RGBA" if keep_alpha else "RGB"
    converted = picture.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _encode(picture: Image.Image, image_format: str, options: dict) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG" and picture.mode != "RGB":
        picture = picture.convert("RGB")
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _resized_copy(source: Image.Image, max_side: int, image_format: str) -> bytes:
    copy = source.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _encode(copy, image_format, FORMATS[image_format][1])


def make_display_sizes(article_image) -> None:
    """Fill an ArticleImage's thumbnail and large fields from its stored image.

    JPEGs are decoded at reduced scale with draft(), which keeps a
    12-megapixel photo well under a second.
    """
    article_image.image.open("rb")
    try:
        with Image.open(article_image.image) as source:
            image_format = source.format if source.format in FORMATS else "JPEG"
            article_image.width, article_image.height = source.size
            if image_format == "JPEG":
                source.draft("RGB", (LARGE_MAX_SIDE, LARGE_MAX_SIDE))
            source.load()
            suffix = FORMATS[image_format][0]
            large = _resized_copy(source, LARGE_MAX_SIDE, image_format)
            thumbnail = _resized_copy(source, THUMBNAIL_MAX_SIDE, image_format)
    finally:
        article_image.image.close()
    article_image.large.save(f"large{suffix}", ContentFile(large), save=False)
    article_image.thumbnail.save(f"thumb{suffix}", ContentFile(thumbnail), save=False)
