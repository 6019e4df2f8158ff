"""Media files without rows: cleanup_media removes old orphans, and atomic_with_files
deletes the files a change wrote when that change does not commit."""

import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from articles.images import clean_uploaded_image, make_display_sizes
from articles.management.commands.load_demo import demo_picture
from articles.models import Article, ArticleImage, Section
from articles.storage_safety import atomic_with_files, record_stored_files
from provinces.models import Province

HOUR = 60 * 60


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def age(path: Path, seconds: float) -> None:
    """Make a file look as if it was written that many seconds ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def write_file(root: Path, name: str, seconds_old: float, data: bytes = b"x" * 1024) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    age(path, seconds_old)
    return path


def cleanup(*args, **options) -> str:
    out = io.StringIO()
    call_command("cleanup_media", *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def photo_upload(seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", demo_picture(((230, 215, 180), (150, 100, 50)), seed), "image/jpeg")


def new_article(province) -> Article:
    return Article.objects.create(
        title="การจักสานตะกร้าไม้ไผ่", author_name="นางทดสอบ ระบบ", province=province, status=Article.Status.DRAFT
    )


def attach_photo(article, seed: int) -> ArticleImage:
    clean = clean_uploaded_image(photo_upload(seed))
    image = ArticleImage(article=article, caption=f"ภาพที่ {seed}", position=seed)
    image.image.save(clean.content.name, clean.content, save=False)
    make_display_sizes(image)
    image.save()
    return image


@pytest.fixture
def media_root(settings) -> Path:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def referenced_files(lampang, media_root) -> set[str]:
    """An article photo in its three sizes and a province logo, all written two hours ago."""
    image = attach_photo(new_article(lampang), 1)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (13, 71, 161)).save(buffer, "PNG")
    lampang.logo.save("lampang.png", ContentFile(buffer.getvalue()), save=True)
    names = {image.image.name, image.thumbnail.name, image.large.name, Province.objects.get(pk=lampang.pk).logo.name}
    for name in names:
        age(media_root / name, 2 * HOUR)
    return names


# --- cleanup_media -------------------------------------------------------------------------


def test_old_orphan_is_removed_and_referenced_files_and_young_orphans_are_kept(referenced_files, media_root):
    write_file(media_root, "articles/original/abandoned.jpg", 2 * HOUR)
    write_file(media_root, "articles/original/still-uploading.jpg", 5)

    output = cleanup()

    assert files_under(media_root) == referenced_files | {"articles/original/still-uploading.jpg"}
    assert "ลบ articles/original/abandoned.jpg" in output
    assert "ข้าม 1 ไฟล์ที่ใหม่กว่า 60 นาที" in output
    assert "ลบไฟล์ที่ไม่มีข้อมูลอ้างถึงแล้ว 1 ไฟล์" in output


def test_dry_run_deletes_nothing_and_lists_what_it_would_remove(referenced_files, media_root):
    write_file(media_root, "articles/thumb/abandoned.jpg", 3 * HOUR)
    before = files_under(media_root)

    output = cleanup(dry_run=True)

    assert files_under(media_root) == before
    assert "จะลบ articles/thumb/abandoned.jpg" in output
    assert "ทดลอง (ไม่ได้ลบจริง): จะลบ 1 ไฟล์" in output


def test_min_age_option_sets_the_grace_period(referenced_files, media_root):
    write_file(media_root, "articles/large/half-an-hour.jpg", 30 * 60)
    cleanup()
    assert "articles/large/half-an-hour.jpg" in files_under(media_root)
    cleanup(min_age=10)
    assert "articles/large/half-an-hour.jpg" not in files_under(media_root)
    assert files_under(media_root) == referenced_files


def test_a_file_shared_by_a_revision_stays_while_any_row_still_refers_to_it(lampang, media_root):
    live = new_article(lampang)
    image = attach_photo(live, 2)
    revision = Article.objects.create(
        title=live.title, author_name=live.author_name, province=lampang, revision_of=live
    )
    ArticleImage.objects.create(
        article=revision, image=image.image.name, thumbnail=image.thumbnail.name, large=image.large.name
    )
    ArticleImage.objects.filter(pk=image.pk).delete()  # the live article's own row is gone
    for name in files_under(media_root):
        age(media_root / name, 2 * HOUR)

    cleanup()

    assert files_under(media_root) == {image.image.name, image.thumbnail.name, image.large.name}


def test_symbolic_links_are_neither_followed_nor_removed(referenced_files, media_root, tmp_path):
    outside = tmp_path / "outside" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text("ไม่ใช่ไฟล์ของพอร์ทัล", encoding="utf-8")
    age(outside, 2 * HOUR)
    (media_root / "link-to-file.txt").symlink_to(outside)
    (media_root / "link-to-folder").symlink_to(outside.parent, target_is_directory=True)

    cleanup()

    assert outside.read_text(encoding="utf-8") == "ไม่ใช่ไฟล์ของพอร์ทัล"
    assert (media_root / "link-to-file.txt").is_symlink()
    assert (media_root / "link-to-folder").is_symlink()


def test_rows_pointing_at_missing_files_are_reported(lampang, media_root):
    image = attach_photo(new_article(lampang), 3)
    (media_root / image.large.name).unlink()
    output = cleanup(verbosity=2)
    assert "มีข้อมูลอ้างถึงไฟล์ที่ไม่พบบนดิสก์ 1 ไฟล์" in output
    assert f"ไม่พบ {image.large.name}" in output


def test_negative_grace_period_is_refused_with_a_thai_message(db):
    with pytest.raises(CommandError, match="ตั้งแต่ 0 ขึ้นไป"):
        cleanup(min_age=-1)


def test_a_missing_media_folder_is_nothing_to_clean(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-created"
    assert "ลบไฟล์ที่ไม่มีข้อมูลอ้างถึงแล้ว 0 ไฟล์" in cleanup()


# --- atomic_with_files ------------------------------------------------------------------


class PowerCut(Exception):
    """Stands for whatever stops a save half way: a crash, a timeout, a failed check."""


def save_article_with_photos(province, *, crash_after_photos: bool) -> Article:
    """An article, a section and two photos in one unit of work, the way a service would write them."""
    with atomic_with_files() as stored:
        article = new_article(province)
        Section.objects.create(article=article, position=1, key="background", body="<p>ความเป็นมาของกลุ่ม</p>")
        for seed in (1, 2):
            clean = clean_uploaded_image(photo_upload(seed))
            image = ArticleImage(article=article, position=seed)
            stored.save(image.image, clean.content.name, clean.content)
            try:
                make_display_sizes(image)
            finally:
                stored.add(image.large, image.thumbnail)
            image.save()
        if crash_after_photos:
            raise PowerCut
    return article


def test_a_crash_after_the_photos_are_written_leaves_no_half_article_and_no_files(lampang, media_root):
    with pytest.raises(PowerCut):
        save_article_with_photos(lampang, crash_after_photos=True)
    assert not Article.objects.exists()
    assert not Section.objects.exists() and not ArticleImage.objects.exists()
    assert files_under(media_root) == set()


def test_a_crash_while_making_display_sizes_removes_the_stored_original(lampang, media_root):
    article = new_article(lampang)
    with pytest.raises(UnidentifiedImageError):
        with atomic_with_files() as stored:
            image = ArticleImage(article=article, position=1)
            stored.save(image.image, "photo.jpg", ContentFile(b"not really a photo"))
            assert files_under(media_root) == {image.image.name}
            try:
                make_display_sizes(image)
            finally:
                stored.add(image.large, image.thumbnail)
    assert files_under(media_root) == set()
    assert Article.objects.filter(pk=article.pk).exists()  # written before the block: untouched


def test_files_saved_in_a_block_that_completes_are_kept(lampang, media_root):
    article = save_article_with_photos(lampang, crash_after_photos=False)
    images = list(ArticleImage.objects.filter(article=article))
    assert len(images) == 2
    assert files_under(media_root) == {
        name for image in images for name in (image.image.name, image.thumbnail.name, image.large.name)
    }


def test_files_of_an_inner_block_are_deleted_when_the_enclosing_block_rolls_back(lampang, media_root):
    with pytest.raises(PowerCut):
        with atomic_with_files():
            save_article_with_photos(lampang, crash_after_photos=False)  # the inner block succeeds
            assert len(files_under(media_root)) == 6
            raise PowerCut
    assert not Article.objects.exists()
    assert files_under(media_root) == set()


def test_an_inner_block_that_fails_loses_only_its_own_files(lampang, media_root):
    with atomic_with_files():
        kept = save_article_with_photos(lampang, crash_after_photos=False)
        with pytest.raises(PowerCut):
            save_article_with_photos(lampang, crash_after_photos=True)
    assert list(Article.objects.values_list("pk", flat=True)) == [kept.pk]
    kept_images = ArticleImage.objects.filter(article=kept)
    assert files_under(media_root) == {
        name for image in kept_images for name in (image.image.name, image.thumbnail.name, image.large.name)
    }


def test_files_left_by_a_plain_outer_transaction_that_rolled_back_are_cleaned_up_as_orphans(lampang, media_root):
    """A plain transaction.atomic() gives no rollback hook: cleanup_media is the safety net."""
    with pytest.raises(PowerCut):
        with transaction.atomic():
            save_article_with_photos(lampang, crash_after_photos=False)
            raise PowerCut
    assert not Article.objects.exists()
    left = files_under(media_root)
    assert len(left) == 6
    assert cleanup()  # younger than the grace period: kept
    assert files_under(media_root) == left
    for name in left:
        age(media_root / name, 2 * HOUR)
    cleanup()
    assert files_under(media_root) == set()


@atomic_with_files()
def add_photo_service(article, *, fail: bool) -> ArticleImage:
    """A service decorated the way a write service can adopt the helper."""
    clean = clean_uploaded_image(photo_upload(7))
    image = ArticleImage(article=article, position=1)
    image.image.save(clean.content.name, clean.content, save=False)
    try:
        make_display_sizes(image)
    finally:
        assert record_stored_files(image.image, image.large, image.thumbnail)
    image.save()
    if fail:
        raise PowerCut
    return image


def test_a_decorated_service_recording_its_files_from_a_helper_removes_them_on_failure(lampang, media_root):
    article = new_article(lampang)
    with pytest.raises(PowerCut):
        add_photo_service(article, fail=True)
    assert not ArticleImage.objects.exists()
    assert files_under(media_root) == set()
    image = add_photo_service(article, fail=False)
    assert files_under(media_root) == {image.image.name, image.large.name, image.thumbnail.name}


def test_recording_outside_any_block_says_so(db):
    assert record_stored_files("articles/original/x.jpg") is False


def test_files_a_restore_is_still_moving_into_place_are_left_alone(referenced_files, media_root):
    staged = write_file(media_root, ".samma-restore-abc123/media/articles/original/restored.jpg", 30 * 24 * HOUR)
    output = cleanup()
    assert staged.exists()
    assert ".samma-restore-abc123" in output
