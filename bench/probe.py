"""Inside Django: choose the benchmark's page URLs, count SQL queries per page, EXPLAIN search.

For each page it counts the queries of a first request (the page rendered, with the
page cache empty) and of a second one (what the load test mostly measures: served from
the page cache). Prints one JSON object; bench/run.py calls it once per data size.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samma_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.templatetags.static import static  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.search import explain_full_search, find_articles, parse_query  # noqa: E402
from provinces.models import Province  # noqa: E402


def main() -> None:
    common, rare = sys.argv[1], sys.argv[2]
    province = (
        Province.objects.active()
        .annotate(n=Count("articles"))
        .order_by("-n", "code")
        .first()
    )
    published = Article.objects.published().for_province(province)
    article = published.order_by("-published_at", "-id").first()
    per_page = 20
    deep_page = max(1, min(50, published.count() // per_page))
    pages = {
        "floor": "/healthz/",
        "home": "/",
        "province": f"/{province.slug}/",
        "list": f"/{province.slug}/articles/",
        "list-deep": f"/{province.slug}/articles/?page={deep_page}",
        "article": article.get_absolute_url(),
        "search-common": f"/search/?q={common}",
        "search-rare": f"/search/?q={rare}",
        "static": static("css/portal.css"),
    }
    client = Client(HTTP_HOST="127.0.0.1")
    measured = {}
    for name, path in pages.items():
        caches[settings.PAGE_CACHE_ALIAS].clear()
        with CaptureQueriesContext(connection) as first:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        measured[name] = {
            "path": path, "queries": len(queries), "queries_uncached": len(first), "status": response.status_code,
        }
    explain = []
    for term in (common, rare):
        results = find_articles(parse_query(term))
        how = (
            f"the newest {results.window} articles only" if results.window
            else "every article, through the trigram index"
        )
        explain.append(f"-- search {term!r}: {len(results.article_ids)} results from {how}")
        explain.append(explain_full_search(term))
    with connection.cursor() as cursor:
        # For the capacity arithmetic in docs/deploy.md: what the data costs on disk.
        cursor.execute(
            "SELECT pg_database_size(current_database()), pg_total_relation_size('articles_article'),"
            " pg_total_relation_size('articles_section'), pg_relation_size('article_search_text_trgm')"
        )
        database, articles, sections, trigram = cursor.fetchone()
    print(json.dumps({
        "pages": measured,
        "articles": Article.objects.published().count(),
        "explain": "\n".join(explain),
        "disk_bytes": {"database": database, "articles_table": articles, "sections_table": sections,
                       "trigram_index": trigram},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
