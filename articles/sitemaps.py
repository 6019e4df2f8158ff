"""sitemap.xml: the front page, every active province's pages and every published article."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from provinces.models import Province


class FrontPageSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["provinces:index"]

    def location(self, item: str) -> str:
        return reverse(item)


class ProvinceSitemap(Sitemap):
    """Each province's front page, article list and เกี่ยวกับเรา page."""

    changefreq = "daily"
    pages = (("provinces:home", 0.8), ("articles:list", 0.6), ("provinces:about", 0.3))

    def items(self):
        provinces = Province.objects.active().order_by("code").only("slug", "code")
        return [(province, name, priority) for province in provinces for name, priority in self.pages]

    def location(self, item) -> str:
        province, name, _ = item
        return reverse(name, kwargs={"province_slug": province.slug})

    def priority(self, item) -> float:
        return item[2]


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().select_related("province").only(
            "id", "updated_at", "province__slug"
        ).order_by("id")

    def lastmod(self, article: Article):
        return article.updated_at


SITEMAPS = {"pages": FrontPageSitemap, "provinces": ProvinceSitemap, "articles": ArticleSitemap}
