"""Photos added through the article form: checked by Pillow, re-encoded, stripped, resized at upload."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.images import (
    LARGE_MAX_SIDE,
    MAX_IMAGES_PER_ARTICLE,
    THUMBNAIL_MAX_SIDE,
    clean_uploaded_image,
    make_display_sizes,
)
from articles.models import Article, ArticleImage
from articles.services import article_start_revision
from tests.articles.test_authoring import page_post_data, published_article, submitted_article, write_draft

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_bytes(size=(120, 80), colour=(200, 60, 40), exif=None) -> bytes:
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def phone_photo() -> bytes:
    """A 120×80 JPEG taken sideways (EXIF orientation 6) with the GPS position of the shot."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (18.0, 17.0, 30.0), 3: "E", 4: (99.0, 29.0, 10.0)})
    return jpeg_bytes(exif=exif.tobytes())


def image_bytes(fmt: str, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (64, 48), (30, 90, 160, 200)[: len(mode)]).save(buffer, fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 20000×20000 one-bit PNG: under a megabyte on disk, 400 million pixels decoded."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def bad_files() -> dict[str, tuple[str, bytes, str, str]]:
    """name -> (file name, bytes, content type, part of the Thai message)."""
    good = jpeg_bytes(size=(400, 300))
    return {
        "renamed-pdf": ("photo.jpg", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n", "image/jpeg", "ไม่ใช่ภาพที่รองรับ"),
        "truncated-jpeg": ("cut.jpg", good[: len(good) // 2], "image/jpeg", "ไฟล์ภาพเสียหรือไม่สมบูรณ์"),
        "svg": (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
            "image/svg+xml",
            "ไม่ใช่ภาพที่รองรับ",
        ),
        "oversized": ("huge.jpg", good + b"\0" * (10 * 1024 * 1024 + 1 - len(good)), "image/jpeg", "ไฟล์ใหญ่เกินไป"),
        "decompression-bomb": ("bomb.png", png_bomb(), "image/png", "ขนาดพิกเซลใหญ่ผิดปกติ"),
    }


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "articles"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def edit_page(client, article):
    return client.get(reverse("articles:my-edit", args=[article.pk]))


# --- Without JavaScript: photos travel with the form ---


def test_phone_photo_is_turned_upright_stripped_of_gps_and_stored_under_a_random_name(officer_client):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="บทความมีภาพ")
    data.update({"new_images-0-file": upload("IMG_2041 บ้านนายสมชาย.jpg", phone_photo()), "new_images-0-caption": "แปลงเพาะ"})
    response = officer_client.post(reverse("articles:my-new"), data)
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert image.caption == "แปลงเพาะ" and image.position == 1
    assert "IMG_2041" not in image.image.name and "สมชาย" not in image.image.name
    assert image.image.name.startswith("articles/original/") and len(Path(image.image.name).stem) == 32
    with Image.open(image.image.path) as stored:
        # Orientation 6 means the camera was turned: the stored pixels are upright (80 wide, 120 high).
        assert stored.size == (80, 120)
        assert not stored.getexif() and "exif" not in stored.info
        assert stored.format == "JPEG"
    assert (image.width, image.height) == (80, 120)
    # The display sizes the public pages use are made at upload time.
    for field, max_side in ((image.thumbnail, THUMBNAIL_MAX_SIDE), (image.large, LARGE_MAX_SIDE)):
        with Image.open(field.path) as sized:
            assert max(sized.size) <= max_side and not sized.getexif()
    raw = Path(image.image.path).read_bytes()
    assert b"PhoneMaker" not in raw and b"GPS" not in raw


@pytest.mark.parametrize("fmt, name, mode", [("PNG", "chart.png", "RGBA"), ("WEBP", "photo.webp", "RGB")])
def test_png_and_webp_are_accepted(officer_client, officer, fmt, name, mode):
    article = write_draft(officer)
    data = page_post_data(edit_page(officer_client, article))
    data["new_images-0-file"] = upload(name, image_bytes(fmt, mode), f"image/{fmt.lower()}")
    assert officer_client.post(reverse("articles:my-edit", args=[article.pk]), data).status_code == 302
    image = ArticleImage.objects.get()
    with Image.open(image.image.path) as stored:
        assert stored.format == fmt


@pytest.mark.parametrize("kind", list(bad_files()))
def test_bad_file_is_refused_next_to_its_field_and_the_typed_text_is_kept(officer_client, officer, kind):
    filename, content, content_type, message = bad_files()[kind]
    article = write_draft(officer)
    data = page_post_data(edit_page(officer_client, article), title="ชื่อเรื่องที่เพิ่งพิมพ์", cautions="<p>ระวังแดดจัด</p>")
    data.update({"new_images-0-file": upload(filename, content, content_type), "new_images-0-caption": "คำบรรยาย"})
    response = officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert response.status_code == 400
    row = response.context["new_images_formset"].forms[0]
    assert message in " ".join(row.errors["file"])
    html = response.content.decode()
    field_at = html.index('id="id_new_images-0-file"')
    assert html.rfind(message, 0, field_at) > html.rfind('data-new-image', 0, field_at)  # shown in that photo's box
    # Nothing of the file is stored; what the officer typed is neither lost nor left unsaved.
    assert not ArticleImage.objects.exists() and stored_files() == []
    assert response.context["form"]["title"].value() == "ชื่อเรื่องที่เพิ่งพิมพ์"
    assert row["caption"].value() == "คำบรรยาย"
    article.refresh_from_db()
    assert article.title == "ชื่อเรื่องที่เพิ่งพิมพ์" and article.sections.filter(key="cautions").exists()
    assert response.context["form"]["version"].value() == str(article.version)


def test_good_photo_is_kept_when_another_in_the_same_save_is_bad(officer_client, officer):
    article = write_draft(officer)
    data = page_post_data(edit_page(officer_client, article))
    data.update({
        "new_images-0-file": upload("good.jpg", jpeg_bytes()),
        "new_images-1-file": upload("bad.jpg", b"not a picture at all", "image/jpeg"),
    })
    response = officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert response.status_code == 400
    assert ArticleImage.objects.count() == 1
    assert [image.pk for _form, image in response.context["saved_image_rows"]] == [ArticleImage.objects.get().pk]
    # Only the refused photo comes back for another try; the saved one is not offered twice.
    [refused] = response.context["new_images_formset"].forms
    assert "ไม่ใช่ภาพที่รองรับ" in " ".join(refused.errors["file"])


def test_new_article_with_an_invalid_form_stores_no_photo_and_says_to_choose_it_again(officer_client):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), written_at="ไม่ใช่วันที่")
    data["new_images-0-file"] = upload("good.jpg", jpeg_bytes())
    response = officer_client.post(reverse("articles:my-new"), data)
    assert response.status_code == 400
    assert not Article.objects.exists() and stored_files() == []
    assert "เลือกไฟล์นี้อีกครั้ง" in " ".join(response.context["new_images_formset"].forms[0].errors["file"])


def test_officer_changes_captions_and_order_and_removes_a_photo(officer_client, officer, django_capture_on_commit_callbacks):
    article = write_draft(officer)
    data = page_post_data(edit_page(officer_client, article))
    for index in range(3):
        data[f"new_images-{index}-file"] = upload(f"p{index}.jpg", jpeg_bytes(colour=(index * 60, 90, 90)))
        data[f"new_images-{index}-caption"] = f"ภาพ {index + 1}"
    officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    first, second, third = ArticleImage.objects.order_by("position")
    removed_files = [Path(first.image.path), Path(first.thumbnail.path), Path(first.large.path)]
    data = page_post_data(edit_page(officer_client, article))
    assert data["images-0-image_id"] == str(first.pk)
    data.update({
        "images-0-delete": "on",
        "images-1-position": "9", "images-1-caption": "ภาพสองแก้คำบรรยาย",
        "images-2-position": "1",
    })
    # Files are deleted once the change is committed, never before.
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert response.status_code == 302
    assert [(image.pk, image.caption, image.position) for image in ArticleImage.objects.order_by("position")] == [
        (third.pk, "ภาพ 3", 1), (second.pk, "ภาพสองแก้คำบรรยาย", 2),
    ]
    assert not any(path.exists() for path in removed_files)


def test_at_most_ten_photos_per_article(officer_client, officer):
    article = write_draft(officer)
    for round_ in range(4):
        page = edit_page(officer_client, article)
        data = page_post_data(page)
        for index in range(len(page.context["new_images_formset"].forms)):
            data[f"new_images-{index}-file"] = upload(f"r{round_}-{index}.jpg", jpeg_bytes(colour=(round_ * 50, index * 70, 10)))
        officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert ArticleImage.objects.count() == MAX_IMAGES_PER_ARTICLE
    page = edit_page(officer_client, article)
    assert page.context["new_images_formset"].forms == []
    assert "มีรูปครบ 10 รูปแล้ว" in page.content.decode()
    # A page opened earlier still cannot push an eleventh photo in.
    data = page_post_data(page)
    data.update({"new_images-TOTAL_FORMS": "1", "new_images-0-file": upload("extra.jpg", jpeg_bytes()), "new_images-0-caption": ""})
    response = officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert response.status_code == 400
    assert "ไม่เกิน 10 รูป" in " ".join(response.context["new_images_formset"].forms[0].errors["file"])
    assert ArticleImage.objects.count() == MAX_IMAGES_PER_ARTICLE


# --- With JavaScript: one photo at a time, answered in JSON ---


def xhr_upload(client, article, file, caption=""):
    return client.post(
        reverse("articles:my-image-upload", args=[article.pk]),
        {"file": file, "caption": caption},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )


def test_script_upload_answers_with_the_saved_photo(officer_client, officer):
    article = write_draft(officer)
    response = xhr_upload(officer_client, article, upload("a.jpg", phone_photo()), "ลานตาก")
    assert response.status_code == 201
    body = response.json()
    image = ArticleImage.objects.get()
    assert body["id"] == image.pk and body["caption"] == "ลานตาก" and body["position"] == 1
    assert body["thumbnail"] == image.thumbnail.url
    assert (body["width"], body["height"]) == (80, 120)


@pytest.mark.parametrize("kind", list(bad_files()))
def test_script_upload_of_a_bad_file_is_refused_with_its_message_and_stores_nothing(officer_client, officer, kind):
    filename, content, content_type, message = bad_files()[kind]
    article = write_draft(officer)
    response = xhr_upload(officer_client, article, upload(filename, content, content_type))
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not ArticleImage.objects.exists() and stored_files() == []


def test_script_upload_refuses_the_eleventh_photo(officer_client, officer):
    article = write_draft(officer)
    for number in range(MAX_IMAGES_PER_ARTICLE):
        assert xhr_upload(officer_client, article, upload(f"{number}.jpg", jpeg_bytes(colour=(number * 20, 9, 9)))).status_code == 201
    response = xhr_upload(officer_client, article, upload("eleven.jpg", jpeg_bytes()))
    assert response.status_code == 400 and "ไม่เกิน 10 รูป" in response.json()["error"]
    assert ArticleImage.objects.count() == MAX_IMAGES_PER_ARTICLE


def test_photos_cannot_be_added_to_a_submitted_article(officer_client, officer):
    article = submitted_article(officer)
    response = xhr_upload(officer_client, article, upload("a.jpg", jpeg_bytes()))
    assert response.status_code == 403 and not ArticleImage.objects.exists()


def test_photos_cannot_be_added_to_another_officers_article(client, officer, same_province_officer):
    article = write_draft(officer)
    client.force_login(same_province_officer)
    response = xhr_upload(client, article, upload("a.jpg", jpeg_bytes()))
    assert response.status_code == 404 and not ArticleImage.objects.exists()


# --- Revisions share the published photos' files ---


def test_removing_a_photo_from_a_revision_keeps_the_published_articles_file(
    officer_client, officer, moderator, django_capture_on_commit_callbacks
):
    live = published_article(officer, moderator)
    live_photo = ArticleImage(article=live, caption="ภาพเดิม", position=1)
    clean = clean_uploaded_image(upload("live.jpg", jpeg_bytes()))
    live_photo.image.save(clean.content.name, clean.content, save=False)
    make_display_sizes(live_photo)
    live_photo.save()
    revision = article_start_revision(article=live, by=officer)
    copy = revision.images.get()
    assert copy.image.name == live_photo.image.name
    data = page_post_data(edit_page(officer_client, revision))
    data["images-0-delete"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("articles:my-edit", args=[revision.pk]), data)
    assert not revision.images.exists()
    assert Path(live_photo.image.path).exists() and live.images.count() == 1
