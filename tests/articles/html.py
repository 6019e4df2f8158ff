"""Reading rendered pages the way a person does: visible text, meta tags, links."""

import re
from html.parser import HTMLParser

_INVISIBLE = {"script", "style", "title", "head"}
# Line breaks in the markup are only spaces; blocks are what start a new line.
_BREAK = "\x00"
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "li", "ul", "ol", "section", "article", "header",
    "footer", "main", "nav", "dl", "dt", "dd", "figure", "figcaption", "br", "tr", "form",
}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.title = ""
        self._in_title = False
        self._head_done = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag in _INVISIBLE:
            self.hidden_depth += 1
        if tag == "title" and not self._head_done:
            self._in_title = True  # the page's title, not an SVG chart's
        if tag in _BLOCK:
            self.parts.append(_BREAK)
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta[key] = attributes.get("content", "")
        if tag == "link":
            self.links.append(attributes)

    def handle_endtag(self, tag):
        if tag in _INVISIBLE:
            self.hidden_depth -= 1
        if tag == "title":
            self._in_title = False
        if tag == "head":
            self._head_done = True
        if tag in _BLOCK:
            self.parts.append(_BREAK)

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self.hidden_depth <= 0:
            self.parts.append(data)


def read(response) -> _Reader:
    reader = _Reader()
    reader.feed(response.content.decode("utf-8"))
    return reader


def visible_lines(response) -> list[str]:
    """The page's visible text, one block per line, whitespace collapsed."""
    text = "".join(read(response).parts)
    return [line for line in (" ".join(raw.split()) for raw in text.split(_BREAK)) if line]


def visible_text(response) -> str:
    return "\n".join(visible_lines(response))


def page_title(response) -> str:
    return " ".join(read(response).title.split())


def meta(response) -> dict[str, str]:
    return read(response).meta


def canonical(response) -> str | None:
    for link in read(response).links:
        if link.get("rel") == "canonical":
            return link.get("href")
    return None


def article_links(response) -> list[str]:
    """Paths of the article pages a page links to, in order, without repeats."""
    seen: list[str] = []
    for path in re.findall(r'href="(/[\w-]+/articles/\d+/)"', response.content.decode("utf-8")):
        if path not in seen:
            seen.append(path)
    return seen
