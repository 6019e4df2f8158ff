"""import_km against hostile files, and generated documents that must come through whole.

Every hostile file gets a clear Thai message naming it, a non-zero exit and an
unchanged database. Documents generated in a valid shape, of either template,
with random Thai text, come back with every body line in its section: from the
parser, and from the database after import_km.
"""

import datetime
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.legacy import STANDARD_HEADINGS, LegacyParseError, heading_key, parse_bytes
from articles.management.commands.import_km import MAX_DOCUMENT_BYTES
from articles.models import Article, ArticleImage, ArticleTransition, Category, Section, SectionKey
from articles.text import html_to_text
from tests.conftest import PROJECT_ROOT

NUMBERED_HEADING = re.compile(r"^\s*[0-9๐-๙]{1,2}\.\s")
LAMPANG_SEED = "000_f10f907b7f407258.txt"
UBON_SEED = "003_ccf3b9de1005d85b.txt"


def database_state() -> tuple:
    """Everything an import could touch, to compare before and after a refused file."""
    return (
        list(Article.objects.order_by("pk").values()),
        list(Section.objects.order_by("pk").values()),
        list(ArticleTransition.objects.order_by("pk").values()),
        list(ArticleImage.objects.order_by("pk").values()),
        list(Category.objects.order_by("pk").values()),
    )


# --- Hostile files ---------------------------------------------------------------------------


def _lampang(seeds_dir: Path) -> str:
    return (seeds_dir / LAMPANG_SEED).read_text(encoding="utf-8")


def _ubon(seeds_dir: Path) -> str:
    return (seeds_dir / UBON_SEED).read_text(encoding="utf-8")


def _cut_inside_a_thai_character(seeds_dir: Path) -> bytes:
    data = _lampang(seeds_dir).encode("utf-8")
    middle = len(data) // 2
    while data[middle] & 0xC0 != 0x80:  # move onto a continuation byte of a 3-byte Thai character
        middle += 1
    return data[:middle]


def _cut_before_the_first_heading(seeds_dir: Path) -> bytes:
    text = _lampang(seeds_dir)
    return text[: text.index("ความเป็นมา")].encode("utf-8")


def _without_web_headings(seeds_dir: Path) -> bytes:
    return "\n".join(line for line in _lampang(seeds_dir).splitlines() if "->" not in line).encode("utf-8")


def _without_record_headings(seeds_dir: Path) -> bytes:
    """The KM record with its numbered headings ("๑. ความเป็นมา") deleted, body and header kept."""
    lines = _ubon(seeds_dir).splitlines()
    return "\n".join(line for line in lines if not NUMBERED_HEADING.match(line)).encode("utf-8")


def _enormous(seeds_dir: Path) -> bytes:
    """A real document repeated to 50 MB, as a wrong export or a concatenated dump would be."""
    one = _lampang(seeds_dir).encode("utf-8")
    return one * (50 * 1024 * 1024 // len(one) + 1)


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
HOSTILE_FILES = {
    # name: (make bytes from the seeds folder, what the message must say)
    "empty.txt": (lambda seeds: b"", "ว่างเปล่า"),
    "only-blank-lines.txt": (lambda seeds: b" \r\n\t\r\n\xef\xbb\xbf", "ว่างเปล่า"),
    "photo-renamed.txt": (lambda seeds: PNG_HEADER + bytes(range(256)) * 64, "ไม่ใช่เอกสารข้อความ"),
    "word-document.txt": (lambda seeds: b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 16, "ไม่ใช่เอกสารข้อความ"),
    "truncated-mid-character.txt": (_cut_inside_a_thai_character, "ไม่ใช่ UTF-8"),
    "truncated-before-headings.txt": (_cut_before_the_first_heading, "ไม่พบหัวข้อของเนื้อหา"),
    "utf16-with-bom.txt": (lambda seeds: _lampang(seeds).encode("utf-16"), "UTF-16"),
    "utf16-without-bom.txt": (lambda seeds: _lampang(seeds).encode("utf-16-le"), "ไม่ใช่เอกสารข้อความ"),
    "utf32.txt": (lambda seeds: _lampang(seeds).encode("utf-32"), "UTF-16"),
    "latin1.txt": (lambda seeds: "Café crème brûlée, recette de grand-mère".encode("latin-1"), "ไม่ใช่ UTF-8"),
    "enormous-50mb.txt": (_enormous, "เกินกว่าเอกสารบทความปกติ"),
    "web-without-headings.txt": (_without_web_headings, "ไม่พบหัวข้อของเนื้อหา"),
    "record-without-headings.txt": (_without_record_headings, "ไม่พบหัวข้อของเนื้อหา"),
}


@pytest.fixture
def hostile_file(request, seeds_dir, tmp_path) -> tuple[Path, str]:
    name = request.param
    make, reason = HOSTILE_FILES[name]
    path = tmp_path / name
    path.write_bytes(make(seeds_dir))
    return path, reason


@pytest.fixture
def portal_with_one_article(db, seeds_dir):
    """An article already imported, so "unchanged" is checked against real rows."""
    call_command("import_km", str(seeds_dir / UBON_SEED), verbosity=0)
    return Article.objects.get()


@pytest.mark.parametrize("hostile_file", sorted(HOSTILE_FILES), indirect=True)
def test_hostile_file_is_refused_by_name_with_a_thai_reason_and_changes_nothing(
    hostile_file, portal_with_one_article
):
    path, reason = hostile_file
    before = database_state()
    with pytest.raises(CommandError) as error:
        call_command("import_km", str(path), verbosity=0)
    message = str(error.value)
    assert path.name in message and reason in message, message
    assert "ผิดพลาด 1 จาก 1 ไฟล์" in message
    assert database_state() == before


def test_the_hostile_files_are_what_they_claim_to_be(seeds_dir):
    """Guards the fixtures themselves: each hostile file really has the defect it is named after."""
    made = {name: make(seeds_dir) for name, (make, _reason) in HOSTILE_FILES.items()}
    assert len(made["enormous-50mb.txt"]) >= 50 * 1024 * 1024 > MAX_DOCUMENT_BYTES
    with pytest.raises(UnicodeDecodeError, match="unexpected end of data"):
        made["truncated-mid-character.txt"].decode("utf-8")
    assert made["truncated-before-headings.txt"].decode("utf-8").startswith("เทคนิคส่งเสริมสัมมาชีพ")
    assert made["utf16-with-bom.txt"].startswith(b"\xff\xfe")
    assert "->" not in made["web-without-headings.txt"].decode("utf-8")
    ubon = made["record-without-headings.txt"].decode("utf-8")
    assert "ชื่อความรู้" in ubon and not any(NUMBERED_HEADING.match(line) for line in ubon.splitlines())
    for name in ("web-without-headings.txt", "record-without-headings.txt"):
        with pytest.raises(LegacyParseError, match="ไม่พบหัวข้อของเนื้อหา"):
            parse_bytes(made[name])


def test_a_refused_file_among_good_ones_leaves_the_good_ones_imported(db, seeds_dir, tmp_path):
    bad = tmp_path / "photo-renamed.txt"
    bad.write_bytes(PNG_HEADER + bytes(range(256)) * 64)
    with pytest.raises(CommandError, match="ผิดพลาด 1 จาก 3 ไฟล์"):
        call_command("import_km", str(seeds_dir / LAMPANG_SEED), str(bad), str(seeds_dir / UBON_SEED), verbosity=0)
    assert Article.objects.count() == 2


@pytest.fixture(scope="module")
def cli_portal(tmp_path_factory) -> Path:
    """A migrated SQLite portal file for running manage.py as an operator would."""
    database = tmp_path_factory.mktemp("cli") / "portal.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, env=_cli_environment(database),
    )
    assert result.returncode == 0, result.stderr
    return database


def _cli_environment(database: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samma_portal.settings_test",
        "DATABASE_URL": f"sqlite:///{database}",
    }


def _article_rows(database: Path) -> list:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT id, title, version FROM articles_article ORDER BY id").fetchall()


def test_on_the_command_line_every_hostile_file_exits_non_zero_and_changes_nothing(cli_portal, seeds_dir, tmp_path):
    imported = subprocess.run(
        [sys.executable, "manage.py", "import_km", str(seeds_dir / UBON_SEED)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, env=_cli_environment(cli_portal),
    )
    assert imported.returncode == 0, imported.stderr
    before = _article_rows(cli_portal)
    assert len(before) == 1
    for name, (make, reason) in sorted(HOSTILE_FILES.items()):
        path = tmp_path / name
        path.write_bytes(make(seeds_dir))
        result = subprocess.run(
            [sys.executable, "manage.py", "import_km", str(path)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, env=_cli_environment(cli_portal),
        )
        assert result.returncode != 0, name
        assert name in result.stderr and reason in result.stderr, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        assert _article_rows(cli_portal) == before, name


# --- Generated documents in a valid shape ---------------------------------------------------

# Words officers write; lines are random sequences of them, with or without spaces,
# as Thai is written. None of them is template structure (no ":", "->", "." or footer text).
WORDS = [
    "ชุมชน", "กลุ่ม", "อาชีพ", "รายได้", "ครัวเรือน", "สมาชิก", "เห็ดนางฟ้า", "ผ้าไหม", "ตะกร้า", "ไม้ไผ่",
    "ออมทรัพย์", "พัฒนา", "ต้นทุน", "ตลาด", "วัตถุดิบ", "ขี้เลื่อย", "ปุ๋ยหมัก", "น้ำหมักชีวภาพ", "เกษตรกร",
    "ปราชญ์", "หมู่บ้าน", "ตำบล", "แม่บ้าน", "ผู้สูงอายุ", "เยาวชน", "สินค้า", "บรรจุภัณฑ์", "ขาย", "ผลิต",
    "ฝึกอบรม", "ถ่ายทอด", "ความรู้", "ร่วมกัน", "ทุกวัน", "เดือนละ", "ครั้ง", "บาท", "กิโลกรัม", "ไร่",
    "ให้", "และ", "ของ", "ที่", "ได้", "มี", "จึง", "เพื่อ", "โดย", "กับ", "ใน", "จาก", "แล้ว", "ไม่", "ควร",
    "๒๕", "๑๒๐", "๒๕๖๒", "30", "1,500", "(ประมาณ)", "ร้อยละ", "๑๐", "OTOP", "SME",
]
OTHER_HEADINGS = ["ปัญหาอุปสรรค", "แนวทางในการแก้ไขปัญหา", "กลยุทธ์ในการทำงาน", "ผลที่ได้รับ", "ข้อเสนอแนะ",
                  "ปัจจัยความสำเร็จ", "บทเรียนที่ได้รับ"]
RECORD_STANDARD_HEADINGS = ["ความเป็นมา", "วัตถุประสงค์", "วัตถุดิบ", "อุปกรณ์", "ขั้นตอน", "ข้อควรระวัง"]
POSITIONS = ["นักวิชาการพัฒนาชุมชนชำนาญการ", "เจ้าหน้าที่พัฒนาชุมชน", "พัฒนาการอำเภอ", "นักวิชาการพัฒนาชุมชนปฏิบัติการ"]
TITLE_PREFIXES = ["นาย", "นาง", "นางสาว", "สิบเอกหญิง"]
NAMES = ["สมใจ", "ใจดี", "บุญมี", "ทองสุข", "กาญจนา", "ศรีบุญเรือง", "พิมพ์ใจ", "ดวงดี", "สมศักดิ์", "วงศ์ไทยงาม"]
# Real offices: (province, district or None for the provincial office).
OFFICES = [("ลำปาง", "เกาะคา"), ("ลำปาง", "เมืองปาน"), ("มหาสารคาม", "ชื่นชม"), ("อุบลราชธานี", "ม่วงสามสิบ"),
           ("เชียงใหม่", "แม่ริม"), ("ขอนแก่น", "บ้านไผ่"), ("สุรินทร์", None), ("ลำปาง", None)]
THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@dataclass
class GeneratedSection:
    heading: str
    lines: list[str]


@dataclass
class GeneratedDocument:
    shape: str
    title: str
    author: str
    position: str
    written_at: datetime.date
    province: str
    district: str | None
    sections: list[GeneratedSection]
    text: str
    encoding: str

    def encoded(self) -> bytes:
        prefix = b"\xef\xbb\xbf" if self.encoding == "utf-8-sig" else b""
        return prefix + self.text.encode("cp874" if self.encoding == "cp874" else "utf-8")


def thai_phrase(max_words: int = 8):
    joiner = st.sampled_from([" ", ""])
    return st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=max_words), joiner).map(
        lambda parts: parts[1].join(parts[0])
    ).filter(lambda text: not text[:1].isdigit() and not text.startswith("("))


def body_line():
    """A line of article text, sometimes a "๑)"-style list item."""
    item = st.tuples(st.integers(1, 19), thai_phrase()).map(lambda pair: f"{str(pair[0]).translate(THAI_DIGITS)}) {pair[1]}")
    return st.one_of(thai_phrase(12), item)


def render_date(day: datetime.date, form: int) -> str:
    be = day.year + 543
    if form == 0:
        return f"{day.isoformat()}-09:37:03"
    if form == 1:
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {be}"
    return f"{day.day}/{day.month}/{be}".translate(THAI_DIGITS)


@st.composite
def documents(draw, shape: str | None = None) -> GeneratedDocument:
    """A legacy document of either template, with random Thai text in random sections."""
    shape = shape or draw(st.sampled_from(["web", "record"]))
    title = draw(thai_phrase(10))
    author = f"{draw(st.sampled_from(TITLE_PREFIXES))}{draw(st.sampled_from(NAMES))} {draw(st.sampled_from(NAMES))}"
    position = draw(st.sampled_from(POSITIONS))
    written_at = draw(st.dates(datetime.date(2005, 1, 1), datetime.date(2030, 12, 31)))
    date_text = render_date(written_at, draw(st.integers(0, 2)))
    province, district = draw(st.sampled_from(OFFICES))
    office = f"สำนักงานพัฒนาชุมชนอำเภอ{district} จังหวัด{province}" if district else f"สำนักงานพัฒนาชุมชนจังหวัด{province}"
    standard = list(STANDARD_HEADINGS.values()) if shape == "web" else RECORD_STANDARD_HEADINGS
    heading_pool = st.sampled_from(standard + OTHER_HEADINGS)
    if shape == "web":
        heading_pool = st.one_of(heading_pool, thai_phrase(5))  # web headings may be anything before "->"
    sections = [
        GeneratedSection(heading=heading, lines=lines)
        for heading, lines in draw(st.lists(st.tuples(heading_pool, st.lists(body_line(), max_size=6)),
                                            min_size=1, max_size=8))
    ]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    blank = draw(st.sampled_from(["", "\n"]))
    indent = draw(st.sampled_from(["", "    ", "\t"]))

    if shape == "web":
        head = ["เทคนิคส่งเสริมสัมมาชีพ", title, f"โดย : {author} ตำแหน่ง : {position} วันที่ : {date_text}",
                f"ที่อยู่ : {office}"]
        body = []
        for section in sections:
            body.append(f"{section.heading} ->")
            body.extend(indent + line for line in section.lines)
        tail = [f"เว็บไซต์สัมมาชีพชุมชนจังหวัด{province}", "กรมการพัฒนาชุมชน กระทรวงมหาดไทย", "โทรศัพท์ :",
                "เกี่ยวกับเรา"]
    else:
        head = ["บันทึกองค์ความรู้ (KM)", f"ชื่อความรู้ : {title}", f"เจ้าของความรู้ : {author}",
                f"ตำแหน่ง : {position}", f"สังกัด : {office}", f"วันที่ : {date_text}"]
        thai_numbers = draw(st.booleans())
        body = []
        for number, section in enumerate(sections, start=1):
            label = str(number).translate(THAI_DIGITS) if thai_numbers else str(number)
            body.append(f"{label}. {section.heading}")
            body.extend(indent + line for line in section.lines)
        tail = []
    text = "".join(f"{line}\n{blank}" for line in [*head, *body, *tail]).replace("\n", newline)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp874"]))
    return GeneratedDocument(
        shape=shape, title=title, author=author, position=position, written_at=written_at,
        province=province, district=district, sections=sections, text=text, encoding=encoding,
    )


def expected_keys(document: GeneratedDocument) -> list[str]:
    """Each standard key goes to the first section that names it; the rest are "other"."""
    used, keys = set(), []
    for section in document.sections:
        key = heading_key(section.heading)
        if key != "other" and key in used:
            key = "other"
        used.add(key)
        keys.append(key)
    return keys


GENERATED = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@GENERATED
@given(documents())
def test_generated_documents_parse_with_every_body_line_in_its_section(document):
    parsed = parse_bytes(document.encoded())
    assert parsed.shape == document.shape
    assert parsed.title == document.title
    assert parsed.author_name == document.author
    assert parsed.author_position == document.position
    assert parsed.written_at == document.written_at
    assert parsed.province_name == document.province
    assert parsed.district_name == document.district
    assert [(s.heading, s.lines) for s in parsed.sections] == [(s.heading, s.lines) for s in document.sections]
    assert [s.key for s in parsed.sections] == expected_keys(document)


class _Undo(Exception):
    """Rolls one generated example back so the next starts from the same database."""


@settings(GENERATED, max_examples=60)
@given(document=documents())
def test_generated_documents_come_through_import_km_with_no_text_lost(document, db, tmp_path):
    path = tmp_path / "generated.txt"
    path.write_bytes(document.encoded())
    try:
        with transaction.atomic():
            call_command("import_km", str(path), verbosity=0)
            article = Article.objects.select_related("province", "district").get()
            assert article.title == document.title
            assert article.author_name == document.author
            assert article.author_position == document.position
            assert article.written_at == document.written_at
            assert article.province.name_th == document.province
            assert (article.district.name_th if article.district else None) == document.district
            assert article.status == Article.Status.PUBLISHED
            stored = list(article.sections.order_by("position"))
            assert [s.key for s in stored] == expected_keys(document)
            for row, section in zip(stored, document.sections, strict=True):
                text = html_to_text(row.body)
                assert (text.split("\n") if text else []) == section.lines
                if row.key == SectionKey.OTHER:
                    assert row.heading == section.heading
            raise _Undo
    except _Undo:
        pass


# --- Generated hostile documents through the importer ---------------------------------------

FRAGMENTS = [
    "เทคนิคส่งเสริมสัมมาชีพ", "บันทึกองค์ความรู้ (KM)", "ชื่อความรู้ : ", "เจ้าของความรู้ : นาง ก",
    "โดย : นาย ข ตำแหน่ง : พัฒนากร วันที่ : ", "ที่อยู่ : สนง.พช.อ.เกาะคา จ.ลำปาง", "สังกัด : จังหวัดลำปาง",
    "ความเป็นมา ->", "->", "๑. ", "1. ความเป็นมา", "2. ", "- ๒ -", "image1", "วันที่ : ๘ ส.ค. ๒๕๖๐",
    "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง", "\u200b", "\ufeff", "\r\n", "\n", "\t", " ", "\x00", "\xa0",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
        ),
        documents().map(lambda document: document.encoded()[: len(document.encoded()) // 2]),
    )
)
def test_import_km_imports_or_refuses_generated_files_and_a_refusal_changes_nothing(
    data, portal_with_one_article, tmp_path
):
    path = tmp_path / "generated.txt"
    path.write_bytes(data)
    before = database_state()
    try:
        with transaction.atomic():
            try:
                call_command("import_km", str(path), verbosity=0)
            except CommandError as error:
                assert "generated.txt" in str(error)
                assert database_state() == before
            else:
                assert Article.objects.count() in (1, 2)  # a new article, or the same one updated
            raise _Undo
    except _Undo:
        pass
