from datetime import datetime

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.backup import BackupError, restore_backup
from articles.management.commands.backup_portal import progress_printer
from articles.storage_safety import MEDIA_NOT_ON_DISK, media_on_local_disk
from articles.templatetags.thai_dates import thai_date


class Command(BaseCommand):
    help = (
        "กู้คืนพอร์ทัลจากไฟล์สำรองของ backup_portal เข้าฐานข้อมูลใหม่ที่ผ่าน migrate แล้วและยังไม่มีข้อมูล "
        "ตรวจค่า sha256 ของทุกไฟล์ก่อน นำข้อมูลเข้าในธุรกรรมเดียว แล้วจึงวางไฟล์สื่อใน MEDIA_ROOT"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="ARCHIVE", help="ไฟล์ samma-backup-….tar.gz")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="ตรวจไฟล์สำรองและฐานข้อมูลปลายทางโดยไม่กู้คืนจริง",
        )

    def handle(self, *args, **options):
        if not media_on_local_disk():
            raise CommandError(MEDIA_NOT_ON_DISK)
        verbosity = options["verbosity"]

        def say(text: str) -> None:
            if verbosity >= 1:
                self.stdout.write(text)

        try:
            result = restore_backup(
                archive=options["archive"],
                dry_run=options["dry_run"],
                say=say,
                file_progress=progress_printer(self, verbosity, "แตกไฟล์สื่อแล้ว"),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        created = _when(result.manifest.get("created_at", ""))
        if verbosity >= 1:
            for label, count in result.counts.items():
                if count or verbosity >= 2:
                    self.stdout.write(f"  {_verbose_name(label)}: {count}")
        if options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"ตรวจแล้ว (ไม่ได้กู้คืน): ไฟล์สำรองเมื่อ {created} ครบถ้วน "
                    f"ไฟล์สื่อ {result.media_files} ไฟล์ และฐานข้อมูลปลายทางพร้อมรับข้อมูล"
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"กู้คืนข้อมูลจากไฟล์สำรองเมื่อ {created} แล้ว: บทความ {result.counts.get('articles.article', 0)} "
                f"รายการ ผู้ใช้ {result.counts.get('accounts.user', 0)} บัญชี ไฟล์สื่อ {result.media_files} ไฟล์ "
                "(ผู้ใช้ต้องเข้าสู่ระบบใหม่)"
            )
        )


def _when(iso: str) -> str:
    """The backup's time as Thai readers write it: 21 พฤศจิกายน 2569 เวลา 06:52 น."""
    try:
        moment = timezone.localtime(datetime.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso or "(ไม่ทราบเวลา)"
    return f"{thai_date(moment)} เวลา {moment:%H:%M} น."


def _verbose_name(label: str) -> str:
    try:
        return f"{apps.get_model(label)._meta.verbose_name} ({label})"
    except LookupError:
        return label
