"""A save that stops half way leaves nothing behind: no half article and no orphaned photo files.

Each test makes a real save path crash after its photos were written to MEDIA_ROOT
(the step after them raises) and checks that every row is as it was before and that
MEDIA_ROOT holds exactly the files it held before. Files of photos a change removes
are deleted only once that change commits.
"""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from articles import services
from articles.images import clean_uploaded_image
from articles.models import Article, ArticleImage, ArticleTransition, Section
from articles.services import ImageUpload, article_save_draft, article_start_revision
from tests.articles.factories import attach_photo, small_photo
from tests.articles.test_authoring import complete_content, page_post_data, published_article, write_draft
from tests.articles.test_import import import_files


class PowerCut(Exception):
    """Stands for whatever stops a save half way: a crash, a killed worker, a failed query."""


def crash(*args, **kwargs):
    raise PowerCut


def files_under_media() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def files_rows_refer_to() -> set[str]:
    return {
        name
        for names in ArticleImage.objects.values_list("image", "large", "thumbnail")
        for name in names
        if name
    }


def rows() -> dict[str, list[dict]]:
    """Every row the article services write, to compare before and after a failed save."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Article, Section, ArticleImage, ArticleTransition)
    }


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def with_new_photos(data: dict, count: int) -> dict:
    for index in range(count):
        data[f"new_images-{index}-file"] = small_photo(seed=40 + index)
        data[f"new_images-{index}-caption"] = f"ภาพกิจกรรมกลุ่มที่ {index + 1}"
    return data


# --- (a) A new article with two photos, through the officer's form ---


def test_a_crash_after_the_photos_of_a_new_article_were_written_leaves_no_article_and_no_files(
    officer_client, monkeypatch
):
    before_rows, before_files = rows(), files_under_media()
    data = with_new_photos(page_post_data(officer_client.get(reverse("articles:my-new")), title="การทอผ้าฝ้าย"), 2)
    monkeypatch.setattr(services, "_record", crash)  # the step after the photos: recording the new draft

    with pytest.raises(PowerCut):
        officer_client.post(reverse("articles:my-new"), data)

    assert rows() == before_rows
    assert not Article.objects.exists() and not Section.objects.exists() and not ArticleImage.objects.exists()
    assert files_under_media() == before_files == set()


def test_the_same_save_without_a_crash_keeps_the_article_and_exactly_its_files(officer_client):
    data = with_new_photos(page_post_data(officer_client.get(reverse("articles:my-new")), title="การทอผ้าฝ้าย"), 2)
    response = officer_client.post(reverse("articles:my-new"), data)
    assert response.status_code == 302
    assert ArticleImage.objects.count() == 2
    assert files_under_media() == files_rows_refer_to() and len(files_rows_refer_to()) == 6


def test_a_crash_in_the_service_itself_removes_the_files_it_wrote(officer, monkeypatch):
    monkeypatch.setattr(services, "article_refresh_search_text", crash)
    uploads = [ImageUpload(clean=clean_uploaded_image(small_photo(seed)), caption="ภาพ") for seed in (1, 2)]
    with pytest.raises(PowerCut):
        article_save_draft(article=None, by=officer, content=complete_content(), image_uploads=uploads)
    assert not Article.objects.exists() and not ArticleImage.objects.exists()
    assert files_under_media() == set()


# --- (b) New photos for a draft that already has one ---


def test_a_crash_while_adding_photos_to_a_draft_leaves_the_draft_and_its_files_as_they_were(
    officer_client, officer, monkeypatch, django_capture_on_commit_callbacks
):
    draft = write_draft(officer)
    kept = attach_photo(draft, caption="ภาพเดิม", position=1, seed=5)
    before_rows, before_files = rows(), files_under_media()
    data = page_post_data(officer_client.get(reverse("articles:my-edit", args=[draft.pk])), title="ชื่อใหม่")
    data["images-0-delete"] = "on"  # the saved photo is removed in the same save
    with_new_photos(data, 2)
    monkeypatch.setattr(services, "article_refresh_search_text", crash)  # runs after the photos are stored

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(PowerCut):
            officer_client.post(reverse("articles:my-edit", args=[draft.pk]), data)

    assert rows() == before_rows
    assert files_under_media() == before_files == {kept.image.name, kept.large.name, kept.thumbnail.name}
    assert callbacks == []  # the removed photo's files were never scheduled for deletion


def test_a_crash_while_the_page_script_uploads_one_photo_leaves_no_file(officer_client, officer, monkeypatch):
    draft = write_draft(officer)
    before_rows, before_files = rows(), files_under_media()
    monkeypatch.setattr(ArticleImage, "save", crash)  # the files are written; the row never is

    with pytest.raises(PowerCut):
        officer_client.post(
            reverse("articles:my-image-upload", args=[draft.pk]),
            {"file": small_photo(seed=9), "caption": "ลานตากผ้า"},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )

    assert rows() == before_rows
    assert files_under_media() == before_files == set()


# --- (c) import_km with photos ---


def export_document(tmp_path: Path, *, with_missing_photo: bool = False) -> Path:
    """Two exported articles whose photos' originals are already in MEDIA_ROOT, as import_km needs."""
    originals = []
    for seed in (11, 12, 13):
        clean = clean_uploaded_image(small_photo(seed))
        originals.append(default_storage.save(f"articles/original/{clean.content.name}", clean.content))
    sections = [
        {"key": "background", "heading": "", "html": "<p>กลุ่มแม่บ้านรวมตัวกันทำขนม</p>"},
        {"key": "process", "heading": "", "html": "<p>นวดแป้ง ปั้น และนึ่ง</p>"},
    ]
    author = {"name": "นางสาวทดสอบ ใจดี", "position": "นักวิชาการพัฒนาชุมชน"}
    articles = [
        {
            "id": 9001, "title": "ขนมไทยของกลุ่มแม่บ้าน", "province": {"code": 52}, "status": "published",
            "category": "เทคนิคส่งเสริมสัมมาชีพ", "author": author, "sections": sections,
            "images": [{"url": settings.MEDIA_URL + name, "caption": "ขั้นตอนการนึ่ง"} for name in originals[:2]],
        },
        {
            "id": 9002, "title": "ข้าวเกรียบฟักทอง", "province": {"code": 52}, "status": "published",
            "category": "เทคนิคส่งเสริมสัมมาชีพ", "author": author, "sections": sections,
            "images": [{"url": settings.MEDIA_URL + originals[2], "caption": ""}]
            + ([{"url": settings.MEDIA_URL + "articles/original/missing.jpg", "caption": ""}] if with_missing_photo else []),
        },
    ]
    path = tmp_path / ("broken.json" if with_missing_photo else "export.json")
    path.write_text(json.dumps({"articles": articles}, ensure_ascii=False), encoding="utf-8")
    return path


def run_import(path: Path, **options) -> str:
    out = io.StringIO()
    call_command("import_km", str(path), stdout=out, stderr=out, **options)
    return out.getvalue()


def test_a_crash_at_the_end_of_an_import_with_photos_removes_the_display_sizes_it_made(db, tmp_path, monkeypatch):
    path = export_document(tmp_path)
    before_rows, before_files = rows(), files_under_media()
    # The last step of the file's transaction, after both articles' photos were written.
    monkeypatch.setattr("articles.management.commands.import_km.reset_article_sequences", crash)

    with pytest.raises(PowerCut):
        run_import(path)

    assert rows() == before_rows
    assert files_under_media() == before_files  # the three originals, nothing else


def test_an_import_file_refused_half_way_keeps_no_display_sizes_of_its_earlier_articles(db, tmp_path):
    path = export_document(tmp_path, with_missing_photo=True)
    before_files = files_under_media()
    with pytest.raises(Exception, match="missing.jpg"):
        run_import(path)
    assert not Article.objects.exists() and not ArticleImage.objects.exists()
    assert files_under_media() == before_files


def test_an_import_dry_run_leaves_no_files(db, tmp_path):
    path = export_document(tmp_path)
    before_files = files_under_media()
    run_import(path, dry_run=True)
    assert not Article.objects.exists()
    assert files_under_media() == before_files


def test_a_crash_while_reimporting_keeps_the_imported_articles_and_their_files(
    db, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    path = export_document(tmp_path)
    import_files(path)
    assert ArticleImage.objects.count() == 3
    before_rows, before_files = rows(), files_under_media()
    monkeypatch.setattr("articles.management.commands.import_km.reset_article_sequences", crash)

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(PowerCut):
            run_import(path)

    assert rows() == before_rows
    assert files_under_media() == before_files == files_rows_refer_to()
    assert callbacks == []


def test_a_reimport_that_commits_replaces_the_old_display_sizes(db, tmp_path, django_capture_on_commit_callbacks):
    path = export_document(tmp_path)
    import_files(path)
    old_sizes = {name for image in ArticleImage.objects.all() for name in (image.large.name, image.thumbnail.name)}
    with django_capture_on_commit_callbacks(execute=True):
        import_files(path)
    assert ArticleImage.objects.count() == 3
    assert files_under_media() == files_rows_refer_to()
    assert not old_sizes & files_under_media()


# --- (d) A revision of a published article ---


@pytest.fixture
def published_with_photos(officer, moderator) -> Article:
    live = published_article(officer, moderator)
    for number in (1, 2):
        attach_photo(live, caption=f"ภาพที่ {number}", position=number, seed=20 + number)
    return live


def test_a_crash_while_starting_a_revision_leaves_the_published_article_and_its_files_untouched(
    officer_client, published_with_photos, monkeypatch
):
    before_rows, before_files = rows(), files_under_media()
    monkeypatch.setattr(services, "_record", crash)  # after the revision's photo rows were copied

    with pytest.raises(PowerCut):
        officer_client.post(reverse("articles:my-revise", args=[published_with_photos.pk]))

    assert rows() == before_rows
    assert not Article.objects.filter(revision_of=published_with_photos).exists()
    assert files_under_media() == before_files and len(before_files) == 6


def test_a_crash_while_saving_a_revision_keeps_the_shared_files_and_removes_only_the_new_ones(
    officer_client, officer, published_with_photos, monkeypatch, django_capture_on_commit_callbacks
):
    revision = article_start_revision(article=published_with_photos, by=officer)
    before_rows, before_files = rows(), files_under_media()
    data = page_post_data(officer_client.get(reverse("articles:my-edit", args=[revision.pk])))
    data["images-0-delete"] = "on"  # a photo whose files the published article also uses
    with_new_photos(data, 1)
    monkeypatch.setattr(services, "article_refresh_search_text", crash)

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(PowerCut):
            officer_client.post(reverse("articles:my-edit", args=[revision.pk]), data)

    assert rows() == before_rows
    assert files_under_media() == before_files == files_rows_refer_to()
    assert callbacks == []


# --- What a plain transaction around a service still leaves: cleanup_media's job ---


def test_cleanup_media_removes_files_left_by_a_rolled_back_outer_transaction_and_dry_run_keeps_them(
    officer, published_with_photos
):
    referenced = files_under_media()
    uploads = [ImageUpload(clean=clean_uploaded_image(small_photo(seed)), caption="") for seed in (31, 32)]
    with pytest.raises(PowerCut):
        with transaction.atomic():  # Django gives no rollback hook here, so the files stay
            article_save_draft(article=None, by=officer, content=complete_content(), image_uploads=uploads)
            raise PowerCut
    orphans = files_under_media() - referenced
    assert len(orphans) == 6 and files_rows_refer_to() == referenced

    out = io.StringIO()
    call_command("cleanup_media", dry_run=True, min_age=0, stdout=out, stderr=out)
    assert files_under_media() == referenced | orphans
    assert all(f"จะลบ {name}" in out.getvalue() for name in orphans)

    call_command("cleanup_media", min_age=0, stdout=io.StringIO(), stderr=io.StringIO())
    assert files_under_media() == referenced
