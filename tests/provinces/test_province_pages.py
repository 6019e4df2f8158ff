"""The national front page and each province's own site: branding, counts, footer, language."""

import re
from datetime import date

import pytest

from articles.models import Article, Category
from articles.templatetags.portal import contrast_ratio, theme_class
from provinces.models import District, Province
from tests.articles.factories import make_article
from tests.articles.html import article_links, canonical, page_title, visible_lines, visible_text


@pytest.fixture
def content(lampang, maha_sarakham):
    ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
    return {
        "ko_kha_1": make_article(lampang, title="เห็ดเกาะคา", district=ko_kha, written_at=date(2020, 1, 1), view_count=40),
        "ko_kha_2": make_article(lampang, title="ปลาเกาะคา", district=ko_kha, written_at=date(2021, 1, 1), view_count=5),
        "provincial": make_article(
            lampang, title="งานจังหวัด", category=Category.objects.get(slug="km-record"), written_at=date(2022, 1, 1)
        ),
        "msk": make_article(maha_sarakham, title="ทุนชุมชนมหาสารคาม", written_at=date(2023, 1, 1), photos=1),
        "draft": make_article(lampang, title="ร่างลำปาง", status=Article.Status.DRAFT),
    }


# --- The national front page ----------------------------------------------------------------


def test_front_page_groups_provinces_by_region_with_published_counts(client, content):
    html = client.get("/").content.decode()
    north = html.split('id="region-north"')[1].split("</section>")[0]
    assert re.search(r'href="/lampang/">ลำปาง</a> <span class="count">3<', north)
    assert "ภาคเหนือ" in north and "3 บทความ" in north
    northeast = html.split('id="region-northeast"')[1].split("</section>")[0]
    assert re.search(r'href="/maha-sarakham/">มหาสารคาม</a> <span class="count">1<', northeast)
    assert 'href="/bangkok/"' not in html  # inactive
    assert len(re.findall(r'<ul class="province-list">', html)) == 6


def test_front_page_lists_the_latest_published_articles_nationwide(client, content):
    links = article_links(client.get("/"))
    assert links[:4] == [
        content["msk"].get_absolute_url(),
        content["provincial"].get_absolute_url(),
        content["ko_kha_2"].get_absolute_url(),
        content["ko_kha_1"].get_absolute_url(),
    ]
    assert content["draft"].get_absolute_url() not in links


def test_front_page_has_a_search_box_with_a_label(client, db):
    html = client.get("/").content.decode()
    assert '<form class="hero-search" role="search"' in html
    assert re.search(r'<label for="home-q">[^<]+</label>', html)
    assert 'id="home-q" type="search" name="q"' in html


def test_front_page_chart_is_inline_svg_with_text_alternatives(client, content):
    html = client.get("/").content.decode()
    charts = re.findall(r"<svg class=\"bar-chart\".*?</svg>", html, re.S)
    assert len(charts) == 2
    regions, provinces = charts
    assert 'role="img"' in regions and "<title id=\"chart-regions-title\">บทความที่เผยแพร่แยกตามภาค</title>" in regions
    assert "ภาคเหนือ 3" in regions and "ภาคตะวันออกเฉียงเหนือ 1" in regions  # <desc>
    assert re.findall(r'<text class="bar-label"[^>]*>([^<]+)</text>', regions)[:2] == ["ภาคเหนือ", "ภาคตะวันออกเฉียงเหนือ"]
    assert re.findall(r'<text class="bar-label"[^>]*>([^<]+)</text>', provinces) == ["ลำปาง", "มหาสารคาม"]
    widths = [float(w) for w in re.findall(r'<rect class="bar" x="0" y="\d+" width="([\d.]+)"', provinces)]
    assert widths[0] > widths[1] > 0
    assert "<script" not in html.split("</footer>")[0]


def test_front_page_canonical_and_title(client, db):
    response = client.get("/")
    assert canonical(response) == "http://testserver/"
    assert page_title(response) == "พอร์ทัลสัมมาชีพชุมชน"


# --- A province's own site ------------------------------------------------------------------


def test_province_site_wears_its_own_title_and_theme_colour(client, lampang):
    Province.objects.filter(pk=lampang.pk).update(site_title="สัมมาชีพลำปางออนไลน์", theme_colour="#0d47a1")
    response = client.get("/lampang/")
    html = response.content.decode()
    assert "สัมมาชีพลำปางออนไลน์" in page_title(response)
    assert re.search(r'<body class="theme-dark [^"]*">', html)
    stylesheet = re.search(r'<link rel="stylesheet" href="(/theme/0d47a1\.css)">', html).group(1)
    css = client.get(stylesheet)
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert css.content.decode().strip() == "body{--theme:#0d47a1}"
    assert canonical(response) == "http://testserver/lampang/"


def test_province_logo_and_banner_show_when_set(client, lampang):
    Province.objects.filter(pk=lampang.pk).update(logo="provinces/logos/lampang.png", banner="provinces/banners/lampang.jpg")
    html = client.get("/lampang/").content.decode()
    assert 'class="brand-logo" src="/media/provinces/logos/lampang.png"' in html
    assert '<div class="banner"><img src="/media/provinces/banners/lampang.jpg" alt="' in html


def test_province_site_lists_latest_and_most_read_of_that_province_only(client, content):
    response = client.get("/lampang/")
    latest = article_links(response)
    assert content["msk"].get_absolute_url() not in latest
    assert content["draft"].get_absolute_url() not in latest
    html = response.content.decode()
    most_read = html.split('<ol class="most-read">')[1].split("</ol>")[0]
    assert most_read.index("เห็ดเกาะคา") < most_read.index("ปลาเกาะคา")
    assert "อ่าน 40 ครั้ง" in most_read
    assert "งานจังหวัด" not in most_read  # never read


def test_province_site_lists_districts_and_categories_with_counts(client, content):
    html = client.get("/lampang/").content.decode()
    assert re.search(r'href="/lampang/articles/\?district=\d+">เกาะคา</a> <span class="count">2<', html)
    assert re.search(r'href="/lampang/articles/\?category=techniques">เทคนิคส่งเสริมสัมมาชีพ</a> <span class="count">2<', html)
    assert re.search(r'href="/lampang/articles/\?category=km-record">บันทึกองค์ความรู้ \(KM\)</a> <span class="count">1<', html)
    quiet = html.split('class="quiet-districts"')[1].split("</details>")[0]
    assert "เมืองปาน" in quiet and "เกาะคา" not in quiet


def test_province_footer_has_everything_the_old_provincial_sites_had(client, lampang):
    Province.objects.filter(pk=lampang.pk).update(
        contact_phone="0 5426 5040", contact_email="lampang@cdd.example", contact_address="ถนนบุญวาทย์ อำเภอเมืองลำปาง"
    )
    html = client.get("/lampang/").content.decode()
    footer = html.split('<div class="footer-province">')[1].split('<div class="footer-portal">')[0]
    lines = [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in footer.splitlines()]
    lines = [line for line in lines if line]
    assert lines[:5] == [
        "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง",
        "กรมการพัฒนาชุมชน กระทรวงมหาดไทย",
        "โทรศัพท์ 0 5426 5040",
        "Email lampang@cdd.example",
        "ที่อยู่ ถนนบุญวาทย์ อำเภอเมืองลำปาง",
    ]
    assert '<a href="/lampang/about/">เกี่ยวกับเรา</a>' in footer
    assert '<a href="mailto:lampang@cdd.example">' in footer


def test_province_without_contact_details_still_shows_the_footer_lines(client, lampang):
    html = client.get("/lampang/").content.decode()
    footer = html.split('<div class="footer-province">')[1].split('<div class="footer-portal">')[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", footer).split())
    assert "โทรศัพท์ – Email – ที่อยู่ –" in text


def test_about_page_shows_the_provinces_own_words_and_contacts(client, content, lampang):
    Province.objects.filter(pk=lampang.pk).update(about="สำนักงานของเราส่งเสริมอาชีพ\n\nย่อหน้าที่สอง", contact_phone="054")
    response = client.get("/lampang/about/")
    assert response.status_code == 200
    lines = visible_lines(response)
    assert "สำนักงานของเราส่งเสริมอาชีพ" in lines and "ย่อหน้าที่สอง" in lines
    assert "เผยแพร่แล้ว 3 บทความ จาก 1 อำเภอ — อ่านบทความทั้งหมด" in lines
    assert "เกี่ยวกับเรา — เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง" == page_title(response)


def test_about_page_without_text_describes_the_office(client, lampang):
    text = visible_text(client.get("/lampang/about/"))
    assert "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง เผยแพร่องค์ความรู้สัมมาชีพชุมชน" in text


def test_province_with_no_articles_says_so(client, db):
    assert "จังหวัดนี้ยังไม่มีบทความที่เผยแพร่" in visible_text(client.get("/nan/"))


@pytest.mark.parametrize("colour", ["#1b5e20", "#0d47a1", "#6a1b9a", "#8d6e63", "#00695c", "#e65100", "#ffeb3b", "#ffffff", "#000000", "#777777"])
def test_header_text_on_any_theme_colour_reaches_aa_contrast(colour):
    text = "#ffffff" if theme_class(colour) == "theme-dark" else "#000000"
    assert contrast_ratio(colour, text) >= 4.5


def test_light_theme_colour_gets_dark_header_text(client, lampang):
    Province.objects.filter(pk=lampang.pk).update(theme_colour="#ffeb3b")
    assert '<body class="theme-light' in client.get("/lampang/").content.decode()


# --- Language -------------------------------------------------------------------------------


def test_thai_is_the_default_whatever_the_browser_asks_for(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="th">' in response.content.decode()
    assert "ค้นหาองค์ความรู้จากทุกจังหวัด" in visible_text(response)


def test_language_switch_works_without_javascript_and_english_is_translated(client, content):
    html = client.get("/lampang/").content.decode()
    assert re.search(r'<form class="language-switch" action="/i18n/setlang/" method="post">', html)
    assert '<label for="language-select">' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/lampang/"})
    assert response.status_code == 302 and response["Location"] == "/lampang/"
    english = client.get("/lampang/")
    text = visible_text(english)
    assert '<html lang="en">' in english.content.decode()
    assert "Latest articles" in text and "About us" in text and "Phone" in text
    assert "บทความล่าสุด" not in text
    # Articles themselves stay in Thai, marked as such for screen readers.
    assert 'lang="th"><a href="' in english.content.decode()
    back = client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert back.status_code == 302
    assert "บทความล่าสุดจากทุกจังหวัด" in visible_text(client.get("/"))


def test_english_interface_shows_dates_in_the_common_era(client, content):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = visible_text(client.get(content["ko_kha_1"].get_absolute_url()))
    assert "Date : 1 January 2020" in text
