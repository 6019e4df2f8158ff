"""backup_portal and restore_portal: a whole portal round-trips; damaged archives and occupied databases are refused."""

import datetime
import hashlib
import importlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client
from PIL import Image

from accounts.models import SignupRequest, User
from articles.backup import postgres_connection_arguments, postgres_environment, postgres_tool
from articles.images import clean_uploaded_image, make_display_sizes
from articles.management.commands.load_demo import demo_picture
from articles.models import Article, ArticleImage, ArticleTransition, Category, Section
from articles.services import article_archive, article_start_revision, article_submit
from provinces.models import OfficerProfile, Province
from tests.conftest import FIXTURES_DIR, PASSWORD, PROJECT_ROOT, make_person

PORTAL_APPS = ("accounts", "provinces", "articles")


# --- Helpers -----------------------------------------------------------------------------


def portal_models():
    models = [model for label in PORTAL_APPS for model in apps.get_app_config(label).get_models()]
    return [*models, Group, LogEntry]


class ToTheMicrosecond(DjangoJSONEncoder):
    """Django's encoder stops at milliseconds; the comparison must not."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def portal_rows() -> dict[str, list[dict]]:
    """Every row of every portal model, serialised with natural keys (content type ids may differ)."""
    return {
        model._meta.label_lower: json.loads(
            serializers.serialize(
                "json", model._base_manager.order_by("pk"), use_natural_foreign_keys=True, cls=ToTheMicrosecond
            )
        )
        for model in portal_models()
    }


def media_files(root: Path) -> dict[str, str]:
    """Every file under MEDIA_ROOT by name, with the sha256 of its bytes."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def empty_the_portal(media_root: Path) -> None:
    """What a new server has: a freshly migrated database and no media files."""
    # PostgreSQL refuses to TRUNCATE tables with deferred foreign-key checks still pending.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    # flush empties every table; the geography and default categories come from data migrations.
    importlib.import_module("provinces.migrations.0002_load_geography").load_geography(apps, None)
    importlib.import_module("articles.migrations.0002_default_categories").create_categories(apps, None)
    shutil.rmtree(media_root, ignore_errors=True)
    media_root.mkdir(parents=True)


def attach_photo(article, caption: str, seed: int) -> ArticleImage:
    upload = SimpleUploadedFile("photo.jpg", demo_picture(((200, 220, 240), (90, 120, 60)), seed), "image/jpeg")
    clean = clean_uploaded_image(upload)
    image = ArticleImage(article=article, caption=caption, position=seed)
    image.image.save(clean.content.name, clean.content, save=False)
    make_display_sizes(image)
    image.save()
    return image


def png_logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), (27, 94, 32)).save(buffer, "PNG")
    return buffer.getvalue()


def backup(directory: Path, **options) -> Path:
    call_command("backup_portal", str(directory), verbosity=0, **options)
    archives = sorted(directory.glob("samma-backup-*.tar.gz"))
    assert len(archives) == 1, archives
    return archives[0]


def restore(archive: Path, **options) -> str:
    out = io.StringIO()
    call_command("restore_portal", str(archive), stdout=out, **options)
    return out.getvalue()


def read_member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive, "r:gz") as tar:
        return tar.extractfile(name).read()


def rewrite_archive(source: Path, target: Path, change) -> Path:
    """A copy of an archive with change(name, data) -> data | None (None drops the member)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                if data is None:
                    continue
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


# --- The portal we back up ----------------------------------------------------------------


@pytest.fixture
def portal(officer, moderator, administrator, lampang, seeds_dir, settings):
    """Accounts of every role, imported articles with photos, a revision, moderation history,
    a branded province, an extra category, a group, an applicant and an admin log entry."""
    call_command("import_km", *[str(p) for p in sorted(seeds_dir.glob("*.txt"))], verbosity=0)
    # A KM record whose category is not one of the defaults.
    call_command("import_km", str(FIXTURES_DIR / "legacy" / "record_savings_fund_crlf.txt"), verbosity=0)
    live = Article.objects.get(province=lampang)
    Article.objects.filter(pk=live.pk).update(author=officer)
    live.refresh_from_db()
    attach_photo(live, "ทีมสัมมาชีพชุมชนบ้านแม่ทะ", 1)
    attach_photo(live, "การฝึกอาชีพเพาะเห็ด", 2)

    # A revision of the published article, sharing its photo files, sent for review.
    revision = article_start_revision(article=live, by=officer)
    Section.objects.filter(article=revision, key="background").update(body="<p>ความเป็นมาที่แก้ไขใหม่ในฉบับแก้ไข</p>")
    revision = article_submit(article=revision, by=officer, expected_version=revision.version)
    # Moderation history with a person and a reason.
    article_archive(
        article=Article.objects.get(province__code=44), by=administrator, reason="ข้อมูลล้าสมัย รอปรับปรุง"
    )

    lampang.site_title = "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง (ทดสอบ)"
    lampang.about = "สำนักงานพัฒนาชุมชนจังหวัดลำปาง"
    lampang.logo.save("lampang-logo.png", ContentFile(png_logo()), save=True)

    editors = Group.objects.create(name="บรรณาธิการส่วนกลาง")
    editors.permissions.add(Permission.objects.get(codename="change_article"))
    administrator.groups.add(editors)
    officer.user_permissions.add(Permission.objects.get(codename="view_articletransition"))
    applicant = make_person(
        email="applicant@example.com", full_name="นายผู้สมัคร ใหม่", province=lampang, is_active=False
    )
    SignupRequest.objects.create(user=applicant)
    LogEntry.objects.create(
        user=administrator,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(live.pk),
        object_repr=live.title[:200],
        action_flag=CHANGE,
        change_message="แก้ไขชื่อเรื่อง",
    )
    # Times below the millisecond must survive the round trip too.
    first_step = ArticleTransition.objects.filter(article=live).order_by("pk").first()
    ArticleTransition.objects.filter(pk=first_step.pk).update(
        at=datetime.datetime(2017, 8, 8, 2, 37, 3, 456, tzinfo=datetime.timezone.utc)
    )
    assert Article.objects.filter(revision_of=live).count() == 1
    return {"officer": officer, "moderator": moderator, "administrator": administrator, "live": live}


# --- Round trip -----------------------------------------------------------------------------


def test_backup_then_restore_into_an_empty_portal_gives_back_every_row_file_and_password(portal, tmp_path, settings):
    media_root = Path(settings.MEDIA_ROOT)
    rows_before = portal_rows()
    files_before = media_files(media_root)
    assert len(files_before) == 2 * 3 + 1  # two photos in three sizes, and the province logo
    assert rows_before["articles.articletransition"] and rows_before["admin.logentry"]

    archive = backup(tmp_path / "backups")

    empty_the_portal(media_root)
    assert Article.objects.count() == 0 and User.objects.count() == 0
    assert media_files(media_root) == {}

    output = restore(archive)

    assert portal_rows() == rows_before
    assert media_files(media_root) == files_before
    for person in (portal["officer"], portal["moderator"], portal["administrator"]):
        # Through the real log-in form: the restored password hash still signs the person in.
        signed_in = Client().post("/accounts/login/", {"username": person.email, "password": PASSWORD})
        assert signed_in.status_code == 302, person.email
    assert "บทความ 5 รายการ" in output and "ไฟล์สื่อ 7 ไฟล์" in output
    revision = Article.objects.get(revision_of=portal["live"].pk)
    assert revision.status == Article.Status.SUBMITTED
    assert set(revision.images.values_list("image", flat=True)) == set(
        ArticleImage.objects.filter(article_id=portal["live"].pk).values_list("image", flat=True)
    )
    assert Province.objects.get(code=52).logo.read() == png_logo()
    assert ArticleTransition.objects.filter(
        at=datetime.datetime(2017, 8, 8, 2, 37, 3, 456, tzinfo=datetime.timezone.utc)
    ).count() == 1


def test_after_a_restore_new_rows_get_ids_after_the_restored_ones(portal, tmp_path, settings):
    archive = backup(tmp_path / "backups")
    highest_article = Article.objects.order_by("-pk").values_list("pk", flat=True)[0]
    highest_category = Category.objects.order_by("-pk").values_list("pk", flat=True)[0]
    empty_the_portal(Path(settings.MEDIA_ROOT))
    restore(archive)

    call_command("import_km", str(FIXTURES_DIR / "legacy" / "web_mushroom.txt"), verbosity=0)
    new_article = Article.objects.get(title__startswith="การเพาะเห็ดนางฟ้า")
    assert new_article.pk > highest_article
    assert Category.objects.create(name="หมวดใหม่หลังกู้คืน", slug="after-restore").pk > highest_category
    assert ArticleTransition.objects.filter(article=new_article).exists()


def test_archive_is_dated_and_its_manifest_checks_every_member(portal, tmp_path):
    archive = backup(tmp_path / "backups")
    assert re.fullmatch(r"samma-backup-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: owner only
    assert not list(archive.parent.glob(".*partial"))

    with tarfile.open(archive, "r:gz") as tar:
        contents = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    manifest = json.loads(contents.pop("manifest.json"))
    assert manifest["format"] == "samma-portal-backup" and manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert set(manifest["members"]) == set(contents)
    for name, data in contents.items():
        assert manifest["members"][name] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    counts = manifest["database"]["counts"]
    assert counts["articles.article"] == 5
    assert counts["accounts.user"] == 4
    assert counts["articles.articleimage"] == 4  # two on the live article, two copies on its revision
    assert counts["articles.articletransition"] == ArticleTransition.objects.count()
    assert counts["accounts.signuprequest"] == 1 and counts["auth.group"] == 1
    assert "0004_revisions_and_review_workflow" in manifest["portal"]["migrations"]["articles"]
    assert manifest["media"] == {"files": 7, "bytes": sum(
        len(data) for name, data in contents.items() if name.startswith("media/")
    ), "missing": []}

    database = json.loads(contents["database.json"])
    models_in_dump = {row["model"] for row in database}
    assert {"accounts.user", "provinces.officerprofile", "articles.article", "articles.section",
            "articles.articleimage", "articles.articletransition", "auth.group", "admin.logentry"} <= models_in_dump
    assert not models_in_dump & {"contenttypes.contenttype", "auth.permission", "sessions.session"}
    # Content types and permissions travel as natural keys, never as ids.
    log = next(row for row in database if row["model"] == "admin.logentry")
    assert log["fields"]["content_type"] == ["articles", "article"]

    open_data = json.loads(contents["open-data.json"])
    titles = {item["title"] for item in open_data["articles"]}
    assert titles == set(Article.objects.live().published().values_list("title", flat=True))
    assert len(titles) == 3  # Lampang, Ubon and Khon Kaen; Maha Sarakham is archived


def test_backup_reports_progress_of_the_media_files(portal, tmp_path):
    out = io.StringIO()
    call_command("backup_portal", str(tmp_path / "backups"), stdout=out, verbosity=1)
    text = out.getvalue()
    assert "เก็บไฟล์สื่อแล้ว 7/7" in text
    assert "สำรองแล้วที่" in text and "บทความ 5 รายการ" in text


def test_pg_dump_member_is_in_the_archive_exactly_when_the_database_is_postgresql(portal, tmp_path):
    archive = backup(tmp_path / "backups")
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
    manifest = json.loads(read_member(archive, "manifest.json"))
    if connection.vendor == "postgresql":
        assert "database.pgdump" in names and "database.pgdump" in manifest["members"]
        dump = tmp_path / "database.pgdump"
        dump.write_bytes(read_member(archive, "database.pgdump"))
        listing = subprocess.run(
            [postgres_tool("pg_restore", connection), "--list", str(dump)],
            capture_output=True, text=True, check=True,
        ).stdout
        assert "TABLE public articles_article" in listing
        assert "TABLE DATA public articles_article" in listing
    else:
        assert connection.vendor == "sqlite"
        assert "database.pgdump" not in names and manifest["database"]["vendor"] == "sqlite"


def postgres_url(settings_dict: dict, name: str) -> str:
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{user}{password}@{settings_dict['HOST'] or '127.0.0.1'}{port}/{name}"


def test_pg_restore_rebuilds_a_live_portal_from_the_pg_dump_of_a_real_backup_run(db, seeds_dir, tmp_path):
    """On PostgreSQL: a portal in its own database, backed up by manage.py as cron would run it
    (so pg_dump shares the snapshot of the dump's transaction), restored with pg_restore."""
    if connection.vendor != "postgresql":
        database, media = tmp_path / "portal.sqlite3", tmp_path / "media"
        assert run_manage("migrate", "--noinput", "--skip-checks", "-v", "0", database=database, media=media).returncode == 0
        assert run_manage("backup_portal", str(tmp_path / "backups"), database=database, media=media).returncode == 0
        archive = next((tmp_path / "backups").glob("samma-backup-*.tar.gz"))
        manifest = json.loads(read_member(archive, "manifest.json"))
        assert manifest["database"]["vendor"] == "sqlite" and "database.pgdump" not in manifest["members"]
        return
    import psycopg2

    settings_dict = connection.settings_dict
    source, check = "samma_backup_source", "samma_pg_restore_check"

    def connect(name):
        return psycopg2.connect(
            dbname=name, host=settings_dict["HOST"] or None, port=settings_dict["PORT"] or None,
            user=settings_dict["USER"] or None, password=settings_dict["PASSWORD"] or None,
        )

    server = connect("postgres")
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            for name in (source, check):
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
                cursor.execute(f"CREATE DATABASE {name}")
        url, media = postgres_url(settings_dict, source), tmp_path / "media"
        for command in (
            ("migrate", "--noinput", "--skip-checks", "-v", "0"),
            ("import_km", *map(str, sorted(seeds_dir.glob("*.txt")))),
            ("backup_portal", str(tmp_path / "backups")),
        ):
            result = run_manage(*command, database_url=url, media=media)
            assert result.returncode == 0, result.stderr
        archive = next((tmp_path / "backups").glob("samma-backup-*.tar.gz"))
        dump = tmp_path / "database.pgdump"
        dump.write_bytes(read_member(archive, "database.pgdump"))
        manifest = json.loads(read_member(archive, "manifest.json"))
        assert manifest["members"]["database.pgdump"]["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()

        pg_restore = postgres_tool("pg_restore", connection)
        listing = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, text=True, check=True).stdout
        assert "TABLE DATA public articles_article" in listing
        target = {**settings_dict, "NAME": check}
        restored = subprocess.run(
            [pg_restore, "--no-owner", *postgres_connection_arguments(target), str(dump)],
            capture_output=True, text=True, env=postgres_environment(target),
        )
        assert restored.returncode == 0, restored.stderr

        query = "SELECT id, title, search_text FROM articles_article ORDER BY id"
        rows = {}
        for name in (source, check):
            database = connect(name)
            try:
                with database.cursor() as cursor:
                    cursor.execute(query)
                    rows[name] = cursor.fetchall()
            finally:
                database.close()
        assert len(rows[source]) == 3 and rows[check] == rows[source]
        assert manifest["database"]["counts"]["articles.article"] == 3
    finally:
        with server.cursor() as cursor:
            for name in (source, check):
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.close()


# --- Refusals ----------------------------------------------------------------------------


@pytest.fixture
def archive_and_empty_portal(portal, tmp_path, settings):
    """A good archive of the portal, and a freshly migrated empty portal to restore it into."""
    archive = backup(tmp_path / "backups")
    media_root = Path(settings.MEDIA_ROOT)
    empty_the_portal(media_root)
    (media_root / "keep.txt").write_text("ไฟล์ที่มีอยู่ก่อนกู้คืน", encoding="utf-8")
    return archive


def unchanged_state(settings) -> tuple:
    return portal_rows(), media_files(Path(settings.MEDIA_ROOT)), sorted(os.listdir(settings.MEDIA_ROOT))


THAI = re.compile("[\u0e00-\u0e7f]")


def assert_refused(archive: Path, settings, reason: str) -> str:
    before = unchanged_state(settings)
    with pytest.raises(CommandError) as error:
        restore(archive)
    message = str(error.value)
    assert reason in message, message
    assert THAI.search(message)
    assert unchanged_state(settings) == before
    return message


def test_truncated_archive_is_refused_and_nothing_changes(archive_and_empty_portal, tmp_path, settings):
    data = archive_and_empty_portal.read_bytes()
    truncated = tmp_path / "samma-backup-truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    message = assert_refused(truncated, settings, "เสียหายหรือไม่สมบูรณ์")
    assert "ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ" in message


def test_a_file_that_is_not_an_archive_is_refused(archive_and_empty_portal, tmp_path, settings):
    garbage = tmp_path / "not-a-backup.tar.gz"
    garbage.write_bytes(b"\x00" * 100 + "ไม่ใช่ไฟล์สำรอง".encode())
    assert_refused(garbage, settings, "เสียหายหรือไม่สมบูรณ์")


def test_an_archive_without_a_manifest_is_not_a_portal_backup(archive_and_empty_portal, tmp_path, settings):
    foreign = tmp_path / "photos.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        info = tarfile.TarInfo("media/photo.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    assert_refused(foreign, settings, "ไม่ใช่ไฟล์สำรองของพอร์ทัล")


def test_a_member_whose_bytes_changed_fails_its_checksum(archive_and_empty_portal, tmp_path, settings):
    def tamper(name, data):
        if name == "database.json":
            return data.replace("ลำปาง".encode(), "ลำพูน".encode())
        return data

    tampered = rewrite_archive(archive_and_empty_portal, tmp_path / "tampered.tar.gz", tamper)
    message = assert_refused(tampered, settings, "ไม่ตรงกับค่าตรวจสอบ (sha256)")
    assert "database.json" in message


def test_a_missing_media_file_is_caught_by_the_manifest(archive_and_empty_portal, tmp_path, settings):
    def drop_a_photo(name, data):
        return None if name.startswith("media/articles/large/") else data

    incomplete = rewrite_archive(archive_and_empty_portal, tmp_path / "incomplete.tar.gz", drop_a_photo)
    assert_refused(incomplete, settings, "ไม่ครบหรือถูกแก้ไข")


def copy_with_extra_member(source: Path, target: Path, extra: tarfile.TarInfo, payload: bytes | None = None) -> Path:
    """A copy of an archive with one more member appended, as someone could craft it."""
    with tarfile.open(target, "w:gz") as out, tarfile.open(source, "r:gz") as original:
        for member in original.getmembers():
            out.addfile(member, original.extractfile(member) if member.isfile() else None)
        out.addfile(extra, io.BytesIO(payload) if payload is not None else None)
    return target


@pytest.mark.parametrize("evil_name", ["../escaped.txt", "/tmp/samma-absolute.txt", "media/../../escaped.txt"])
def test_members_pointing_outside_the_target_are_refused(archive_and_empty_portal, tmp_path, settings, evil_name):
    payload = b"escaped"
    info = tarfile.TarInfo(evil_name)
    info.size = len(payload)
    evil = copy_with_extra_member(archive_and_empty_portal, tmp_path / "evil.tar.gz", info, payload)
    assert_refused(evil, settings, "ชี้ออกนอกโฟลเดอร์ปลายทาง")
    assert not (Path(settings.MEDIA_ROOT).parent / "escaped.txt").exists()
    assert not Path("/tmp/samma-absolute.txt").exists()


def test_a_symbolic_link_member_is_refused(archive_and_empty_portal, tmp_path, settings):
    link = tarfile.TarInfo("media/passwords")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    linked = copy_with_extra_member(archive_and_empty_portal, tmp_path / "linked.tar.gz", link)
    assert_refused(linked, settings, "ลิงก์")


@pytest.mark.parametrize(
    "leftover",
    ["user", "branded_province", "extra_category"],
)
def test_restore_refuses_a_database_that_already_holds_portal_content(
    archive_and_empty_portal, settings, leftover, lampang
):
    if leftover == "user":
        make_person(email="someone@example.com", full_name="นายมี อยู่แล้ว", province=lampang)
        reason = "ผู้ใช้ 1 รายการ"
    elif leftover == "branded_province":
        Province.objects.filter(code=52).update(site_title="เว็บไซต์ที่ตั้งค่าแล้ว")
        reason = "จังหวัดที่เพิ่มหรือแก้ไขข้อมูลแล้ว 1 รายการ"
    else:
        Category.objects.create(name="หมวดที่เพิ่มเอง", slug="own-category")
        reason = "หมวดองค์ความรู้ที่เพิ่มหรือแก้ไขแล้ว 1 รายการ"
    message = assert_refused(archive_and_empty_portal, settings, "ฐานข้อมูลปลายทางไม่ว่าง")
    assert reason in message


def test_dry_run_checks_the_archive_and_the_target_without_restoring(archive_and_empty_portal, settings):
    before = unchanged_state(settings)
    output = restore(archive_and_empty_portal, dry_run=True)
    assert "ตรวจแล้ว (ไม่ได้กู้คืน)" in output
    assert unchanged_state(settings) == before
    assert not [name for name in os.listdir(settings.MEDIA_ROOT) if name.startswith(".samma-restore-")]


def test_a_manifest_without_its_checksums_is_refused(archive_and_empty_portal, tmp_path, settings):
    def strip_checksums(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["members"] = {member: {"size": entry["size"]} for member, entry in manifest["members"].items()}
        return json.dumps(manifest).encode()

    stripped = rewrite_archive(archive_and_empty_portal, tmp_path / "no-checksums.tar.gz", strip_checksums)
    assert_refused(stripped, settings, "manifest.json ในไฟล์สำรองไม่ครบ")


def test_a_backup_from_a_newer_portal_is_refused(archive_and_empty_portal, tmp_path, settings):
    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["portal"]["migrations"]["articles"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    assert_refused(rewrite_archive(archive_and_empty_portal, tmp_path / "newer.tar.gz", newer), settings, "รุ่นที่ใหม่กว่า")


def test_a_failure_while_loading_rows_rolls_everything_back(archive_and_empty_portal, tmp_path, settings):
    """A dump whose rows do not fit the schema, with checksums to match: nothing is half restored."""
    changed = {}

    def break_rows(name, data):
        if name == "database.json":
            rows = json.loads(data)
            article = next(row for row in rows if row["model"] == "articles.article")
            article["fields"]["province"] = 9999  # no such province
            changed[name] = json.dumps(rows, ensure_ascii=False).encode()
            return changed[name]
        if name == "manifest.json":  # the last member
            manifest = json.loads(data)
            manifest["members"]["database.json"] = {
                "sha256": hashlib.sha256(changed["database.json"]).hexdigest(),
                "size": len(changed["database.json"]),
            }
            return json.dumps(manifest, ensure_ascii=False).encode()
        return data

    broken = rewrite_archive(archive_and_empty_portal, tmp_path / "broken.tar.gz", break_rows)
    message = assert_refused(broken, settings, "นำข้อมูลจาก database.json เข้าฐานข้อมูลไม่สำเร็จ")
    assert "ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ" in message
    assert Province.objects.count() == 77 and not OfficerProfile.objects.exists()


# --- From the command line -----------------------------------------------------------------


def run_manage(*args, media: Path, database: Path | None = None, database_url: str = "") -> subprocess.CompletedProcess:
    """manage.py in its own process, on its own database (an SQLite file unless a URL is given)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samma_portal.settings_test",
             "DATABASE_URL": database_url or f"sqlite:///{database}", "MEDIA_ROOT": str(media)},
    )


def test_command_line_round_trip_and_non_zero_exit_when_the_target_is_not_empty(db, tmp_path, seeds_dir, settings):
    """Two separate SQLite portals, as on two servers: back up one, restore into the other,
    then into this suite's own database (PostgreSQL under make test-postgres)."""
    old_db, old_media = tmp_path / "old.sqlite3", tmp_path / "old-media"
    new_db, new_media = tmp_path / "new.sqlite3", tmp_path / "new-media"
    for database, media in ((old_db, old_media), (new_db, new_media)):
        migrated = run_manage("migrate", "--noinput", "--skip-checks", "-v", "0", database=database, media=media)
        assert migrated.returncode == 0, migrated.stderr
    imported = run_manage("import_km", *map(str, sorted(seeds_dir.glob("*.txt"))), database=old_db, media=old_media)
    assert imported.returncode == 0, imported.stderr

    backed_up = run_manage("backup_portal", str(tmp_path / "backups"), database=old_db, media=old_media)
    assert backed_up.returncode == 0, backed_up.stderr
    archive = next((tmp_path / "backups").glob("samma-backup-*.tar.gz"))

    restored = run_manage("restore_portal", str(archive), database=new_db, media=new_media)
    assert restored.returncode == 0, restored.stderr
    assert "บทความ 3 รายการ" in restored.stdout

    again = run_manage("restore_portal", str(archive), database=new_db, media=new_media)
    assert again.returncode != 0
    assert "ฐานข้อมูลปลายทางไม่ว่าง" in again.stderr and "บทความ 3 รายการ" in again.stderr

    restore(archive)
    with sqlite3.connect(new_db) as restored_elsewhere:
        expected = restored_elsewhere.execute(
            "SELECT id, title, search_text, version FROM articles_article ORDER BY id"
        ).fetchall()
    assert list(Article.objects.order_by("id").values_list("id", "title", "search_text", "version")) == expected
    assert Section.objects.count() == 6 + 6 + 5
