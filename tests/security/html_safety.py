"""Whether a rendered page still holds anything a browser would run.

The page is parsed the way a browser tokenises it (html.parser, entities decoded),
and every element is checked: scripts other than the portal's own files and JSON
data blocks, event-handler attributes, script/data URLs in any URL attribute,
frames and plugins, <base>, <meta http-equiv> and CSS that runs script.
"""

import re
from html.parser import HTMLParser

STATIC_PREFIX = "/static/"
# Django's admin loads its translations from this view of the portal itself.
OWN_SCRIPT_VIEWS = {"/admin/jsi18n/"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
# Elements whose content a browser parses differently from a sanitiser or from html.parser
# (mutation XSS); the portal's templates use none of them.
PARSER_CONFUSING_ELEMENTS = {"noscript", "math", "xmp", "noembed", "noframes", "plaintext", "listing"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "lowsrc", "dynsrc", "ping", "cite", "codebase", "srcdoc", "to", "from", "values",
}
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:", "livescript:")
# Browsers ignore these anywhere inside a URL's scheme ("jav\tascript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
DANGEROUS_CSS = ("expression(", "javascript:", "vbscript:", "-moz-binding", "behavior:", "@import")


def script_scheme(value: str) -> str | None:
    """The script-running scheme a URL attribute's value would be read as, if any."""
    squeezed = _IGNORED_IN_SCHEME.sub("", value or "").lower()
    for scheme in SCRIPT_SCHEMES:
        if squeezed.startswith(scheme):
            return scheme
    return None


def dangerous_css(css: str) -> str | None:
    """The first construct in a style attribute or block that could run script or load a binding."""
    text = _CSS_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), _CSS_COMMENT.sub("", css or ""))
    squeezed = _IGNORED_IN_SCHEME.sub("", text).lower().replace("\\", "")
    for marker in DANGEROUS_CSS:
        if marker in squeezed:
            return marker
    return None


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self._raw_text_tag: str | None = None
        self._script_allowed = True
        self._svg_depth = 0

    def _found(self, what: str) -> None:
        line, column = self.getpos()
        self.findings.append(f"line {line}:{column}: {what}")

    def handle_starttag(self, tag, attrs):
        self._check_element(tag, attrs)
        if tag in {"script", "style"}:
            self._raw_text_tag = tag
        if tag == "svg":
            self._svg_depth += 1

    def handle_startendtag(self, tag, attrs):
        self._check_element(tag, attrs)

    def handle_endtag(self, tag):
        if tag == self._raw_text_tag:
            self._raw_text_tag = None
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1

    def handle_data(self, data):
        if self._raw_text_tag == "script" and data.strip() and not self._script_allowed:
            self._found(f"inline script: {data.strip()[:120]!r}")
        if self._raw_text_tag == "style" and (marker := dangerous_css(data)):
            self._found(f"<style> block with {marker}: {data.strip()[:120]!r}")

    def _check_element(self, tag: str, attrs) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script":
            self._check_script(attributes)
        if tag in FORBIDDEN_ELEMENTS:
            self._found(f"<{tag}> element: {attributes}")
        if tag in PARSER_CONFUSING_ELEMENTS:
            self._found(f"<{tag}> element: {attributes}")
        if tag == "template" and not attributes.get("id", "").endswith("-template"):
            self._found(f"<template> that is not one of the portal's: {attributes}")
        if tag == "style" and self._svg_depth:
            self._found("<style> inside <svg>")
        if tag == "meta" and "http-equiv" in attributes:
            self._found(f"<meta http-equiv>: {attributes}")
        for name, value in attributes.items():
            if name.startswith("on"):
                self._found(f"<{tag} {name}={value[:80]!r}>: event-handler attribute")
            if name in URL_ATTRIBUTES and (scheme := script_scheme(value)):
                self._found(f"<{tag} {name}={value[:80]!r}>: {scheme} URL")
            if name == "style" and (marker := dangerous_css(value)):
                self._found(f"<{tag} style={value[:80]!r}>: {marker} in CSS")

    def _check_script(self, attributes: dict[str, str]) -> None:
        src = attributes.get("src")
        kind = attributes.get("type", "").strip().lower()
        if src is not None:
            self._script_allowed = False
            if not (src.startswith(STATIC_PREFIX) or src in OWN_SCRIPT_VIEWS):
                self._found(f"<script src={src[:80]!r}>: not one of the portal's own files")
            else:
                self._script_allowed = True
        elif kind == "application/json":
            self._script_allowed = True  # a data block the page's scripts read, never run
        else:
            self._script_allowed = False
            self._found(f"inline <script {attributes}>")


def executable_markup(html: str) -> list[str]:
    """Everything in the page a browser could run or that could redirect it; empty when safe."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.findings


def visible_text(html: str) -> str:
    """The text a person reads on the page (scripts and styles left out), whitespace collapsed."""

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag, attrs):
            self.parts.append(" ")
            if tag in {"script", "style"}:
                self.hidden += 1

        def handle_endtag(self, tag):
            self.parts.append(" ")
            if tag in {"script", "style"}:
                self.hidden -= 1

        def handle_data(self, data):
            if not self.hidden:
                self.parts.append(data)

    reader = _Text()
    reader.feed(html)
    reader.close()
    return squeeze("".join(reader.parts))


def squeeze(text: str) -> str:
    """Whitespace and control characters collapsed to single spaces, as the comparison needs."""
    return " ".join(_IGNORED_IN_SCHEME.sub(" ", text).split())
