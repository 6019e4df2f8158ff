"""The legacy KM parser: real seeds, our own fixtures, encodings, dates, bad input and fuzzing.

Pure parser tests: no database and no Django settings are needed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.legacy import (
    CATEGORY_RECORD,
    CATEGORY_WEB,
    LegacyParseError,
    ParsedArticle,
    decode_document,
    parse_bytes,
    parse_document,
    parse_legacy_date,
    split_office,
)

TESTS_DIR = Path(__file__).resolve().parents[1]
PROJECT_ROOT = TESTS_DIR.parent
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"
FIXTURES_DIR = TESTS_DIR / "fixtures" / "legacy"

THAI = re.compile("[\u0e00-\u0e7f]")


def seed_path(prefix: str) -> Path:
    """The one real seed document whose name starts with prefix; missing seeds fail, never skip."""
    matches = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
    assert len(matches) == 1, f"expected one seed {prefix}_*.txt in {SEEDS_DIR}, found {matches}"
    return matches[0]


def parse_seed(prefix: str) -> ParsedArticle:
    return parse_bytes(seed_path(prefix).read_bytes())


def parse_fixture(name: str) -> ParsedArticle:
    return parse_bytes((FIXTURES_DIR / name).read_bytes())


def section(article: ParsedArticle, key: str, heading: str | None = None):
    """The one section with this key (and heading, for "other" sections)."""
    found = [s for s in article.sections if s.key == key and (heading is None or s.heading == heading)]
    assert len(found) == 1, f"expected one {key!r} section, got {found}"
    return found[0]


def all_lines(article: ParsedArticle) -> list[str]:
    return [line for s in article.sections for line in s.lines]


# --- The "nothing lost" invariant ------------------------------------------------
# These rules restate the document shapes independently of the parser's code:
# what is not header, heading, footer, placeholder or page number is article text.

FOOTER_START = "เว็บไซต์สัมมาชีพชุมชน"
PAGE_NUMBER = re.compile(r"^-\s*[0-9๐-๙]+\s*-$")
IMAGE_LINE = re.compile(r"^image[0-9]+(\s+image[0-9]+)*$")
NUMBERED_LINE = re.compile(r"^[0-9๐-๙]+\.(?![0-9๐-๙])\s*(.*)$")
KEY_LINE = re.compile(r"^([^:]{1,40}?)\s*:\s*(.*)$")
KNOWN_HEADER_KEYS = {
    "โดย", "ตำแหน่ง", "วันที่", "ที่อยู่", "ชื่อความรู้", "ชื่อองค์ความรู้", "เจ้าของความรู้",
    "ชื่อเจ้าของความรู้", "สังกัด", "หมวดองค์ความรู้", "หมวด",
}


def squash(text: str) -> str:
    return " ".join(text.split())


def article_text_lines(text: str, article: ParsedArticle) -> list[str]:
    """The stripped lines of a document that are article text rather than structure."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    footer = [i for i, line in enumerate(lines) if line.startswith(FOOTER_START)]
    if footer:
        lines = lines[: footer[-1]]
    headings = {s.heading for s in article.sections}
    expected: list[str] = []
    in_header = True
    for index, line in enumerate(lines):
        if PAGE_NUMBER.match(line) or IMAGE_LINE.match(line):
            continue
        if "->" in line:
            in_header = False
            rest = line.partition("->")[2].strip()
            if rest and not IMAGE_LINE.match(rest):
                expected.append(rest)
            continue
        numbered = NUMBERED_LINE.match(line)
        if numbered:
            label, _, rest = numbered[1].partition(":")
            if squash(label) in headings:
                in_header = False
                if rest.strip():
                    expected.append(rest.strip())
                continue
        if in_header:
            if index == 0 or squash(line) == article.title:
                continue  # the category (or record form) line and the title
            key = KEY_LINE.match(line)
            if key and squash(key[1]) in KNOWN_HEADER_KEYS:
                continue
            if key:
                expected.append(key[2].strip())  # an unknown header key keeps its value
                continue
        expected.append(line)
    return expected


def assert_nothing_lost(text: str, article: ParsedArticle) -> None:
    """Every line of article text is in some section, and every section line is from the document."""
    kept = set(all_lines(article))
    missing = [line for line in article_text_lines(text, article) if line not in kept]
    assert not missing, f"lines lost by the parser: {missing}"
    invented = [line for line in kept if line not in text]
    assert not invented, f"section lines not in the document: {invented}"


def all_documents() -> list[Path]:
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    fixtures = sorted(FIXTURES_DIR.glob("*.txt"))
    assert len(seeds) == 3, f"the three seed documents are missing from {SEEDS_DIR}"
    assert len(fixtures) >= 5, f"fixture documents missing from {FIXTURES_DIR}"
    return seeds + fixtures


@pytest.mark.parametrize("path", all_documents(), ids=lambda path: path.name)
def test_nothing_is_lost(path):
    text = decode_document(path.read_bytes())
    assert_nothing_lost(text, parse_document(text))


# --- Seed 000: Lampang, web template ---------------------------------------------


def test_lampang_web_article_field_by_field():
    article = parse_seed("000")
    assert article.shape == "web"
    assert article.category == CATEGORY_WEB
    assert article.title == "การส่งเสริมทีมสัมมาชีพชุมชนระดับหมู่บ้านเพื่อขับเคลื่อนการพัฒนาเศรษฐกิจฐานราก"
    assert article.author_name == "นายพงศธร สุกันทา"
    assert article.author_position == "เจ้าหน้าที่พัฒนาชุมชน"
    assert article.written_at == date(2017, 8, 8)
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอเมืองปาน"
    assert article.province_name == "ลำปาง"
    assert article.district_name == "เมืองปาน"
    assert [s.key for s in article.sections] == [
        "background", "objectives", "materials", "equipment", "process", "cautions",
    ]
    assert section(article, "cautions").lines == []
    assert article.image_refs == ["image1", "image2", "image3"]


def test_lampang_keeps_thai_digits_and_drops_the_site_footer():
    article = parse_seed("000")
    first = section(article, "background").lines[0]
    assert first.startswith("สืบเนื่องจาก")
    assert "๒๕๖๐" in first
    for line in all_lines(article):
        assert "โทรศัพท์" not in line
        assert "เว็บไซต์สัมมาชีพชุมชนจังหวัด" not in line


def test_lampang_headings_are_kept_as_written():
    article = parse_seed("000")
    assert section(article, "background").heading == "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ"
    assert section(article, "materials").heading == "วัตถุดิบ (ถ้ามี)"
    # "กระบวนการ/ขั้นตอน->" has no space before its arrow.
    assert section(article, "process").heading == "กระบวนการ/ขั้นตอน"


# --- Seed 001: Maha Sarakham, web template without a province in the address ------


def test_maha_sarakham_web_article_field_by_field():
    article = parse_seed("001")
    assert article.shape == "web"
    assert article.category == CATEGORY_WEB
    assert article.title == "การสร้างทุนหนุนเสริมครัวเรือนสัมมาชีพ"
    assert article.author_name == "นางดวงใจ ปะกิระคะ"
    assert article.author_position == "เจ้าหน้าที่พัฒนาชุมชน"
    assert article.written_at == date(2017, 8, 2)
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอชื่นชม"
    assert article.province_name == "มหาสารคาม"  # from the site footer
    assert article.district_name == "ชื่นชม"
    for key in ("equipment", "process", "cautions"):
        assert section(article, key).lines == []
    assert any("ทุนชุมชน" in line for line in section(article, "background").lines)
    assert article.image_refs == []


def test_maha_sarakham_sub_items_stay_in_their_section():
    objectives = section(parse_seed("001"), "objectives").lines
    assert "๒.๒.๕ สร้างช่องทางประชาสัมพันธ์การเข้าถึงกลไกหนุนเสริม ทุกช่องทาง" in objectives
    assert objectives[-1] == "๔.๔.๔ เผยแพร่ประชาสัมพันธ์"


# --- Seed 003: Ubon Ratchathani, KM record ------------------------------------------


def test_ubon_km_record_field_by_field():
    article = parse_seed("003")
    assert article.shape == "record"
    assert article.category == CATEGORY_RECORD
    assert article.title == "พัฒนากรกับการขับเคลื่อนงานสัมมาชีพชุมชนให้บรรลุเป้าหมาย"
    assert article.author_name == "สิบเอกหญิงอรอำไพ คำพิพาก"
    assert article.author_position == "นักวิชาการพัฒนาชุมชนปฏิบัติการ"
    assert article.written_at is None
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอม่วงสามสิบ"
    assert article.province_name == "อุบลราชธานี"
    assert article.district_name == "ม่วงสามสิบ"
    assert [(s.key, s.heading) for s in article.sections] == [
        ("background", "ความเป็นมา"),
        ("process", "กระบวนการที่ส่งผลให้งานนั้นๆประสบผลสำเร็จ"),
        ("other", "ปัญหาอุปสรรค"),
        ("other", "แนวทางในการแก้ไขปัญหา"),
        ("other", "กลยุทธ์ในการทำงาน"),
    ]


def test_ubon_numbered_items_are_body_lines_and_page_numbers_are_dropped():
    process = section(parse_seed("003"), "process").lines
    assert len(process) == 11
    assert process[0].startswith("๑)")
    assert process[-1].startswith("๑๑)")
    assert "-๒ -" not in process
    assert all(not PAGE_NUMBER.match(line) for line in all_lines(parse_seed("003")))


# --- Our own fixtures ---------------------------------------------------------------


def test_mushroom_web_fixture_field_by_field():
    article = parse_fixture("web_mushroom.txt")
    assert article.shape == "web"
    assert article.category == CATEGORY_WEB
    assert article.title == "การเพาะเห็ดนางฟ้าในโรงเรือนต้นทุนต่ำของกลุ่มแม่บ้านบ้านดอนแก้ว"
    assert article.author_name == "นางสาวกาญจนา ศรีบุญเรือง"  # two spaces collapsed
    assert article.author_position == "นักวิชาการพัฒนาชุมชนชำนาญการ"
    assert article.written_at == date(2019, 6, 14)
    # "สนง.พช.อ.แม่ริม จ.เชียงใหม่": abbreviations expanded, the province split off.
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอแม่ริม"
    assert article.province_name == "เชียงใหม่"
    assert article.district_name == "แม่ริม"
    assert [s.key for s in article.sections] == [
        "background", "objectives", "materials", "equipment", "process", "cautions",
    ]
    assert len(section(article, "objectives").lines) == 3
    process = section(article, "process").lines
    assert len(process) == 4 and process[0].startswith("1) ผสมขี้เลื่อย")
    # Text after "ข้อพึงระวัง ->" on the heading line opens the section's body.
    assert section(article, "cautions").lines == [
        "รักษาความสะอาดของโรงเรือนทุกวัน",
        "ถ้าพบก้อนเชื้อที่มีราสีเขียวให้แยกออกทันที ไม่ให้ลามไปก้อนอื่น",
    ]
    # image1 at the top, image2 inside the process section, all three under รูปประกอบ: each once.
    assert article.image_refs == ["image1", "image2", "image3"]


def test_basket_web_fixture_field_by_field():
    article = parse_fixture("web_basket_utf8.txt")
    assert article.shape == "web"
    assert article.title == "การจักสานตะกร้าจากเส้นพลาสติกของกลุ่มอาชีพบ้านหนองบัว"
    assert article.author_name == "นางบุญมี ทองสุข"
    assert article.author_position == "พัฒนาการอำเภอ"
    assert article.written_at == date(2018, 11, 30)
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอกันทรวิชัย"
    assert article.province_name == "มหาสารคาม"  # only the footer names it
    assert article.district_name == "กันทรวิชัย"
    assert section(article, "process").lines == []
    assert section(article, "materials").lines == ["เส้นพลาสติกสานขนาด ๑๒ มิลลิเมตร"]
    assert article.image_refs == ["image1"]


def test_tis620_fixture_parses_exactly_like_its_utf8_twin():
    tis620 = (FIXTURES_DIR / "web_basket_tis620.txt").read_bytes()
    utf8 = (FIXTURES_DIR / "web_basket_utf8.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        tis620.decode("utf-8")  # the fixture really is TIS-620
    assert decode_document(tis620) == decode_document(utf8)
    assert parse_bytes(tis620) == parse_bytes(utf8)


def test_savings_fund_record_fixture_field_by_field():
    raw = (FIXTURES_DIR / "record_savings_fund_crlf.txt").read_bytes()
    assert b"\r\n" in raw  # the fixture really has CRLF line endings
    article = parse_bytes(raw)
    assert article.shape == "record"
    # "ชื่อองค์ความรู้", "ชื่อเจ้าของความรู้" and "หมวดองค์ความรู้" are the form's other labels.
    assert article.title == "การบริหารกองทุนสัจจะออมทรัพย์ให้สมาชิกไว้วางใจ"
    assert article.author_name == "นายสมศักดิ์ วงศ์ไทยงาม"
    assert article.author_position == "นักวิชาการพัฒนาชุมชนชำนาญการพิเศษ"
    assert article.category == "การบริหารจัดการทุนชุมชน"
    assert article.written_at == date(2019, 3, 15)
    assert article.office == "สำนักงานพัฒนาชุมชนอำเภอบ้านไผ่"
    assert article.province_name == "ขอนแก่น"
    assert article.district_name == "บ้านไผ่"
    assert [(s.key, s.heading) for s in article.sections] == [
        ("other", "ผู้ร่วมถอดบทเรียน"),  # an unknown header key keeps its value
        ("other", ""),  # text between the header and the first heading
        ("background", "บทนำ"),
        ("process", "วิธีการ"),
        ("other", "ปัญหาอุปสรรค"),
        ("cautions", "ข้อควรระวัง"),
    ]
    assert section(article, "other", "ผู้ร่วมถอดบทเรียน").lines == ["คณะกรรมการกลุ่มออมทรัพย์บ้านโนนสะอาด"]
    assert section(article, "other", "").lines == ["บันทึกนี้เรียบเรียงจากเวทีถอดบทเรียนของคณะกรรมการกลุ่ม"]
    assert all("\r" not in line for line in all_lines(article))


def test_a_sections_own_numbered_list_does_not_swallow_or_fake_headings():
    process = section(parse_fixture("record_savings_fund_crlf.txt"), "process").lines
    # "3. ปันผล…" continues the section's "1." "2." list; "3. ปัญหาอุปสรรค" after it is the heading.
    assert process == [
        "1. ประชุมสมาชิกทุกวันที่ 5 ของเดือน และรับฝากสัจจะในวันเดียวกัน",
        "2. คณะกรรมการแบ่งเป็น 4 ฝ่าย คือ เงินฝาก เงินกู้ ตรวจสอบ และส่งเสริม",
        "2.1 ฝ่ายเงินกู้พิจารณาคำขอกู้ต่อหน้าที่ประชุม",
        "2.2 ฝ่ายตรวจสอบปิดบัญชีทุกเดือนแล้วติดประกาศที่ศาลาประชาคม",
        "3. ปันผลปีละครั้งตามสัดส่วนเงินสัจจะของสมาชิก",
    ]


def test_silk_dyeing_record_fixture_field_by_field():
    raw = (FIXTURES_DIR / "record_silk_dyeing.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # saved with a UTF-8 byte-order mark
    article = parse_bytes(raw)
    assert article.shape == "record"
    assert article.category == CATEGORY_RECORD  # "บันทึกองค์ความรู้ ( KM )" normalised
    assert article.title == "การย้อมไหมด้วยสีธรรมชาติจากเปลือกไม้"
    assert article.author_name == "นางสาวพิมพ์ใจ ดวงดี"
    assert article.written_at == date(2017, 8, 8)  # "๘ ส.ค. ๒๕๖๐"
    # A provincial office keeps its province in its name and has no district.
    assert article.office == "สำนักงานพัฒนาชุมชนจังหวัดสุรินทร์"
    assert article.province_name == "สุรินทร์"
    assert article.district_name is None
    assert [(s.key, s.heading) for s in article.sections] == [
        ("background", "ความเป็นมา"),
        ("objectives", "วัตถุประสงค์"),
        ("equipment", "อุปกรณ์"),
        ("process", "ขั้นตอน"),
        ("other", "ขั้นตอนที่ชุมชนพัฒนาต่อ"),  # process is taken: a second one is "other"
        ("cautions", "ข้อพึงระวัง"),
    ]
    # "๒. วัตถุประสงค์ : …" carries its body on the heading line.
    assert section(article, "objectives").lines == ["ลดต้นทุนค่าสีย้อมและได้สีที่เป็นเอกลักษณ์ของชุมชน"]
    assert section(article, "process").lines[0] == "๑) ต้มเปลือกประดู่กับน้ำ ๒ ชั่วโมงแล้วกรองเอาแต่น้ำสี"
    assert "- ๒ -" not in all_lines(article)
    assert section(article, "cautions").lines == []


# --- Line endings and encodings --------------------------------------------------------


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize(
    "path",
    [seed_path("000"), seed_path("003"), FIXTURES_DIR / "web_mushroom.txt"],
    ids=lambda path: path.name,
)
def test_crlf_and_cr_line_endings_parse_like_lf(path, ending):
    text = decode_document(path.read_bytes())
    converted = text.replace("\n", ending).encode("utf-8")
    assert decode_document(converted) == text
    assert parse_bytes(converted) == parse_document(text)


def test_utf8_byte_order_mark_is_removed():
    assert decode_document(b"\xef\xbb\xbf\xe0\xb8\x81\r\nx") == "ก\nx"


def test_seed_saved_as_tis620_parses_like_the_utf8_original():
    text = seed_path("000").read_text(encoding="utf-8")
    assert parse_bytes(text.encode("cp874")) == parse_document(text)


def test_text_in_another_single_byte_encoding_is_not_mistaken_for_thai():
    # cp874 would decode these Latin-1 bytes as Thai tone marks after Latin letters.
    with pytest.raises(LegacyParseError, match="UTF-8") as error:
        decode_document("Café crème brûlée".encode("latin-1"))
    assert "TIS-620" in str(error.value)


def test_legacy_typing_of_sae_as_two_sara_e_is_still_thai():
    assert decode_document("เเละ".encode("cp874")) == "เเละ"


# --- Dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2017-08-08-09:37:03", date(2017, 8, 8)),
        ("2017-08-08 09:37:03", date(2017, 8, 8)),
        ("2017-08-08", date(2017, 8, 8)),
        ("8/8/2560", date(2017, 8, 8)),
        ("08/08/2017", date(2017, 8, 8)),
        ("8 สิงหาคม 2560", date(2017, 8, 8)),
        ("8 ส.ค. 2560", date(2017, 8, 8)),
        ("๘ สิงหาคม ๒๕๖๐", date(2017, 8, 8)),
        ("๘/๘/๒๕๖๐", date(2017, 8, 8)),
        ("2560-08-08", date(2017, 8, 8)),
        ("วันอังคารที่ 8 สิงหาคม พ.ศ. 2560", date(2017, 8, 8)),
        ("8 ส.ค. 60", date(2017, 8, 8)),
        ("15 มีนาคม 2562", date(2019, 3, 15)),
        ("1 ม.ค. 2563", date(2020, 1, 1)),
        ("31 ธันวาคม 2017", date(2017, 12, 31)),
        ("31/02/2560", None),
        ("2017-13-01", None),
        ("8 สมมติ 2560", None),
        ("ไม่ระบุ", None),
        ("", None),
    ],
)
def test_date_formats(value, expected):
    assert parse_legacy_date(value) == expected


def test_unparseable_header_date_is_none_not_an_error():
    text = seed_path("000").read_text(encoding="utf-8").replace("2017-08-08-09:37:03", "ไม่ทราบ")
    assert parse_document(text).written_at is None


# --- Offices -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("สำนักงานพัฒนาชุมชนอำเภอเมืองปาน จังหวัดลำปาง", ("สำนักงานพัฒนาชุมชนอำเภอเมืองปาน", "ลำปาง", "เมืองปาน")),
        ("สำนักงานพัฒนาชุมชนอำเภอชื่นชม", ("สำนักงานพัฒนาชุมชนอำเภอชื่นชม", None, "ชื่นชม")),
        ("สนง.พช.อ.เกาะคา จ.ลำปาง", ("สำนักงานพัฒนาชุมชนอำเภอเกาะคา", "ลำปาง", "เกาะคา")),
        ("สพอ.เกาะคา", ("สำนักงานพัฒนาชุมชนอำเภอเกาะคา", None, "เกาะคา")),
        ("สำนักงานพัฒนาชุมชนจังหวัดลำปาง", ("สำนักงานพัฒนาชุมชนจังหวัดลำปาง", "ลำปาง", None)),
        ("สำนักงานพัฒนาชุมชน อำเภอ เกาะคา จังหวัด ลำปาง 52130", ("สำนักงานพัฒนาชุมชนอำเภอเกาะคา", "ลำปาง", "เกาะคา")),
        ("", ("", None, None)),
    ],
)
def test_office_province_and_district(value, expected):
    assert split_office(value) == expected


# --- Structure rules on small documents ---------------------------------------------------

WEB_HEAD = "เทคนิคส่งเสริมสัมมาชีพ\nชื่อเรื่องทดสอบ\nโดย : นายทดสอบ ระบบ ตำแหน่ง : พัฒนากร วันที่ : 2020-01-02\n"


def test_a_sentence_with_an_arrow_is_body_text_not_a_heading():
    article = parse_document(WEB_HEAD + "กระบวนการ/ขั้นตอน ->\nดินร่วน -> ผสมปุ๋ยคอก -> ใส่ถุง\n")
    assert [s.key for s in article.sections] == ["process"]
    assert section(article, "process").lines == ["ดินร่วน -> ผสมปุ๋ยคอก -> ใส่ถุง"]


def test_text_under_the_picture_heading_is_kept_and_placeholders_collected():
    article = parse_document(WEB_HEAD + "อุปกรณ์ ->\nมีด\nรูปประกอบ -> image2 image1 image2\nภาพกิจกรรมกลุ่ม\n")
    assert article.image_refs == ["image2", "image1"]
    assert [(s.key, s.heading, s.lines) for s in article.sections] == [
        ("equipment", "อุปกรณ์", ["มีด"]),
        ("other", "รูปประกอบ", ["ภาพกิจกรรมกลุ่ม"]),
    ]


def test_web_footer_without_its_site_line_is_still_dropped():
    chrome = "กรมการพัฒนาชุมชน กระทรวงมหาดไทย\nโทรศัพท์ :\nเกี่ยวกับเรา\n"
    article = parse_document(WEB_HEAD + "ข้อพึงระวัง ->\nระวังมด\n" + chrome)
    assert section(article, "cautions").lines == ["ระวังมด"]


def test_record_title_without_a_label_is_the_first_line_after_the_form_name():
    article = parse_document("บันทึกองค์ความรู้ (KM)\nการทำน้ำยาล้างจาน\nตำแหน่ง : พัฒนากร\n1. ขั้นตอน\nผสม\n")
    assert article.title == "การทำน้ำยาล้างจาน"
    assert article.author_position == "พัฒนากร"
    assert [(s.key, s.lines) for s in article.sections] == [("process", ["ผสม"])]


# --- Bad input ---------------------------------------------------------------------------

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "ว่างเปล่า"),
        (b"   \n\t\r\n", "ว่างเปล่า"),
        (b"\xef\xbb\xbf", "ว่างเปล่า"),
        ("\u00a0\n".encode("utf-8"), "ว่างเปล่า"),
        (b"text\x00with\x00nul bytes", "ไม่ใช่เอกสารข้อความ"),
        (PNG_HEADER + bytes(range(256)) * 4, "ไม่ใช่เอกสารข้อความ"),
        (bytes(range(1, 9)) * 20 + b"abc", "ไม่ใช่เอกสารข้อความ"),
        ("ความเป็นมา ->".encode("utf-16"), "UTF-16"),
        (b"\xe0\xb8\x81\xff\xfe", "ไม่ใช่ UTF-8"),
        ("บันทึกอื่นใด\nไม่มีรูปแบบที่รู้จัก".encode(), "ไม่พบหัวข้อของเนื้อหา"),
    ],
    ids=[
        "empty", "whitespace", "bom-only", "nbsp-only", "nul-bytes", "png", "control-characters",
        "utf-16", "broken-utf8", "no-shape",
    ],
)
def test_bad_bytes_are_refused_with_a_thai_message(data, reason):
    with pytest.raises(LegacyParseError) as error:
        parse_bytes(data)
    message = str(error.value)
    assert reason in message
    assert THAI.search(message)


def _without_line(text: str, start: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(start))


@pytest.mark.parametrize(
    "make_document, reason",
    [
        (lambda: _without_line(seed_path("000").read_text(encoding="utf-8"), "การส่งเสริมทีม"), "ไม่พบชื่อเรื่อง"),
        (lambda: _without_line(seed_path("003").read_text(encoding="utf-8"), "ชื่อความรู้"), "ไม่พบชื่อเรื่อง"),
        (lambda: "\n".join(
            line for line in seed_path("001").read_text(encoding="utf-8").splitlines() if "->" not in line
        ), "ไม่พบหัวข้อของเนื้อหา"),
        (lambda: "\n".join(
            line for line in seed_path("003").read_text(encoding="utf-8").splitlines()
            if not re.match(r"^[๑-๙]\. ", line)
        ), "ไม่พบหัวข้อของเนื้อหา"),
        (lambda: "เทคนิคส่งเสริมสัมมาชีพ\nชื่อเรื่องอย่างเดียว\n", "ไม่พบหัวข้อของเนื้อหา"),
    ],
    ids=["web-no-title", "record-no-title", "web-no-headings", "record-no-headings", "title-only"],
)
def test_documents_missing_their_title_or_headings_are_refused(make_document, reason):
    with pytest.raises(LegacyParseError) as error:
        parse_document(make_document())
    assert reason in str(error.value)
    assert THAI.search(str(error.value))


def test_legacy_parse_error_is_a_value_error():
    assert issubclass(LegacyParseError, ValueError)


# --- Fuzzing: LegacyParseError is the only exception that may escape ----------------------

# The parser's own vocabulary, so that random documents reach its deeper paths.
FRAGMENTS = [
    "เทคนิคส่งเสริมสัมมาชีพ", "บันทึกองค์ความรู้ ( KM )", "ชื่อความรู้ : ", "เจ้าของความรู้ :",
    "โดย : นาย ก ตำแหน่ง : ข วันที่ : ", "ที่อยู่ : สนง.พช.อ.", "สังกัด : จังหวัด", "จ.", "อ.",
    "ความเป็นมา ->", "->", "-->", "รูปประกอบ -> image1", "image2", "๑. ", "1.", "2. ", "๓.", "3. ปัญหา",
    "๒.๒.๑", "1)", "- ๒ -", "-", ":", "：", "วันที่ : ๘ ส.ค. ๒๕๖๐", "31/02/2560", "2017-08-08-09:37:03",
    "เว็บไซต์สัมมาชีพชุมชนจังหวัด", "โทรศัพท์ :", "เกี่ยวกับเรา", "\u200b", "\ufeff", "\u0e4d\u0e32",
    "\xa0", " ", "\t", "\r", "\n", "\r\n", "\x0c", "\x00",
]
FUZZ_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    # The suite's autouse fixtures do not affect this pure function.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _parse_or_refuse(parse, value) -> None:
    try:
        result = parse(value)
    except LegacyParseError as error:
        assert str(error)
    else:
        assert isinstance(result, ParsedArticle)
        assert result.title


@FUZZ_SETTINGS
@given(st.binary(max_size=2000))
def test_parse_bytes_never_raises_anything_but_legacy_parse_error(data):
    _parse_or_refuse(parse_bytes, data)


@FUZZ_SETTINGS
@given(st.text(max_size=2000))
def test_parse_document_never_raises_anything_but_legacy_parse_error(text):
    _parse_or_refuse(parse_document, text)


@FUZZ_SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=60).map("".join))
def test_documents_made_of_template_fragments_never_crash_the_parser(text):
    _parse_or_refuse(parse_document, text)
    _parse_or_refuse(parse_bytes, text.encode("utf-8", "surrogatepass"))
