"""Public pages of the portal and of each province's own site."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from articles.models import Article, ArticleImage, Category, Section
from articles.search import attach_snippets
from articles.templatetags.portal import province_name, region_name
from provinces.models import Province, Region

LATEST_ON_FRONT_PAGE = 6
MOST_READ_ON_PROVINCE_PAGE = 5
TOP_PROVINCES_IN_CHART = 10


class ProvinceMixin:
    """Looks up the active province named in the URL; unknown or inactive is a 404."""

    province: Province

    def dispatch(self, request, *args, **kwargs):
        self.province = get_object_or_404(Province.objects.active(), slug=kwargs["province_slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(province=self.province, **kwargs)


def theme_stylesheet(request, colour: str) -> HttpResponse:
    """``--theme`` for a province's pages; the colour is in the URL, so it never goes stale."""
    response = HttpResponse(f"body{{--theme:#{colour}}}\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def article_cards(articles: QuerySet[Article]) -> QuerySet[Article]:
    """What an article card shows: category, place, the first photo and an excerpt.

    Not the search column: several kilobytes per article that no card shows.
    """
    return articles.with_listing_related().defer("search_text").prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position")),
        Prefetch("images", queryset=ArticleImage.objects.order_by("position", "id")),
    )


def latest_cards(articles: QuerySet[Article], limit: int) -> list[Article]:
    """The newest published articles as cards, with their excerpts."""
    latest = list(article_cards(articles).order_by("-published_at", "-id")[:limit])
    attach_snippets(latest, [])
    return latest


# --- The national chart ---------------------------------------------------------------------


@dataclass
class ChartBar:
    label: str
    value: int
    label_y: int
    bar_y: int
    width: float
    value_x: float
    value_y: int


@dataclass
class BarChart:
    """A horizontal bar chart drawn as inline SVG by the server: no JavaScript needed."""

    chart_id: str
    title: str
    description: str
    bars: list[ChartBar]
    width: int
    height: int
    bar_height: int


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, int]]) -> BarChart:
    """Lay out one bar per (label, value): the label above its bar, the value after it."""
    width, row_height, bar_height, top = 400, 48, 16, 8
    # Leave room after the longest bar for its number.
    longest_bar = width - 56
    largest = max((value for _label, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = top + index * row_height
        bar_width = round(longest_bar * value / largest, 1) if value else 0
        bars.append(
            ChartBar(
                label=label,
                value=value,
                label_y=y + 18,
                bar_y=y + 26,
                width=max(bar_width, 2),
                value_x=max(bar_width, 2) + 8,
                value_y=y + 39,
            )
        )
    description = "; ".join(f"{label} {value}" for label, value in rows)
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        bars=bars,
        width=width,
        height=top * 2 + row_height * len(rows),
        bar_height=bar_height,
    )


class NationalHomeView(TemplateView):
    """The national front page: every province by region, the latest articles, the chart."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        # One grouped query gives every province its count; regions are summed from it.
        provinces = list(
            Province.objects.active()
            .annotate(published_count=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED)))
            .order_by("name_th")
        )
        regions = []
        for key, _label in Region.choices:
            members = [p for p in provinces if p.region == key]
            regions.append(
                {
                    "key": key,
                    "provinces": members,
                    "published_count": sum(p.published_count for p in members),
                }
            )
        top = sorted(
            (p for p in provinces if p.published_count), key=lambda p: (-p.published_count, p.name_th)
        )[:TOP_PROVINCES_IN_CHART]
        region_chart = bar_chart(
            "chart-regions",
            _("บทความที่เผยแพร่แยกตามภาค"),
            [(region_name(region["key"]), region["published_count"]) for region in regions],
        )
        province_chart = bar_chart(
            "chart-provinces",
            _("จังหวัดที่เผยแพร่บทความมากที่สุด"),
            [(province_name(p), p.published_count) for p in top],
        )
        return super().get_context_data(
            regions=regions,
            total_published=sum(p.published_count for p in provinces),
            province_count=len(provinces),
            latest_articles=latest_cards(Article.objects.published(), LATEST_ON_FRONT_PAGE),
            region_chart=region_chart,
            province_chart=province_chart if top else None,
            canonical_url=self.request.build_absolute_uri("/"),
            hide_header_search=True,  # the page's own search box is right below
            **kwargs,
        )


class ProvinceHomeView(ProvinceMixin, TemplateView):
    """A province's own site: its latest and most-read articles, districts and categories."""

    template_name = "provinces/province_home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published().for_province(self.province)
        most_read = list(
            published.with_listing_related()
            .filter(view_count__gt=0)
            .order_by("-view_count", "-published_at", "-id")[:MOST_READ_ON_PROVINCE_PAGE]
        )
        districts = list(
            self.province.districts.annotate(
                published_count=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED))
            ).order_by("-published_count", "name_th")
        )
        # Filtered in WHERE, not inside Count(): the province's articles come from its index
        # instead of every article being read; categories without articles drop out.
        categories = list(
            Category.objects.filter(articles__province=self.province, articles__status=Article.Status.PUBLISHED)
            .annotate(published_count=Count("articles"))
            .order_by("position", "name")
        )
        return super().get_context_data(
            latest_articles=latest_cards(published, LATEST_ON_FRONT_PAGE),
            most_read=most_read,
            districts_with_articles=[d for d in districts if d.published_count],
            districts_without_articles=[d for d in districts if not d.published_count],
            categories=categories,
            # Every article has a category, so the categories add up to the province's total.
            total_published=sum(category.published_count for category in categories),
            canonical_url=self.request.build_absolute_uri(self.province.get_absolute_url()),
            **kwargs,
        )


class ProvinceAboutView(ProvinceMixin, TemplateView):
    """เกี่ยวกับเรา: the provincial office, how to reach it, and what its site holds."""

    template_name = "provinces/province_about.html"

    def get_context_data(self, **kwargs):
        counts = Article.objects.published().for_province(self.province).aggregate(
            articles=Count("id"), districts=Count("district", distinct=True)
        )
        return super().get_context_data(
            published_count=counts["articles"],
            districts_with_articles=counts["districts"],
            canonical_url=self.request.build_absolute_uri(self.request.path),
            **kwargs,
        )
