"""Text helpers for Thai content: digits, plain text from HTML, search normalisation."""

import html
import re
import unicodedata
from html.parser import HTMLParser

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_THAI_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_WHITESPACE = re.compile(r"\s+")

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "table", "tr", "figure", "figcaption", "caption",
}


def thai_digits_to_arabic(text: str) -> str:
    """Replace ๐–๙ by 0–9 so that ๒๕๖๐ and 2560 compare equal."""
    return text.translate(_THAI_TO_ARABIC)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: one line per block, whitespace tidied."""
    extractor = _TextExtractor()
    extractor.feed(markup or "")
    extractor.close()
    lines = (_WHITESPACE.sub(" ", line).strip() for line in "".join(extractor.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def text_to_html(lines: list[str]) -> str:
    """Paragraph markup for plain-text lines (legacy documents have no markup)."""
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line.strip())


def normalise_for_search(text: str) -> str:
    """The form both the search column and queries are compared in.

    NFC so that the same Thai syllable typed in different orders of marks
    matches, Arabic digits for Thai ones, lower case for Latin, single spaces.
    """
    text = unicodedata.normalize("NFC", text or "")
    text = thai_digits_to_arabic(text).lower()
    return _WHITESPACE.sub(" ", text).strip()
