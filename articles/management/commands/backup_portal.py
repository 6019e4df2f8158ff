from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, create_backup
from articles.storage_safety import MEDIA_NOT_ON_DISK, media_on_local_disk


def progress_printer(command, verbosity: int, label: str):
    """A file-progress callback printing "label N/M" about ten times per run (every file at -v 2)."""

    def report(done: int, total: int) -> None:
        if verbosity < 1 or total == 0:
            return
        step = 1 if verbosity >= 2 else max(1, total // 10)
        if done == total or (done and done % step == 0):
            command.stdout.write(f"{label} {done}/{total}")

    return report


class Command(BaseCommand):
    help = (
        "สำรองพอร์ทัลทั้งหมด (ฐานข้อมูล บัญชีผู้ใช้ ประวัติการตรวจสอบ และไฟล์สื่อ) "
        "เป็นไฟล์เดียว samma-backup-ปปปปดดวว-ชชนนวว.tar.gz ในโฟลเดอร์ที่ระบุ "
        "กู้คืนด้วย restore_portal"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="โฟลเดอร์ที่จะเก็บไฟล์สำรอง (สร้างให้ถ้ายังไม่มี)")
        parser.add_argument(
            "--no-pg-dump",
            action="store_true",
            help="บน PostgreSQL ไม่ต้องเก็บ database.pgdump จาก pg_dump (database.json ยังอยู่ครบ)",
        )
        parser.add_argument("--pg-dump", metavar="PATH", help="ตำแหน่งโปรแกรม pg_dump (ค่าเริ่มต้น: หาให้ตามรุ่นเซิร์ฟเวอร์)")

    def handle(self, *args, **options):
        if not media_on_local_disk():
            raise CommandError(MEDIA_NOT_ON_DISK)
        verbosity = options["verbosity"]

        def say(text: str) -> None:
            if verbosity >= 1:
                self.stdout.write(text)

        try:
            result = create_backup(
                directory=options["directory"],
                pg_dump=options["pg_dump"],
                include_pg_dump=not options["no_pg_dump"],
                say=say,
                file_progress=progress_printer(self, verbosity, "เก็บไฟล์สื่อแล้ว"),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result.missing_media:
            self.stderr.write(
                self.style.WARNING(
                    f"ข้อมูลอ้างถึงไฟล์ที่ไม่พบใน MEDIA_ROOT {len(result.missing_media)} ไฟล์ "
                    f"(รายชื่ออยู่ใน manifest.json): {', '.join(result.missing_media[:5])}"
                )
            )
        if verbosity >= 2:
            for label, count in result.counts.items():
                self.stdout.write(f"  {label}: {count}")
        articles = result.counts.get("articles.article", 0)
        users = result.counts.get("accounts.user", 0)
        size = result.path.stat().st_size / 1024 / 1024
        extra = " พร้อม database.pgdump" if result.has_pg_dump else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"สำรองแล้วที่ {result.path} ({size:.1f} MB): บทความ {articles} รายการ "
                f"ผู้ใช้ {users} บัญชี ไฟล์สื่อ {result.media_files} ไฟล์{extra}"
            )
        )
