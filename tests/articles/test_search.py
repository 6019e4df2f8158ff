"""Thai-aware search: substrings, AND, case, Thai and Arabic digits, ranking, snippets, bad input."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Category
from articles.search import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    highlight,
    parse_query,
    search_articles,
    snippet,
)
from provinces.models import District
from tests.articles.factories import make_article


def found(query, **filters) -> list[str]:
    articles, _terms = search_articles(query, **filters)
    return [article.title for article in articles]


@pytest.fixture
def capital_article(maha_sarakham):
    return make_article(
        maha_sarakham,
        title="การใช้กลุ่มออมทรัพย์เป็นทุนหมุนเวียน",
        sections=[("background", "<p>ทีมพี่เลี้ยงเชื่อมครัวเรือนเข้ากับแหล่งทุน โดยใช้ทุนชุมชนเป็นกลไกหลัก</p>")],
        written_at=date(2023, 11, 2),
    )


@pytest.fixture
def otop_article(lampang):
    return make_article(
        lampang,
        title="ผลิตภัณฑ์ OTOP จากเห็ดนางฟ้า",
        sections=[("process", "<p>ปีงบประมาณ พ.ศ. ๒๕๖๐ กลุ่มเริ่มผลิตเห็ดแปรรูป</p>")],
        written_at=date(2017, 8, 8),
    )


@pytest.fixture
def arabic_year_article(lampang):
    return make_article(
        lampang,
        title="ตะกร้าไม้ไผ่ลายใหม่",
        sections=[("background", "<p>เริ่มโครงการเมื่อปี 2560 ด้วยสมาชิกสิบคน</p>")],
        written_at=date(2019, 1, 10),
    )


# --- Parsing the query ---------------------------------------------------------------------


def test_query_is_normalised_like_the_search_column():
    parsed = parse_query("  OTOP   ทุน๒๕๖๐  ")
    assert parsed.terms == ["otop", "ทุน2560"]


def test_terms_made_only_of_symbols_are_ignored():
    parsed = parse_query("ทุนชุมชน %%% --- ***")
    assert parsed.terms == ["ทุนชุมชน"]
    assert parsed.ignored_terms == ["%%%", "---", "***"]


def test_quotes_around_a_term_are_not_part_of_it():
    assert parse_query('"OTOP" (ทุนชุมชน)').terms == ["otop", "ทุนชุมชน"]


def test_query_of_symbols_only_has_no_terms():
    parsed = parse_query("%%% !!! ???")
    assert parsed.terms == [] and parsed.only_symbols


def test_overlong_query_is_cut_to_the_bound():
    parsed = parse_query("ก" * 1000)
    assert parsed.truncated
    assert sum(len(term) for term in parsed.terms) <= MAX_QUERY_LENGTH


def test_number_of_terms_is_capped():
    parsed = parse_query(" ".join(f"คำ{n}" for n in range(20)))
    assert len(parsed.terms) == MAX_TERMS and parsed.truncated


# --- Matching ------------------------------------------------------------------------------


def test_a_word_inside_a_thai_phrase_is_found(capital_article, otop_article):
    assert found("ทุนชุมชน") == [capital_article.title]


def test_any_part_of_a_word_matches(capital_article):
    assert found("มุนเวีย") == [capital_article.title]


def test_several_terms_must_all_match(capital_article, otop_article):
    assert found("ทุนชุมชน ครัวเรือน") == [capital_article.title]
    assert found("ทุนชุมชน เห็ด") == []


def test_latin_text_ignores_case(otop_article):
    assert found("otop") == [otop_article.title]
    assert found("Otop") == [otop_article.title]


def test_arabic_digits_find_thai_digits(otop_article, arabic_year_article):
    assert set(found("2560")) == {otop_article.title, arabic_year_article.title}


def test_thai_digits_find_arabic_digits(otop_article, arabic_year_article):
    assert set(found("๒๕๖๐")) == {otop_article.title, arabic_year_article.title}


def test_author_office_district_and_province_are_searched(lampang):
    ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
    article = make_article(lampang, title="เรื่องทั่วไป", district=ko_kha, author_name="นายสมปอง ทดลอง")
    assert found("สมปอง") == [article.title]
    assert found("เกาะคา") == [article.title]
    assert found("ลำปาง") == [article.title]
    assert found("สำนักงานพัฒนาชุมชนอำเภอเกาะ") == [article.title]


def test_only_published_articles_are_found(lampang):
    make_article(lampang, title="ร่างเรื่องเห็ด", status=Article.Status.DRAFT)
    published = make_article(lampang, title="เรื่องเห็ดที่เผยแพร่")
    assert found("เห็ด") == [published.title]


def test_title_matches_rank_above_body_matches_then_newer_first(lampang):
    old_title_match = make_article(lampang, title="การเลี้ยงปลาดุก", published_at=None, written_at=date(2018, 1, 1))
    new_body_match = make_article(
        lampang,
        title="อาชีพเสริมของหมู่บ้าน",
        sections=[("background", "<p>กลุ่มเลี้ยงปลาดุกในบ่อดิน</p>")],
        written_at=date(2024, 1, 1),
    )
    newer_title_match = make_article(lampang, title="ปลาดุกร้าของกลุ่มแม่บ้าน", written_at=date(2020, 1, 1))
    assert found("ปลาดุก") == [newer_title_match.title, old_title_match.title, new_body_match.title]


def test_title_rank_counts_thai_digit_titles_for_arabic_queries(lampang):
    body_match = make_article(
        lampang, title="เรื่องอื่น", sections=[("background", "<p>ปี ๒๕๖๒</p>")], written_at=date(2024, 1, 1)
    )
    title_match = make_article(lampang, title="สรุปผลงานปี ๒๕๖๒", written_at=date(2019, 1, 1))
    assert found("2562") == [title_match.title, body_match.title]


def test_filters_narrow_the_search(lampang, maha_sarakham):
    ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
    record = Category.objects.get(slug="km-record")
    in_ko_kha = make_article(lampang, title="เห็ดเกาะคา", district=ko_kha, written_at=date(2017, 5, 1))
    elsewhere = make_article(maha_sarakham, title="เห็ดมหาสารคาม", category=record, written_at=date(2018, 5, 1))
    assert found("เห็ด", province=lampang) == [in_ko_kha.title]
    assert found("เห็ด", district=ko_kha) == [in_ko_kha.title]
    assert found("เห็ด", category=record) == [elsewhere.title]
    assert found("เห็ด", year=2560) == [in_ko_kha.title]
    assert found("เห็ด", year=2561) == [elsewhere.title]


def test_year_filter_falls_back_to_publication_year_without_a_written_date(lampang):
    undated = make_article(lampang, title="บันทึกไม่มีวันที่", written_at=None)
    year_published = undated.published_at.year + 543
    assert found("", year=year_published) == [undated.title]


def test_empty_query_lists_every_published_article_newest_first(lampang):
    older = make_article(lampang, title="เก่า", written_at=date(2017, 1, 1))
    newer = make_article(lampang, title="ใหม่", written_at=date(2020, 1, 1))
    articles, terms = search_articles("")
    assert terms == [] and [a.title for a in articles] == [newer.title, older.title]


def test_like_wildcards_typed_by_a_person_are_taken_literally(lampang):
    make_article(lampang, title="abc และ a-c", sections=[("background", "<p>ลดราคา 50 บาท</p>")])
    assert found("a%c") == []
    assert found("a_c") == []


def test_a_query_of_symbols_only_finds_nothing(lampang):
    make_article(lampang, title="เรื่องธรรมดา")
    assert found("%%% ***") == []


def test_search_matches_with_like_on_the_search_column():
    """On PostgreSQL `LIKE '%term%'` on search_text is what the trigram GIN index serves."""
    articles, _ = search_articles("ทุนชุมชน")
    sql = str(articles.query)
    assert "search_text" in sql and "LIKE" in sql.upper()
    if connection.vendor == "postgresql":
        # The column is compared as is, not through UPPER()/lower(), which the index cannot serve.
        assert 'UPPER("articles_article"."search_text"' not in sql


def test_postgresql_serves_the_search_condition_from_the_trigram_index(lampang):
    """SQLite has no such index; there the same condition is checked on every row."""
    for number in range(30):
        make_article(lampang, title=f"บทความที่ {number}", sections=[("background", f"<p>เนื้อหา {number}</p>")])
    condition_only = Article.objects.filter(search_text__contains="ทุนชุมชน").values("id")
    sql, params = condition_only.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "article_search_text_trgm" in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "SCAN" in plan.upper()


# --- Snippets ------------------------------------------------------------------------------


def test_snippet_highlights_the_match_in_the_text_as_written():
    text = "ปีงบประมาณ พ.ศ. ๒๕๖๐ กลุ่มเริ่มผลิต OTOP"
    result = snippet(text, ["2560", "otop"])
    assert "<mark>๒๕๖๐</mark>" in result and "<mark>OTOP</mark>" in result


def test_snippet_is_centred_on_the_first_match_of_a_long_text():
    text = "ก" * 500 + "ทุนชุมชน" + "ข" * 500
    result = snippet(text, ["ทุนชุมชน"], length=120)
    assert "<mark>ทุนชุมชน</mark>" in result
    assert result.startswith("… ") and result.endswith(" …")
    assert len(result) < 200


def test_snippet_escapes_html():
    result = snippet("<script>alert(1)</script> ทุนชุมชน", ["ทุนชุมชน"])
    assert "<script>" not in result and "&lt;script&gt;" in result


def test_snippet_does_not_separate_a_thai_vowel_from_its_consonant():
    # "ที่" is three code points; a cut at 31 would fall between ท and its vowel.
    result = snippet("ที่" * 200, [], length=31)
    assert result == "ที่" * 10 + " …"


def test_highlight_marks_every_occurrence_in_a_title():
    assert highlight("OTOP และ otop", ["otop"]) == "<mark>OTOP</mark> และ <mark>otop</mark>"
