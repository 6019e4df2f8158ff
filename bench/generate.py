"""Fill a PostgreSQL database with realistic Thai KM articles for the benchmark.

    DATABASE_URL=postgres://… .venv/bin/python bench/generate.py --articles 100000

Articles are spread over every active province and district, dated over ten
years, with ~6 sections of text assembled from the words of the portal's demo
articles and ~3 image rows pointing at a few real files. Rows go in with COPY,
generated in one thread while PostgreSQL ingests earlier batches over two
connections; the B-tree indexes are rebuilt once at the end.
"""

import argparse
import io
import os
import queue
import random
import re
import sys
import threading
import time
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samma_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402

from articles.images import clean_uploaded_image, make_display_sizes  # noqa: E402
from articles.legacy import parse_bytes  # noqa: E402
from articles.management.commands.load_demo import DEMO_DIR, demo_picture  # noqa: E402
from articles.models import Article, ArticleImage, ArticleTransition, Category, Section, SectionKey  # noqa: E402
from articles.text import normalise_for_search  # noqa: E402
from provinces.models import District  # noqa: E402

FIRST_NAMES = [
    "สมชาย", "สมศรี", "กนกพร", "ธนากร", "วิไลวรรณ", "ประเสริฐ", "สุรเชษฐ์", "ดวงใจ", "อรอำไพ", "พงศธร",
    "จิราพร", "อภิชาติ", "ศิริพร", "ณัฐวุฒิ", "รัตนา", "กิตติพงษ์", "มาลัย", "วีระพงษ์", "ปิยะนุช", "อนุชา",
]
LAST_NAMES = [
    "ใจดี", "แสนคำ", "บุญมาก", "ศรีสุข", "ทองดี", "คำมูล", "พึ่งบุญ", "สุกันทา", "มีสุข", "แก้วมณี",
    "ชัยวงศ์", "อินทรวงศ์", "สมบูรณ์", "ปัญญาดี", "วงศ์ใหญ่", "รุ่งเรือง", "จันทร์เพ็ญ", "เพชรรัตน์",
]
TITLES = ["นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "สิบเอกหญิง"]
POSITIONS = [
    "นักวิชาการพัฒนาชุมชนปฏิบัติการ", "นักวิชาการพัฒนาชุมชนชำนาญการ", "เจ้าหน้าที่พัฒนาชุมชน",
    "พัฒนาการอำเภอ", "นักวิชาการพัฒนาชุมชน",
]
TOPICS = [
    "การเพาะเห็ด", "การทอผ้าไหม", "เครื่องจักสาน", "ไก่ไข่", "ปลาแดดเดียว", "กลุ่มออมทรัพย์", "ทุนชุมชน",
    "ผลิตภัณฑ์ OTOP", "ตลาดชุมชน", "น้ำพริกแปรรูป", "สบู่สมุนไพร", "ผ้ามัดย้อม", "ข้าวอินทรีย์", "ปุ๋ยหมัก",
]
SECTION_KEYS = [SectionKey.BACKGROUND, SectionKey.OBJECTIVES, SectionKey.MATERIALS,
                SectionKey.EQUIPMENT, SectionKey.PROCESS, SectionKey.CAUTIONS]
IMAGE_FILES = 4
TRIGRAM_INDEX = "article_search_text_trgm"  # articles/migrations/0003_search_trigram.py
# The trigram index's pending list during the load (default 4 MB). Merged entries' pages are
# reused, so the index ends about twice the size of a fresh build (350 against 176 MB at
# 100,000 articles), as one grown by years of inserts does; a 2 GB list left 3 GB of pages.
PENDING_LIST_KB = 64 * 1024
PARAGRAPH_POOL = 20_000


def demo_vocabulary() -> list[str]:
    """Space-separated Thai phrases from the demo articles: the benchmark's word list."""
    phrases: list[str] = []
    for path in sorted(DEMO_DIR.glob("*.txt")):
        parsed = parse_bytes(path.read_bytes())
        for section in parsed.sections:
            for line in section.lines:
                phrases.extend(p for p in re.split(r"[\s]+", line) if len(p) > 1)
    return phrases


def copy_escape(value) -> str:
    """A value in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Table:
    """A model's table for COPY: every concrete column, with generated values or the field default."""

    def __init__(self, model, explicit_id: bool = False):
        self.model = model
        # Rows other than articles take their ids from the table's sequence.
        self.fields = [f for f in model._meta.concrete_fields if explicit_id or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for field in self.fields:
            if field.has_default():
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, **values) -> None:
        row = []
        for field in self.fields:
            if field.attname in values:
                row.append(values[field.attname])
            elif field.attname in self.defaults:
                row.append(self.defaults[field.attname])
            else:
                raise KeyError(f"{self.model.__name__}.{field.attname} needs a value")
        self.buffer.write("\t".join(copy_escape(v) for v in row))
        self.buffer.write("\n")
        self.rows += 1

    def take(self) -> tuple[str, list[str], str]:
        data = self.buffer.getvalue()
        self.buffer = io.StringIO()
        return self.model._meta.db_table, self.columns, data


def real_image_rows() -> list[dict]:
    """A few real JPEG files (with their display sizes) that all image rows point at."""
    rows = []
    for number in range(IMAGE_FILES):
        picture = demo_picture(((200, 215, 180), (90, 120, 60 + number * 20)), number)
        clean = clean_uploaded_image(ContentFile(picture, name="photo.jpg"))
        image = ArticleImage()
        image.image.save(f"bench-photo{number}.jpg", clean.content, save=False)
        make_display_sizes(image)
        rows.append({"image": image.image.name, "large": image.large.name,
                     "thumbnail": image.thumbnail.name, "width": clean.width, "height": clean.height})
    return rows


def generate_batches(count: int, start_id: int, batch_size: int, rng: random.Random, out: queue.Queue):
    """Produce COPY payloads on the queue; a failure is handed over too, never swallowed."""
    try:
        _generate_batches(count, start_id, batch_size, rng, out)
    except BaseException as error:  # the consumer re-raises it in the main thread
        out.put(error)
    finally:
        connection.close()  # this thread's own database connection


def _generate_batches(count: int, start_id: int, batch_size: int, rng: random.Random, out: queue.Queue):
    words = demo_vocabulary()
    districts = list(District.objects.filter(province__is_active=True).select_related("province"))
    categories = [(pk, normalise_for_search(name)) for pk, name in Category.objects.values_list("id", "name")]
    images = real_image_rows()
    headings = {key: SectionKey(key).label for key in SECTION_KEYS}
    tables = {m: Table(m, explicit_id=m is Article) for m in (Article, Section, ArticleImage, ArticleTransition)}
    now = datetime.now(dt_timezone.utc)
    ten_years = 3650

    def sentence(low: int, high: int) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))

    # Paragraphs are drawn from a large pool made once, each kept with its normalised
    # search form, so that an article costs a few choices rather than ~150 word draws.
    pool = [sentence(6, 14) for _ in range(PARAGRAPH_POOL)]
    pool_html = [f"<p>{paragraph}</p>" for paragraph in pool]
    pool_search = [normalise_for_search(paragraph) for paragraph in pool]
    captions = [sentence(2, 4)[:120] for _ in range(PARAGRAPH_POOL // 10)]
    heading_search = {key: normalise_for_search(heading) for key, heading in headings.items()}
    place_search = {d.pk: normalise_for_search(f"{d.office_name} {d.province.name_th} {d.name_th}") for d in districts}

    put = 0  # articles handed to the loaders so far
    for offset in range(count):
        article_id = start_id + offset
        district = rng.choice(districts)
        written = (now - timedelta(days=rng.randint(0, ten_years))).date()
        published_at = datetime(written.year, written.month, written.day, 9, 0, tzinfo=dt_timezone.utc) + timedelta(
            days=rng.randint(0, 20))
        title = f"{rng.choice(TOPICS)}{sentence(2, 4).replace(' ', '')[:60]}"
        author = f"{rng.choice(TITLES)}{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        position = rng.choice(POSITIONS)
        office = district.office_name
        category_id, category_search = rng.choice(categories)
        texts = [normalise_for_search(f"{title} {author} {position}"), place_search[district.pk], category_search]
        for position_number, key in enumerate(SECTION_KEYS, start=1):
            chosen = [rng.randrange(PARAGRAPH_POOL) for _ in range(rng.randint(1, 3))]
            texts.append(heading_search[key])
            texts.extend(pool_search[i] for i in chosen)
            tables[Section].add(
                article_id=article_id, position=position_number, key=key, heading="",
                body="".join(pool_html[i] for i in chosen),
            )
        # The same text article_refresh_search_text builds: normalising is per character
        # and folds every run of white space into one space, so parts may be joined.
        search_text = " ".join(texts)
        tables[Article].add(
            id=article_id, title=title, category_id=category_id, author_id=None,
            author_name=author, author_position=position, province_id=district.province_id,
            district_id=district.pk, office=office, written_at=written, status=Article.Status.PUBLISHED,
            published_at=published_at, view_count=rng.randint(0, 5000), version=1, import_key=None,
            search_text=search_text, created_at=published_at, updated_at=published_at,
        )
        for image_position in range(1, rng.randint(2, 4) + 1):
            tables[ArticleImage].add(article_id=article_id, caption=rng.choice(captions), position=image_position,
                                     **rng.choice(images))
        tables[ArticleTransition].add(article_id=article_id, from_status="submitted", to_status="published",
                                      by_id=None, note="", at=published_at)
        if (offset + 1) % batch_size == 0 or offset + 1 == count:
            in_batch = tables[Article].rows - put
            put = tables[Article].rows
            out.put((in_batch, [tables[m].take() for m in (Article, Section, ArticleImage, ArticleTransition)]))
    out.put(None)


def secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """Indexes that back no constraint: safe to drop during the load and rebuild after."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """,
        [tables],
    )
    return cursor.fetchall()


def copy_batches(batches: queue.Queue, progress: "Progress", failures: list) -> None:
    """One loader: COPY batches off the queue over this thread's own connection until the end mark.

    A failure (its own, or the generator's handed over on the queue) goes into ``failures``,
    which stops every loader; the main thread raises it.
    """
    try:
        connection.ensure_connection()
        raw = connection.connection  # psycopg2's own connection, for copy_expert
        while not failures:
            item = batches.get()
            if isinstance(item, BaseException):
                failures.append(item)
                item = None
            if item is None:
                batches.put(None)  # the end mark, for the other loaders
                return
            count, payloads = item
            with raw.cursor() as cursor:
                for table, columns, data in payloads:
                    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(data))
            progress.add(count)
    except BaseException as error:
        failures.append(error)
    finally:
        connection.close()


class Progress:
    """Articles loaded so far, printed as the loaders finish batches."""

    def __init__(self, total: int, started: float) -> None:
        self.total, self.started, self.done = total, started, 0
        self.lock = threading.Lock()

    def add(self, count: int) -> None:
        with self.lock:
            self.done += count
            elapsed = time.monotonic() - self.started
            print(f"  articles {self.done:>9,}/{self.total:,}  {elapsed:6.1f} s  ({self.done / elapsed:,.0f}/s)",
                  flush=True)


def load(args, start_id: int, started: float) -> None:
    """Generate and COPY the articles: one generator thread, ``args.loaders`` loader threads."""
    batches: queue.Queue = queue.Queue(maxsize=args.loaders + 1)
    producer = threading.Thread(
        target=generate_batches, args=(args.articles, start_id, args.batch, random.Random(args.seed), batches),
        daemon=True,
    )
    progress = Progress(args.articles, started)
    failures: list[BaseException] = []
    loaders = [threading.Thread(target=copy_batches, args=(batches, progress, failures), daemon=True)
               for _ in range(args.loaders)]
    for thread in (producer, *loaders):
        thread.start()
    for thread in loaders:
        thread.join()
    if failures:
        raise failures[0]
    producer.join()


def restore_indexes(indexes: list[tuple[str, str]], model_tables: list[str]) -> None:
    """Merge the trigram index's pending list, rebuild the dropped indexes, move the sequences on."""
    print(f"  merging the trigram index and rebuilding {len(indexes)} indexes …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        index_started = time.monotonic()
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TRIGRAM_INDEX])
        if cursor.fetchone()[0]:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [TRIGRAM_INDEX])
            cursor.execute(f"ALTER INDEX {TRIGRAM_INDEX} RESET (gin_pending_list_limit)")
            print(f"    {TRIGRAM_INDEX}: {time.monotonic() - index_started:.1f} s", flush=True)
        for name, definition in indexes:
            index_started = time.monotonic()
            cursor.execute(definition)
            print(f"    {name}: {time.monotonic() - index_started:.1f} s", flush=True)
        for table in model_tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
        cursor.execute("VACUUM ANALYZE " + ", ".join(model_tables))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True, help="how many published articles to add")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--loaders", type=int, default=2, help="parallel COPY connections")
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--reset", action="store_true", help="delete existing articles first")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    if args.articles <= 0 or args.loaders <= 0:
        print("--articles and --loaders must be positive numbers", file=sys.stderr)
        return 2
    started = time.monotonic()
    model_tables = [m._meta.db_table for m in (Article, Section, ArticleImage, ArticleTransition)]
    with connection.cursor() as cursor:
        if args.reset:
            cursor.execute("TRUNCATE " + ", ".join(model_tables) + " RESTART IDENTITY CASCADE")
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM articles_article")
        start_id = cursor.fetchone()[0]
        # The B-tree indexes are dropped and rebuilt at the end. The trigram index stays: building
        # it afterwards is one single-core pass, most of it extracting trigrams from Thai text,
        # while kept it extracts them inside each loader's COPY, on every core at once. Its
        # pending list is made larger, so that entries reach the index tree in fewer, bigger merges.
        indexes = [index for index in secondary_indexes(cursor, model_tables) if index[0] != TRIGRAM_INDEX]
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute(f"ALTER INDEX IF EXISTS {TRIGRAM_INDEX} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
    connection.close()

    try:
        load(args, start_id, started)
    finally:
        # Also after a failed or interrupted load: the database keeps every index it had.
        restore_indexes(indexes, model_tables)
    print(f"done: {args.articles:,} articles in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
