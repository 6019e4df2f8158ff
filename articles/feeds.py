"""RSS 2.0 feeds of newly published articles, nationwide and per province."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section
from articles.text import html_to_text
from provinces.models import Province

FEED_LENGTH = 30
DESCRIPTION_LENGTH = 300


class LatestArticlesFeed(Feed):
    """The 30 most recently published articles of every province."""

    feed_type = Rss201rev2Feed
    language = "th"
    title = _("บทความล่าสุด — พอร์ทัลสัมมาชีพชุมชน")
    description = _("องค์ความรู้สัมมาชีพชุมชนที่สำนักงานพัฒนาชุมชนทั่วประเทศเผยแพร่ล่าสุด")

    def link(self):
        return reverse("provinces:index")

    def feed_url(self):
        return reverse("articles:feed")

    def published_articles(self):
        return (
            Article.objects.published()
            .with_listing_related()
            .prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("position")))
            .order_by("-published_at", "-id")
        )

    def items(self):
        return self.published_articles()[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        for section in item.sections.all():
            text = " ".join(html_to_text(section.body).split())
            if text:
                return Truncator(text).chars(DESCRIPTION_LENGTH)
        return item.title

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author_name

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name, item.province.name_th]


class ProvinceArticlesFeed(LatestArticlesFeed):
    """One province's 30 most recently published articles."""

    def get_object(self, request, province_slug: str) -> Province:
        return get_object_or_404(Province.objects.active(), slug=province_slug)

    def title(self, province: Province) -> str:
        return province.display_title

    def description(self, province: Province) -> str:
        return _("บทความองค์ความรู้ล่าสุดของ%(site)s") % {"site": province.display_title}

    def link(self, province: Province) -> str:
        return province.get_absolute_url()

    def feed_url(self, province: Province) -> str:
        return reverse("articles:province-feed", kwargs={"province_slug": province.slug})

    def items(self, province: Province):
        return self.published_articles().for_province(province)[:FEED_LENGTH]
