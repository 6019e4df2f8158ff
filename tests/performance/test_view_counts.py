"""Readings are counted in the cache and written in batches, never once per reading
(articles/view_counts.py)."""

import io
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import view_counts
from tests.articles.factories import make_article


@pytest.fixture
def articles(lampang):
    return [make_article(lampang, title=f"บทความที่ {number}") for number in range(3)]


def updates(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def stored_counts(articles) -> list[int]:
    for article in articles:
        article.refresh_from_db()
    return [article.view_count for article in articles]


def test_readings_wait_in_the_cache_until_a_flush_writes_them_with_one_update_per_count(articles):
    first, second, third = articles
    with CaptureQueriesContext(connection) as queries:
        for article, readings in ((first, 2), (second, 2), (third, 5)):
            for _ in range(readings):
                view_counts.record_view(article.pk)
    assert len(queries) == 0
    assert view_counts.waiting_counts() == {first.pk: 2, second.pk: 2, third.pk: 5}
    with CaptureQueriesContext(connection) as queries:
        assert view_counts.flush() == 9
    # Two distinct counts (2 and 5): two UPDATEs, whatever the number of articles.
    assert len(updates(queries)) == 2
    assert stored_counts(articles) == [2, 2, 5]
    assert view_counts.waiting_counts() == {}
    assert view_counts.flush() == 0


def test_readings_after_a_flush_are_counted_from_zero_again(articles):
    article = articles[0]
    view_counts.record_view(article.pk)
    view_counts.flush()
    for _ in range(3):
        view_counts.record_view(article.pk)
    assert view_counts.flush() == 3
    assert stored_counts([article]) == [4]


def test_a_reading_during_a_flush_is_kept_for_the_next_one(articles, monkeypatch):
    article = articles[0]
    view_counts.record_view(article.pk)
    real_write = view_counts._write

    def write_while_someone_reads(counts):
        real_write(counts)
        view_counts.record_view(article.pk)  # arrives between reading the count and taking it away

    monkeypatch.setattr(view_counts, "_write", write_while_someone_reads)
    assert view_counts.flush() == 1
    monkeypatch.setattr(view_counts, "_write", real_write)
    assert view_counts.waiting_counts() == {article.pk: 1}
    assert view_counts.flush() == 1
    assert stored_counts([article]) == [2]


def test_a_slot_numbered_by_a_reading_that_died_does_not_block_later_flushes(articles):
    cache = caches["view_counts"]
    first, second = articles[:2]
    view_counts.record_view(first.pk)
    # A reading took a slot number and died before writing its article id into it.
    view_counts._incr(cache, view_counts.LAST_SLOT)
    view_counts.record_view(second.pk)
    assert view_counts.flush() == 1  # waits one flush for the slot to be written
    assert view_counts.flush() == 1  # then gives up on it
    assert stored_counts([first, second]) == [1, 1]


def test_a_flush_runs_by_itself_after_enough_readings(articles, settings):
    settings.VIEW_COUNT_FLUSH_VIEWS = 4
    article = articles[0]
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            view_counts.record_view(article.pk)
    assert not updates(queries)
    with CaptureQueriesContext(connection) as queries:
        view_counts.record_view(article.pk)
    assert len(updates(queries)) == 1
    assert stored_counts([article]) == [4]


def test_a_flush_runs_by_itself_when_the_last_one_is_old_enough(articles, settings, monkeypatch):
    settings.VIEW_COUNT_FLUSH_SECONDS = 60
    article = articles[0]
    now = [1_000_000.0]
    monkeypatch.setattr(view_counts, "time", SimpleNamespace(time=lambda: now[0]))
    view_counts.record_view(article.pk)
    now[0] += 59
    view_counts.record_view(article.pk)
    assert stored_counts([article]) == [0]
    now[0] += 2
    view_counts.record_view(article.pk)
    assert stored_counts([article]) == [3]


def test_only_one_flush_at_a_time(articles):
    view_counts.record_view(articles[0].pk)
    caches["view_counts"].add(view_counts.FLUSH_LOCK, 1)
    assert view_counts.flush() == 0
    caches["view_counts"].delete(view_counts.FLUSH_LOCK)
    assert view_counts.flush() == 1


def test_flushing_does_not_empty_the_page_cache(articles, django_assert_num_queries):
    reader = Client()
    url = articles[0].get_absolute_url()
    reader.get(url)
    view_counts.flush()
    with django_assert_num_queries(0):
        reader.get(url)


def test_the_article_page_shows_readings_not_yet_written(articles):
    reader = Client()
    article = articles[0]
    view_counts.record_view(article.pk)
    view_counts.record_view(article.pk)
    assert "อ่านแล้ว 3 ครั้ง" in reader.get(article.get_absolute_url()).content.decode()


def test_flush_view_counts_command_writes_and_reports(articles):
    for _ in range(2):
        view_counts.record_view(articles[0].pk)
    dry_run = io.StringIO()
    call_command("flush_view_counts", "--dry-run", stdout=dry_run)
    assert "รอเขียน 2 ครั้ง ใน 1 บทความ" in dry_run.getvalue()
    assert stored_counts(articles[:1]) == [0]
    out = io.StringIO()
    call_command("flush_view_counts", stdout=out)
    assert "บันทึกจำนวนผู้อ่านแล้ว 2 ครั้ง" in out.getvalue()
    assert stored_counts(articles[:1]) == [2]


def test_a_database_error_during_an_automatic_flush_keeps_the_readings(articles, settings, monkeypatch):
    from django.db import DatabaseError

    settings.VIEW_COUNT_FLUSH_VIEWS = 1
    article = articles[0]

    def failing_write(counts):
        raise DatabaseError("database unavailable")

    monkeypatch.setattr(view_counts, "_write", failing_write)
    assert view_counts.record_view(article.pk) == 1  # the reading is not lost, the page is served
    monkeypatch.undo()
    settings.VIEW_COUNT_FLUSH_VIEWS = 100
    assert view_counts.flush() == 1
    assert stored_counts([article]) == [1]
