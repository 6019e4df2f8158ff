"""Article lists and search cost the same however many articles there are: counts come from
the cache, lists offer a bounded number of pages, and a search checks a bounded number of
articles (articles/views.py, articles/search.py)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search, views
from articles.search import explain_full_search, find_articles, parse_query, search_articles
from tests.articles.factories import make_article
from tests.articles.html import visible_text


def publish_many(province, count: int, *, title: str = "บทความที่ {n}", body: str = "<p>เนื้อหาทั่วไป</p>", start=0):
    """`count` published articles, one day apart, the newest last."""
    first_day = date(2020, 1, 1)
    return [
        make_article(
            province,
            title=title.format(n=n),
            sections=[("background", body.format(n=n))],
            published_at=timezone.make_aware(datetime.combine(first_day + timedelta(days=n), time(9, 0))),
        )
        for n in range(start, start + count)
    ]


def sql_of(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def small_pages(monkeypatch):
    """Two articles a page, so that a few articles make several pages."""
    monkeypatch.setattr(views.ArticleSearchMixin, "paginate_by", 2)


# --- Lists ---------------------------------------------------------------------------------


def test_a_list_is_counted_once_per_change_not_on_every_page(lampang, small_pages):
    publish_many(lampang, 7)
    reader = Client()
    with CaptureQueriesContext(connection) as first_page:
        reader.get("/lampang/articles/")
    assert any("COUNT(" in sql.upper() for sql in sql_of(first_page))
    for page in (2, 3, 4):
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(f"/lampang/articles/?page={page}")
        assert response.status_code == 200
        assert not any("COUNT(" in sql.upper() for sql in sql_of(queries)), page
    assert "7 บทความ" in visible_text(response)
    publish_many(lampang, 1, start=100)
    assert "8 บทความ" in visible_text(Client().get("/lampang/articles/?page=2"))


def test_a_deep_page_costs_the_same_queries_as_the_first_at_any_size(lampang, small_pages):
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(path).status_code == 200
        return len(captured)

    def first_and_deep_page(deep: int) -> tuple[int, int]:
        # After a change: the first page counts the list again, the deep page reuses the count.
        return queries("/lampang/articles/"), queries(f"/lampang/articles/?page={deep}")

    publish_many(lampang, 9)
    small = first_and_deep_page(5)
    publish_many(lampang, 30, start=9)
    larger = first_and_deep_page(20)
    assert small == larger
    first, deep = larger
    assert deep == first - 2  # the count and the years of the year filter come from the cache


def test_lists_offer_only_their_newest_pages_and_say_how_to_reach_older_articles(lampang, small_pages, monkeypatch):
    monkeypatch.setattr(views, "LIST_MAX_PAGES", 2)
    publish_many(lampang, 4)
    older = make_article(lampang, title="บทความปี 2561", published_at=timezone.make_aware(datetime(2018, 5, 1, 9, 0)))
    reader = Client()
    first = visible_text(reader.get("/lampang/articles/"))
    assert "5 บทความ" in first and "หน้า 1 จาก 2" in first
    assert "แสดงได้ 2 หน้าล่าสุด" not in first
    last = visible_text(reader.get("/lampang/articles/?page=2"))
    assert "แสดงได้ 2 หน้าล่าสุด" in last and older.title not in last
    assert reader.get("/lampang/articles/?page=3").status_code == 404
    # A filter reaches the older articles.
    assert older.title in visible_text(reader.get("/lampang/articles/?year=2561"))


# --- Search --------------------------------------------------------------------------------


def test_a_common_word_is_looked_for_among_the_newest_articles_only_and_the_page_says_so(
    lampang, small_pages, monkeypatch
):
    monkeypatch.setattr(search, "SEARCH_WINDOW", 4)
    monkeypatch.setattr(search, "SEARCH_WINDOW_ENOUGH", 2)
    publish_many(lampang, 6, body="<p>ทุนชุมชนเรื่องที่ {n}</p>")
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/search/?q=ทุนชุมชน")
    # One query reads the newest four articles; none searches every article.
    assert not any("LIKE" in sql.upper() for sql in sql_of(queries))
    page = visible_text(response)
    assert "พบ 4 บทความที่มีคำว่า “ทุนชุมชน” ในบทความล่าสุด 4 บทความ" in page
    assert "จึงแสดงเฉพาะบทความล่าสุด" in page
    assert "บทความที่ 5" in page and "บทความที่ 1" not in page


def test_a_rare_word_is_searched_in_every_article(lampang, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_WINDOW", 4)
    publish_many(lampang, 6)
    oldest = make_article(
        lampang, title="สบู่สมุนไพรบ้านนา", sections=[("background", "<p>สบู่สมุนไพร</p>")],
        published_at=timezone.make_aware(datetime(2019, 1, 1, 9, 0)),
    )
    with CaptureQueriesContext(connection) as queries:
        results = find_articles(parse_query("สบู่สมุนไพร"))
    assert results.article_ids == [oldest.pk] and results.window is None and results.limit is None
    assert any("LIKE" in sql.upper() and "search_text" in sql for sql in sql_of(queries))
    page = visible_text(Client().get("/search/?q=สบู่สมุนไพร"))
    assert "พบ 1 บทความที่มีคำว่า “สบู่สมุนไพร”" in page and "บทความล่าสุด" not in page


def test_more_matches_than_the_limit_are_capped_and_the_page_says_more_than(lampang, small_pages, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_WINDOW", 3)
    monkeypatch.setattr(search, "SEARCH_WINDOW_ENOUGH", 10)
    monkeypatch.setattr(search, "SEARCH_RESULT_LIMIT", 4)
    publish_many(lampang, 6, body="<p>ผ้าทอมือ {n}</p>")
    results = find_articles(parse_query("ผ้าทอมือ"))
    assert results.limit == 4 and len(results.article_ids) == 4
    page = visible_text(Client().get("/search/?q=ผ้าทอมือ"))
    assert "พบมากกว่า 4 บทความที่มีคำว่า “ผ้าทอมือ” แสดง 4 บทความล่าสุด" in page


def test_title_matches_come_first_then_the_newest(lampang):
    older_title_hit = make_article(
        lampang, title="ทุนชุมชนบ้านเก่า", published_at=timezone.make_aware(datetime(2018, 1, 1, 9, 0))
    )
    newer_text_hit = make_article(
        lampang, title="เรื่องอื่น", sections=[("background", "<p>ใช้ทุนชุมชน</p>")],
        published_at=timezone.make_aware(datetime(2022, 1, 1, 9, 0)),
    )
    newest_text_hit = make_article(
        lampang, title="อีกเรื่อง", sections=[("background", "<p>ทุนชุมชนอีกแบบ</p>")],
        published_at=timezone.make_aware(datetime(2023, 1, 1, 9, 0)),
    )
    expected = [older_title_hit.pk, newest_text_hit.pk, newer_text_hit.pk]
    assert find_articles(parse_query("ทุนชุมชน")).article_ids == expected
    ranked, _terms = search_articles("ทุนชุมชน")
    assert [article.pk for article in ranked] == expected


def test_search_results_are_kept_until_content_changes(lampang, small_pages):
    publish_many(lampang, 5, body="<p>ปุ๋ยหมัก {n}</p>")
    reader = Client()
    reader.get("/search/?q=ปุ๋ยหมัก")
    with CaptureQueriesContext(connection) as queries:
        assert reader.get("/search/?q=ปุ๋ยหมัก&page=2").status_code == 200
    assert not any("search_text" in sql for sql in sql_of(queries))
    added = make_article(lampang, title="ปุ๋ยหมักสูตรใหม่")
    assert "ปุ๋ยหมักสูตรใหม่" in visible_text(reader.get("/search/?q=ปุ๋ยหมัก"))
    assert added.pk in find_articles(parse_query("ปุ๋ยหมัก")).article_ids


def test_the_search_through_every_article_uses_the_trigram_index_on_postgresql(lampang, monkeypatch):
    """A few hundred articles, planner settings as the search leaves them: the index, not a scan.

    SQLite has no trigram index: there the same query reads the table.
    """
    monkeypatch.setattr(search, "SEARCH_WINDOW", 50)
    publish_many(lampang, 300, body="<p>กลุ่มอาชีพเรื่องที่ {n}</p>")
    make_article(lampang, title="หมอนขิดโบราณ", published_at=timezone.make_aware(datetime(2015, 1, 1, 9, 0)))
    with CaptureQueriesContext(connection) as queries:
        results = find_articles(parse_query("หมอนขิด"))
    assert len(results.article_ids) == 1
    assert any("LIKE" in sql.upper() for sql in sql_of(queries)), "the rare term went through every article"
    plan = explain_full_search("หมอนขิด")
    if connection.vendor == "postgresql":
        assert "article_search_text_trgm" in plan, plan
        assert "Seq Scan on articles_article" not in plan, plan
        # The planner settings are the transaction's own, and put back afterwards.
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            assert cursor.fetchone() == ("on",)
    else:
        assert connection.vendor == "sqlite"
        assert "articles_article" in plan and "trgm" not in plan, plan
