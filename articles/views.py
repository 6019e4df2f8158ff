from django.db.models import Prefetch
from django.views.generic import DetailView

from articles.models import Article, ArticleImage, Section
from provinces.views import ProvinceMixin


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
