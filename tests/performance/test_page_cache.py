"""Public pages are served from the cache to anonymous readers, and every change the public
would see reaches the next request (articles/page_cache.py)."""

from datetime import date

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.services import province_branding_update
from articles import view_counts
from articles.models import Article, ArticleImage, Category
from articles.services import (
    ImageChange,
    article_archive,
    article_publish,
    article_save_draft,
    article_start_revision,
    article_submit,
)
from provinces.models import District, Province
from tests.articles.factories import attach_photo, make_article
from tests.articles.html import visible_text
from tests.articles.test_authoring import complete_content, form_values, published_article

PUBLIC_PAGES = [
    "/",
    "/lampang/",
    "/lampang/about/",
    "/lampang/articles/",
    "/lampang/articles/?district=5201&year=2563",
    "/lampang/articles/?q=เห็ด",
    "/search/?q=เห็ด",
    "/search/?q=เห็ด&province=lampang",
    "/feed/",
    "/lampang/feed/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.fixture
def mushrooms(lampang):
    """A published Lampang article with a photo, in Ko Kha district."""
    ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
    return make_article(
        lampang, title="การเพาะเห็ดนางฟ้าเกาะคา", district=ko_kha, written_at=date(2020, 3, 1), photos=1,
        sections=[("background", "<p>กลุ่มเพาะเห็ดนางฟ้าของบ้านท่าผา</p>")],
    )


@pytest.fixture
def reader() -> Client:
    """Someone reading the portal without signing in."""
    return Client()


def pages(article: Article) -> list[str]:
    return [*PUBLIC_PAGES, article.get_absolute_url()]


def text(reader: Client, path: str) -> str:
    response = reader.get(path)
    assert response.status_code == 200, path
    return visible_text(response)


# --- Served from the cache ------------------------------------------------------------------


def test_a_second_anonymous_request_makes_no_sql_query(reader, mushrooms, django_assert_num_queries):
    for path in pages(mushrooms):
        first = reader.get(path)
        assert first.status_code == 200, path
        with django_assert_num_queries(0):
            second = reader.get(path)
        assert second.status_code == 200
        assert second.content == first.content, path
        assert second["Content-Type"] == first["Content-Type"], path


def test_cached_pages_still_get_every_security_header_and_a_public_cache_control(reader, mushrooms, settings):
    url = mushrooms.get_absolute_url()
    first, second = reader.get(url), reader.get(url)
    for response in (first, second):
        assert response["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert sorted(response["Cache-Control"].split(", ")) == [f"max-age={settings.PAGE_CACHE_PUBLIC_MAX_AGE}", "public"]
        assert "Cookie" in response["Vary"]
    # A request id belongs to one request, never to the cached page.
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_health_check_answers_ok_without_a_query_and_is_never_cached(reader, db, django_assert_num_queries):
    for _ in range(2):
        with django_assert_num_queries(0):
            response = reader.get("/healthz/")
        assert response.status_code == 200
        assert response.content == b"ok"
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "no-cache" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not any(key.startswith(":1:page:") for key in caches["pages"]._cache)


def test_each_language_is_cached_separately(reader, mushrooms):
    assert "บทความล่าสุด" in text(reader, "/lampang/")
    english = Client()
    english.cookies["django_language"] = "en"
    for _ in range(2):
        page = text(english, "/lampang/")
        assert "Latest articles" in page and "บทความล่าสุด" not in page
    assert "บทความล่าสุด" in text(reader, "/lampang/")


def test_the_language_switch_on_a_cached_page_works_without_a_csrf_token(mushrooms):
    reader = Client(enforce_csrf_checks=True)
    html = reader.get("/lampang/").content.decode()
    assert 'class="language-switch"' in html and "csrfmiddlewaretoken" not in html
    switched = reader.post("/i18n/setlang/", {"language": "en", "next": "/lampang/"})
    assert switched.status_code == 302 and switched["Location"] == "/lampang/"
    assert "Latest articles" in text(reader, "/lampang/")


# --- Nothing personal is cached or shared ----------------------------------------------------


def test_anonymous_public_pages_set_no_cookie_and_carry_no_csrf_token(reader, mushrooms):
    for path in pages(mushrooms):
        for response in (reader.get(path), reader.get(path)):
            assert not response.cookies, path
            assert "csrfmiddlewaretoken" not in response.content.decode(), path
            assert "Set-Cookie" not in response, path


def test_a_cookie_set_for_one_visitor_is_never_replayed_to_another(mushrooms):
    # A visitor with a malformed CSRF cookie gets a fresh one with the page: that response is not kept.
    first = Client()
    first.cookies["csrftoken"] = "not-a-valid-token"
    response = first.get("/lampang/")
    assert "csrftoken" in response.cookies
    second = Client().get("/lampang/")
    assert not second.cookies and "Set-Cookie" not in second


def test_signed_in_people_get_fresh_private_pages_and_never_the_cached_copy(reader, mushrooms, officer):
    cached = reader.get("/lampang/").content.decode()
    assert "ออกจากระบบ" not in cached
    # A change that (deliberately) tells no cache: anonymous readers keep the cached page.
    Province.objects.filter(slug="lampang").update(site_title="ชื่อที่ยังไม่ประกาศ")
    signed_in = Client()
    signed_in.force_login(officer)
    for _ in range(2):
        response = signed_in.get("/lampang/")
        page = response.content.decode()
        assert "ออกจากระบบ" in page and "ชื่อที่ยังไม่ประกาศ" in page
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    again = reader.get("/lampang/").content.decode()
    assert again == cached
    assert "ออกจากระบบ" not in again and "ชื่อที่ยังไม่ประกาศ" not in again


def test_pages_with_messages_waiting_are_not_served_from_the_cache(reader, mushrooms, django_assert_max_num_queries):
    reader.get("/lampang/")
    with_messages = Client()
    with_messages.cookies["messages"] = "anything"
    with django_assert_max_num_queries(50) as captured:
        with_messages.get("/lampang/")
    assert len(captured) > 0


# --- Every change the public sees reaches the next request -----------------------------------


def test_publishing_shows_the_new_article_on_the_province_list_home_search_and_feed(
    reader, mushrooms, officer, moderator
):
    before = {path: text(reader, path) for path in ("/", "/lampang/", "/lampang/articles/", "/search/?q=เห็ด")}
    assert all("ปลาส้มแม่ทะ" not in page for page in before.values())
    published_article(officer, moderator, title="ปลาส้มแม่ทะ เห็ดฟาง")
    for path in before:
        assert "ปลาส้มแม่ทะ" in text(reader, path), path
    assert "ปลาส้มแม่ทะ" in reader.get("/lampang/feed/").content.decode()


def test_a_published_revision_is_visible_on_the_next_request(reader, officer, moderator):
    live = published_article(officer, moderator, title="ชื่อเดิมของบทความ")
    pages_before = {path: text(reader, path) for path in ("/lampang/articles/", live.get_absolute_url(), "/")}
    assert all("ชื่อเดิมของบทความ" in page for page in pages_before.values())
    revision = article_start_revision(article=live, by=officer)
    revision = article_save_draft(
        article=revision, by=officer, content=complete_content(title="ชื่อใหม่ของบทความ"),
        expected_version=revision.version,
    )
    # Still only a revision: the public pages are unchanged and still cached.
    assert text(reader, live.get_absolute_url()) == pages_before[live.get_absolute_url()]
    article_publish(article=article_submit(article=revision, by=officer), by=moderator)
    for path in pages_before:
        page = text(reader, path)
        assert "ชื่อใหม่ของบทความ" in page and "ชื่อเดิมของบทความ" not in page, path


def test_an_edit_saved_in_the_admin_is_visible_on_the_next_request(reader, mushrooms, administrator):
    assert "การเพาะเห็ดนางฟ้าเกาะคา" in text(reader, mushrooms.get_absolute_url())
    admin = Client()
    admin.force_login(administrator)
    url = reverse("admin:articles_article_change", args=[mushrooms.pk])
    page = admin.get(url)
    data = form_values(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_values(formset.management_form))
        for form in formset.forms:
            data.update(form_values(form))
    data["title"] = "การเพาะเห็ดนางฟ้าแบบใหม่"
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    for path in (mushrooms.get_absolute_url(), "/lampang/articles/", "/", "/search/?q=เห็ด"):
        assert "การเพาะเห็ดนางฟ้าแบบใหม่" in text(reader, path), path


def test_archiving_takes_the_article_off_every_cached_page(reader, mushrooms, moderator):
    url = mushrooms.get_absolute_url()
    assert reader.get(url).status_code == 200
    assert "การเพาะเห็ดนางฟ้าเกาะคา" in text(reader, "/lampang/articles/")
    article_archive(article=mushrooms, by=moderator, reason="ข้อมูลเก่า")
    assert reader.get(url).status_code == 404
    for path in ("/lampang/articles/", "/lampang/", "/", "/search/?q=เห็ด"):
        assert "การเพาะเห็ดนางฟ้าเกาะคา" not in text(reader, path), path


def test_photo_changes_are_visible_on_the_next_request(reader, mushrooms):
    url = mushrooms.get_absolute_url()
    assert "ภาพแปลงเห็ดใหม่" not in text(reader, url)
    photo = attach_photo(mushrooms, caption="ภาพแปลงเห็ดใหม่", position=2, seed=5)
    assert "ภาพแปลงเห็ดใหม่" in text(reader, url)
    photo.delete()
    assert "ภาพแปลงเห็ดใหม่" not in text(reader, url)


def test_photos_of_a_published_revision_replace_the_live_ones_on_the_next_request(reader, officer, moderator):
    live = published_article(officer, moderator, title="บทความมีรูป")
    old_photo = attach_photo(live, caption="รูปเดิมของบทความ", seed=1)
    url = live.get_absolute_url()
    assert "รูปเดิมของบทความ" in text(reader, url)
    revision = article_start_revision(article=live, by=officer)
    copied = revision.images.get()
    revision = article_save_draft(
        article=revision, by=officer, content=complete_content(title="บทความมีรูป"),
        expected_version=revision.version,
        image_changes=[ImageChange(image_id=copied.pk, caption="", position=1, delete=True)],
    )
    attach_photo(revision, caption="รูปใหม่ของบทความ", seed=2)
    article_publish(article=article_submit(article=revision, by=officer), by=moderator)
    page = text(reader, url)
    assert "รูปใหม่ของบทความ" in page and "รูปเดิมของบทความ" not in page
    assert not ArticleImage.objects.filter(pk=old_photo.pk).exists()


def test_a_branding_change_shows_on_the_province_site_and_its_articles(reader, mushrooms, moderator):
    for path in ("/lampang/", "/lampang/about/", mushrooms.get_absolute_url()):
        assert "ศูนย์เรียนรู้สัมมาชีพลำปาง" not in text(reader, path)
    province_branding_update(
        province=Province.objects.get(slug="lampang"), by=moderator,
        changes={"site_title": "ศูนย์เรียนรู้สัมมาชีพลำปาง", "contact_phone": "054-000-111"},
    )
    for path in ("/lampang/", "/lampang/about/", mushrooms.get_absolute_url(), "/lampang/articles/"):
        page = text(reader, path)
        assert "ศูนย์เรียนรู้สัมมาชีพลำปาง" in page, path
    assert "054-000-111" in text(reader, "/lampang/about/")


def test_category_and_district_changes_are_visible_on_the_next_request(reader, mushrooms):
    assert "เกาะคาใหม่" not in text(reader, "/lampang/articles/")
    category = Category.objects.get(pk=mushrooms.category_id)
    category.name = "เทคนิคที่เปลี่ยนชื่อแล้ว"
    category.save()
    assert "เทคนิคที่เปลี่ยนชื่อแล้ว" in text(reader, mushrooms.get_absolute_url())
    district = District.objects.get(pk=mushrooms.district_id)
    district.name_th = "เกาะคาใหม่"
    district.save()
    assert "เกาะคาใหม่" in text(reader, "/lampang/articles/")


def test_a_change_in_one_province_keeps_another_provinces_pages_cached(
    reader, mushrooms, maha_sarakham, django_assert_num_queries
):
    make_article(maha_sarakham, title="ผ้าไหมมหาสารคาม")
    reader.get("/lampang/about/")
    make_article(maha_sarakham, title="ผ้าไหมมหาสารคาม ลายใหม่")
    with django_assert_num_queries(0):
        reader.get("/lampang/about/")
    assert "ผ้าไหมมหาสารคาม ลายใหม่" in text(reader, "/")


def test_moving_an_article_to_another_province_updates_both(reader, mushrooms, maha_sarakham):
    assert "การเพาะเห็ดนางฟ้าเกาะคา" in text(reader, "/lampang/articles/")
    assert "การเพาะเห็ดนางฟ้าเกาะคา" not in text(reader, "/maha-sarakham/articles/")
    article = Article.objects.get(pk=mushrooms.pk)
    article.province, article.district = maha_sarakham, None
    article.save()
    assert "การเพาะเห็ดนางฟ้าเกาะคา" not in text(reader, "/lampang/articles/")
    assert "การเพาะเห็ดนางฟ้าเกาะคา" in text(reader, "/maha-sarakham/articles/")


def test_views_of_cached_article_pages_are_counted(reader, mushrooms):
    url = mushrooms.get_absolute_url()
    for _ in range(3):
        assert reader.get(url).status_code == 200
    assert view_counts.flush() == 3
    mushrooms.refresh_from_db()
    assert mushrooms.view_count == 3


def test_turned_off_with_page_cache_seconds_zero(reader, mushrooms, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    reader.get("/lampang/")
    with django_assert_max_num_queries(50) as captured:
        response = reader.get("/lampang/")
    assert len(captured) > 0 and "public" not in response.get("Cache-Control", "")


def test_pages_are_rendered_when_the_cache_cannot_be_reached(reader, mushrooms, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("cache server down")

    for name in ("get", "get_many", "set", "set_many", "add", "incr"):
        monkeypatch.setattr(caches["pages"], name, unreachable)
        monkeypatch.setattr(caches["view_counts"], name, unreachable)
    for path in ("/lampang/", "/lampang/articles/", mushrooms.get_absolute_url(), "/search/?q=เห็ด"):
        assert reader.get(path).status_code == 200, path
    mushrooms.title = "แก้ไขขณะแคชใช้ไม่ได้"
    mushrooms.save()  # the change is saved even though the cache cannot be told
    assert "แก้ไขขณะแคชใช้ไม่ได้" in text(reader, mushrooms.get_absolute_url())
