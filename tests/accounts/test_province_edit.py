"""A province moderator edits their province's site: who may, and what the public then sees."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from provinces.models import Province

pytestmark = pytest.mark.django_db

EDIT_URL = "/accounts/province/lampang/edit/"


def picture(fmt: str = "PNG", size=(1200, 800), colour=(20, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    if fmt == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = "Camera maker"  # Make
        image.save(buffer, fmt, exif=exif.tobytes())
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def branding(**overrides) -> dict:
    data = {
        "site_title": "สัมมาชีพชุมชนนครลำปาง",
        "theme_colour": "#0D47A1",
        "contact_phone": "0 5422 1234",
        "contact_email": "cdd.lampang@example.go.th",
        "contact_address": "ศาลากลางจังหวัดลำปาง",
        "about": "สำนักงานพัฒนาชุมชนจังหวัดลำปาง\n\nเผยแพร่องค์ความรู้สัมมาชีพชุมชน",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_province_moderator", 403),
        ("moderator", 200),
        ("administrator", 200),
    ],
)
def test_who_may_open_a_provinces_edit_page(client, request, lampang, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(EDIT_URL)

    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"] == f"/accounts/login/?next={EDIT_URL}"


@pytest.mark.parametrize("who", ["officer", "other_province_moderator"])
def test_who_may_not_save_a_provinces_site(client, request, lampang, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(EDIT_URL, branding())

    assert response.status_code == 403
    lampang.refresh_from_db()
    assert lampang.site_title == ""


def test_province_moderators_edit_shows_on_the_province_page(client, moderator, lampang):
    client.force_login(moderator)

    response = client.post(EDIT_URL, branding())

    assert response.status_code == 302 and response["Location"] == EDIT_URL
    lampang.refresh_from_db()
    assert lampang.site_title == "สัมมาชีพชุมชนนครลำปาง"
    assert lampang.theme_colour == "#0d47a1"
    assert lampang.contact_email == "cdd.lampang@example.go.th"
    public = client.get(lampang.get_absolute_url())
    content = public.content.decode()
    assert public.status_code == 200
    assert "สัมมาชีพชุมชนนครลำปาง" in content
    assert '<link rel="stylesheet" href="/theme/0d47a1.css">' in content


def test_administrator_edits_any_province(client, administrator, maha_sarakham):
    client.force_login(administrator)

    client.post("/accounts/province/maha-sarakham/edit/", branding(site_title="สัมมาชีพมหาสารคาม"))

    maha_sarakham.refresh_from_db()
    assert maha_sarakham.site_title == "สัมมาชีพมหาสารคาม"


def test_unknown_province_is_404(client, administrator):
    client.force_login(administrator)

    assert client.get("/accounts/province/atlantis/edit/").status_code == 404


def test_logo_is_checked_reencoded_without_metadata_and_scaled_down(client, moderator, lampang):
    client.force_login(moderator)
    upload = SimpleUploadedFile("โลโก้ จังหวัด.jpg", picture("JPEG", size=(1800, 1200)), "image/jpeg")

    client.post(EDIT_URL, {**branding(), "logo": upload})

    lampang.refresh_from_db()
    assert lampang.logo.name.startswith("provinces/logos/lampang-") and lampang.logo.name.endswith(".jpg")
    with Image.open(lampang.logo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 600
        assert not stored.getexif()  # the camera's metadata is gone


def test_banner_keeps_png_and_a_new_upload_replaces_the_old_file(
    client, moderator, lampang, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    client.post(EDIT_URL, {**branding(), "banner": SimpleUploadedFile("b.png", picture("PNG"), "image/png")})
    lampang.refresh_from_db()
    first = lampang.banner.path

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            EDIT_URL, {**branding(), "banner": SimpleUploadedFile("c.png", picture("PNG", colour=(1, 2, 3)), "image/png")}
        )

    lampang.refresh_from_db()
    assert lampang.banner.path != first
    with Image.open(lampang.banner.path) as stored:
        assert stored.format == "PNG" and stored.size == (1200, 800)
    assert not os.path.exists(first)  # the replaced picture is removed once the change is saved


def test_a_file_that_is_not_a_picture_is_refused_in_thai_and_nothing_is_saved(client, moderator, lampang):
    client.force_login(moderator)
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.7 not a picture", "image/png")

    response = client.post(EDIT_URL, {**branding(), "logo": fake})

    assert response.status_code == 200
    assert "ไฟล์นี้ไม่ใช่ภาพที่รองรับ" in " ".join(response.context["form"].errors["logo"])
    lampang.refresh_from_db()
    assert lampang.site_title == "" and not lampang.logo


def test_a_gif_is_refused(client, moderator, lampang):
    client.force_login(moderator)
    gif = SimpleUploadedFile("logo.gif", picture("GIF", size=(50, 50)), "image/gif")

    response = client.post(EDIT_URL, {**branding(), "logo": gif})

    assert response.context["form"].errors["logo"] == ["รองรับเฉพาะไฟล์ภาพ JPEG, PNG และ WebP"]


def test_a_bad_colour_is_refused_with_a_thai_message(client, moderator, lampang):
    client.force_login(moderator)

    response = client.post(EDIT_URL, branding(theme_colour="green"))

    assert response.context["form"].errors["theme_colour"] == ["กรุณาระบุสีเป็นรหัสฐานสิบหก 6 หลัก เช่น #1b5e20"]
    assert Province.objects.get(pk=lampang.pk).theme_colour == "#1b5e20"


def test_logo_can_be_removed(client, moderator, lampang):
    client.force_login(moderator)
    client.post(EDIT_URL, {**branding(), "logo": SimpleUploadedFile("l.png", picture("PNG", (200, 200)), "image/png")})

    client.post(EDIT_URL, {**branding(), "logo-clear": "on"})

    lampang.refresh_from_db()
    assert not lampang.logo


def test_edit_form_labels_and_help_are_tied_to_their_fields(client, moderator):
    client.force_login(moderator)

    content = client.get(EDIT_URL).content.decode()

    assert '<label for="id_site_title">' in content
    assert 'aria-describedby="id_logo_helptext"' in content
    assert 'accept="image/jpeg,image/png,image/webp"' in content
