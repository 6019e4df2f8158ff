"""Public article pages: province lists, national search, the article itself."""

from math import ceil
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.views.generic import DetailView, ListView

from articles import page_cache, view_counts
from articles.models import Article, ArticleImage, Section
from articles.search import (
    ArticleFilterForm,
    attach_snippets,
    cached_find_articles,
    drop_one_term_suggestions,
    parse_query,
    published_articles,
)
from articles.text import html_to_text
from articles.images import THUMBNAIL_MAX_SIDE
from provinces.views import ProvinceMixin, article_cards

ARTICLES_PER_PAGE = 20
# Lists without search terms offer their newest pages only: a page further back costs a
# longer index scan, and filters (year, district, category) reach older articles.
LIST_MAX_PAGES = 500
RELATED_ARTICLES = 4
DESCRIPTION_LENGTH = 200


class ArticleListPaginator(Paginator):
    """Pages of a filtered list: its count comes from the cache, and only LIST_MAX_PAGES are offered."""

    def __init__(self, object_list, per_page, *, count_scopes, count_name: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_scopes = count_scopes
        self.count_name = count_name

    @cached_property
    def count(self) -> int:
        return page_cache.cached_for_content(self.count_scopes, self.count_name, self.object_list.count)

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return min(ceil(max(1, self.count - self.orphans) / self.per_page), LIST_MAX_PAGES)


class SearchResultsPaginator(Paginator):
    """Pages of a search's ranked article ids; each page's articles are fetched by id."""

    def page(self, number):
        page = super().page(number)
        page_ids = list(page.object_list)
        found = {article.pk: article for article in article_cards(Article.objects.filter(pk__in=page_ids))}
        # An article unpublished since the results were cached is simply left out.
        page.object_list = [found[pk] for pk in page_ids if pk in found]
        return page


class ArticleSearchMixin:
    """A paginated list of published articles, filtered and searched by the query string.

    Province lists and the national search are the same page with or without a
    fixed province; both build everything here so templates never query. Without
    search terms it is the newest articles, counted once per change of content;
    with terms it is find_articles()'s ranked ids (articles/search.py), kept in the
    cache the same way.
    """

    paginate_by = ARTICLES_PER_PAGE
    context_object_name = "articles"
    fixed_province = None

    def get_queryset(self):
        self.form = ArticleFilterForm(self.request.GET, province=self.fixed_province)
        self.parsed_query = parse_query(self.form.query)
        self.terms = self.parsed_query.terms
        self.filters = self.form.filters()
        province = self.filters["province"]
        self.count_scopes = page_cache.scopes_for(province.slug if province else None)
        self.results = None
        if self.terms:
            self.results = cached_find_articles(self.parsed_query, **self.filters)
            return self.results.article_ids
        if self.parsed_query.only_symbols:
            # Something was typed but nothing in it can be sought: no results, not every article.
            return Article.objects.none()
        return article_cards(published_articles(**self.filters)).order_by("-published_at", "-id")

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if self.results is not None:
            return SearchResultsPaginator(queryset, per_page, orphans, allow_empty_first_page)
        if self.parsed_query.only_symbols:
            count_name = "count:nothing"
        else:
            count_name = repr(("count", *((key, getattr(value, "pk", value)) for key, value in sorted(self.filters.items()))))
        return ArticleListPaginator(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
            count_scopes=self.count_scopes, count_name=count_name,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attach_snippets(context["articles"], self.terms)
        paginator = context["paginator"]
        context.update(
            form=self.form,
            parsed_query=self.parsed_query,
            terms=self.terms,
            query=self.form.query,
            result_count=paginator.count,
            search_window=self.results.window if self.results else None,
            search_limit=self.results.limit if self.results else None,
            # Shown on the last page offered when the list goes further back than that.
            pages_limited=self.results is None and paginator.count > LIST_MAX_PAGES * paginator.per_page,
            list_max_pages=LIST_MAX_PAGES,
            suggestions=drop_one_term_suggestions(self.terms),
            is_filtered=self.form.is_filtered(),
            hide_header_search=True,  # the filter form above the results has the search box
            page_range=list(
                paginator.get_elided_page_range(context["page_obj"].number, on_each_side=2, on_ends=1)
            ),
        )
        return context


class ProvinceArticleListView(ProvinceMixin, ArticleSearchMixin, ListView):
    """/<province>/articles/: the province's published articles, newest first."""

    template_name = "articles/article_list.html"

    def get_queryset(self):
        self.fixed_province = self.province
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["canonical_url"] = self.request.build_absolute_uri(self.request.path)
        return context


class SearchView(ArticleSearchMixin, ListView):
    """/search/: every province's published articles, searched and filtered."""

    template_name = "articles/search.html"


def _thumbnail_size(image: ArticleImage) -> tuple[int | None, int | None]:
    """The thumbnail's pixel size, from the original's, so the page does not jump as it loads."""
    if not image.width or not image.height:
        return None, None
    scale = min(1.0, THUMBNAIL_MAX_SIDE / max(image.width, image.height))
    return round(image.width * scale), round(image.height * scale)


class ArticleDetailView(ProvinceMixin, DetailView):
    """A published article as officers know it; anything unpublished is a 404."""

    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.published()
            .for_province(self.province)
            .with_listing_related()
            .defer("search_text")
            .prefetch_related(
                Prefetch("sections", queryset=Section.objects.order_by("position")),
                Prefetch("images", queryset=ArticleImage.objects.order_by("position", "id")),
            )
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # Counted in the cache, not written per reading (articles/view_counts.py); when this
        # page is served from the page cache, the middleware counts it with this id.
        request.viewed_article_id = self.object.pk
        self.object.view_count += view_counts.record_view(self.object.pk)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        sections = [
            (section, text)
            for section in article.sections.all()
            if (text := html_to_text(section.body))
        ]
        images = list(article.images.all())
        for image in images:
            image.thumb_width, image.thumb_height = _thumbnail_size(image)
        canonical_url = self.request.build_absolute_uri(article.get_absolute_url())
        first_image = images[0] if images else None
        og_image_url = ""
        if first_image is not None:
            og_image_url = self.request.build_absolute_uri(
                (first_image.large or first_image.image).url
            )
        description = Truncator(" ".join(sections[0][1].split())).chars(DESCRIPTION_LENGTH) if sections else ""
        shared = quote(canonical_url, safe="")
        return super().get_context_data(
            sections=[section for section, _ in sections],
            images=images,
            first_image=first_image,
            related_articles=self._related(article),
            canonical_url=canonical_url,
            description=description or article.title,
            og_image_url=og_image_url,
            line_share_url=f"https://social-plugins.line.me/lineit/share?url={shared}",
            facebook_share_url=f"https://www.facebook.com/sharer/sharer.php?u={shared}",
            **kwargs,
        )

    def _related(self, article: Article) -> list[Article]:
        """Same category and province first, then same province, then same category.

        Three small queries, each the newest few of one index, rather than one that
        ranks every article of the province or category.
        """
        newest = (
            Article.objects.published().exclude(pk=article.pk).with_listing_related().defer("search_text")
            .order_by("-published_at", "-id")
        )
        groups = (
            newest.filter(province_id=article.province_id, category_id=article.category_id),
            newest.filter(province_id=article.province_id),
            newest.filter(category_id=article.category_id),
        )
        related: dict[int, Article] = {}
        for group in groups:
            for candidate in group[:RELATED_ARTICLES]:
                related.setdefault(candidate.pk, candidate)
        return list(related.values())[:RELATED_ARTICLES]


def article_with_title_redirect(request, province_slug: str, pk: int, title_slug: str):
    """/<province>/articles/<id>-<readable title>/ leads to the one canonical address."""
    return redirect("articles:detail", province_slug=province_slug, pk=pk, permanent=True)
