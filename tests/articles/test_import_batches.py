"""import_km commits many files at once, each still all-or-nothing, and reports only what committed."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.legacy import parse_bytes
from articles.management.commands import import_km
from articles.management.commands.load_demo import DEMO_DIR
from articles.models import Article, ArticleTransition, Section


def write_documents(folder: Path, count: int, *, first: int = 0) -> list[Path]:
    """Distinct legacy documents (the demo articles with a numbered title), one file each."""
    templates = [path.read_text(encoding="utf-8") for path in sorted(DEMO_DIR.glob("*.txt"))]
    paths = []
    for number in range(first, first + count):
        text = templates[number % len(templates)]
        title = parse_bytes(text.encode("utf-8")).title
        path = folder / f"doc{number:03}.txt"
        path.write_text(text.replace(title, f"{title} ชุดที่ {number}", 1), encoding="utf-8")
        paths.append(path)
    return paths


def titles() -> set[str]:
    return set(Article.objects.values_list("title", flat=True))


class PowerCut(Exception):
    """Not an import error: the run stops, as it would when the machine does."""


def fail_on(document_number: int, error: Exception, monkeypatch):
    """Make the store of one document's sections fail, after its article row was written."""
    real = services._store_sections

    def store(article, sections, **kwargs):
        if article.title.endswith(f"ชุดที่ {document_number}"):
            raise error
        return real(article, sections, **kwargs)

    monkeypatch.setattr(services, "_store_sections", store)


def test_a_file_failing_half_way_in_a_batch_leaves_nothing_of_itself_and_keeps_the_others(
    db, tmp_path, monkeypatch
):
    write_documents(tmp_path, 5)
    fail_on(2, services.ArticleImportError("หัวข้อเสียหาย"), monkeypatch)

    with pytest.raises(Exception, match="doc002.txt: หัวข้อเสียหาย"):
        call_command("import_km", str(tmp_path), verbosity=0)

    assert Article.objects.count() == 4
    assert not any(title.endswith("ชุดที่ 2") for title in titles())
    # Its article row was written before the failure; the savepoint took it back with everything else.
    assert Section.objects.filter(article__in=Article.objects.all()).count() == Section.objects.count()
    assert ArticleTransition.objects.count() == 4


def test_a_crash_reports_only_the_batches_that_committed(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(import_km, "FILES_PER_COMMIT", 3)
    write_documents(tmp_path, 7)
    fail_on(4, PowerCut(), monkeypatch)  # in the second batch (files 3, 4, 5)

    with pytest.raises(PowerCut):
        call_command("import_km", str(tmp_path), verbosity=1)

    out = capsys.readouterr().out
    assert {title.split()[-1] for title in titles()} == {"0", "1", "2"}  # the first batch only
    assert Article.objects.count() == 3
    for number in (1, 2, 3):
        assert f"[{number}/7]" in out
    for number in (4, 5, 6, 7):
        assert f"[{number}/7]" not in out  # not committed, so never reported as imported

    monkeypatch.undo()
    call_command("import_km", str(tmp_path), verbosity=0)
    assert Article.objects.count() == 7


def test_each_further_document_costs_the_same_few_queries(db, tmp_path):
    """Provinces and districts are read once per run, and a document's sections go in one INSERT."""
    counts = {}
    # Multiples of the six demo documents, so that every run names the same six provinces.
    for size in (6, 12, 18):
        folder = tmp_path / f"run{size}"
        folder.mkdir()
        write_documents(folder, size, first=size * 100)
        with CaptureQueriesContext(connection) as queries:
            call_command("import_km", str(folder), verbosity=0)
        counts[size] = len(queries)
    assert Article.objects.count() == 36
    per_document = (counts[12] - counts[6]) / 6
    assert counts[18] - counts[12] == counts[12] - counts[6]
    # Two savepoints with their releases, the article and category look-ups, three INSERTs.
    assert per_document <= 9, counts
