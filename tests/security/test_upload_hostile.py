"""Hostile files through the officer's photo upload, both ways the article form sends them.

Extends tests/articles/test_uploads.py (renamed PDF, truncated JPEG, SVG, oversize,
20000×20000 one-bit PNG) into a table: each refused file gets a Thai message, leaves
no ArticleImage row and no file under MEDIA_ROOT, and never a 500; each polyglot is
stored re-encoded without its trailing bytes; each real photo with an odd file name is
stored under a random name inside MEDIA_ROOT, the name it came with never used.
"""

import io
import os
import re
import struct
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from articles.images import MAX_PIXELS
from articles.models import ArticleImage
from tests.articles.test_authoring import page_post_data, write_draft
from tests.security.pages import signed_in

pytestmark = pytest.mark.django_db

THAI = re.compile(r"[\u0e00-\u0e7f]")
STORED_NAME = re.compile(r"^articles/(original|thumb|large)/[0-9a-f]{32}\.(jpg|png|webp)$")


def jpeg(size=(160, 120), colour=(180, 90, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 140, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (32, 32)).save(buffer, "GIF")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(width: int, height: int, *, colour_type: int = 2, rows: int | None = None) -> bytes:
    """A PNG whose header declares width×height 8-bit pixels, with ``rows`` rows of zeros
    (all of them when None: a highly compressible, valid image) or no pixel data at all."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    row = b"\x00" * (1 + width * channels)
    compressor = zlib.compressobj(9)
    count = height if rows is None else rows
    pixels = b"".join(compressor.compress(row) for _ in range(count)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload/index.html", "<script>window.__xss=1</script>")
        archive.writestr("payload/run.sh", "#!/bin/sh\nrm -rf /\n")
    return buffer.getvalue()


TRAILING_HTML = b"<html><body><script>window.__xss=1</script></body></html>"

# name -> (file name, bytes, browser's content type, what the Thai message says)
REFUSED = {
    "html-named-jpg": (
        "photo.jpg", b"<!DOCTYPE html><html><script>window.__xss=1</script></html>", "image/jpeg",
        "ไม่ใช่ภาพที่รองรับ",
    ),
    "exe-named-jpg": (
        "photo.jpg", b"MZ\x90\x00\x03\x00" + b"\x00" * 54 + b"PE\x00\x00" + bytes(range(256)) * 8, "image/jpeg",
        "ไม่ใช่ภาพที่รองรับ",
    ),
    "zip-named-png": ("photo.png", zip_archive(), "image/png", "ไม่ใช่ภาพที่รองรับ"),
    "svg-named-png": (
        "chart.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"><rect width="9" height="9"/></svg>',
        "image/png",
        "ไม่ใช่ภาพที่รองรับ",
    ),
    "gif": ("animation.gif", gif(), "image/gif", "รองรับเฉพาะไฟล์ภาพ JPEG, PNG และ WebP"),
    "empty-file": ("empty.jpg", b"", "image/jpeg", "ว่างเปล่า"),
    "jpeg-header-only": ("cut.jpg", jpeg()[:20], "image/jpeg", "ไม่ใช่ภาพที่รองรับ"),
    "truncated-png": ("cut.png", png()[:-40], "image/png", "ไฟล์ภาพเสียหรือไม่สมบูรณ์"),
    "png-declaring-20000x20000-without-pixels": (
        "bomb.png", png_declaring(20000, 20000, rows=0), "image/png", "ขนาดพิกเซลใหญ่ผิดปกติ",
    ),
    "png-declaring-beyond-pillow-limit": (
        "bomb.png", png_declaring(100_000, 100_000, rows=0), "image/png", "ขนาดพิกเซลใหญ่ผิดปกติ",
    ),
    "compressible-png-over-portal-limit": (
        # 7000×7000 RGB: 49 million pixels, under Pillow's bomb limit, over the portal's 40 million.
        "wide.png", png_declaring(7000, 7000), "image/png", f"เกินกำหนด {MAX_PIXELS // 1_000_000} ล้านพิกเซล",
    ),
}

POLYGLOTS = {
    "jpeg-with-trailing-html": ("jpeg", jpeg() + TRAILING_HTML, "image/jpeg", [b"<script", b"<html"]),
    "jpeg-with-trailing-zip": ("jpeg", jpeg() + zip_archive(), "image/jpeg", [b"PK\x03\x04", b"payload/", b"rm -rf"]),
    "png-with-trailing-zip": ("png", png() + zip_archive(), "image/png", [b"PK\x03\x04", b"payload/", b"rm -rf"]),
}

# name -> (the file name sent, a part of it that must never appear in a stored name)
ODD_NAMES = {
    "path-traversal": ("../../etc/passwd.jpg", "passwd"),
    "windows-traversal": ("..\\..\\windows\\x.jpg", "windows"),
    "absolute-path": ("/etc/cron.d/photo.jpg", "cron"),
    "very-long": ("ภาพ" * 40 + "x" * 200 + ".jpg", "ภาพ"),
    # Over Django's 1,024-byte limit on a multipart part's headers: the request is refused whole.
    "beyond-the-part-header-limit": ("ภาพกิจกรรม" * 40 + ".jpg", "ภาพ"),
    "thai": ("ภาพกิจกรรม กลุ่มทอผ้า บ้านนาสาธิต.jpg", "กิจกรรม"),
    "null-byte": ("photo\x00.php.jpg", "php"),
    "html-in-name": ('"><img src=x onerror=window.__xss=1>.jpg', "onerror"),
    "only-dots": ("...", "..."),
    "dot-dot": ("..", ".."),
    "dot-extension-only": (".jpg", ".jpg."),
    "php-double-extension": ("shell.php.jpg", "shell"),
    "no-extension": ("photo", "photo"),
}


@pytest.fixture
def officer_client(officer):
    return signed_in(officer)


def files_under_media() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def multipart(fields: dict[str, str], *, file_field: str, filename: str, content: bytes, content_type: str):
    """A multipart body as a browser builds it, the file name sent byte for byte.

    Django's test client would reduce the name to its basename on the client side;
    hostile names have to reach the server as an attacker sends them. Like browsers,
    only the quote and line breaks are percent-encoded.
    """
    boundary = f"----SammaBoundary{uuid.uuid4().hex}"
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    sent_name = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{sent_name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def send_with_the_form(client, article, filename: str, content: bytes, content_type: str):
    """The whole article form posted with one new photo (no JavaScript)."""
    data = page_post_data(client.get(reverse("articles:my-edit", args=[article.pk])))
    data["new_images-0-caption"] = "คำบรรยาย"
    data.pop("new_images-0-file", None)
    body, multipart_type = multipart(
        data, file_field="new_images-0-file", filename=filename, content=content, content_type=content_type
    )
    url = reverse("articles:my-edit", args=[article.pk])
    response = client.generic("POST", url, body, content_type=multipart_type)
    if response.status_code == 400 and "new_images_formset" in response.context:
        forms = response.context["new_images_formset"].forms
        errors = " ".join(str(error) for form in forms for error in form.errors.get("file", []))
        return response.status_code, errors
    return response.status_code, _error_page_text(response)


def send_by_script(client, article, filename: str, content: bytes, content_type: str):
    """One photo sent by the page's script, answered in JSON."""
    body, multipart_type = multipart(
        {"caption": "คำบรรยาย"}, file_field="file", filename=filename, content=content, content_type=content_type
    )
    url = reverse("articles:my-image-upload", args=[article.pk])
    response = client.generic("POST", url, body, content_type=multipart_type, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    if response.status_code == 400 and response["Content-Type"] == "application/json":
        return response.status_code, response.json()["error"]
    return response.status_code, _error_page_text(response)


def _error_page_text(response) -> str:
    """The portal's 400 page for a request Django could not parse at all; empty otherwise."""
    return response.content.decode() if response.status_code == 400 else ""


SENDERS = {"form": send_with_the_form, "script": send_by_script}
ACCEPTED = {"form": 302, "script": 201}


@pytest.mark.parametrize("how", sorted(SENDERS))
@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_hostile_file_is_refused_in_thai_and_leaves_nothing_behind(officer_client, officer, kind, how):
    filename, content, content_type, message = REFUSED[kind]
    article = write_draft(officer)
    before = files_under_media()
    status, error = SENDERS[how](officer_client, article, filename, content, content_type)
    assert status == 400, (kind, status)
    assert message in error and THAI.search(error), error
    assert not ArticleImage.objects.exists()
    assert files_under_media() == before


def test_file_over_the_upload_limit_never_reaches_pillow(officer_client, officer, monkeypatch):
    """The size is checked before anything is decoded (the 10 MB case itself is in test_uploads)."""
    import articles.images

    monkeypatch.setattr(articles.images, "MAX_UPLOAD_BYTES", 1024)
    opened = []

    def open_image(*args, **kwargs):
        opened.append(args)
        raise AssertionError("an over-sized file was decoded")

    monkeypatch.setattr(articles.images.Image, "open", open_image)
    article = write_draft(officer)
    status, error = send_by_script(officer_client, article, "big.jpg", jpeg((800, 600)), "image/jpeg")
    assert status == 400 and "ไฟล์ใหญ่เกินไป" in error
    assert opened == [] and not ArticleImage.objects.exists()


@pytest.mark.parametrize("how", sorted(SENDERS))
@pytest.mark.parametrize("kind", sorted(POLYGLOTS))
def test_polyglot_is_stored_re_encoded_without_its_trailing_bytes(officer_client, officer, kind, how):
    """Accepted: the pixels are a real photo; what rides behind them is never stored."""
    fmt, content, content_type, trailing = POLYGLOTS[kind]
    article = write_draft(officer)
    status, error = SENDERS[how](officer_client, article, f"photo.{fmt}", content, content_type)
    assert status == ACCEPTED[how], error
    image = ArticleImage.objects.get()
    for field in (image.image, image.thumbnail, image.large):
        stored = Path(field.path).read_bytes()
        assert stored != content and not any(marker in stored for marker in trailing), field.name
        with Image.open(field.path) as picture:
            picture.verify()
        assert STORED_NAME.match(field.name), field.name
    with Image.open(image.image.path) as picture:
        assert picture.format == fmt.upper()
        assert picture.size == ((160, 120) if fmt == "jpeg" else (64, 48))


@pytest.mark.parametrize("how", sorted(SENDERS))
@pytest.mark.parametrize("kind", sorted(ODD_NAMES))
def test_photo_with_an_odd_file_name_is_stored_under_a_random_name_inside_media(
    officer_client, officer, kind, how, tmp_path
):
    original, tell = ODD_NAMES[kind]
    article = write_draft(officer)
    before = files_under_media()
    status, error = SENDERS[how](officer_client, article, original, jpeg(), "image/jpeg")
    assert status != 500
    media_root = Path(settings.MEDIA_ROOT).resolve()
    new_files = files_under_media() - before
    if not ArticleImage.objects.exists():
        # Django drops a file whose name is only dots before any form sees it: the script is
        # asked, in Thai, to choose the photo, the form is saved without it. A name beyond the
        # header limit gets the portal's 400 page. Nothing is stored either way.
        assert kind in {"only-dots", "dot-dot", "beyond-the-part-header-limit"}, (status, error)
        assert (status, bool(THAI.search(error))) in {(400, True), (ACCEPTED["form"], False)}, (status, error)
        assert new_files == set()
        return
    assert status == ACCEPTED[how], (status, error)
    image = ArticleImage.objects.get()
    assert len(new_files) == 3  # the photo, its thumbnail and its large size
    for field in (image.image, image.thumbnail, image.large):
        assert STORED_NAME.match(field.name), field.name
        assert Path(os.path.realpath(field.path)).is_relative_to(media_root)
    for path in new_files:
        assert path.resolve().is_relative_to(media_root) and tell not in path.name, path
    # Nothing was written beside the media folder either.
    assert not (Path(settings.MEDIA_ROOT).parent / "etc").exists() and not (tmp_path / "windows").exists()
