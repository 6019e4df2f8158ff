import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.selectors import CSV_COLUMNS, articles_for_export, export_article, export_csv_row
from provinces.models import Province


class Command(BaseCommand):
    help = "ส่งออกบทความเป็นข้อมูลเปิด (JSON หรือ CSV) ตามแบบ data.go.th"

    def add_arguments(self, parser):
        parser.add_argument("--province", metavar="SLUG", help="เฉพาะจังหวัดนี้ เช่น lampang")
        parser.add_argument("--status", choices=Article.Status.values, help="เฉพาะสถานะนี้")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("-o", "--output", metavar="FILE", help="ไฟล์ผลลัพธ์ (ค่าเริ่มต้น: แสดงทางหน้าจอ)")

    def handle(self, *args, **options):
        if options["province"] and not Province.objects.filter(slug=options["province"]).exists():
            raise CommandError(f"ไม่รู้จักจังหวัด “{options['province']}” (ใช้ชื่อในลิงก์ เช่น lampang)")
        articles = articles_for_export(province_slug=options["province"], status=options["status"])
        exported = [export_article(article) for article in articles.iterator(chunk_size=500)]
        output = open(options["output"], "w", encoding="utf-8", newline="") if options["output"] else sys.stdout
        try:
            if options["format"] == "json":
                json.dump({"articles": exported}, output, ensure_ascii=False, indent=2)
                output.write("\n")
            else:
                writer = csv.writer(output)
                writer.writerow(CSV_COLUMNS)
                writer.writerows(export_csv_row(item) for item in exported)
        finally:
            if output is not sys.stdout:
                output.close()
        if options["output"]:
            self.stderr.write(self.style.SUCCESS(f"ส่งออก {len(exported)} บทความไปที่ {options['output']}"))
