"""Every public page runs the same number of SQL queries however much content there is."""

from datetime import date

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Category
from provinces.models import District
from tests.articles.factories import make_article

# Generous enough for the form choices, counts and prefetches a page needs; a query per
# article, section or image would blow through it on the larger data set.
MAX_QUERIES_PER_PAGE = 12

MANY_SECTIONS = [
    ("background", "<p>ความเป็นมาของกลุ่ม ทุนชุมชน</p>"),
    ("objectives", "<p>วัตถุประสงค์ของกลุ่ม</p>"),
    ("materials", "<p>วัตถุดิบในท้องถิ่น</p>"),
    ("equipment", "<p>อุปกรณ์ที่ใช้</p>"),
    ("process", "<p>ขั้นตอนการทำงาน</p>"),
    ("cautions", "<p>ข้อพึงระวัง</p>"),
]


def build_content(lampang, maha_sarakham, *, articles: int, photos: int, sections) -> int:
    """Published articles spread over two provinces, districts and both categories."""
    districts = list(District.objects.filter(province=lampang)[:4])
    record = Category.objects.get(slug="km-record")
    first = None
    for number in range(articles):
        province = lampang if number % 3 else maha_sarakham
        article = make_article(
            province,
            title=f"ทุนชุมชนเรื่องที่ {number}",
            district=districts[number % len(districts)] if province == lampang else None,
            category=record if number % 2 else None,
            written_at=date(2017 + number % 5, 1 + number % 12, 1 + number % 28),
            sections=sections,
            photos=photos,
            view_count=number,
        )
        if province == lampang and first is None:
            first = article
    return first.pk


def pages(article_pk: int) -> list[str]:
    return [
        "/",
        "/lampang/",
        "/lampang/about/",
        "/lampang/articles/",
        "/lampang/articles/?district=5201&category=km-record&year=2560",
        "/lampang/articles/?q=ทุนชุมชน",
        f"/lampang/articles/{article_pk}/",
        "/search/?q=ทุนชุมชน",
        "/search/?q=ทุนชุมชน&province=lampang&year=2561",
        "/search/?q=ไม่มีแน่นอน คำที่สอง",
        "/feed/",
        "/lampang/feed/",
        "/sitemap.xml",
    ]


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries.captured_queries)


@pytest.fixture
def small_portal(lampang, maha_sarakham):
    return build_content(lampang, maha_sarakham, articles=2, photos=1, sections=MANY_SECTIONS[:2])


@pytest.fixture
def larger_portal(lampang, maha_sarakham):
    return build_content(lampang, maha_sarakham, articles=45, photos=3, sections=MANY_SECTIONS)


def test_public_pages_stay_within_the_query_budget_with_more_content(client, larger_portal, django_assert_max_num_queries):
    for path in pages(larger_portal):
        with django_assert_max_num_queries(MAX_QUERIES_PER_PAGE):
            assert client.get(path).status_code == 200, path


def rendered_query_counts(client, article_pk: int) -> dict[str, int]:
    """Queries of each page rendered from an empty cache (articles/page_cache.py).

    Pages, counts, years and search results are cached until content changes (and the
    national list of years for a few minutes): measured against a warm cache, a second
    pass would be cheaper for reasons that have nothing to do with the amount of content.
    """
    for cache in caches.all():
        cache.clear()
    return {path.replace(str(article_pk), "ID"): count_queries(client, path) for path in pages(article_pk)}


def test_query_count_does_not_grow_with_articles_images_or_sections(client, lampang, maha_sarakham):
    small_pk = build_content(lampang, maha_sarakham, articles=2, photos=1, sections=MANY_SECTIONS[:2])
    small = rendered_query_counts(client, small_pk)
    build_content(lampang, maha_sarakham, articles=45, photos=3, sections=MANY_SECTIONS)
    larger = rendered_query_counts(client, small_pk)
    assert larger == small
