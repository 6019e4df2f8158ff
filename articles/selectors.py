"""Reads: querysets and the open-data export."""

from django.db.models import Prefetch, QuerySet

from articles.models import Article, ArticleImage, Section
from articles.text import html_to_text


def articles_for_export(*, province_slug: str | None = None, status: str | None = None) -> QuerySet[Article]:
    """Articles with everything the export writes, in a stable order."""
    queryset = (
        # Pending revisions are unpublished copies of live articles, never exported.
        Article.objects.live()
        .with_listing_related()
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            Prefetch("images", queryset=ArticleImage.objects.order_by("position", "id")),
        )
        .order_by("id")
    )
    if province_slug:
        queryset = queryset.filter(province__slug=province_slug)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def export_article(article: Article) -> dict:
    """One article in the open-data JSON shape."""
    return {
        "id": article.pk,
        "title": article.title,
        "category": article.category.name if article.category_id else "",
        "author": {"name": article.author_name, "position": article.author_position},
        "province": {
            "code": article.province.code,
            "slug": article.province.slug,
            "name_th": article.province.name_th,
        },
        "district": (
            {"code": article.district.code, "name_th": article.district.name_th}
            if article.district_id
            else None
        ),
        "office": article.office,
        "written_at": article.written_at.isoformat() if article.written_at else None,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "status": article.status,
        "sections": [
            {
                "key": section.key,
                "heading": section.display_heading,
                "html": section.body,
                "text": html_to_text(section.body),
            }
            for section in article.sections.all()
        ],
        "images": [{"url": image.image.url, "caption": image.caption} for image in article.images.all()],
        "url": article.get_absolute_url(),
    }


CSV_COLUMNS = [
    "id", "title", "category", "author_name", "author_position", "province_code", "province_slug",
    "province_name_th", "district_code", "district_name_th", "office", "written_at", "published_at",
    "status", "text", "image_urls", "url",
]


def export_csv_row(exported: dict) -> list:
    """A flat CSV row for spreadsheet users; sections joined under their headings."""
    district = exported["district"] or {}
    text = "\n\n".join(
        f"{section['heading']}\n{section['text']}".strip() for section in exported["sections"]
    )
    return [
        exported["id"], exported["title"], exported["category"], exported["author"]["name"],
        exported["author"]["position"], exported["province"]["code"], exported["province"]["slug"],
        exported["province"]["name_th"], district.get("code", ""), district.get("name_th", ""),
        exported["office"], exported["written_at"] or "", exported["published_at"] or "",
        exported["status"], text, " ".join(image["url"] for image in exported["images"]),
        exported["url"],
    ]
