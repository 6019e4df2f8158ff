from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.storage_safety import MEDIA_NOT_ON_DISK, audit_media, media_on_local_disk, remove_media_files

DEFAULT_MIN_AGE_MINUTES = 60


def _size(total_bytes: int) -> str:
    return f"{total_bytes / 1024 / 1024:.1f} MB"


class Command(BaseCommand):
    help = (
        "ลบไฟล์ใน MEDIA_ROOT ที่ไม่มีข้อมูลใดในฐานข้อมูลอ้างถึง (ตรวจทุกช่องไฟล์และรูปภาพของทุกตาราง) "
        "ไม่แตะไฟล์ที่ใหม่กว่าระยะผ่อนผัน เพื่อไม่ลบรูปที่กำลังอัปโหลด"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="แสดงไฟล์ที่จะลบ โดยไม่ลบจริง")
        parser.add_argument(
            "--min-age",
            type=int,
            default=DEFAULT_MIN_AGE_MINUTES,
            metavar="MINUTES",
            help=f"ลบเฉพาะไฟล์ที่เก่ากว่านี้ (นาที ค่าเริ่มต้น {DEFAULT_MIN_AGE_MINUTES})",
        )

    def handle(self, *args, **options):
        if not media_on_local_disk():
            raise CommandError(MEDIA_NOT_ON_DISK)
        if options["min_age"] < 0:
            raise CommandError("--min-age ต้องเป็นจำนวนนาทีตั้งแต่ 0 ขึ้นไป")
        verbosity = options["verbosity"]
        dry_run = options["dry_run"]
        audit = audit_media(min_age_seconds=options["min_age"] * 60)
        if verbosity >= 1:
            self.stdout.write(
                f"ไฟล์ใน {settings.MEDIA_ROOT}: มีข้อมูลอ้างถึง {audit.referenced_count} ไฟล์ "
                f"ไม่มีข้อมูลอ้างถึง {len(audit.orphans) + len(audit.young_orphans)} ไฟล์"
            )
        if audit.young_orphans and verbosity >= 1:
            self.stdout.write(
                f"ข้าม {len(audit.young_orphans)} ไฟล์ที่ใหม่กว่า {options['min_age']} นาที "
                "(อาจเป็นรูปที่กำลังบันทึก)"
            )
            if verbosity >= 2:
                for file in audit.young_orphans:
                    self.stdout.write(f"  ข้าม {file.name}")
        if audit.missing:
            self.stderr.write(
                self.style.WARNING(
                    f"มีข้อมูลอ้างถึงไฟล์ที่ไม่พบบนดิสก์ {len(audit.missing)} ไฟล์ "
                    "(กู้คืนจากไฟล์สำรองด้วย restore_portal หรือแก้ไขรายการนั้นในหน้าผู้ดูแลระบบ)"
                )
            )
            if verbosity >= 2:
                for name in audit.missing:
                    self.stderr.write(f"  ไม่พบ {name}")
        if audit.restore_folders:
            self.stderr.write(
                self.style.WARNING(
                    "ไม่แตะโฟลเดอร์ของการกู้คืนข้อมูล (restore_portal) "
                    + ", ".join(audit.restore_folders)
                    + " ถ้าไม่มีการกู้คืนทำงานอยู่ แสดงว่าค้างจากการกู้คืนที่หยุดกลางคัน ลบทิ้งได้"
                )
            )
        if dry_run:
            for file in audit.orphans:
                if verbosity >= 1:
                    self.stdout.write(f"  จะลบ {file.name} ({_size(file.size)})")
            total = sum(file.size for file in audit.orphans)
            self.stdout.write(
                self.style.SUCCESS(
                    f"ทดลอง (ไม่ได้ลบจริง): จะลบ {len(audit.orphans)} ไฟล์ รวม {_size(total)}"
                )
            )
            return
        removed = remove_media_files(audit.orphans)
        if verbosity >= 1:
            for file in removed:
                self.stdout.write(f"  ลบ {file.name} ({_size(file.size)})")
        kept = len(audit.orphans) - len(removed)
        summary = f"ลบไฟล์ที่ไม่มีข้อมูลอ้างถึงแล้ว {len(removed)} ไฟล์ รวม {_size(sum(f.size for f in removed))}"
        if kept:
            summary += f" (คงไว้ {kept} ไฟล์ที่มีข้อมูลเริ่มอ้างถึงระหว่างตรวจ)"
        self.stdout.write(self.style.SUCCESS(summary))
