"""Public article pages: province lists, national search, the article itself."""

from urllib.parse import quote

from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import redirect
from django.utils.text import Truncator
from django.views.generic import DetailView, ListView

from articles.models import Article, ArticleImage, Section
from articles.search import (
    ArticleFilterForm,
    attach_snippets,
    drop_one_term_suggestions,
    parse_query,
    search_articles,
)
from articles.text import html_to_text
from articles.images import THUMBNAIL_MAX_SIDE
from provinces.views import ProvinceMixin

ARTICLES_PER_PAGE = 20
RELATED_ARTICLES = 4
DESCRIPTION_LENGTH = 200


class ArticleSearchMixin:
    """A paginated list of published articles, filtered and searched by the query string.

    Province lists and the national search are the same page with or without a
    fixed province; both build the whole queryset here so templates never query.
    """

    paginate_by = ARTICLES_PER_PAGE
    context_object_name = "articles"
    fixed_province = None

    def get_queryset(self):
        self.form = ArticleFilterForm(self.request.GET, province=self.fixed_province)
        self.parsed_query = parse_query(self.form.query)
        articles, self.terms = search_articles(self.parsed_query, **self.form.filters())
        return articles.prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            Prefetch("images", queryset=ArticleImage.objects.order_by("position", "id")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attach_snippets(context["articles"], self.terms)
        context.update(
            form=self.form,
            parsed_query=self.parsed_query,
            terms=self.terms,
            query=self.form.query,
            result_count=context["paginator"].count,
            suggestions=drop_one_term_suggestions(self.terms),
            is_filtered=self.form.is_filtered(),
            hide_header_search=True,  # the filter form above the results has the search box
            page_range=list(
                context["paginator"].get_elided_page_range(context["page_obj"].number, on_each_side=2, on_ends=1)
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


def _record_view(article: Article) -> None:
    """Count a reading with one UPDATE, never a read-modify-write that loses concurrent views."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    article.view_count += 1


class ArticleDetailView(ProvinceMixin, DetailView):
    """A published article as officers know it; anything unpublished is a 404."""

    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.published()
            .for_province(self.province)
            .with_listing_related()
            .prefetch_related(
                Prefetch("sections", queryset=Section.objects.order_by("position")),
                Prefetch("images", queryset=ArticleImage.objects.order_by("position", "id")),
            )
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        _record_view(self.object)
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
        """Same category and province first, then same province, then same category."""
        same_province = Q(province_id=article.province_id)
        same_category = Q(category_id=article.category_id)
        return list(
            Article.objects.published()
            .filter(same_province | same_category)
            .exclude(pk=article.pk)
            .with_listing_related()
            .annotate(
                closeness=Case(
                    When(same_province & same_category, then=Value(3)),
                    When(same_province, then=Value(2)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("-closeness", "-published_at", "-id")[:RELATED_ARTICLES]
        )


def article_with_title_redirect(request, province_slug: str, pk: int, title_slug: str):
    """/<province>/articles/<id>-<readable title>/ leads to the one canonical address."""
    return redirect("articles:detail", province_slug=province_slug, pk=pk, permanent=True)
