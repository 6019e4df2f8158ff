"""Uploaded files are served so that they can never run or render as a page."""

import io

import pytest
from PIL import Image


@pytest.fixture
def media_files(settings):
    root = settings.MEDIA_ROOT
    (root / "articles").mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "JPEG")
    (root / "articles" / "photo.jpg").write_bytes(buffer.getvalue())
    (root / "articles" / "page.html").write_text("<script>window.__xss=1</script>")
    (root / "articles" / "trick.jpg.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    return root


def test_an_image_is_served_inline_with_its_type_and_nosniff(client, media_files):
    response = client.get("/media/articles/photo.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="photo.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["page.html", "trick.jpg.svg"])
def test_anything_else_is_a_download_that_no_browser_renders(client, media_files, name):
    response = client.get(f"/media/articles/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.parametrize(
    "path, status",
    [
        ("../settings.py", 400),  # outside MEDIA_ROOT: Django's safe_join refuses it
        ("%2e%2e/%2e%2e/etc/passwd", 400),
        ("articles/%00photo.jpg", 400),  # NUL anywhere in a request: samma_portal/null_bytes.py
        ("articles/missing.jpg", 404),
        ("articles/", 404),  # no directory listings
    ],
)
def test_paths_outside_media_or_missing_are_refused(client, media_files, path, status):
    response = client.get(f"/media/{path}")
    assert response.status_code == status
    assert b"etc/passwd" not in response.content and b"settings" not in response.content


def test_media_cannot_be_posted_to(client, media_files):
    assert client.post("/media/articles/photo.jpg").status_code == 405
