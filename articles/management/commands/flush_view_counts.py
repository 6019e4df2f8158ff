from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles import view_counts


class Command(BaseCommand):
    help = (
        "เขียนจำนวนผู้อ่านบทความที่นับไว้ในแคชลงฐานข้อมูล ให้ cron เรียกทุกไม่กี่นาที "
        "(มีผลเมื่อใช้ Redis ซึ่งทุกโปรเซสใช้ร่วมกัน ถ้าแคชอยู่ในหน่วยความจำ แต่ละโปรเซสของเว็บเขียนของตนเอง)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="แสดงจำนวนที่รอเขียน โดยไม่เขียนลงฐานข้อมูล")

    def handle(self, *args, **options):
        if options["dry_run"]:
            waiting = view_counts.waiting_counts()
            self.stdout.write(f"รอเขียน {sum(waiting.values())} ครั้ง ใน {len(waiting)} บทความ")
            return
        try:
            written = view_counts.flush()
        except DatabaseError as error:
            raise CommandError(
                f"เขียนจำนวนผู้อ่านลงฐานข้อมูลไม่ได้: {error} จำนวนที่นับไว้ยังอยู่ในแคช ลองใหม่เมื่อฐานข้อมูลพร้อม"
            ) from error
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"บันทึกจำนวนผู้อ่านแล้ว {written} ครั้ง"))
