"""Parse legacy KM articles (plain-text copies from the provincial สัมมาชีพชุมชน sites).

Two document shapes exist (see ../shared/seeds/README.md):

- the web template "เทคนิคส่งเสริมสัมมาชีพ": category, title, a ``โดย : … ตำแหน่ง : …
  วันที่ : …`` line, ``ที่อยู่ : <office>``, headings ending with ``->`` and the
  provincial site footer;
- the record "บันทึกองค์ความรู้ (KM)": ``key : value`` header lines, then headings
  numbered 1, 2, 3… in Thai or Arabic digits.

Everything here is pure Python (no Django) and total: any ``str`` given to
``parse_document`` and any ``bytes`` given to ``parse_bytes`` either parses or
raises ``LegacyParseError`` with a Thai message a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

STANDARD_HEADINGS: dict[str, str] = {
    "background": "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ",
    "objectives": "วัตถุประสงค์",
    "materials": "วัตถุดิบ (ถ้ามี)",
    "equipment": "อุปกรณ์",
    "process": "กระบวนการ/ขั้นตอน",
    "cautions": "ข้อพึงระวัง",
}
CATEGORY_WEB = "เทคนิคส่งเสริมสัมมาชีพ"
CATEGORY_RECORD = "บันทึกองค์ความรู้ (KM)"

OTHER = "other"


class LegacyParseError(ValueError):
    """A document the importer cannot read; str(error) is a Thai message a person can act on."""


@dataclass
class ParsedSection:
    key: str
    heading: str
    lines: list[str]


@dataclass
class ParsedArticle:
    shape: str
    category: str
    title: str
    author_name: str
    author_position: str
    written_at: date | None
    office: str
    province_name: str | None
    district_name: str | None
    sections: list[ParsedSection] = field(default_factory=list)
    image_refs: list[str] = field(default_factory=list)


# --- Messages -----------------------------------------------------------------

MESSAGE_EMPTY = "ไฟล์ว่างเปล่า ไม่มีเนื้อหา — ตรวจสอบว่าเลือกไฟล์บทความถูกต้อง"
MESSAGE_BINARY = (
    "ไฟล์นี้ไม่ใช่เอกสารข้อความ (อาจเป็นรูปภาพ เอกสาร Word หรือไฟล์โปรแกรม) — "
    "เปิดบทความแล้วบันทึกเป็นไฟล์ข้อความ .txt ก่อนนำเข้า"
)
MESSAGE_UTF16 = (
    "ไฟล์นี้บันทึกด้วยรหัสอักขระ UTF-16 ซึ่งระบบไม่รองรับ — "
    "เปิดไฟล์แล้วบันทึกใหม่เป็น UTF-8 ก่อนนำเข้า"
)
MESSAGE_UNDECODABLE = (
    "อ่านรหัสอักขระของไฟล์ไม่ได้: ไม่ใช่ UTF-8 (พบไบต์ที่ผิดรูปแบบที่ตำแหน่ง {position}) "
    "และไม่ใช่ TIS-620/Windows-874 (cp874) — เปิดไฟล์แล้วบันทึกใหม่เป็น UTF-8 ก่อนนำเข้า"
)
MESSAGE_NO_SHAPE = (
    "ไม่พบหัวข้อของเนื้อหา: เอกสารไม่ตรงกับรูปแบบ “เทคนิคส่งเสริมสัมมาชีพ” "
    "(หัวข้อลงท้ายด้วย -> เช่น “ความเป็นมา ->”) หรือ “บันทึกองค์ความรู้ (KM)” "
    "(หัวข้อมีเลขลำดับ เช่น “๑. ความเป็นมา”)"
)
MESSAGE_NO_WEB_HEADINGS = (
    "ไม่พบหัวข้อของเนื้อหา: ไม่มีบรรทัดหัวข้อที่ลงท้ายด้วย -> "
    "(เช่น “ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ ->”) ตรวจสอบว่าคัดลอกเนื้อหามาครบ"
)
MESSAGE_NO_RECORD_HEADINGS = (
    "ไม่พบหัวข้อของเนื้อหา: ไม่มีหัวข้อที่ขึ้นต้นด้วยเลขลำดับ ๑. ๒. ๓. … "
    "(เช่น “๑. ความเป็นมา”) ตรวจสอบว่าคัดลอกเนื้อหามาครบ"
)
MESSAGE_NO_WEB_TITLE = (
    "ไม่พบชื่อเรื่อง: ต้องมีบรรทัดชื่อเรื่องก่อนบรรทัด “โดย : … ตำแหน่ง : …” "
    "(ถัดจากบรรทัดหมวด “เทคนิคส่งเสริมสัมมาชีพ”)"
)
MESSAGE_NO_RECORD_TITLE = (
    "ไม่พบชื่อเรื่อง: ต้องมีบรรทัด “ชื่อความรู้ : …” ในส่วนหัวของบันทึกองค์ความรู้"
)

# --- Characters -----------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(_THAI_DIGITS, "0123456789")
_DIGIT = "[0-9๐-๙]"
# Invisible characters Thai web copy is full of; they are never content.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_EDGE_SPACE = re.compile(rf"^[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+$")
_INNER_SPACE = re.compile(rf"[\s{_INVISIBLE}]+")
# Line breaks other than \n that editors and Word exports leave behind.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Other control characters: a stray DOS end-of-file mark and the like.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")

# Binary bytes that never appear in text, whatever its encoding (NUL is checked on its own).
_CONTROL_BYTES = frozenset([*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F]) - {0x1A}
_MAX_CONTROL_SHARE = 0.02

# Thai characters by the role they play in a syllable, for telling Thai from cp874 noise.
_CONSONANTS = frozenset(chr(c) for c in range(0x0E01, 0x0E2F))
_MARKS = frozenset(chr(c) for c in [0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)])
_FOLLOWING_VOWELS = frozenset("\u0e30\u0e32\u0e33\u0e45")
_LEADING_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
_MAX_ORTHOGRAPHY_ERRORS = 0.05


def _strip(line: str) -> str:
    """A line without surrounding whitespace or invisible characters."""
    return _EDGE_SPACE.sub("", line)


def _clean(value: str) -> str:
    """A header value or heading tidied: single spaces, no invisible characters, one สระอำ."""
    # "ํา" (nikhahit + sara aa) is an old way to type "ำ"; the two look the same.
    return _strip(_INNER_SPACE.sub(" ", value.replace("\u0e4d\u0e32", "\u0e33")))


def _compact(value: str) -> str:
    """A value with all spaces removed, for comparing labels typed with odd spacing."""
    return _INNER_SPACE.sub("", value.replace("\u0e4d\u0e32", "\u0e33"))


def _normalise_text(text: str) -> str:
    """Unify line endings to \\n and drop control characters and a leading BOM."""
    text = _LINE_BREAKS.sub("\n", text)
    return _CONTROL.sub("", text).lstrip("\ufeff")


# --- Decoding -------------------------------------------------------------------


def _control_share(data: bytes) -> float:
    """The share of bytes that are control characters no text file contains."""
    if not data:
        return 0.0
    return sum(1 for byte in data if byte in _CONTROL_BYTES) / len(data)


def _looks_like_thai_text(text: str) -> bool:
    """Whether cp874-decoded text is written Thai rather than bytes of another encoding.

    cp874 maps almost every byte to some Thai character, so decoding alone
    proves nothing; but random bytes put vowel and tone marks where Thai
    spelling never does (a mark after a space, a leading vowel before a digit).
    """
    thai = errors = 0
    previous = ""
    for index, char in enumerate(text):
        if "\u0e00" <= char <= "\u0e7f":
            thai += 1
        if char in _MARKS:
            if previous not in _CONSONANTS and previous not in _MARKS and previous not in _FOLLOWING_VOWELS:
                errors += 1
        elif char in _FOLLOWING_VOWELS:
            if not ("\u0e01" <= previous <= "\u0e4e"):
                errors += 1
        elif char in _LEADING_VOWELS:
            following = text[index + 1] if index + 1 < len(text) else ""
            # "เเ" for "แ" is a common legacy typing habit, not noise.
            if following not in _CONSONANTS and following not in _LEADING_VOWELS:
                errors += 1
        previous = char
    if thai == 0:
        # No Thai at all: cp874 only supplied quotes or dashes, which is plausible text.
        return True
    return errors <= thai * _MAX_ORTHOGRAPHY_ERRORS


def decode_document(data: bytes) -> str:
    """Bytes -> text: UTF-8 (BOM allowed), else TIS-620/Windows-874 (cp874); normalise line endings (CRLF, CR) to \\n."""
    raw = bytes(data)
    has_bom = raw.startswith(_UTF8_BOM)
    if has_bom:
        raw = raw[len(_UTF8_BOM):]
    elif raw.startswith(_UTF16_BOMS):
        raise LegacyParseError(MESSAGE_UTF16)
    if not raw.strip():
        raise LegacyParseError(MESSAGE_EMPTY)
    if b"\x00" in raw or _control_share(raw) > _MAX_CONTROL_SHARE:
        raise LegacyParseError(MESSAGE_BINARY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        text = None if has_bom else _decode_cp874(raw)
        if text is None:
            raise LegacyParseError(MESSAGE_UNDECODABLE.format(position=utf8_error.start)) from None
    text = _normalise_text(text)
    if not _strip(text):
        raise LegacyParseError(MESSAGE_EMPTY)
    return text


def _decode_cp874(raw: bytes) -> str | None:
    """The text of TIS-620/Windows-874 bytes, or None when they are not Thai text."""
    try:
        text = raw.decode("cp874")
    except UnicodeDecodeError:
        return None
    return text if _looks_like_thai_text(text) else None


# --- Dates ----------------------------------------------------------------------

_THAI_MONTHS: dict[str, int] = {}
for _number, (_full, _short) in enumerate(
    [
        ("มกราคม", "มค"),
        ("กุมภาพันธ์", "กพ"),
        ("มีนาคม", "มีค"),
        ("เมษายน", "เมย"),
        ("พฤษภาคม", "พค"),
        ("มิถุนายน", "มิย"),
        ("กรกฎาคม", "กค"),
        ("สิงหาคม", "สค"),
        ("กันยายน", "กย"),
        ("ตุลาคม", "ตค"),
        ("พฤศจิกายน", "พย"),
        ("ธันวาคม", "ธค"),
    ],
    start=1,
):
    _THAI_MONTHS[_full] = _THAI_MONTHS[_short] = _number

_ISO_DATE = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?![0-9])")
_NUMERIC_DATE = re.compile(r"(?<![0-9])([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4}|[0-9]{2})(?![0-9])")
_THAI_MONTH_DATE = re.compile(
    r"(?<![0-9])([0-9]{1,2})\s*([ก-๏][ก-๏.\s]{0,14}?)\s*(?:(?:พ\.\s*ศ\.|ค\.\s*ศ\.)\s*)?([0-9]{4}|[0-9]{2})(?![0-9])"
)


def _make_date(year: int, month: int, day: int) -> date | None:
    """A date from possibly Buddhist-era parts, or None when the parts are not a real day."""
    if year < 100:
        # Thai documents abbreviate Buddhist years: ๖๐ is 2560.
        year += 2500
    if year >= 2400:
        year -= 543
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_legacy_date(value: str) -> date | None:
    """The date written in a legacy header (ISO, d/m/y or Thai month names, either era), or None."""
    text = value.translate(_TO_ARABIC)
    match = _ISO_DATE.search(text)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    match = _NUMERIC_DATE.search(text)
    if match:
        return _make_date(int(match[3]), int(match[2]), int(match[1]))
    for match in _THAI_MONTH_DATE.finditer(text):
        month = _THAI_MONTHS.get(_compact(match[2]).replace(".", ""))
        if month:
            return _make_date(int(match[3]), month, int(match[1]))
    return None


# --- Offices and places ---------------------------------------------------------

# Abbreviations used in office names, longest first so "สพอ." wins over "อ.".
_ABBREVIATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"สพอ\.\s*"), "สำนักงานพัฒนาชุมชนอำเภอ"),
    (re.compile(r"สพจ\.\s*"), "สำนักงานพัฒนาชุมชนจังหวัด"),
    (re.compile(r"สนง\.\s*"), "สำนักงาน"),
    (re.compile(r"พช\.\s*"), "พัฒนาชุมชน"),
    # "อ." and "จ." only as words of their own, never inside a name.
    (re.compile(r"(?:^|(?<=\s)|(?<=พัฒนาชุมชน))อ\.\s*"), "อำเภอ"),
    (re.compile(r"(?:^|(?<=\s)|(?<=พัฒนาชุมชน))จ\.\s*"), "จังหวัด"),
]
_SPACE_IN_OFFICE = re.compile(r"(?<=พัฒนาชุมชน)\s+(?=อำเภอ|จังหวัด)|(?<=อำเภอ)\s+|(?<=จังหวัด)\s+")
_PROVINCE_PART = re.compile(r"จังหวัด([^\s,;:()]*)")
_DISTRICT_PART = re.compile(r"อำเภอ([^\s,;:()]+)")
_SITE_FOOTER = re.compile(r"เว็บไซต์สัมมาชีพชุมชน(?:จังหวัด(\S*))?")
_PLACE_PUNCTUATION = ".,;:()\"'“”"


def expand_office(value: str) -> str:
    """An office name with abbreviations expanded and spaces inside the name removed."""
    office = _clean(value)
    for pattern, replacement in _ABBREVIATIONS:
        office = pattern.sub(replacement, office)
    return _SPACE_IN_OFFICE.sub("", office)


def split_office(value: str) -> tuple[str, str | None, str | None]:
    """(office without its trailing "จังหวัด…", province, district) from an address or สังกัด value."""
    office = expand_office(value)
    province = None
    matches = list(_PROVINCE_PART.finditer(office))
    if matches:
        last = matches[-1]
        province = last[1].strip(_PLACE_PUNCTUATION) or None
        if office[: last.start()].endswith("พัฒนาชุมชน"):
            # A provincial office is named after its province: keep the name whole.
            office = office[: last.end()]
        else:
            office = office[: last.start()]
    office = office.strip().strip(",")
    district = None
    districts = list(_DISTRICT_PART.finditer(office))
    if districts:
        district = districts[-1][1].strip(_PLACE_PUNCTUATION) or None
    return office.strip(), province, district


# --- Headings -------------------------------------------------------------------

_KEY_PREFIXES: list[tuple[str, tuple[str, ...]]] = [
    ("background", ("ความเป็นมา", "ที่มา", "แรงบันดาลใจ", "เหตุผลที่ทำ", "หลักการและเหตุผล", "บทนำ")),
    ("objectives", ("วัตถุประสงค์",)),
    ("materials", ("วัตถุดิบ",)),
    ("equipment", ("อุปกรณ์",)),
    ("process", ("กระบวนการ", "วิธีการ", "วิธีทำ", "ขั้นตอน")),
    ("cautions", ("ข้อพึงระวัง", "ข้อควรระวัง")),
]
# Headings KM documents use besides the standard ones; they tell a heading from a list item.
_OTHER_HEADING_PREFIXES = (
    "ปัญหา", "อุปสรรค", "แนวทาง", "กลยุทธ์", "ข้อเสนอแนะ", "ผลการดำเนินงาน", "ผลสำเร็จ",
    "ผลที่ได้รับ", "ปัจจัยความสำเร็จ", "บทเรียน", "สรุป", "เคล็ดลับ", "แหล่งอ้างอิง",
    "เอกสารอ้างอิง", "ภาคผนวก", "รูปประกอบ", "ภาพประกอบ",
)
_PICTURE_HEADINGS = ("รูปประกอบ", "ภาพประกอบ")
_LEADING_NUMBER = re.compile(rf"^{_DIGIT}{{1,3}}\s*[.)]\s*")
_MAX_HEADING_LENGTH = 150
_MAX_LABEL_LENGTH = 60


def heading_key(heading: str) -> str:
    """The standard section key a heading names, or "other"."""
    compact = _compact(_LEADING_NUMBER.sub("", _strip(heading)))
    for key, prefixes in _KEY_PREFIXES:
        if compact.startswith(prefixes):
            return key
    return OTHER


def _looks_like_heading(text: str) -> bool:
    """Whether text reads as a section heading rather than as a sentence or list item."""
    compact = _compact(text)
    return heading_key(text) != OTHER or compact.startswith(_OTHER_HEADING_PREFIXES)


def _clean_heading(text: str) -> str:
    """A heading as written: numbering and trailing colon removed, single spaces."""
    return _clean(_LEADING_NUMBER.sub("", _strip(text))).rstrip(":：").strip()


# --- Lines ----------------------------------------------------------------------

_PAGE_NUMBER = re.compile(rf"^-\s*(?:หน้า\s*)?{_DIGIT}{{1,3}}\s*-$")
_IMAGE_LINE = re.compile(r"^image[0-9]+(?:[\s,]+image[0-9]+)*$", re.IGNORECASE)
_IMAGE_TOKEN = re.compile(r"image[0-9]+", re.IGNORECASE)
_ARROW = re.compile(r"-{1,2}>")
_NUMBERED = re.compile(rf"^({_DIGIT}{{1,3}})\s*\.(?!{_DIGIT})\s*(.*)$")


@dataclass
class _Line:
    raw: str    # as in the document, for indentation
    text: str   # stripped

    @property
    def indented(self) -> bool:
        """Whether the line starts with whitespace (list items often do, headings do not)."""
        return self.raw[:1].isspace()


def _content_lines(text: str) -> list[_Line]:
    """The non-blank lines of a document."""
    lines = []
    for raw in text.split("\n"):
        stripped = _strip(raw)
        if stripped:
            lines.append(_Line(raw=raw, text=stripped))
    return lines


def _image_refs(text: str) -> list[str] | None:
    """The placeholders of a line made only of them ("image1 image2"), else None."""
    if _IMAGE_LINE.match(text):
        return [token.lower() for token in _IMAGE_TOKEN.findall(text)]
    return None


class _SectionBuilder:
    """Collects sections in document order, giving each standard key to one section only."""

    def __init__(self) -> None:
        self.sections: list[ParsedSection] = []
        self.image_refs: list[str] = []
        self._used: set[str] = set()
        self._current: ParsedSection | None = None
        # Text with no section yet goes under this heading ("" before the first heading).
        self._pending_heading = ""

    def start(self, heading: str) -> None:
        """Open the section a heading names."""
        key = heading_key(heading)
        if key != OTHER and key in self._used:
            key = OTHER
        self._used.add(key)
        self._current = ParsedSection(key=key, heading=heading, lines=[])
        self.sections.append(self._current)

    def start_other(self, heading: str) -> ParsedSection:
        """Open an "other" section under a heading that never maps to a standard key."""
        self._current = ParsedSection(key=OTHER, heading=heading, lines=[])
        self.sections.append(self._current)
        return self._current

    def start_pictures(self, heading: str) -> None:
        """Enter the picture list: placeholders become image refs, any text an "other" section."""
        self._current = None
        self._pending_heading = heading

    def add_images(self, refs: list[str]) -> None:
        """Record image placeholders, each once, in order."""
        for ref in refs:
            if ref not in self.image_refs:
                self.image_refs.append(ref)

    def add_loose(self, text: str) -> None:
        """Add a header-area line that belongs to no heading to the untitled section."""
        line = _strip(text)
        is_text = line and not _PAGE_NUMBER.match(line) and _image_refs(line) is None
        if is_text and (self._current is None or self._current.key != OTHER or self._current.heading):
            self.start_other("")
        self.add(line)

    def add(self, text: str) -> None:
        """Add one line of article text (page numbers dropped, placeholders collected)."""
        line = _strip(text)
        if not line or _PAGE_NUMBER.match(line):
            return
        refs = _image_refs(line)
        if refs is not None:
            self.add_images(refs)
            return
        current = self._current if self._current is not None else self.start_other(self._pending_heading)
        current.lines.append(line)


# --- Header fields --------------------------------------------------------------

_HEADER_FIELDS: dict[str, str] = {
    "ชื่อความรู้": "title",
    "ชื่อองค์ความรู้": "title",
    "ชื่อเรื่อง": "title",
    "เจ้าของความรู้": "author",
    "ชื่อเจ้าของความรู้": "author",
    "ผู้เขียน": "author",
    "โดย": "author",
    "ตำแหน่ง": "position",
    "สังกัด": "office",
    "หน่วยงาน": "office",
    "ที่อยู่": "office",
    "หมวดองค์ความรู้": "category",
    "หมวดหมู่": "category",
    "หมวด": "category",
    "วันที่": "date",
    "วันที่บันทึก": "date",
}
_RECORD_MARKER_KEYS = ("ชื่อความรู้", "ชื่อองค์ความรู้", "เจ้าของความรู้", "ชื่อเจ้าของความรู้")
_KNOWN_KEY = re.compile(
    r"(?:^|(?<=\s))("
    + "|".join(re.escape(key) for key in sorted(_HEADER_FIELDS, key=len, reverse=True))
    + r")\s*[:：]"
)
_ANY_KEY = re.compile(r"^([^:：]{1,40}?)\s*[:：]\s*(.*)$")
_THAI_LETTER = re.compile("[ก-ฮ]")


def _known_fields(text: str) -> list[tuple[str, str]] | None:
    """The (key, value) pairs of a line that starts with a known header key, else None.

    One line may hold several: "โดย : … ตำแหน่ง : … วันที่ : 2017-08-08-09:37:03".
    Splitting on the known keys (not on every colon) keeps the time intact.
    """
    matches = list(_KNOWN_KEY.finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    pairs = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        pairs.append((match[1], text[match.end():end]))
    return pairs


def _normalise_category(value: str) -> str:
    """A category as written, with the two known ones in their canonical spelling."""
    compact = _compact(value).casefold()
    if compact == _compact(CATEGORY_WEB):
        return CATEGORY_WEB
    if compact.startswith("บันทึกองค์ความรู้") and compact[len("บันทึกองค์ความรู้"):] in {"", "(km)", "km"}:
        return CATEGORY_RECORD
    return _clean(value)


@dataclass
class _Header:
    """Header fields as they are found; the first value of each field wins."""

    values: dict[str, str] = field(default_factory=dict)

    def take(self, key: str, value: str, builder: _SectionBuilder) -> None:
        """Keep a known field, or keep a repeated one as an "other" section so nothing is lost."""
        name = _HEADER_FIELDS[key]
        cleaned = _clean(value)
        if name not in self.values:
            self.values[name] = cleaned
        elif cleaned:
            builder.start_other(key)
            builder.add(cleaned)

    def get(self, name: str) -> str:
        """A field's value, "" when absent."""
        return self.values.get(name, "")


def _build_article(
    *,
    shape: str,
    header: _Header,
    title: str,
    category: str,
    builder: _SectionBuilder,
    footer_province: str | None,
) -> ParsedArticle:
    """Assemble the parsed article from header fields and sections."""
    office, province, district = split_office(header.get("office"))
    return ParsedArticle(
        shape=shape,
        category=_normalise_category(header.get("category")) if header.get("category") else category,
        title=title,
        author_name=header.get("author"),
        author_position=header.get("position"),
        written_at=parse_legacy_date(header.get("date")),
        office=office,
        province_name=province or footer_province,
        district_name=district,
        sections=builder.sections,
        image_refs=builder.image_refs,
    )


# --- Footer ---------------------------------------------------------------------

_CHROME_LINE = re.compile(
    r"^(?:กรมการพัฒนาชุมชน\s*กระทรวงมหาดไทย|เกี่ยวกับเรา"
    r"|(?:โทรศัพท์|โทรสาร|Email|E-mail|อีเมล|ที่อยู่)\s*[:：].*)$",
    re.IGNORECASE,
)


def _split_footer(lines: list[_Line]) -> tuple[list[_Line], str | None]:
    """The lines before the site footer, and the province the footer names."""
    for index in range(len(lines) - 1, -1, -1):
        match = _SITE_FOOTER.fullmatch(_compact(lines[index].text))
        if match:
            province = (match[1] or "").strip(_PLACE_PUNCTUATION) or None
            return lines[:index], province
    return lines, None


def _drop_trailing_chrome(lines: list[_Line]) -> list[_Line]:
    """The lines without a footer block whose site line was lost (contacts, เกี่ยวกับเรา)."""
    end = len(lines)
    while end > 0 and _CHROME_LINE.match(lines[end - 1].text):
        end -= 1
    return lines[:end]


# --- Web template ----------------------------------------------------------------


def _web_heading(text: str) -> tuple[str, str] | None:
    """(heading, text after the arrow) when a line is a "heading ->" line, else None."""
    match = _ARROW.search(text)
    if match is None:
        return None
    heading = _clean_heading(text[: match.start()])
    rest = _strip(text[match.end():])
    if not heading or len(heading) > _MAX_HEADING_LENGTH:
        return None
    # Text after the arrow is allowed for known headings only: "ดิน -> ผสมปุ๋ย" is a sentence.
    if rest and not _looks_like_heading(heading):
        return None
    return heading, rest


def _is_picture_heading(heading: str) -> bool:
    """Whether a heading introduces the picture placeholders ("รูปประกอบ -> image1 …")."""
    return _compact(heading).startswith(_PICTURE_HEADINGS)


def _split_category_and_title(candidates: list[str], has_fields: bool) -> tuple[str, str, list[str]]:
    """(category, title, leftover lines) from the header lines that are not key : value."""
    category = CATEGORY_WEB
    remaining = list(candidates)
    if remaining and (
        _normalise_category(remaining[0]) in (CATEGORY_WEB, CATEGORY_RECORD)
        or (has_fields and len(remaining) >= 2)
    ):
        # The template's first line is the category, even an unfamiliar one.
        category = _normalise_category(remaining.pop(0))
    if has_fields:
        # Everything between the category and "โดย :" is the title, however it wrapped.
        return category, _clean(" ".join(remaining)), []
    if not remaining:
        return category, "", []
    return category, _clean(remaining[0]), remaining[1:]


def _parse_web(lines: list[_Line]) -> ParsedArticle:
    """Parse the "เทคนิคส่งเสริมสัมมาชีพ" web template."""
    content, footer_province = _split_footer(lines)
    content = _drop_trailing_chrome(content)
    headings = [_web_heading(line.text) for line in content]
    first_heading = next((i for i, found in enumerate(headings) if found), len(content))

    builder = _SectionBuilder()
    header = _Header()
    candidates: list[str] = []
    preamble: list[str] = []
    has_fields = False
    for line in content[:first_heading]:
        refs = _image_refs(line.text)
        pairs = _known_fields(line.text)
        if refs is not None:
            builder.add_images(refs)
        elif _PAGE_NUMBER.match(line.text):
            continue
        elif pairs is not None:
            has_fields = True
            for key, value in pairs:
                header.take(key, value, builder)
        elif has_fields:
            preamble.append(line.text)
        else:
            candidates.append(line.text)

    category, title, leftovers = _split_category_and_title(candidates, has_fields)
    if not title:
        title = header.get("title")
    if not title:
        raise LegacyParseError(MESSAGE_NO_WEB_TITLE)
    if first_heading == len(content):
        raise LegacyParseError(MESSAGE_NO_WEB_HEADINGS)
    for text in leftovers + preamble:
        builder.add_loose(text)

    for line, found in zip(content[first_heading:], headings[first_heading:]):
        if found is None:
            builder.add(line.text)
            continue
        heading, rest = found
        if _is_picture_heading(heading):
            builder.start_pictures(heading)
        else:
            builder.start(heading)
        builder.add(rest)

    return _build_article(
        shape="web",
        header=header,
        title=title,
        category=category,
        builder=builder,
        footer_province=footer_province,
    )


# --- Record ---------------------------------------------------------------------


def _numbered(line: _Line) -> tuple[int, str] | None:
    """(number, text) of a line "๓. ปัญหาอุปสรรค"; "๒.๒.๑" and "๑)" are not numbered headings."""
    match = _NUMBERED.match(line.text)
    if match is None:
        return None
    text = _strip(match[2])
    if not any(char.isalpha() for char in text):
        return None
    return int(match[1].translate(_TO_ARABIC)), text


def _record_heading(text: str) -> tuple[str, str] | None:
    """(heading, text on the same line) for the text after a heading number, else None."""
    label, colon, rest = text.partition(":")
    if not colon:
        label, colon, rest = text.partition("：")
    label = _clean_heading(label)
    # "๒. วัตถุประสงค์ : ลดต้นทุน…" carries its first body line after the colon.
    if colon and _strip(rest) and label and len(label) <= _MAX_LABEL_LENGTH and _looks_like_heading(label):
        return label, _strip(rest)
    heading = _clean_heading(text)
    if not heading or len(heading) > _MAX_HEADING_LENGTH:
        return None
    return heading, ""


def _is_record_marker(text: str) -> bool:
    """Whether a line is the "บันทึกองค์ความรู้ ( KM )" form title."""
    return _compact(text).startswith("บันทึกองค์ความรู้")


def _find_first_record_heading(lines: list[_Line]) -> int:
    """Index of the "1." heading, or len(lines) when there is none."""
    for index, line in enumerate(lines):
        numbered = _numbered(line)
        if numbered and numbered[0] == 1 and _record_heading(numbered[1]):
            return index
    return len(lines)


def _parse_record_header(lines: list[_Line], builder: _SectionBuilder) -> tuple[_Header, str]:
    """Header fields of a record, and its title (the "ชื่อความรู้" value or an unlabelled first line).

    Unknown keys become "other" sections headed by the key and loose lines an
    untitled "other" section, in document order, so nothing is lost.
    """
    items: list[tuple[str, str, str]] = []  # (kind, key, value); kind: field | other | loose
    for line in lines:
        refs = _image_refs(line.text)
        if refs is not None:
            builder.add_images(refs)
            continue
        if _PAGE_NUMBER.match(line.text):
            continue
        pairs = _known_fields(line.text)
        if pairs is not None:
            items.extend(("field", key, value) for key, value in pairs)
            continue
        if items and items[-1][0] == "field" and _HEADER_FIELDS[items[-1][1]] == "office" and _compact(
            line.text
        ).startswith(("จังหวัด", "จ.")):
            # A wrapped สังกัด line: the province went onto the next line.
            kind, key, value = items.pop()
            items.append((kind, key, f"{value} {line.text}"))
            continue
        other = _ANY_KEY.match(line.text)
        # Form labels are Thai; "http://…" or "Email : …" stay whole as loose text.
        if other and _THAI_LETTER.search(other[1]):
            items.append(("other", _clean(other[1]), other[2]))
        else:
            items.append(("loose", "", line.text))

    has_title_field = any(kind == "field" and _HEADER_FIELDS[key] == "title" for kind, key, _ in items)
    title = ""
    if not has_title_field and items and items[0][0] == "loose":
        # A record whose title line carries no "ชื่อความรู้ :" label.
        title = _clean(items.pop(0)[2])

    header = _Header()
    for kind, key, value in items:
        if kind == "field":
            header.take(key, value, builder)
        elif kind == "other":
            builder.start_other(key)
            builder.add(value)
        else:
            builder.add_loose(value)
    return header, title or header.get("title")


def _parse_record(lines: list[_Line]) -> ParsedArticle:
    """Parse the "บันทึกองค์ความรู้ (KM)" record."""
    content, footer_province = _split_footer(lines)
    start = 1 if content and _is_record_marker(content[0].text) else 0
    body_start = start + _find_first_record_heading(content[start:])

    builder = _SectionBuilder()
    header, title = _parse_record_header(content[start:body_start], builder)
    if not title:
        raise LegacyParseError(MESSAGE_NO_RECORD_TITLE)
    if body_start == len(content):
        raise LegacyParseError(MESSAGE_NO_RECORD_HEADINGS)

    expected = 1
    # Next number of a "1. 2. 3." list inside the current section, None when it has none.
    list_next: int | None = None
    for line in content[body_start:]:
        numbered = _numbered(line)
        if numbered is None:
            builder.add(line.text)
            continue
        number, text = numbered
        found = _record_heading(text) if number == expected else None
        if found and list_next == number and (line.indented or not _looks_like_heading(found[0])):
            # "3." after a section's own "1." and "2." continues that list unless it reads as a heading.
            found = None
        if found:
            heading, rest = found
            builder.start(heading)
            builder.add(rest)
            expected += 1
            list_next = None
            continue
        if number == 1:
            list_next = 2
        elif number == list_next:
            list_next += 1
        builder.add(line.text)

    return _build_article(
        shape="record",
        header=header,
        title=title,
        category=CATEGORY_RECORD,
        builder=builder,
        footer_province=footer_province,
    )


# --- Entry points ---------------------------------------------------------------

# Shape markers are looked for near the top only: a body may quote anything.
_HEADER_WINDOW = 15


def _detect_shape(lines: list[_Line]) -> str | None:
    """ "web", "record", or None when the document has neither shape's markers."""
    first = _compact(lines[0].text)
    if first == _compact(CATEGORY_WEB):
        return "web"
    if _is_record_marker(lines[0].text):
        return "record"
    leading_keys = [pairs[0][0] for line in lines[:_HEADER_WINDOW] if (pairs := _known_fields(line.text))]
    if any(key in _RECORD_MARKER_KEYS for key in leading_keys):
        return "record"
    if "โดย" in leading_keys or any(_web_heading(line.text) for line in lines):
        return "web"
    if _find_first_record_heading(lines) < len(lines):
        return "record"
    return None


def parse_document(text: str) -> ParsedArticle:
    """Parse one legacy document of either shape."""
    lines = _content_lines(_normalise_text(text))
    if not lines:
        raise LegacyParseError(MESSAGE_EMPTY)
    shape = _detect_shape(lines)
    if shape == "web":
        return _parse_web(lines)
    if shape == "record":
        return _parse_record(lines)
    raise LegacyParseError(MESSAGE_NO_SHAPE)


def parse_bytes(data: bytes) -> ParsedArticle:
    """decode_document + parse_document."""
    return parse_document(decode_document(data))
