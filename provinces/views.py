from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from articles.models import Article
from provinces.models import Province


class ProvinceMixin:
    """Looks up the active province named in the URL; unknown or inactive is a 404."""

    province: Province

    def dispatch(self, request, *args, **kwargs):
        self.province = get_object_or_404(Province.objects.active(), slug=kwargs["province_slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(province=self.province, **kwargs)


class ProvinceHomeView(ProvinceMixin, TemplateView):
    template_name = "provinces/province_home.html"

    def get_context_data(self, **kwargs):
        latest = (
            Article.objects.published()
            .for_province(self.province)
            .with_listing_related()
            .order_by("-published_at", "-id")[:10]
        )
        return super().get_context_data(latest_articles=latest, **kwargs)
