"""The public article pages: the imported seeds as the public reads them, and every rule around them."""

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import view_counts
from articles.models import Article, Category, SectionKey
from articles.text import html_to_text
from provinces.models import District, Province
from tests.articles.factories import make_article
from tests.articles.html import article_links, canonical, meta, page_title, visible_lines, visible_text

LAMPANG_SEED = "000_f10f907b7f407258.txt"


@pytest.fixture
def imported_seeds(db, seeds_dir):
    call_command("import_km", *[str(p) for p in sorted(seeds_dir.glob("*.txt"))], verbosity=0)
    return {a.province.code: a for a in Article.objects.select_related("province")}


# --- Acceptance: the seed documents ---------------------------------------------------------


def test_lampang_article_reads_as_officers_know_it(client, imported_seeds):
    article = imported_seeds[52]
    response = client.get(f"/lampang/articles/{article.pk}/")
    assert response.status_code == 200
    lines = visible_lines(response)
    assert "เทคนิคส่งเสริมสัมมาชีพ" in lines
    assert "การส่งเสริมทีมสัมมาชีพชุมชนระดับหมู่บ้านเพื่อขับเคลื่อนการพัฒนาเศรษฐกิจฐานราก" in lines
    assert (
        "โดย : นายพงศธร สุกันทา ตำแหน่ง : เจ้าหน้าที่พัฒนาชุมชน วันที่ : 8 สิงหาคม 2560" in lines
    )
    assert "ที่อยู่ : สำนักงานพัฒนาชุมชนอำเภอเมืองปาน จังหวัดลำปาง" in lines


def test_lampang_article_shows_every_non_empty_section_under_its_exact_heading_in_order(client, imported_seeds):
    article = imported_seeds[52]
    sections = list(article.sections.order_by("position"))
    non_empty = [s.display_heading for s in sections if html_to_text(s.body)]
    empty = [s.display_heading for s in sections if not html_to_text(s.body)]
    assert non_empty == [
        "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ", "วัตถุประสงค์", "วัตถุดิบ (ถ้ามี)", "อุปกรณ์", "กระบวนการ/ขั้นตอน",
    ]
    assert empty == ["ข้อพึงระวัง"]
    html = client.get(f"/lampang/articles/{article.pk}/").content.decode()
    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings == non_empty
    lines = visible_lines(client.get(f"/lampang/articles/{article.pk}/"))
    assert "ข้อพึงระวัง" not in lines
    # Each body follows its heading: the first paragraph of the background is right there.
    background_at = lines.index("ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ")
    assert lines[background_at + 1].startswith("สืบเนื่องจากวาระกรมการพัฒนาชุมชน")


def test_lampang_article_has_the_lampang_footer(client, imported_seeds):
    article = imported_seeds[52]
    Province.objects.filter(code=52).update(
        contact_phone="0 5422 1234", contact_email="lampang@cdd.example", contact_address="ศาลากลางจังหวัดลำปาง"
    )
    response = client.get(f"/lampang/articles/{article.pk}/")
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    text = " ".join(re.sub(r"<[^>]+>", " ", footer).split())
    for expected in (
        "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง",
        "กรมการพัฒนาชุมชน กระทรวงมหาดไทย",
        "โทรศัพท์ 0 5422 1234",
        "Email lampang@cdd.example",
        "ที่อยู่ ศาลากลางจังหวัดลำปาง",
        "เกี่ยวกับเรา",
    ):
        assert expected in text
    assert 'href="/lampang/about/"' in footer


def test_lampang_site_shows_its_site_title(client, imported_seeds):
    response = client.get("/lampang/")
    assert response.status_code == 200
    assert "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง" in page_title(response)
    assert "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง" in visible_lines(response)
    assert f"/lampang/articles/{imported_seeds[52].pk}/" in article_links(response)


def test_national_search_finds_the_maha_sarakham_article_by_a_word_inside_a_phrase(client, imported_seeds):
    response = client.get("/search/", {"q": "ทุนชุมชน"})
    assert response.status_code == 200
    assert article_links(response) == [f"/maha-sarakham/articles/{imported_seeds[44].pk}/"]
    assert "<mark>ทุนชุมชน</mark>" in response.content.decode()


def test_search_for_2560_finds_every_article_mentioning_it_in_either_digits(client, imported_seeds):
    expected = set()
    for article in Article.objects.published().select_related("province", "district", "category"):
        text = " ".join(
            [article.title, article.author_name, article.author_position, article.office]
            + [html_to_text(s.body) for s in article.sections.all()]
        )
        if "2560" in text or "๒๕๖๐" in text:
            expected.add(article.get_absolute_url())
    assert expected, "the seeds mention the year 2560"
    for query in ("2560", "๒๕๖๐"):
        response = client.get("/search/", {"q": query})
        assert set(article_links(response)) == expected


# --- The article page -----------------------------------------------------------------------


@pytest.fixture
def article(lampang):
    ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
    return make_article(
        lampang,
        title="การเพาะเห็ดนางฟ้าในโรงเรือน",
        district=ko_kha,
        written_at=date(2020, 2, 29),
        sections=[
            ("background", "<p>ครัวเรือนเป้าหมาย &amp; กลุ่มแม่บ้าน เริ่มเพาะเห็ดหลังฤดูเก็บเกี่ยว</p>"),
            ("objectives", ""),
            ("process", "<p>๑) ผสมขี้เลื่อย</p><p>๒) นึ่งก้อนเชื้อ</p>"),
            ("other", "<p>ขอบคุณผู้นำชุมชน</p>"),
        ],
        photos=2,
    )


def test_article_page_shows_sections_gallery_and_stats(client, article):
    article.sections.filter(key="other").update(heading="กิตติกรรมประกาศ")
    response = client.get(article.get_absolute_url())
    lines = visible_lines(response)
    assert "วันที่ : 29 กุมภาพันธ์ 2563" in " ".join(lines)
    assert [line for line in lines if line in {
        "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ", "วัตถุประสงค์", "กระบวนการ/ขั้นตอน", "กิตติกรรมประกาศ", "รูปประกอบ",
    }] == ["ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ", "กระบวนการ/ขั้นตอน", "กิตติกรรมประกาศ", "รูปประกอบ"]
    html = response.content.decode()
    images = list(article.images.order_by("position"))
    for image in images:
        assert f'href="{image.large.url}"' in html
        assert f'src="{image.thumbnail.url}"' in html
        assert f'alt="{image.caption}"' in html
        assert f"<figcaption lang=\"th\">{image.caption}</figcaption>" in html
    assert "อ่านแล้ว 1 ครั้ง" in " ".join(lines)


def test_article_without_photos_has_no_gallery_heading(client, lampang):
    article = make_article(lampang, photos=0)
    assert "รูปประกอบ" not in visible_lines(client.get(article.get_absolute_url()))


def test_each_reading_is_counted_without_a_write_and_reaches_the_database_in_a_batch(client, article):
    """Readings are counted in the cache (articles/view_counts.py), also when the page
    comes from the page cache; a flush writes them with one UPDATE."""
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())
        client.get(article.get_absolute_url())
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    with CaptureQueriesContext(connection) as queries:
        assert view_counts.flush() == 2
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "view_count" in updates[0]
    article.refresh_from_db()
    assert article.view_count == 2


def test_article_has_open_graph_twitter_and_canonical_tags(client, article):
    response = client.get(article.get_absolute_url())
    tags = meta(response)
    url = f"http://testserver/lampang/articles/{article.pk}/"
    assert canonical(response) == url
    assert tags["og:url"] == url
    assert tags["og:type"] == "article"
    assert tags["og:title"] == article.title
    assert tags["og:description"].startswith("ครัวเรือนเป้าหมาย & กลุ่มแม่บ้าน เริ่มเพาะเห็ด")
    assert tags["description"] == tags["og:description"]
    first = article.images.order_by("position").first()
    assert tags["og:image"] == f"http://testserver{first.large.url}"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:title"] == article.title
    assert tags["twitter:image"] == tags["og:image"]
    assert "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง" in page_title(response)
    assert article.title in page_title(response)


def test_share_links_carry_the_canonical_address(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    encoded = quote(f"http://testserver/lampang/articles/{article.pk}/", safe="")
    assert f'href="https://social-plugins.line.me/lineit/share?url={encoded}"' in html
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={encoded}"' in html
    # Without JavaScript the address is there to select; the copy button is an enhancement.
    assert f'value="http://testserver/lampang/articles/{article.pk}/" readonly' in html
    assert re.search(r"<button[^>]*data-copy-target=\"article-link\"[^>]*hidden", html)


def test_print_layout_hides_navigation_and_keeps_the_article():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    print_rules = css.split("@media print")[1]
    for chrome in (".topbar", ".main-nav", ".header-search", ".breadcrumbs", ".no-print", ".footer-portal"):
        assert chrome in print_rules.split("display: none")[0]


def test_share_and_related_are_left_out_of_print(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<aside class="article-aside no-print"' in html


def test_related_articles_share_category_or_province_and_are_published(client, article, lampang, maha_sarakham):
    record = Category.objects.get(slug="km-record")
    same_both = make_article(lampang, title="เรื่องลำปางหมวดเดียวกัน")
    same_province = make_article(lampang, title="เรื่องลำปางต่างหมวด", category=record)
    same_category = make_article(maha_sarakham, title="เรื่องมหาสารคามหมวดเดียวกัน")
    make_article(maha_sarakham, title="ไม่เกี่ยวข้อง", category=record)
    make_article(lampang, title="ร่างที่ยังไม่เผยแพร่", status=Article.Status.DRAFT)
    response = client.get(article.get_absolute_url())
    related = article_links(response)
    assert related == [same_both.get_absolute_url(), same_province.get_absolute_url(), same_category.get_absolute_url()]


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.SUBMITTED, Article.Status.RETURNED, Article.Status.ARCHIVED]
)
def test_anything_but_a_published_article_is_a_404_to_the_public(client, lampang, status):
    hidden = make_article(lampang, title="ยังไม่เผยแพร่", status=status)
    response = client.get(f"/lampang/articles/{hidden.pk}/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in visible_text(response)


def test_article_under_another_provinces_address_is_a_404(client, article):
    assert client.get(f"/maha-sarakham/articles/{article.pk}/").status_code == 404


def test_readable_title_suffix_leads_to_the_canonical_address(client, article):
    response = client.get(f"/lampang/articles/{article.pk}-การเพาะเห็ด/")
    assert response.status_code == 301
    assert response["Location"] == f"/lampang/articles/{article.pk}/"


def test_unknown_province_is_a_404_in_the_portal_look(client, db):
    response = client.get("/no-such-province/")
    assert response.status_code == 404
    text = visible_text(response)
    assert "ไม่พบหน้าที่ต้องการ" in text and "พอร์ทัลสัมมาชีพชุมชน" in text
    assert 'href="/static/css/portal.css"' in response.content.decode()


def test_inactive_province_is_a_404_in_the_portal_look(client, db):
    bangkok = Province.objects.get(slug="bangkok")
    assert not bangkok.is_active
    for path in ("/bangkok/", "/bangkok/articles/", "/bangkok/about/", "/bangkok/feed/"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert "ไม่พบหน้าที่ต้องการ" in visible_text(client.get("/bangkok/"))


# --- The province's article list ------------------------------------------------------------


def test_province_list_pages_twenty_articles_at_a_time(client, lampang):
    for number in range(23):
        make_article(lampang, title=f"บทความลำดับ {number:02d}", written_at=date(2020, 1, 1 + number))
    first = client.get("/lampang/articles/")
    assert len(article_links(first)) == 20
    assert "23 บทความ" in visible_text(first)
    second = client.get("/lampang/articles/", {"page": 2})
    assert len(article_links(second)) == 3
    assert set(article_links(first)).isdisjoint(article_links(second))


@pytest.mark.parametrize("page", ["3", "999999999999999999999999", "abc", "-1", "0"])
def test_page_numbers_out_of_range_are_404_never_500(client, lampang, page):
    make_article(lampang)
    response = client.get("/lampang/articles/", {"page": page})
    assert response.status_code == 404


def test_province_list_filters_by_district_category_and_buddhist_year(client, lampang):
    ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
    record = Category.objects.get(slug="km-record")
    in_ko_kha = make_article(lampang, title="ที่เกาะคา", district=ko_kha, written_at=date(2017, 8, 8))
    km_record = make_article(lampang, title="บันทึก KM", category=record, written_at=date(2019, 1, 1))
    assert article_links(client.get("/lampang/articles/", {"district": ko_kha.code})) == [in_ko_kha.get_absolute_url()]
    assert article_links(client.get("/lampang/articles/", {"category": "km-record"})) == [km_record.get_absolute_url()]
    assert article_links(client.get("/lampang/articles/", {"year": 2560})) == [in_ko_kha.get_absolute_url()]
    assert article_links(client.get("/lampang/articles/", {"year": 2562})) == [km_record.get_absolute_url()]


def test_province_list_search_stays_within_the_province(client, lampang, maha_sarakham):
    here = make_article(lampang, title="เห็ดลำปาง")
    make_article(maha_sarakham, title="เห็ดมหาสารคาม")
    assert article_links(client.get("/lampang/articles/", {"q": "เห็ด"})) == [here.get_absolute_url()]


def test_district_of_another_province_is_reported_and_ignored(client, lampang, maha_sarakham):
    make_article(lampang, title="เรื่องหนึ่ง")
    other = District.objects.filter(province=maha_sarakham).first()
    response = client.get("/lampang/articles/", {"district": other.code, "year": "abc"})
    assert response.status_code == 200
    assert len(article_links(response)) == 1
    assert 'class="filter-field-error"' in response.content.decode()


# --- National search ------------------------------------------------------------------------


def test_empty_result_says_so_and_suggests_dropping_a_term(client, lampang):
    make_article(lampang, title="เห็ดนางฟ้า")
    response = client.get("/search/", {"q": "เห็ด ปลาดุก"})
    text = visible_text(response)
    assert "ไม่พบบทความที่มีคำว่า “เห็ด ปลาดุก”" in text
    assert "ลองตัดคำใดคำหนึ่งออก" in text
    html = response.content.decode()
    assert 'href="?q=%E0%B8%9B%E0%B8%A5%E0%B8%B2%E0%B8%94%E0%B8%B8%E0%B8%81"' in html  # ปลาดุก alone
    assert 'href="?q=%E0%B9%80%E0%B8%AB%E0%B9%87%E0%B8%94"' in html  # เห็ด alone


def test_single_term_empty_result_suggests_other_words(client, db):
    text = visible_text(client.get("/search/", {"q": "ไม่มีคำนี้แน่นอน"}))
    assert "ไม่พบบทความที่มีคำว่า “ไม่มีคำนี้แน่นอน”" in text
    assert "ลองใช้คำที่สั้นลง" in text


def test_a_thousand_character_query_is_answered_not_a_500(client, lampang):
    make_article(lampang)
    response = client.get("/search/", {"q": "ทุนชุมชน" * 125})
    assert response.status_code == 200
    assert "คำค้นยาวเกินไป" in visible_text(response)


@pytest.mark.parametrize("query", ["%%%", "'; DROP TABLE articles_article; --", "\\", "_", "<script>", "😀"])
def test_queries_of_symbols_are_answered_not_a_500(client, lampang, query):
    make_article(lampang)
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_symbol_only_query_explains_itself(client, lampang):
    make_article(lampang)
    response = client.get("/search/", {"q": "%%% ***"})
    assert "ไม่มีตัวอักษรหรือตัวเลขให้ค้นหา" in visible_text(response)
    assert article_links(response) == []


def test_national_search_filters_by_province_then_offers_its_districts(client, lampang, maha_sarakham):
    here = make_article(lampang, title="เห็ดลำปาง")
    make_article(maha_sarakham, title="เห็ดมหาสารคาม")
    everywhere = client.get("/search/", {"q": "เห็ด"})
    assert len(article_links(everywhere)) == 2
    assert 'name="district"' not in everywhere.content.decode()
    in_lampang = client.get("/search/", {"q": "เห็ด", "province": "lampang"})
    assert article_links(in_lampang) == [here.get_absolute_url()]
    assert 'name="district"' in in_lampang.content.decode()
    assert ">เกาะคา</option>" in in_lampang.content.decode()


def test_search_results_show_a_highlighted_snippet(client, lampang):
    make_article(
        lampang,
        title="อาชีพเสริม",
        sections=[("background", "<p>กลุ่มนำผลผลิต OTOP ไปจำหน่ายในงานประจำปี</p>")],
    )
    html = client.get("/search/", {"q": "otop"}).content.decode()
    assert "<mark>OTOP</mark>" in html


def test_search_pages_ask_not_to_be_indexed(client, db):
    assert meta(client.get("/search/", {"q": "เห็ด"}))["robots"] == "noindex, follow"


# --- Content-Security-Policy readiness ------------------------------------------------------


def test_pages_have_no_inline_scripts_handlers_or_styles(client, article):
    """The strict Content-Security-Policy (no inline script or style) breaks nothing on public pages."""
    for path in ("/", "/lampang/", "/lampang/articles/", article.get_absolute_url(), "/search/?q=เห็ด", "/lampang/about/"):
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert not re.search(r"\sstyle=", html), path
        assert "<style" not in html, path


def test_server_error_page_renders_in_the_portal_look_without_a_request_context(rf, db):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "ระบบขัดข้องชั่วคราว" in html and "พอร์ทัลสัมมาชีพชุมชน" in html
    assert '<html lang="th">' in html and "/static/css/portal.css" in html


# --- Thai typography --------------------------------------------------------------------------


def test_thai_web_font_is_self_hosted_with_its_licence():
    fonts = Path(settings.BASE_DIR) / "static" / "fonts"
    for subset in ("thai", "latin"):
        for weight in (400, 600, 700):
            woff2 = fonts / f"sarabun-{subset}-{weight}-normal.woff2"
            assert woff2.read_bytes()[:4] == b"wOF2", woff2
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text(encoding="utf-8")
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    assert css.count("@font-face") == 6
    assert 'url("../fonts/sarabun-thai-400-normal.woff2")' in css
    assert "U+0E01-0E5B" in css  # the Thai block is served by the Thai subset
    body = css.split("\nbody {")[1].split("}")[0]
    assert "line-height: 1.75" in body and "font-size: 1.0625rem" in body


def test_pages_are_marked_as_thai(client, db):
    assert '<html lang="th">' in client.get("/").content.decode()
