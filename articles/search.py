"""Search that works for Thai: substring matching on the normalised search column.

Thai is written without spaces between words, so a word-based full-text index
treats a whole phrase as one token and cannot find a word inside it. The portal
instead matches every term as a substring of `Article.search_text` (already
NFC, lower-cased, with Arabic digits). On PostgreSQL `search_text LIKE '%term%'`
is served by the pg_trgm GIN index (migration 0003); on SQLite the same
expression is a plain scan, with the same results.

The public pages call ``find_articles()``, whose cost does not grow with the
number of articles: it checks the newest SEARCH_WINDOW articles of the filtered
list first (a word most articles contain is found there at once), and searches
every article through the trigram index only when that gives less than a page,
keeping the newest SEARCH_RESULT_LIMIT matches. Checking an article's text costs
tens of microseconds (it is several kilobytes, stored compressed), so a word in
every article would otherwise cost a check of every article.
"""

import re
import string
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import add

from django import forms
from django.db import connections, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from articles import page_cache
from articles.models import Article, Category
from articles.templatetags.thai_dates import buddhist_year, common_era_year
from articles.text import THAI_DIGITS, html_to_text, normalise_for_search, thai_digits_to_arabic
from provinces.models import District, Province

# A query longer than any real search is cut here rather than sent to the database whole.
MAX_QUERY_LENGTH = 200
# More terms than this narrow nothing further and only lengthen the SQL.
MAX_TERMS = 8
SNIPPET_LENGTH = 180
# The newest articles of a filtered list checked for a search first.
SEARCH_WINDOW = 1000
# When fewer than this many of them match, every article is searched (through the index).
SEARCH_WINDOW_ENOUGH = 20
# At most this many of the newest matches are listed, ranked.
SEARCH_RESULT_LIMIT = 1000
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


def published_articles(
    *,
    province: Province | None = None,
    district: District | None = None,
    category: Category | None = None,
    year: int | None = None,
) -> QuerySet[Article]:
    """Published articles with the list filters applied (unordered)."""
    articles = Article.objects.published()
    if province is not None:
        articles = articles.for_province(province)
    if district is not None:
        articles = articles.filter(district=district)
    if category is not None:
        articles = articles.filter(category=category)
    if year is not None:
        articles = articles.filter(buddhist_year_filter(year))
    return articles


def search_articles(
    query: str | ParsedQuery | None,
    *,
    province: Province | None = None,
    district: District | None = None,
    category: Category | None = None,
    year: int | None = None,
) -> tuple[QuerySet[Article], list[str]]:
    """Published articles matching every term (and the filters), best first; and the terms.

    Every match, ranked in SQL: for exports and tests. Public pages use find_articles().
    """
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    articles = published_articles(province=province, district=district, category=category, year=year)
    articles = articles.with_listing_related()
    if parsed.only_symbols:
        # Something was typed but nothing in it can be sought: no results, not every article.
        return articles.none(), []
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


@dataclass(frozen=True)
class SearchResults:
    """The ids of the articles a search lists, best first, and how far it looked."""

    article_ids: list[int]
    terms: list[str]
    # Only the newest `window` articles of the list were searched (enough of them matched).
    window: int | None = None
    # More than `limit` articles matched; the newest `limit` are listed.
    limit: int | None = None


def _title_hits(title: str, terms: list[str]) -> int:
    """How many terms the title contains, compared as search compares (Thai digits and case folded)."""
    normalised = normalise_for_search(title)
    return sum(term in normalised for term in terms)


def _ranked(rows: list[tuple[int, str]], terms: list[str]) -> list[int]:
    """Title matches first; otherwise the order given (newest first)."""
    return [article_id for article_id, title in sorted(rows, key=lambda row: -_title_hits(row[1], terms))]


def _matches_among_newest(articles: QuerySet[Article], terms: list[str], window: int) -> tuple[list[tuple[int, str]], bool]:
    """(id, title) of the newest `window` articles that contain every term; and whether there are older ones.

    One query over an ordered index scan of `window` + 1 rows, whatever the table's size.
    """
    newest = articles.order_by("-published_at", "-id").values("id", "title", "published_at", "search_text")
    newest = newest[: window + 1]
    connection = connections[newest.db]
    inner_sql, inner_params = newest.query.get_compiler(connection=connection).as_sql()
    if connection.vendor == "postgresql":
        contains = "strpos(w.search_text, %s) > 0"
    else:
        contains = "instr(w.search_text, %s) > 0"
    condition = " AND ".join([contains] * len(terms))
    sql = (
        f"SELECT w.id, CASE WHEN {condition} THEN w.title END FROM ({inner_sql}) w "
        "ORDER BY w.published_at DESC, w.id DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*terms, *inner_params])
        rows = cursor.fetchall()
    matches = [(article_id, title) for article_id, title in rows[:window] if title is not None]
    return matches, len(rows) > window


@contextmanager
def trigram_index_scan(using: str) -> Iterator[None]:
    """On PostgreSQL, forbid reading the whole table for the queries inside.

    The planner cannot estimate how many articles contain a Thai substring (the text
    is too long for column statistics), and on a small or new table it prefers
    reading every row. The setting is changed for this transaction only and put back.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (previous,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            yield
        finally:
            # Inside a caller's transaction SET LOCAL would outlive this block: put it back.
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


def _all_matches(articles: QuerySet[Article], terms: list[str], limit: int) -> QuerySet:
    """The newest `limit` articles containing every term, as (id, title).

    On PostgreSQL the terms are looked up in a subquery of their own behind an
    optimisation fence (OFFSET 0), where the trigram index is the only index that
    applies: with the status and province conditions next to them the planner may
    prefer an index on those and check the text of every published article.
    """
    matching = Article.objects.order_by()
    for term in terms:
        matching = matching.filter(search_text__contains=term)
    connection = connections[articles.db]
    if connection.vendor == "postgresql":
        sql, params = matching.values("id").query.get_compiler(connection=connection).as_sql()
        articles = articles.filter(pk__in=RawSQL(f"SELECT fenced.id FROM ({sql} OFFSET 0) fenced", params))
    else:
        articles = articles.filter(pk__in=matching.values("id"))
    return articles.order_by("-published_at", "-id").values_list("id", "title")[:limit]


def _matches_everywhere(articles: QuerySet[Article], terms: list[str], limit: int) -> list[tuple[int, str]]:
    """(id, title) of the newest `limit` articles containing every term, found through the trigram index."""
    matches = _all_matches(articles, terms, limit)
    with trigram_index_scan(matches.db):
        return list(matches)


def explain_full_search(query: str | ParsedQuery, **filters) -> str:
    """The database's plan for the search through every article, as find_articles() runs it."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    matches = _all_matches(published_articles(**filters), parsed.terms, SEARCH_RESULT_LIMIT + 1)
    connection = connections[matches.db]
    sql, params = matches.query.get_compiler(connection=connection).as_sql()
    explain = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with trigram_index_scan(matches.db), connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        return "\n".join(" ".join(str(column) for column in row) for row in cursor.fetchall())


def find_articles(parsed: ParsedQuery, **filters) -> SearchResults:
    """What a search page lists: at a cost that does not grow with the number of articles."""
    if not parsed.terms:
        return SearchResults(article_ids=[], terms=[])
    articles = published_articles(**filters)
    matches, older_exist = _matches_among_newest(articles, parsed.terms, SEARCH_WINDOW)
    if len(matches) >= SEARCH_WINDOW_ENOUGH or not older_exist:
        return SearchResults(
            article_ids=_ranked(matches, parsed.terms), terms=parsed.terms, window=SEARCH_WINDOW if older_exist else None
        )
    matches = _matches_everywhere(articles, parsed.terms, SEARCH_RESULT_LIMIT + 1)
    limited = len(matches) > SEARCH_RESULT_LIMIT
    return SearchResults(
        article_ids=_ranked(matches[:SEARCH_RESULT_LIMIT], parsed.terms),
        terms=parsed.terms,
        limit=SEARCH_RESULT_LIMIT if limited else None,
    )


def cached_find_articles(parsed: ParsedQuery, **filters) -> SearchResults:
    """find_articles(), kept until the content it searched changes."""
    province = filters.get("province")
    name = repr((
        "search", parsed.terms, SEARCH_WINDOW, SEARCH_RESULT_LIMIT,
        *((key, getattr(value, "pk", value)) for key, value in sorted(filters.items())),
    ))
    return page_cache.cached_for_content(
        page_cache.scopes_for(province.slug if province else None), name, lambda: find_articles(parsed, **filters)
    )


def published_years(*, province: Province | None = None) -> list[int]:
    """Buddhist-era years that have published articles, newest first.

    One query that reads every published article (of the province), so it is kept
    in the cache (articles/page_cache.py).
    """

    def years_from_database() -> list[int]:
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

    if province is not None:
        scopes = page_cache.scopes_for(province.slug)
    else:
        # Every article in the country: kept until the cache expires rather than emptied by
        # each publication (a new year shows a few minutes late; an empty year lists nothing).
        scopes = (page_cache.EVERYTHING,)
    return page_cache.cached_for_content(scopes, f"years:{province.pk if province else ''}", years_from_database)


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

