import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.legacy import LegacyParseError, parse_bytes
from articles.models import Article
from articles.page_cache import changes_batched
from articles.services import (
    ArticleImportError,
    PlaceDirectory,
    import_exported_article,
    import_legacy_article,
    reset_article_sequences,
)
from articles.storage_safety import atomic_with_files
from provinces.models import Province

# Legacy documents are a few pages of text; anything far larger is not one.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_JSON_BYTES = 500 * 1024 * 1024
# Files committed together: each file is still all-or-nothing (a savepoint of its own), but a
# commit and the page cache's invalidation happen once per batch, not once per document.
FILES_PER_COMMIT = 100


class DryRunRollback(Exception):
    """Raised inside the per-file transaction to undo a --dry-run."""


class Command(BaseCommand):
    help = (
        "นำเข้าบทความองค์ความรู้จากเว็บไซต์สัมมาชีพชุมชนจังหวัดเดิม (ไฟล์ข้อความ .txt) "
        "หรือจากไฟล์ส่งออก JSON ของ export_km แต่ละไฟล์บันทึกครบทั้งไฟล์หรือไม่บันทึกเลย นำเข้าซ้ำจะปรับปรุงบทความเดิม"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="ไฟล์ .txt/.json หรือโฟลเดอร์")
        parser.add_argument(
            "--province", type=int, metavar="CODE", help="รหัสจังหวัด สำหรับเอกสารที่ไม่ระบุจังหวัด"
        )
        parser.add_argument(
            "--status",
            choices=[Article.Status.PUBLISHED, Article.Status.DRAFT],
            help="สถานะของบทความที่นำเข้า (ค่าเริ่มต้น: published สำหรับ .txt, ตามไฟล์สำหรับ JSON)",
        )
        parser.add_argument("--dry-run", action="store_true", help="ตรวจทุกไฟล์โดยไม่บันทึกลงฐานข้อมูล")

    def handle(self, *args, **options):
        fallback = None
        if options["province"] is not None:
            fallback = Province.objects.filter(code=options["province"]).first()
            if fallback is None:
                raise CommandError(f"ไม่รู้จักรหัสจังหวัด {options['province']} (รหัสกรมการปกครอง 10–96)")
        files = self._collect(options["paths"])
        places = PlaceDirectory()
        failures: list[str] = []
        counts = {"created": 0, "updated": 0}
        total = len(files)
        for start in range(0, total, FILES_PER_COMMIT):
            done: list[str] = []
            # Cached public pages are cleared once per batch (and again as it commits), not per file.
            with atomic_with_files(), changes_batched():
                for number, path in enumerate(files[start:start + FILES_PER_COMMIT], start=start + 1):
                    try:
                        results = self._import_file(path, fallback, options["status"], options["dry_run"], places)
                    except (LegacyParseError, ArticleImportError) as error:
                        failures.append(f"{path}: {error}")
                        self.stderr.write(self.style.ERROR(f"[{number}/{total}] {path}: {error}"))
                        continue
                    for title, created in results:
                        counts["created" if created else "updated"] += 1
                        action = "สร้างใหม่" if created else "ปรับปรุง"
                        done.append(f"[{number}/{total}] {path.name}: {action} “{title}”")
            # Reported once committed, so a line on the screen is an article in the database.
            if options["verbosity"] >= 1:
                for line in done:
                    self.stdout.write(line)
        verb = "ตรวจแล้ว (ไม่บันทึก)" if options["dry_run"] else "นำเข้าแล้ว"
        summary = (
            f"{verb}: สร้างใหม่ {counts['created']} ปรับปรุง {counts['updated']} "
            f"ผิดพลาด {len(failures)} จาก {total} ไฟล์"
        )
        if failures:
            raise CommandError(summary + "\n" + "\n".join(failures))
        self.stdout.write(self.style.SUCCESS(summary))

    def _collect(self, raw_paths: list[str]) -> list[Path]:
        files: list[Path] = []
        for raw in raw_paths:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in {".txt", ".json"}))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"ไม่พบไฟล์ {raw}")
        if not files:
            raise CommandError("ไม่พบไฟล์ .txt หรือ .json ที่จะนำเข้า")
        return files

    def _import_file(self, path: Path, fallback, status, dry_run, places) -> list[tuple[str, bool]]:
        """Import one file in a savepoint of its own; nothing of it is written if any part fails."""
        is_json = path.suffix.lower() == ".json"
        limit = MAX_JSON_BYTES if is_json else MAX_DOCUMENT_BYTES
        size = path.stat().st_size
        if size > limit:
            raise ArticleImportError(
                f"ไฟล์ใหญ่ {size / 1024 / 1024:.1f} MB เกินกว่าเอกสารบทความปกติ "
                f"(ไม่เกิน {limit // 1024 // 1024} MB) ตรวจสอบว่าเลือกไฟล์ถูกต้อง"
            )
        data = path.read_bytes()
        results: list[tuple[str, bool]] = []
        try:
            # Photos' display sizes are files: a file that fails (or a dry run) removes those it wrote.
            with atomic_with_files():
                if is_json:
                    for item in _json_articles(data):
                        result = import_exported_article(data=item, status=status)
                        results.append((result.article.title, result.created))
                    reset_article_sequences()
                else:
                    parsed = parse_bytes(data)
                    result = import_legacy_article(
                        parsed=parsed,
                        fallback_province=fallback,
                        status=status or Article.Status.PUBLISHED,
                        places=places,
                    )
                    results.append((result.article.title, result.created))
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        return results


def _json_articles(data: bytes) -> list[dict]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArticleImportError(f"ไฟล์ JSON อ่านไม่ได้: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("articles"), list):
        raise ArticleImportError('ไฟล์ JSON ต้องมีรูปแบบ {"articles": [...]} ตามที่ export_km ส่งออก')
    if not all(isinstance(item, dict) for item in document["articles"]):
        raise ArticleImportError("รายการใน articles ต้องเป็นออบเจ็กต์ของบทความ")
    return document["articles"]
