"""RSS feeds, sitemap.xml and robots.txt: what crawlers and feed readers are given."""

import xml.etree.ElementTree as ET
from datetime import date

from articles.models import Article
from provinces.models import Province
from tests.articles.factories import make_article

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def rss_items(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [
        {child.tag: (child.text or "") for child in item} | {"categories": [c.text for c in item.findall("category")]}
        for item in channel.findall("item")
    ]


def test_national_feed_lists_published_articles_newest_first(client, lampang, maha_sarakham):
    older = make_article(lampang, title="เรื่องเก่า", written_at=date(2018, 1, 1))
    newer = make_article(maha_sarakham, title="เรื่องใหม่", written_at=date(2024, 1, 1))
    make_article(lampang, title="ร่าง", status=Article.Status.DRAFT)
    response = client.get("/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = rss_items(response)
    assert [i["title"] for i in items] == [newer.title, older.title]
    assert items[0]["link"] == f"http://testserver/maha-sarakham/articles/{newer.pk}/"
    assert items[0]["description"].startswith("ชาวบ้านรวมกลุ่มกัน")
    assert "มหาสารคาม" in items[0]["categories"]
    assert items[0]["pubDate"]


def test_feed_has_at_most_thirty_items(client, lampang):
    for number in range(32):
        make_article(lampang, title=f"เรื่องที่ {number}")
    assert len(rss_items(client.get("/feed/"))) == 30


def test_province_feed_holds_only_that_province(client, lampang, maha_sarakham):
    here = make_article(lampang, title="เรื่องลำปาง")
    make_article(maha_sarakham, title="เรื่องมหาสารคาม")
    response = client.get("/lampang/feed/")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.find("title").text == "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง"
    assert channel.find("link").text == "http://testserver/lampang/"
    assert [i["title"] for i in rss_items(response)] == [here.title]


def test_feed_of_unknown_or_inactive_province_is_a_404(client, db):
    assert client.get("/no-such-province/feed/").status_code == 404
    assert client.get("/bangkok/feed/").status_code == 404


def test_pages_announce_their_feeds(client, lampang):
    assert 'href="/feed/"' in client.get("/").content.decode()
    assert 'type="application/rss+xml" title="เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง" href="/lampang/feed/"' in (
        client.get("/lampang/").content.decode()
    )


def test_sitemap_lists_province_pages_and_published_articles_only(client, lampang):
    published = make_article(lampang, title="เผยแพร่")
    draft = make_article(lampang, title="ร่าง", status=Article.Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = {url.find("s:loc", SITEMAP_NS).text for url in root.findall("s:url", SITEMAP_NS)}
    assert "http://testserver/" in locations
    assert {"http://testserver/lampang/", "http://testserver/lampang/articles/", "http://testserver/lampang/about/"} <= locations
    assert f"http://testserver/lampang/articles/{published.pk}/" in locations
    assert f"http://testserver/lampang/articles/{draft.pk}/" not in locations
    assert "http://testserver/bangkok/" not in locations
    active = Province.objects.active().count()
    assert len([loc for loc in locations if loc.count("/") == 4]) == active  # one /<slug>/ per province


def test_sitemap_gives_articles_their_last_change(client, lampang):
    article = make_article(lampang)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    for url in root.findall("s:url", SITEMAP_NS):
        if url.find("s:loc", SITEMAP_NS).text.endswith(f"/articles/{article.pk}/"):
            assert url.find("s:lastmod", SITEMAP_NS).text.startswith(str(article.updated_at.year))
            break
    else:
        raise AssertionError("article missing from the sitemap")


def test_robots_allows_all_points_to_the_sitemap_and_keeps_private_areas_out(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for private in ("/admin/", "/my/", "/moderation/", "/accounts/"):
        assert f"Disallow: {private}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
