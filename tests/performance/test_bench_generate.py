"""bench/generate.py: realistic articles loaded in bulk, with every index whole afterwards."""

import psycopg2
import pytest
from django.db import connection

from tests.processes import portal_environment, run_python

TRIGRAM_INDEX = "article_search_text_trgm"


def database_url(name: str) -> str:
    settings = connection.settings_dict
    return (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or 'localhost'}"
            f":{settings['PORT'] or 5432}/{name}")


@pytest.fixture
def scratch_database(db):
    """An empty, migrated database beside the test database, dropped afterwards."""
    assert connection.vendor == "postgresql"
    name = f"{connection.settings_dict['NAME']}_generate"
    server = psycopg2.connect(database_url("postgres"))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        migrated = run_python(["manage.py", "migrate", "-v0"], portal_environment(
            DJANGO_DEBUG="1", DATABASE_URL=database_url(name)))
        assert migrated.returncode == 0, migrated.stderr
        yield name
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def indexes(cursor) -> dict[str, tuple]:
    """The articles tables' valid indexes: name → (table, method, unique, columns, has a condition).

    Not pg_get_indexdef(): a partial index rebuilt from its own definition deparses its
    condition differently, though it is the same.
    """
    cursor.execute("""
        SELECT i.relname, t.relname, am.amname, x.indisunique, x.indkey::text, x.indpred IS NOT NULL
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_am am ON am.oid = i.relam
        WHERE t.relname LIKE 'articles\\_%' AND x.indisvalid
    """)
    return {name: rest for name, *rest in cursor.fetchall()}


def test_generator_loads_postgresql_in_parallel_batches_and_leaves_every_index_whole_even_after_a_failure(db, request, tmp_path):
    if connection.vendor == "sqlite":
        # The suite's SQLite run: the generator refuses SQLite with a message (the PostgreSQL run loads).
        result = run_python(
            ["bench/generate.py", "--articles", "10"],
            portal_environment(DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
                               MEDIA_ROOT=str(tmp_path)),
        )
        assert result.returncode == 2
        assert "needs PostgreSQL" in result.stderr
        return
    scratch_database = request.getfixturevalue("scratch_database")
    with psycopg2.connect(database_url(scratch_database)) as scratch, scratch.cursor() as cursor:
        before = indexes(cursor)
    assert TRIGRAM_INDEX in before

    result = run_python(
        ["bench/generate.py", "--articles", "600", "--batch", "100", "--loaders", "2"],
        portal_environment(DJANGO_DEBUG="1", DATABASE_URL=database_url(scratch_database), MEDIA_ROOT=str(tmp_path)),
    )

    assert result.returncode == 0, result.stderr
    assert "600/600" in result.stdout and "done: 600 articles" in result.stdout
    with psycopg2.connect(database_url(scratch_database)) as scratch, scratch.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT province_id), min(length(search_text)) FROM articles_article "
                       "WHERE status = 'published' AND published_at IS NOT NULL")
        articles, provinces, shortest_text = cursor.fetchone()
        assert articles == 600 and provinces > 50 and shortest_text > 500
        cursor.execute("SELECT count(*) FROM articles_section")
        assert cursor.fetchone()[0] == 600 * 6
        cursor.execute("SELECT min(n), max(n) FROM (SELECT count(*) n FROM articles_articleimage GROUP BY article_id) c")
        assert cursor.fetchone() == (2, 4)
        # Every index is back and valid; the trigram index kept through the load is back to its normal settings.
        assert indexes(cursor) == before
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [TRIGRAM_INDEX])
        assert cursor.fetchone()[0] is None
        # Its entries are in the index tree, not left in the pending list: a search finds them through it.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SELECT search_text FROM articles_article ORDER BY id DESC LIMIT 1")
        word = cursor.fetchone()[0].split()[-1]
        cursor.execute("EXPLAIN SELECT id FROM articles_article WHERE search_text LIKE %s", [f"%{word}%"])
        assert TRIGRAM_INDEX in " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM articles_article WHERE search_text LIKE %s", [f"%{word}%"])
        assert cursor.fetchone()[0] >= 1
        # New rows after the load get ids after the generated ones.
        cursor.execute("SELECT last_value FROM articles_section_id_seq")
        assert cursor.fetchone()[0] == 600 * 6

    # A load that fails half-way still leaves every index in place, and says why with a non-zero exit.
    with psycopg2.connect(database_url(scratch_database)) as scratch, scratch.cursor() as cursor:
        cursor.execute("ALTER TABLE articles_section ADD CONSTRAINT no_third_section CHECK (position < 3) NOT VALID")
    failed = run_python(
        ["bench/generate.py", "--articles", "300", "--batch", "100"],
        portal_environment(DJANGO_DEBUG="1", DATABASE_URL=database_url(scratch_database), MEDIA_ROOT=str(tmp_path)),
    )
    assert failed.returncode != 0
    assert "no_third_section" in failed.stderr
    with psycopg2.connect(database_url(scratch_database)) as scratch, scratch.cursor() as cursor:
        assert indexes(cursor) == before
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [TRIGRAM_INDEX])
        assert cursor.fetchone()[0] is None
