"""Back up the whole portal into one dated archive, and restore it into an empty database.

The archive ``samma-backup-YYYYMMDD-HHMMSS.tar.gz`` holds:

- ``database.json``: the rows of the portal's own apps, user groups and the
  admin's change log in ``dumpdata``'s JSON format (times to the microsecond),
  with natural keys for content types, permissions and users. It loads the
  same on SQLite and PostgreSQL and is what ``restore_portal`` reads.
- ``database.pgdump`` (PostgreSQL only): ``pg_dump --format=custom`` of the
  same moment, for operators who restore with ``pg_restore``.
- ``open-data.json``: the published articles in the export_km shape, readable
  without the portal.
- ``media/…``: every file under MEDIA_ROOT.
- ``manifest.json``: format, time, schema (applied migrations), database
  vendor, row counts per model and the sha256 of every other member.

Logged-in sessions are not backed up (people sign in again after a restore);
content types and permissions are recreated by ``migrate`` and referred to by
natural key, so their ids may differ between databases.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import importlib
import json
import os
import platform
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from articles.storage_safety import (
    RESTORE_STAGING_PREFIX,
    MediaFile,
    find_media_files,
    referenced_media_names,
)

BACKUP_FORMAT = "samma-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_JSON = "database.json"
DATABASE_PGDUMP = "database.pgdump"
OPEN_DATA = "open-data.json"
MEDIA_PREFIX = "media/"
TOP_LEVEL_MEMBERS = {MANIFEST, DATABASE_JSON, DATABASE_PGDUMP, OPEN_DATA}
# Restored media wait here (inside MEDIA_ROOT, so moving them into place is a rename).
STAGING_PREFIX = RESTORE_STAGING_PREFIX
# Models besides the portal's own apps that hold what people did.
EXTRA_MODEL_LABELS = ("auth.group", "admin.logentry")
# Rows migrations load into every new database; the backup brings its own copy.
REFERENCE_MODEL_LABELS = ("provinces.province", "provinces.district", "articles.category")

FileProgress = Callable[[int, int], None]
Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is Thai and says what to do."""


# --- What is backed up ----------------------------------------------------------------


def portal_app_labels() -> list[str]:
    """The apps whose code is this project's (not Django's or a third party's)."""
    base = Path(settings.BASE_DIR).resolve()
    labels = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        third_party = {"site-packages", "dist-packages"} & set(path.parts)
        if base in path.parents and not third_party:
            labels.append(config.label)
    return labels


def backup_models() -> list[type[models.Model]]:
    """Every model whose rows the backup holds."""
    chosen = []
    for label in portal_app_labels():
        chosen.extend(model for model in apps.get_app_config(label).get_models() if not model._meta.proxy)
    chosen.extend(apps.get_model(label) for label in EXTRA_MODEL_LABELS if _installed(label))
    return chosen


def _installed(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def model_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per model ("articles.article": 12, …) for every backed-up model."""
    return {model._meta.label_lower: model._base_manager.using(using).count() for model in backup_models()}


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The schema a database is at: its applied migrations, by app."""
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(applied.items())}


# --- Backing up --------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    counts: dict[str, int]
    media_files: int
    media_bytes: int
    has_pg_dump: bool
    missing_media: list[str] = field(default_factory=list)


def create_backup(
    *,
    directory: Path | str,
    using: str = DEFAULT_DB_ALIAS,
    pg_dump: str | None = None,
    include_pg_dump: bool = True,
    say: Say = lambda text: None,
    file_progress: FileProgress = lambda done, total: None,
) -> BackupResult:
    """Write samma-backup-<date>-<time>.tar.gz into directory and return what it holds."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"สร้างโฟลเดอร์ปลายทาง {directory} ไม่ได้: {error.strerror or error}") from error
    if not os.access(directory, os.W_OK):
        raise BackupError(f"ไม่มีสิทธิ์เขียนไฟล์ในโฟลเดอร์ {directory}")
    created = timezone.localtime()
    final = directory / f"samma-backup-{created:%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(f"มีไฟล์ {final.name} อยู่แล้ว รอสักครู่แล้วสำรองใหม่ (ชื่อไฟล์ตามวินาทีที่สำรอง)")
    partial = directory / f".{final.name}.partial"
    connection = connections[using]
    workdir = Path(tempfile.mkdtemp(prefix="samma-backup-"))  # private (0700): it holds password hashes
    try:
        with _one_snapshot(connection) as snapshot:
            say("ส่งออกฐานข้อมูล (database.json)")
            dump_database(workdir / DATABASE_JSON, using)
            counts = model_counts(using)
            migrations = applied_migrations(using)
            referenced = referenced_media_names(using)
            say("ส่งออกข้อมูลเปิด (open-data.json)")
            _write_open_data(workdir / OPEN_DATA, using)
            has_pg_dump = connection.vendor == "postgresql" and include_pg_dump
            if has_pg_dump:
                say("สำรองด้วย pg_dump (database.pgdump)")
                _run_pg_dump(connection, workdir / DATABASE_PGDUMP, snapshot=snapshot, pg_dump=pg_dump)
        # A restore interrupted by a crash may have left its staging folder behind: not portal media.
        media = [file for file in find_media_files() if not file.name.startswith(STAGING_PREFIX)]
        missing = sorted(referenced - {file.name for file in media})
        manifest = {
            "format": BACKUP_FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "portal": {
                "django": django.get_version(),
                "python": platform.python_version(),
                "migrations": migrations,
            },
            "database": {
                "vendor": connection.vendor,
                "server_version": _server_version(connection),
                "counts": counts,
            },
            "media": {
                "files": len(media),
                "bytes": sum(file.size for file in media),
                "missing": missing,
            },
            "members": {},
        }
        _write_archive(partial, workdir, media, manifest, file_progress)
        os.replace(partial, final)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=final,
        counts=counts,
        media_files=len(media),
        media_bytes=manifest["media"]["bytes"],
        has_pg_dump=has_pg_dump,
        missing_media=missing,
    )


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeping microseconds: it cuts times to the millisecond, and a restore
    must give back exactly what was saved (a time of .000456 would come back as .000)."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def dump_database(path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """What ``dumpdata --natural-foreign --all`` writes for the backed-up models, times exact.

    Models come in dependency order (users before the rows naming them by
    natural key), rows by primary key, streamed to the file.
    """
    by_app: dict = {}
    for model in backup_models():
        by_app.setdefault(model._meta.app_config, []).append(model)
    ordered = serializers.sort_dependencies(by_app.items(), allow_cycles=True)

    def rows():
        for model in ordered:
            yield from model._base_manager.using(using).order_by(model._meta.pk.name).iterator(chunk_size=2000)

    with path.open("w", encoding="utf-8") as stream:
        serializers.serialize(
            "json", rows(), stream=stream, indent=1, use_natural_foreign_keys=True, cls=ExactJSONEncoder
        )


@contextmanager
def _one_snapshot(connection) -> Iterator[str | None]:
    """Read every table as of one moment, so the dump has no row without its parent.

    On PostgreSQL a REPEATABLE READ transaction, whose snapshot pg_dump shares
    (--snapshot); on SQLite one read transaction. Inside a caller's transaction
    the caller's view is used as it is.
    """
    if connection.in_atomic_block:
        yield None
        return
    with transaction.atomic(using=connection.alias):
        if connection.vendor != "postgresql":
            yield None
            return
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        yield snapshot


def _server_version(connection) -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version
        return f"{version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    return ""


def _write_open_data(path: Path, using: str) -> None:
    """The published articles as the open-data JSON export (import_km reads it back)."""
    from articles.models import Article
    from articles.selectors import articles_for_export, export_article

    articles = articles_for_export(status=Article.Status.PUBLISHED).live().using(using)
    with path.open("w", encoding="utf-8") as output:
        json.dump(
            {"articles": [export_article(article) for article in articles.iterator(chunk_size=500)]},
            output,
            ensure_ascii=False,
            indent=2,
        )
        output.write("\n")


def postgres_tool(name: str, connection, explicit: str | None = None) -> str:
    """The path of pg_dump/pg_restore able to talk to this server (same major version or newer)."""
    if explicit:
        if not (Path(explicit).is_file() and os.access(explicit, os.X_OK)):
            raise BackupError(f"ไม่พบโปรแกรม {explicit}")
        return explicit
    major = connection.pg_version // 10000
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
        reverse=True,
    )
    candidates += [path for path in installed if path.parts[-3].isdigit() and int(path.parts[-3]) >= major]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"ไม่พบโปรแกรม {name} สำหรับ PostgreSQL {major} "
        f"(ติดตั้งด้วย apt-get install postgresql-client-{major} หรือระบุด้วย --pg-dump)"
    )


def postgres_environment(settings_dict: dict) -> dict[str, str]:
    """Environment for libpq tools: the password and TLS options from settings.DATABASES."""
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "passfile": "PGPASSFILE",
        "service": "PGSERVICE",
    }.items():
        if options.get(option):
            environment[variable] = str(options[option])
    return environment


def postgres_connection_arguments(settings_dict: dict) -> list[str]:
    arguments = []
    for key, flag in (("HOST", "--host"), ("PORT", "--port"), ("USER", "--username"), ("NAME", "--dbname")):
        if settings_dict.get(key):
            arguments.append(f"{flag}={settings_dict[key]}")
    return arguments


def _run_pg_dump(connection, target: Path, *, snapshot: str | None, pg_dump: str | None) -> None:
    tool = postgres_tool("pg_dump", connection, pg_dump)
    command = [tool, "--format=custom", f"--file={target}", *postgres_connection_arguments(connection.settings_dict)]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    result = subprocess.run(
        command, capture_output=True, text=True, env=postgres_environment(connection.settings_dict)
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump ทำงานไม่สำเร็จ (รหัส {result.returncode}): {result.stderr.strip()}")


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    """Add one file under name; its size and sha256 for the manifest."""
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o644
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def _write_archive(
    partial: Path, workdir: Path, media: list[MediaFile], manifest: dict, file_progress: FileProgress
) -> None:
    """The database members, then the media files, then the manifest with every member's checksum."""
    # The archive holds password hashes: readable by its owner only.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when a crashed run left a .partial file behind
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        members = manifest["members"]
        for name in (DATABASE_JSON, DATABASE_PGDUMP, OPEN_DATA):
            if (workdir / name).exists():
                members[name] = _add_file(tar, workdir / name, name)
        total = len(media)
        file_progress(0, total)
        for done, file in enumerate(media, start=1):
            try:
                members[MEDIA_PREFIX + file.name] = _add_file(tar, file.path, MEDIA_PREFIX + file.name)
            except FileNotFoundError:
                manifest["media"]["files"] -= 1  # deleted since it was listed: no row can need it
                manifest["media"]["bytes"] -= file.size
            file_progress(done, total)
        payload = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(payload)
        info.mtime = int(timezone.now().timestamp())
        info.mode = 0o644
        tar.addfile(info, _BytesReader(payload))


class _BytesReader:
    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.payload) if size < 0 else self.offset + size
        chunk = self.payload[self.offset:end]
        self.offset += len(chunk)
        return chunk


# --- Restoring -------------------------------------------------------------------------------

# What reading a damaged, truncated or foreign archive raises.
ARCHIVE_ERRORS = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError)


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    media_files: int


def restore_backup(
    *,
    archive: Path | str,
    using: str = DEFAULT_DB_ALIAS,
    dry_run: bool = False,
    say: Say = lambda text: None,
    file_progress: FileProgress = lambda done, total: None,
) -> RestoreResult:
    """Restore an archive made by create_backup into an empty, migrated database.

    Everything is checked before anything is changed: the archive reads to its
    end, its members are safe paths, their checksums match the manifest, the
    database is at (or past) the backup's schema and holds no portal content.
    The rows then load in one transaction; the media files, extracted beside
    MEDIA_ROOT's contents, are moved into place only after it commits.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"ไม่พบไฟล์สำรอง {archive}")
    say(f"ตรวจไฟล์สำรอง {archive.name}")
    manifest, media_members = _read_index(archive)
    _check_schema(manifest, using)
    _check_target_is_empty(using)

    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(prefix="samma-restore-"))
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    try:
        _extract(archive, private, staging, media_members, manifest, say, file_progress)
        counts = manifest["database"]["counts"]
        if dry_run:
            return RestoreResult(manifest=manifest, counts=counts, media_files=len(media_members))
        say("นำข้อมูลเข้าฐานข้อมูล (ธุรกรรมเดียว)")
        _load_database(private / DATABASE_JSON, counts, using)
        say("ย้ายไฟล์สื่อเข้าที่")
        _move_media_into_place(staging / "media", media_root)
    finally:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(manifest=manifest, counts=counts, media_files=len(media_members))


def _damaged(archive: Path, error: BaseException) -> BackupError:
    return BackupError(
        f"ไฟล์สำรอง {archive.name} เสียหายหรือไม่สมบูรณ์ อ่านได้ไม่ครบ ({error}) "
        "ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ ให้ใช้ไฟล์สำรองชุดอื่น"
    )


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name and "\x00" not in name


def _read_index(archive: Path) -> tuple[dict, list[str]]:
    """The manifest and the media member names, after checking every member is expected and safe."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            members = tar.getmembers()  # reads the archive to its end: a truncated one fails here
            seen: set[str] = set()
            for member in members:
                name = member.name
                if not _safe_member_name(name):
                    raise BackupError(
                        f"ไฟล์สำรองมีรายการที่ชี้ออกนอกโฟลเดอร์ปลายทาง “{name}” จึงไม่กู้คืน "
                        "(ไฟล์นี้ไม่ได้สร้างด้วย backup_portal หรือถูกแก้ไข)"
                    )
                if not (member.isfile() or member.isdir()):
                    raise BackupError(f"ไฟล์สำรองมีรายการชนิดที่ไม่รองรับ (ลิงก์หรืออุปกรณ์) “{name}” จึงไม่กู้คืน")
                if member.isfile() and name not in TOP_LEVEL_MEMBERS and not name.startswith(MEDIA_PREFIX):
                    raise BackupError(f"ไฟล์สำรองมีรายการที่ไม่รู้จัก “{name}” จึงไม่กู้คืน")
                if member.isfile():
                    if name in seen:
                        raise BackupError(f"ไฟล์สำรองมีรายการ “{name}” ซ้ำกัน จึงไม่กู้คืน")
                    seen.add(name)
            if MANIFEST not in seen:
                raise BackupError(
                    f"ไฟล์ {archive.name} ไม่ใช่ไฟล์สำรองของพอร์ทัลสัมมาชีพชุมชน (ไม่มี {MANIFEST})"
                )
            manifest = json.loads(tar.extractfile(MANIFEST).read().decode("utf-8"))
    except BackupError:
        raise
    except json.JSONDecodeError as error:
        raise BackupError(f"{MANIFEST} ในไฟล์สำรองอ่านไม่ได้ ({error})") from error
    except ARCHIVE_ERRORS as error:
        raise _damaged(archive, error) from error
    except OSError as error:
        raise BackupError(f"อ่านไฟล์สำรอง {archive} ไม่ได้: {error.strerror or error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(f"ไฟล์ {archive.name} ไม่ใช่ไฟล์สำรองของพอร์ทัลสัมมาชีพชุมชน")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"ไฟล์สำรองรูปแบบรุ่น {manifest.get('format_version')} ซึ่งพอร์ทัลรุ่นนี้ไม่รู้จัก "
            f"(รองรับรุ่น {FORMAT_VERSION}) ให้กู้คืนด้วยพอร์ทัลรุ่นเดียวกับที่สำรอง"
        )
    if not _manifest_is_complete(manifest):
        raise BackupError(f"{MANIFEST} ในไฟล์สำรองไม่ครบ (ไม่มีรายการไฟล์ ค่าตรวจสอบ หรือจำนวนข้อมูล) จึงไม่กู้คืน")
    listed = set(manifest["members"])
    files = {member.name for member in members if member.isfile()} - {MANIFEST}
    if DATABASE_JSON not in listed:
        raise BackupError(f"ไฟล์สำรองไม่มี {DATABASE_JSON} จึงกู้คืนฐานข้อมูลไม่ได้")
    if listed != files:
        absent = sorted(listed - files)
        extra = sorted(files - listed)
        detail = f"ขาด {', '.join(absent[:5])}" if absent else f"มีไฟล์ที่ไม่อยู่ใน manifest {', '.join(extra[:5])}"
        raise BackupError(f"ไฟล์สำรองไม่ครบหรือถูกแก้ไข: {detail} ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ")
    media = sorted(name for name in files if name.startswith(MEDIA_PREFIX))
    return manifest, media


def _manifest_is_complete(manifest: dict) -> bool:
    """Whether the manifest has everything restoring relies on, in the types it expects."""
    members = manifest.get("members")
    database = manifest.get("database")
    portal = manifest.get("portal")
    return (
        isinstance(members, dict)
        and all(isinstance(entry, dict) and isinstance(entry.get("sha256"), str) for entry in members.values())
        and isinstance(database, dict)
        and isinstance(database.get("counts"), dict)
        and all(isinstance(count, int) for count in database["counts"].values())
        and isinstance(portal, dict)
        and isinstance(portal.get("migrations"), dict)
        and all(isinstance(names, list) for names in portal["migrations"].values())
    )


def _check_schema(manifest: dict, using: str) -> None:
    """The database must be fully migrated, and at least as far as the backup's portal was."""
    connection = connections[using]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(
            "ฐานข้อมูลปลายทางยังสร้างตารางไม่ครบ ให้รัน python manage.py migrate ก่อนกู้คืน"
        )
    applied = set(executor.loader.applied_migrations)
    wanted = {
        (app_label, name)
        for app_label, names in manifest["portal"]["migrations"].items()
        for name in names
    }
    newer = sorted(wanted - applied)
    if newer:
        listed = ", ".join(f"{app}.{name}" for app, name in newer[:5])
        raise BackupError(
            f"ไฟล์สำรองมาจากพอร์ทัลรุ่นที่ใหม่กว่าโปรแกรมที่ติดตั้งอยู่ (ยังไม่มี migration {listed}) "
            "ให้ติดตั้งพอร์ทัลรุ่นเดียวกับที่สำรองแล้ว migrate ก่อนกู้คืน"
        )


def _reference_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in REFERENCE_MODEL_LABELS]


def _defaults_of(model, row: dict) -> dict:
    """Every field a migration leaves at its default, for comparing a reference row."""
    return {
        field.attname: field.get_default()
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in row
    }


def portal_content_in_database(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What the database holds beyond a freshly migrated portal, in Thai ("บทความ 3 รายการ")."""
    from provinces.geography import district_rows, province_rows

    Province, District, Category = _reference_models()
    found = []
    reference = set(_reference_models())
    for model in backup_models():
        if model in reference:
            continue
        count = model._base_manager.using(using).count()
        if count:
            found.append(f"{model._meta.verbose_name} {count} รายการ")

    expected_provinces = {row["code"]: row for row in province_rows()}
    changed = 0
    for province in Province._base_manager.using(using).all():
        row = expected_provinces.get(province.code)
        if row is None or _differs(province, {**row, **_defaults_of(Province, row)}):
            changed += 1
    if changed:
        found.append(f"จังหวัดที่เพิ่มหรือแก้ไขข้อมูลแล้ว {changed} รายการ")

    expected_districts = {row["code"]: row for row in district_rows()}
    changed = 0
    for district in District._base_manager.using(using).select_related("province"):
        row = expected_districts.get(district.code)
        if row is None or row["province_code"] != district.province.code or _differs(
            district, {key: row[key] for key in ("name_th", "name_en", "postal_code")}
        ):
            changed += 1
    if changed:
        found.append(f"อำเภอที่เพิ่มหรือแก้ไขข้อมูลแล้ว {changed} รายการ")

    default_categories = importlib.import_module("articles.migrations.0002_default_categories").DEFAULT_CATEGORIES
    expected_categories = {slug: {"name": name, "position": position} for name, slug, position in default_categories}
    changed = 0
    for category in Category._base_manager.using(using).all():
        row = expected_categories.get(category.slug)
        if row is None or _differs(category, {**row, "description": ""}):
            changed += 1
    if changed:
        found.append(f"หมวดองค์ความรู้ที่เพิ่มหรือแก้ไขแล้ว {changed} รายการ")
    return found


def _differs(instance, expected: dict) -> bool:
    return any(getattr(instance, name) != value for name, value in expected.items())


def _check_target_is_empty(using: str) -> None:
    found = portal_content_in_database(using)
    if found:
        raise BackupError(
            "ฐานข้อมูลปลายทางไม่ว่าง มี " + ", ".join(found) + " — กู้คืนได้เฉพาะฐานข้อมูลใหม่ที่ผ่าน "
            "python manage.py migrate แล้วเท่านั้น เพื่อไม่ให้ข้อมูลที่มีอยู่ถูกเขียนทับหรือปนกัน "
            "ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _extract(
    archive: Path,
    private: Path,
    staging: Path,
    media_members: list[str],
    manifest: dict,
    say: Say,
    file_progress: FileProgress,
) -> None:
    """Extract the database members privately and the media into staging; verify every checksum."""
    wanted_media = set(media_members)
    total = len(media_members)
    done = 0
    file_progress(0, total)
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile() or member.name == MANIFEST:
                    continue
                target = staging if member.name in wanted_media else private
                # "data" refuses absolute paths, "..", links and devices even if our checks missed one.
                tar.extract(member, target, filter="data")
                expected = manifest["members"][member.name]["sha256"]
                if _sha256(target / member.name) != expected:
                    raise BackupError(
                        f"ไฟล์สำรองเสียหาย: {member.name} ไม่ตรงกับค่าตรวจสอบ (sha256) ใน {MANIFEST} "
                        "ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ ให้ใช้ไฟล์สำรองชุดอื่น"
                    )
                if member.name in wanted_media:
                    done += 1
                    file_progress(done, total)
    except BackupError:
        raise
    except ARCHIVE_ERRORS as error:
        raise _damaged(archive, error) from error
    except OSError as error:
        raise BackupError(
            f"แตกไฟล์สำรองไม่สำเร็จ ({error.strerror or error}) ตรวจพื้นที่ว่างและสิทธิ์ของ {staging.parent} "
            "ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ"
        ) from error


def _load_database(path: Path, counts: dict[str, int], using: str) -> None:
    """Replace the reference rows and load every row of the backup, all in one transaction."""
    connection = connections[using]
    Province, District, Category = _reference_models()
    with transaction.atomic(using=using):
        # The backup brings its own provinces (with their branding), districts and categories.
        District._base_manager.using(using).all().delete()
        Province._base_manager.using(using).all().delete()
        Category._base_manager.using(using).all().delete()
        try:
            call_command("loaddata", str(path), database=using, verbosity=0)
        except Exception as error:  # loaddata wraps whatever the rows did wrong
            raise BackupError(f"นำข้อมูลจาก {DATABASE_JSON} เข้าฐานข้อมูลไม่สำเร็จ ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ: {error}") from error
        # New rows must get ids after the restored ones (PostgreSQL sequences; SQLite needs nothing).
        statements = connection.ops.sequence_reset_sql(no_style(), backup_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        loaded = model_counts(using)
        different = {label: (count, loaded.get(label)) for label, count in counts.items() if loaded.get(label) != count}
        if different:
            detail = ", ".join(f"{label}: สำรองไว้ {want} นำเข้าได้ {got}" for label, (want, got) in different.items())
            raise BackupError(f"จำนวนข้อมูลหลังนำเข้าไม่ตรงกับไฟล์สำรอง ({detail}) ไม่ได้เปลี่ยนแปลงข้อมูลใด ๆ")


def _move_media_into_place(source: Path, media_root: Path) -> None:
    if not source.is_dir():
        return
    for folder, _subfolders, names in os.walk(source):
        for name in names:
            path = Path(folder) / name
            target = media_root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
