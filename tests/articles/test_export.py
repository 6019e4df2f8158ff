"""export_km: the open-data export, and the round trip through import_km."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.images import clean_uploaded_image, make_display_sizes
from articles.management.commands.load_demo import demo_picture
from articles.models import Article, ArticleImage, Category
from tests.articles.test_import import import_files


def export(tmp_path, name="export.json", **options) -> str:
    target = tmp_path / name
    call_command("export_km", output=str(target), verbosity=0, **options)
    return target.read_text(encoding="utf-8")


def attach_photo(article, caption, seed):
    clean = clean_uploaded_image(SimpleUploadedFile("p.jpg", demo_picture(((200, 220, 240), (90, 120, 60)), seed)))
    image = ArticleImage(article=article, caption=caption, position=seed)
    image.image.save(clean.content.name, clean.content, save=False)
    make_display_sizes(image)
    image.save()


@pytest.fixture
def portal_with_content(db, seeds_dir):
    import_files(*sorted(seeds_dir.glob("*.txt")))
    lampang_article = Article.objects.get(province__code=52)
    attach_photo(lampang_article, "ทีมวิทยากรระดับหมู่บ้าน", 1)
    attach_photo(lampang_article, "การฝึกปฏิบัติอาชีพ", 2)
    Article.objects.filter(province__code=34).update(status=Article.Status.DRAFT, published_at=None)


def test_json_shape(portal_with_content, tmp_path):
    document = json.loads(export(tmp_path))
    assert len(document["articles"]) == 3
    lampang = next(a for a in document["articles"] if a["province"]["code"] == 52)
    assert set(lampang) >= {
        "id", "title", "category", "author", "province", "district", "office", "written_at",
        "status", "sections", "images", "url",
    }
    assert lampang["author"] == {"name": "นายพงศธร สุกันทา", "position": "เจ้าหน้าที่พัฒนาชุมชน"}
    assert lampang["province"] == {"code": 52, "slug": "lampang", "name_th": "ลำปาง"}
    assert lampang["district"] == {"code": 5213, "name_th": "เมืองปาน"}
    assert lampang["written_at"] == "2017-08-08"
    assert lampang["url"] == f"/lampang/articles/{lampang['id']}/"
    first = lampang["sections"][0]
    assert first["key"] == "background" and first["heading"] == "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ"
    assert first["html"].startswith("<p>สืบเนื่องจาก") and first["text"].startswith("สืบเนื่องจาก")
    assert "<" not in first["text"]
    assert [i["caption"] for i in lampang["images"]] == ["ทีมวิทยากรระดับหมู่บ้าน", "การฝึกปฏิบัติอาชีพ"]
    assert all(i["url"].startswith("/media/articles/original/") for i in lampang["images"])


def test_filters_by_province_and_status(portal_with_content, tmp_path):
    only_lampang = json.loads(export(tmp_path, province="lampang"))["articles"]
    assert [a["province"]["slug"] for a in only_lampang] == ["lampang"]
    drafts = json.loads(export(tmp_path, status="draft"))["articles"]
    assert [a["province"]["code"] for a in drafts] == [34]
    with pytest.raises(CommandError, match="ไม่รู้จักจังหวัด"):
        export(tmp_path, province="atlantis")


def test_export_import_into_an_empty_database_export_is_identical(portal_with_content, tmp_path):
    first = export(tmp_path, "first.json")
    # Empty the portal of content (the reference geography stays, as after migrate).
    Article.objects.all().delete()
    Category.objects.exclude(slug__in=["techniques", "km-record"]).delete()
    assert Article.objects.count() == 0
    import_files(tmp_path / "first.json")
    second = export(tmp_path, "second.json")
    assert json.loads(second) == json.loads(first)
    assert second == first
    restored = Article.objects.get(province__code=52)
    assert all(image.thumbnail and image.large for image in restored.images.all())
    # A new article after the round trip gets a fresh id, not a clash.
    clone = Article.objects.get(province__code=44)
    clone.pk = None
    clone.import_key = None
    clone.save()
    assert clone.pk > max(a["id"] for a in json.loads(first)["articles"])


def test_reimporting_an_export_updates_in_place(portal_with_content, tmp_path):
    first = export(tmp_path, "first.json")
    import_files(tmp_path / "first.json")
    assert Article.objects.count() == 3
    assert json.loads(export(tmp_path, "again.json")) == json.loads(first)


def test_json_with_a_missing_image_file_is_refused_whole(portal_with_content, tmp_path):
    document = json.loads(export(tmp_path))
    Article.objects.all().delete()
    document["articles"][-1]["images"] = [{"url": "/media/articles/original/missing.jpg", "caption": ""}]
    (tmp_path / "broken.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="missing.jpg"):
        import_files(tmp_path / "broken.json")
    assert Article.objects.count() == 0


def test_csv_export(portal_with_content, tmp_path):
    rows = list(csv.reader(io.StringIO(export(tmp_path, "export.csv", format="csv"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["id", "title", "category"] and len(body) == 3
    lampang = dict(zip(header, next(r for r in body if r[header.index("province_code")] == "52")))
    assert lampang["district_name_th"] == "เมืองปาน"
    assert "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ\nสืบเนื่องจาก" in lampang["text"]


def test_a_draft_without_a_category_exports_and_round_trips(portal_with_content, tmp_path):
    draft = Article.objects.get(province__code=34)
    Article.objects.filter(pk=draft.pk).update(category=None)
    first = export(tmp_path, "first.json")
    assert next(a for a in json.loads(first)["articles"] if a["id"] == draft.pk)["category"] == ""
    Article.objects.all().delete()
    import_files(tmp_path / "first.json")
    assert Article.objects.get(pk=draft.pk).category is None
    assert json.loads(export(tmp_path, "second.json")) == json.loads(first)
