"""Server-side sanitising of rich text: whatever the editor (or an attacker) sends."""

import nh3

# Exactly what the editor's toolbar can produce (headings, emphasis, lists, links,
# tables, block quotes), plus the markup Word pastes for the same things.
ALLOWED_TAGS = {
    "p", "br", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "a", "blockquote", "figure", "figcaption",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "ol": {"start", "reversed"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(markup: str) -> str:
    """Rich text reduced to the allow-list: no scripts, styles, event handlers or javascript: URLs."""
    if not markup:
        return ""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
