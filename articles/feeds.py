"""RSS 2.0 feeds of newly published articles, nationwide and per province.

Feed readers render titles and descriptions as HTML, so every text the feed carries
is HTML-escaped (as Django's own default item_title does), and control characters,
which XML 1.0 cannot hold, are dropped rather than failing the whole feed.
"""

import re

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Section
from articles.text import html_to_text
from provinces.models import Province

FEED_LENGTH = 30
DESCRIPTION_LENGTH = 300
# What XML 1.0 cannot hold; Word pastes vertical tabs (\x0b) as line breaks.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def feed_text(value) -> str:
    """Text as a feed reader will render it: control characters gone, markup escaped."""
    return escape(_XML_INVALID.sub(" ", str(value)))


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
        return feed_text(item.title)

    def item_description(self, item: Article) -> str:
        for section in item.sections.all():
            text = " ".join(html_to_text(section.body).split())
            if text:
                return feed_text(Truncator(text).chars(DESCRIPTION_LENGTH))
        return feed_text(item.title)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return feed_text(item.author_name)

    def item_categories(self, item: Article) -> list[str]:
        return [feed_text(item.category.name), feed_text(item.province.name_th)]


class ProvinceArticlesFeed(LatestArticlesFeed):
    """One province's 30 most recently published articles."""

    def get_object(self, request, province_slug: str) -> Province:
        return get_object_or_404(Province.objects.active(), slug=province_slug)

    def title(self, province: Province) -> str:
        return feed_text(province.display_title)

    def description(self, province: Province) -> str:
        return feed_text(_("บทความองค์ความรู้ล่าสุดของ%(site)s") % {"site": province.display_title})

    def link(self, province: Province) -> str:
        return province.get_absolute_url()

    def feed_url(self, province: Province) -> str:
        return reverse("articles:province-feed", kwargs={"province_slug": province.slug})

    def items(self, province: Province):
        return self.published_articles().for_province(province)[:FEED_LENGTH]
