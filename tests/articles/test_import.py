"""import_km: legacy documents of both shapes, their encodings, and files it must refuse."""

import datetime
import os
import shutil
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleTransition, Section
from tests.conftest import FIXTURES_DIR, PROJECT_ROOT

LAMPANG_SEED = "000_f10f907b7f407258.txt"
MAHA_SARAKHAM_SEED = "001_9c854440954e3301.txt"
UBON_SEED = "003_ccf3b9de1005d85b.txt"


def import_files(*paths, **options):
    call_command("import_km", *[str(p) for p in paths], verbosity=0, **options)


def sections_of(article) -> list[tuple[str, str]]:
    return [(s.key, s.display_heading) for s in article.sections.order_by("position")]


def database_snapshot() -> tuple:
    return (
        Article.objects.count(),
        Section.objects.count(),
        ArticleTransition.objects.count(),
        list(Article.objects.values_list("title", "version")),
    )


@pytest.fixture
def imported_seeds(db, seeds_dir):
    import_files(*sorted(seeds_dir.glob("*.txt")))
    return {article.province.code: article for article in Article.objects.select_related("province", "district")}


def test_all_three_seeds_are_imported_as_published(imported_seeds):
    assert sorted(imported_seeds) == [34, 44, 52]
    assert all(article.status == Article.Status.PUBLISHED for article in imported_seeds.values())
    assert all(article.published_at for article in imported_seeds.values())


def test_lampang_web_template_field_by_field(imported_seeds):
    article = imported_seeds[52]
    assert article.category.name == "เทคนิคส่งเสริมสัมมาชีพ"
    assert article.title == "การส่งเสริมทีมสัมมาชีพชุมชนระดับหมู่บ้านเพื่อขับเคลื่อนการพัฒนาเศรษฐกิจฐานราก"
    assert article.author_name == "นายพงศธร สุกันทา"
    assert article.author_position == "เจ้าหน้าที่พัฒนาชุมชน"
    assert article.written_at == datetime.date(2017, 8, 8)
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอเมืองปาน"
    assert article.province.name_th == "ลำปาง"
    assert article.district.name_th == "เมืองปาน" and article.district.code == 5213
    assert article.author is None
    assert sections_of(article) == [
        ("background", "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ"),
        ("objectives", "วัตถุประสงค์"),
        ("materials", "วัตถุดิบ (ถ้ามี)"),
        ("equipment", "อุปกรณ์"),
        ("process", "กระบวนการ/ขั้นตอน"),
        ("cautions", "ข้อพึงระวัง"),
    ]
    bodies = {s.key: s.body for s in article.sections.all()}
    assert bodies["background"].startswith("<p>สืบเนื่องจากวาระกรมการพัฒนาชุมชน")
    assert "พ.ศ. ๒๕๖๐" in bodies["background"]  # Thai digits kept as written
    assert bodies["objectives"].count("<p>") == 11
    assert "ควรเน้นคุณภาพมากกว่าปริมาณ" in bodies["process"]
    assert bodies["cautions"] == ""
    everything = " ".join(bodies.values())
    for chrome in ("เว็บไซต์สัมมาชีพชุมชนจังหวัด", "โทรศัพท์", "Email", "เกี่ยวกับเรา", "image1", "รูปประกอบ"):
        assert chrome not in everything


def test_maha_sarakham_province_comes_from_the_site_footer(imported_seeds):
    article = imported_seeds[44]
    assert article.title == "การสร้างทุนหนุนเสริมครัวเรือนสัมมาชีพ"
    assert article.author_name == "นางดวงใจ ปะกิระคะ"
    assert article.author_position == "เจ้าหน้าที่พัฒนาชุมชน"
    assert article.written_at == datetime.date(2017, 8, 2)
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอชื่นชม"
    assert article.province.name_th == "มหาสารคาม"
    assert article.district.name_th == "ชื่นชม"
    bodies = {s.key: s.body for s in article.sections.all()}
    assert "ใช้ทุนชุมชนเป็นกลไก" in bodies["background"]
    assert "OTOP SME SE" in bodies["objectives"]
    assert bodies["equipment"] == bodies["process"] == bodies["cautions"] == ""


def test_ubon_km_record_field_by_field(imported_seeds):
    article = imported_seeds[34]
    assert article.category.name == "บันทึกองค์ความรู้ (KM)"
    assert article.title == "พัฒนากรกับการขับเคลื่อนงานสัมมาชีพชุมชนให้บรรลุเป้าหมาย"
    assert article.author_name == "สิบเอกหญิงอรอำไพ คำพิพาก"
    assert article.author_position == "นักวิชาการพัฒนาชุมชนปฏิบัติการ"
    assert article.written_at is None
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอม่วงสามสิบ"
    assert article.province.name_th == "อุบลราชธานี"
    assert article.district.name_th == "ม่วงสามสิบ"
    assert sections_of(article) == [
        ("background", "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ"),
        ("process", "กระบวนการ/ขั้นตอน"),
        ("other", "ปัญหาอุปสรรค"),
        ("other", "แนวทางในการแก้ไขปัญหา"),
        ("other", "กลยุทธ์ในการทำงาน"),
    ]
    process = article.sections.get(key="process").body
    assert process.count("<p>") == 11
    assert "-๒ -" not in "".join(s.body for s in article.sections.all())
    assert "ฉบับที่ 12" in article.sections.get(key="background").body


def test_importing_the_same_files_twice_updates_and_never_duplicates(imported_seeds, seeds_dir):
    ids_before = sorted(a.pk for a in imported_seeds.values())
    import_files(*sorted(seeds_dir.glob("*.txt")))
    assert sorted(Article.objects.values_list("pk", flat=True)) == ids_before
    assert Section.objects.count() == 6 + 6 + 5
    assert set(Article.objects.values_list("version", flat=True)) == {2}


def test_search_text_is_normalised_thai_digits_and_lower_case(imported_seeds):
    lampang = imported_seeds[52]
    assert "2560" in lampang.search_text and "๒๕๖๐" not in lampang.search_text
    assert "เมืองปาน" in lampang.search_text and "ลำปาง" in lampang.search_text


def test_draft_status_and_dry_run(db, seeds_dir):
    import_files(seeds_dir / LAMPANG_SEED, dry_run=True)
    assert Article.objects.count() == 0
    import_files(seeds_dir / LAMPANG_SEED, status="draft")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.published_at is None


def test_a_tis620_copy_imports_exactly_like_the_utf8_original(db, seeds_dir, tmp_path):
    legacy = tmp_path / "lampang-tis620.txt"
    legacy.write_bytes((seeds_dir / LAMPANG_SEED).read_text(encoding="utf-8").replace("\n", "\r\n").encode("cp874"))
    import_files(legacy)
    from_tis = Article.objects.get()
    tis_sections = [(s.key, s.body) for s in from_tis.sections.all()]
    tis_fields = (from_tis.title, from_tis.author_name, from_tis.district_id, from_tis.written_at)
    # The UTF-8 original is the same article: importing it updates, not duplicates.
    import_files(seeds_dir / LAMPANG_SEED)
    original = Article.objects.get()
    assert original.pk == from_tis.pk
    assert (original.title, original.author_name, original.district_id, original.written_at) == tis_fields
    assert [(s.key, s.body) for s in original.sections.all()] == tis_sections


def test_document_without_a_province_needs_the_province_option(db, seeds_dir, tmp_path):
    text = (seeds_dir / MAHA_SARAKHAM_SEED).read_text(encoding="utf-8")
    no_footer = tmp_path / "no-footer.txt"
    no_footer.write_text(text.split("เว็บไซต์สัมมาชีพชุมชนจังหวัด")[0], encoding="utf-8")
    with pytest.raises(CommandError, match="--province"):
        import_files(no_footer)
    assert Article.objects.count() == 0
    import_files(no_footer, province=44)
    assert Article.objects.get().district.name_th == "ชื่นชม"


def _bad_documents(seeds_dir) -> dict[str, bytes]:
    lampang = (seeds_dir / LAMPANG_SEED).read_text(encoding="utf-8")
    return {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 8,
        "no-title.txt": "\n".join(
            line for line in lampang.splitlines() if not line.startswith("การส่งเสริมทีมสัมมาชีพ")
        ).encode(),
        "unknown-district.txt": lampang.replace("อำเภอเมืองปาน", "อำเภอไม่มีจริง").encode(),
        "unknown-province.txt": lampang.replace("จังหวัดลำปาง", "จังหวัดแอตแลนติส").encode(),
    }


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.txt", "ว่าง"),
        ("binary.txt", "ไม่ใช่เอกสารข้อความ"),
        ("no-title.txt", "ชื่อเรื่อง"),
        ("unknown-district.txt", "ไม่พบอำเภอ “ไม่มีจริง”"),
        ("unknown-province.txt", "ไม่รู้จักจังหวัด"),
    ],
)
def test_bad_file_is_reported_by_name_and_reason_and_changes_nothing(db, seeds_dir, tmp_path, name, reason):
    import_files(seeds_dir / UBON_SEED)
    before = database_snapshot()
    bad = tmp_path / name
    bad.write_bytes(_bad_documents(seeds_dir)[name])
    with pytest.raises(CommandError) as error:
        import_files(bad)
    assert name in str(error.value)
    assert reason in str(error.value)
    assert database_snapshot() == before


def test_one_bad_file_among_good_ones_fails_the_run_but_keeps_the_good_ones(db, seeds_dir, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    with pytest.raises(CommandError, match="ผิดพลาด 1 จาก 2 ไฟล์"):
        import_files(seeds_dir / LAMPANG_SEED, bad)
    assert Article.objects.count() == 1


def test_command_line_exits_non_zero_with_a_thai_message(db, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_km", str(bad)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samma_portal.settings_test",
             "DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.sqlite3")},
    )
    assert result.returncode != 0
    assert "empty.txt" in result.stderr and "ว่าง" in result.stderr


def test_own_fixtures_of_both_shapes_import(db):
    legacy = sorted((FIXTURES_DIR / "legacy").glob("*.txt"))
    assert legacy, "fixture documents missing"
    for path in legacy:
        import_files(path)
    assert Article.objects.count() >= 3


def test_many_files_show_progress(db, seeds_dir, tmp_path, capsys):
    for number in range(3):
        shutil.copy(seeds_dir / UBON_SEED, tmp_path / f"copy{number}.txt")
    call_command("import_km", str(tmp_path), verbosity=1)
    out = capsys.readouterr().out
    assert "[1/3]" in out and "[3/3]" in out
    assert "สร้างใหม่ 1 ปรับปรุง 2" in out


def test_an_overlong_category_line_is_refused_with_a_thai_message(db, tmp_path):
    record = (FIXTURES_DIR / "legacy" / "record_silk_dyeing.txt").read_text(encoding="utf-8-sig")
    lines = record.splitlines()
    lines.insert(2, "หมวดองค์ความรู้ : " + "ยาวมาก" * 60)
    bad = tmp_path / "long-category.txt"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CommandError, match="ยาวเกิน"):
        import_files(bad)
    assert Article.objects.count() == 0
