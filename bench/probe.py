"""Inside Django: choose the benchmark's page URLs, count SQL queries per page, EXPLAIN search.

Prints one JSON object; bench/run.py calls it once per data size.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samma_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.templatetags.static import static  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.search import search_articles  # noqa: E402
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
        client.get(path)  # warm caches the way the load test does
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        measured[name] = {"path": path, "queries": len(queries), "status": response.status_code}
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    queryset = search_articles(common)[0] if isinstance(search_articles(common), tuple) else search_articles(common)
    with connection.cursor() as cursor:
        sql, params = queryset[:20].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        explain_common = "\n".join(row[0] for row in cursor.fetchall())
    rare_queryset = search_articles(rare)[0] if isinstance(search_articles(rare), tuple) else search_articles(rare)
    with connection.cursor() as cursor:
        sql, params = rare_queryset[:20].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        explain_rare = "\n".join(row[0] for row in cursor.fetchall())
    print(json.dumps({
        "pages": measured,
        "articles": Article.objects.published().count(),
        "explain": f"-- search {common!r}\n{explain_common}\n-- search {rare!r}\n{explain_rare}",
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
