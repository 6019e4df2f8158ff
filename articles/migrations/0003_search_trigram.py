"""Trigram search for Thai: pg_trgm and a GIN index over the normalised search text.

Thai has no spaces between words, so PostgreSQL's word-based full-text search
cannot find a word inside a phrase; trigrams can. SQLite has no such index and
searches the same column with LIKE.
"""

from django.db import migrations

INDEX = "article_search_text_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_default_categories")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
