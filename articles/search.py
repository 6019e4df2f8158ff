"""Search that works for Thai: substring matching on the normalised search column.

Thai is written without spaces between words, so a word-based full-text index
treats a whole phrase as one token and cannot find a word inside it. The portal
instead matches every term as a substring of `Article.search_text` (already
NFC, lower-cased, with Arabic digits). On PostgreSQL `search_text LIKE '%term%'`
is served by the pg_trgm GIN index (migration 0003); on SQLite the same
expression is a plain scan, with the same results.
"""

import re
import string
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import add

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Category
from articles.templatetags.thai_dates import buddhist_year, common_era_year
from articles.text import THAI_DIGITS, html_to_text, normalise_for_search, thai_digits_to_arabic
from provinces.models import District, Province

# A query longer than any real search is cut here rather than sent to the database whole.
MAX_QUERY_LENGTH = 200
# More terms than this narrow nothing further and only lengthen the SQL.
MAX_TERMS = 8
SNIPPET_LENGTH = 180
# Quotes and punctuation typed around a term are not part of what is sought.
_TERM_EDGE_PUNCTUATION = string.punctuation + "“”‘’«»…–—"
_ARABIC_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class ParsedQuery:
    """A search query as the portal understood it, and what it had to leave out."""

    text: str
    terms: list[str] = field(default_factory=list)
    truncated: bool = False
    ignored_terms: list[str] = field(default_factory=list)

    @property
    def only_symbols(self) -> bool:
        """Something was typed, but nothing in it can be searched for."""
        return bool(self.text) and not self.terms


def _has_letter_or_digit(term: str) -> bool:
    return any(ch.isalnum() for ch in term)


def parse_query(raw: str | None) -> ParsedQuery:
    """Normalise a query like the search column, split it into at most MAX_TERMS terms."""
    raw = (raw or "")[: MAX_QUERY_LENGTH * 4]  # bound the work before normalising
    text = normalise_for_search(raw)
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    terms: list[str] = []
    ignored: list[str] = []
    for word in text.split(" "):
        term = word.strip(_TERM_EDGE_PUNCTUATION)
        if not term or not _has_letter_or_digit(term):
            if word:
                ignored.append(word)
            continue
        if term in terms:
            continue
        if len(terms) == MAX_TERMS:
            truncated = True
            break
        terms.append(term)
    return ParsedQuery(text=text, terms=terms, truncated=truncated, ignored_terms=ignored)


def _title_contains(term: str) -> Q:
    """Title match for ranking; titles are stored as written, Thai digits and all."""
    condition = Q(title__icontains=term)
    if _DIGIT.search(term):
        condition |= Q(title__icontains=term.translate(_ARABIC_TO_THAI))
    return condition


def buddhist_year_filter(be_year: int) -> Q:
    """Articles of a Buddhist-era year: the year written, or published when no date was written.

    KM records often carry no written date; for those the publication year is
    the best the portal knows, so they are not lost from every year's list.
    """
    year = common_era_year(be_year)
    return Q(written_at__year=year) | Q(written_at__isnull=True, published_at__year=year)


def search_articles(
    query: str | ParsedQuery | None,
    *,
    province: Province | None = None,
    district: District | None = None,
    category: Category | None = None,
    year: int | None = None,
) -> tuple[QuerySet[Article], list[str]]:
    """Published articles matching every term (and the filters), best first; and the terms."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    articles = Article.objects.published().with_listing_related()
    if parsed.only_symbols:
        # Something was typed but nothing in it can be sought: no results, not every article.
        return articles.none(), []
    if province is not None:
        articles = articles.for_province(province)
    if district is not None:
        articles = articles.filter(district=district)
    if category is not None:
        articles = articles.filter(category=category)
    if year is not None:
        articles = articles.filter(buddhist_year_filter(year))
    for term in parsed.terms:
        # `contains` is LIKE '%term%': the form the trigram GIN index serves.
        articles = articles.filter(search_text__contains=term)
    if not parsed.terms:
        return articles.order_by("-published_at", "-id"), []
    title_hits = reduce(
        add,
        (
            Case(When(_title_contains(term), then=Value(1)), default=Value(0), output_field=IntegerField())
            for term in parsed.terms
        ),
    )
    ranked = articles.annotate(title_hits=title_hits).order_by("-title_hits", "-published_at", "-id")
    return ranked, parsed.terms


def published_years(*, province: Province | None = None) -> list[int]:
    """Buddhist-era years that have published articles, newest first (one query)."""
    articles = Article.objects.published()
    if province is not None:
        articles = articles.for_province(province)
    years = (
        articles.annotate(year=Coalesce(ExtractYear("written_at"), ExtractYear("published_at")))
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted((buddhist_year(year) for year in years if year), reverse=True)


# --- Snippets -----------------------------------------------------------------------------


def _normalised_with_positions(text: str) -> tuple[str, list[int]]:
    """The text as search sees it, and for each of its characters the index it came from."""
    chars: list[str] = []
    origins: list[int] = []
    previous_was_space = True
    for index, ch in enumerate(text):
        if ch.isspace():
            if not previous_was_space:
                chars.append(" ")
                origins.append(index)
            previous_was_space = True
            continue
        previous_was_space = False
        for normalised in thai_digits_to_arabic(ch).lower():
            chars.append(normalised)
            origins.append(index)
    return "".join(chars), origins


def _match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the terms occur in `text` (as written), merged and in order."""
    if not terms:
        return []
    normalised, origins = _normalised_with_positions(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = normalised.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((origins[start], origins[end - 1] + 1))
            start = normalised.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _is_mark(ch: str) -> bool:
    # Thai vowels above/below and tone marks must stay with their consonant.
    return unicodedata.category(ch) in {"Mn", "Mc", "Me"}


def _clean_cut(text: str, index: int) -> int:
    """Move a cut point left so it does not split a consonant from its marks."""
    while 0 < index < len(text) and _is_mark(text[index]):
        index -= 1
    return index


def _marked_up(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    parts: list[str] = []
    position = 0
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if end <= start or start < position:
            continue
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)


def highlight(text: str, terms: list[str]) -> SafeString:
    """The whole text, HTML-escaped, with every occurrence of a term in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    return mark_safe(_marked_up(text, _match_spans(text, terms)))  # noqa: S308 - escaped above


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """About `length` characters around the first match (or from the start), escaped and marked."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    spans = _match_spans(text, terms)
    if len(text) <= length:
        start, end = 0, len(text)
    else:
        first = spans[0][0] if spans else 0
        start = _clean_cut(text, max(0, first - length // 3))
        end = min(len(text), start + length)
        if end < len(text):
            end = _clean_cut(text, end)
    body = _marked_up(text[start:end], spans, offset=start)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - escaped in _marked_up


def article_plain_text(article: Article) -> str:
    """The prefetched sections of an article as plain text, in order."""
    return " ".join(html_to_text(section.body) for section in article.sections.all())


def attach_snippets(articles, terms: list[str]) -> None:
    """Give each article of one page its snippet and highlighted title (no queries)."""
    for article in articles:
        body = article_plain_text(article)
        text = body
        if terms and not _match_spans(body, terms):
            # The match is in who wrote it or where: show those lines instead.
            about = " · ".join(
                part
                for part in (
                    article.author_name,
                    article.author_position,
                    article.office,
                    article.district.name_th if article.district_id else "",
                    article.province.name_th,
                    article.category.name,
                )
                if part
            )
            if _match_spans(about, terms):
                text = about
        article.snippet = snippet(text, terms)
        article.highlighted_title = highlight(article.title, terms)


def drop_one_term_suggestions(terms: list[str]) -> list[str]:
    """For an empty result of several terms: the queries with one term left out each."""
    if len(terms) < 2:
        return []
    return [" ".join(t for t in terms if t != left_out) for left_out in terms]


# --- The filter form -----------------------------------------------------------------------


class DistrictChoiceField(forms.ModelChoiceField):
    """Districts listed by their own name: the province is already chosen (and not re-queried)."""

    def label_from_instance(self, district: District) -> str:
        return district.name_th


class ArticleFilterForm(forms.Form):
    """Search and filters of article lists; an invalid value is reported and then ignored."""

    q = forms.CharField(label=_("คำค้น"), required=False, strip=True, widget=forms.TextInput())
    province = forms.ModelChoiceField(
        label=_("จังหวัด"),
        queryset=Province.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("ทุกจังหวัด"),
        error_messages={"invalid_choice": _("ไม่พบจังหวัดที่เลือก จึงแสดงบทความทุกจังหวัด")},
    )
    district = DistrictChoiceField(
        label=_("อำเภอ"),
        queryset=District.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("ทุกอำเภอ"),
        error_messages={"invalid_choice": _("ไม่พบอำเภอที่เลือกในจังหวัดนี้ จึงแสดงบทความทุกอำเภอ")},
    )
    category = forms.ModelChoiceField(
        label=_("หมวด"),
        queryset=Category.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("ทุกหมวด"),
        error_messages={"invalid_choice": _("ไม่พบหมวดที่เลือก จึงแสดงบทความทุกหมวด")},
    )
    year = forms.TypedChoiceField(
        label=_("ปี พ.ศ."),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("ไม่มีบทความในปีที่เลือก จึงแสดงบทความทุกปี")},
    )

    def __init__(self, data=None, *, province: Province | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.fixed_province = province
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {"maxlength": MAX_QUERY_LENGTH, "placeholder": _("เช่น ทุนชุมชน หรือ OTOP")}
        )
        if province is not None:
            # A province's own list: its districts, no province choice.
            del self.fields["province"]
            self.fields["district"].queryset = province.districts.order_by("name_th")
        else:
            self.fields["province"].queryset = Province.objects.active().order_by("name_th")
            chosen = (data or {}).get("province")
            if chosen:
                self.fields["district"].queryset = District.objects.filter(
                    province__slug=chosen, province__is_active=True
                ).order_by("name_th")
        self.fields["category"].queryset = Category.objects.order_by("position", "name")
        years = published_years(province=province)
        self.fields["year"].choices = [("", _("ทุกปี"))] + [(year, str(year)) for year in years]

    @property
    def shows_districts(self) -> bool:
        """A district list only makes sense once a province is known."""
        return self.fixed_province is not None or bool(self.data.get("province"))

    def filters(self) -> dict:
        """The valid filters, for search_articles; invalid ones are left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        filters = {
            "district": cleaned.get("district"),
            "category": cleaned.get("category"),
            "year": cleaned.get("year"),
        }
        if self.fixed_province is not None:
            filters["province"] = self.fixed_province
        else:
            filters["province"] = cleaned.get("province")
        return filters

    @property
    def query(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("q") or ""

    def is_filtered(self) -> bool:
        filters = self.filters()
        if self.fixed_province is not None:
            filters.pop("province")
        return any(value is not None for value in filters.values())

