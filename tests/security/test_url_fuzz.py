"""Odd addresses and query strings: every URL pattern answers 4xx, or 200/redirect where
that is the sensible answer, and never 500, on SQLite and on PostgreSQL.

Values are sent raw (percent-encoded as a browser or a scanner would send them):
NUL bytes, broken UTF-8, digits Python's int() refuses though str.isdigit() accepts
them (²), numbers beyond any database integer, 10,000-character strings, repeats.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.models import Article
from articles.services import article_publish, article_submit
from tests.articles.test_authoring import write_draft
from tests.conftest import empty_caches
from tests.security.pages import signed_in
from tests.security.test_upload_hostile import jpeg

pytestmark = pytest.mark.django_db

HUGE = str(10**30)
LONG = "ก" * 10_000
NOT_FOUND, BAD_REQUEST = {404}, {400}
# Junk where the path expects a province slug or a number.
PATH_SLUGS = [
    "nowhere", "LAMPANG", "lampang.php", "%E0%B8%A5%E0%B8%B3%E0%B8%9B%E0%B8%B2%E0%B8%87", "x" * 300,
    "lampang%00", "%00", "lampang%ff%fe", "%ff%fe", "%2e%2e", "lampang;x=1", "lampang%0d%0aX-Injected:1",
]
PATH_IDS = ["0", "99999999", HUGE, "1abc", "abc", "-1", "1.5", "%00", "1%00", "%ff", "%C2%B2", "%E0%B9%91"]
PAGE_VALUES = ["0", "-1", "abc", HUGE, "99999999", "1.5", "", "%00", "%ff%fe", "%C2%B2", "last", "1&page=2"]
FILTER_VALUES = [
    "abc", HUGE, "-1", "%00", "1%00", "%ff%fe", "%C2%B2", "%E0%B9%91%E0%B9%92", "x" * 10_000, "1&{name}=2",
    "%E0%B8%A5%E0%B8%B3%E0%B8%9B%E0%B8%B2%E0%B8%87",
]
QUERY_VALUES = [LONG, "%00", "a%00b", "%ff%fe", "%C0%AE%C0%AE", "%25%00", "1&q=2", "%E2%80%AE%E0%B8%81"]


@pytest.fixture
def portal(officer, moderator, administrator):
    """A published article and a draft, and a client per role."""
    published = article_publish(article=article_submit(article=write_draft(officer), by=officer), by=moderator)
    draft = write_draft(officer, title="ฉบับร่างของเจ้าหน้าที่")
    return {
        "published": published,
        "draft": draft,
        "clients": {
            "anonymous": Client(),
            "officer": signed_in(officer),
            "moderator": signed_in(moderator),
            "administrator": signed_in(administrator),
        },
    }


def answers(client: Client, url: str, method: str = "get", data=None) -> int:
    empty_caches()
    response = getattr(client, method)(url, data or {})
    return response.status_code


def assert_no_server_error(results: dict[str, int], allowed: set[int] | None = None) -> None:
    wrong = {url: status for url, status in results.items() if status >= 500 or (allowed and status not in allowed)}
    assert not wrong, f"unexpected answers: {wrong}"


# --- Slugs and ids in the path -------------------------------------------------------------------


PROVINCE_PAGES = ["/{slug}/", "/{slug}/about/", "/{slug}/articles/", "/{slug}/feed/", "/{slug}/articles/{pk}/"]


@pytest.mark.parametrize("who", ["anonymous", "officer", "moderator"])
@pytest.mark.parametrize("template", PROVINCE_PAGES)
def test_unknown_or_malformed_province_is_not_found(portal, template, who):
    client = portal["clients"][who]
    results = {
        template.format(slug=slug, pk=portal["published"].pk): answers(
            client, template.format(slug=slug, pk=portal["published"].pk)
        )
        for slug in PATH_SLUGS
    }
    # A NUL byte in the address is a malformed request; anything else unknown is not found.
    assert_no_server_error(results, NOT_FOUND | BAD_REQUEST)


def test_province_edit_with_a_malformed_slug_is_not_found(portal):
    client = portal["clients"]["moderator"]
    urls = [f"/accounts/province/{slug}/edit/" for slug in PATH_SLUGS]
    results = {url: answers(client, url) for url in urls}
    assert_no_server_error(results, NOT_FOUND | BAD_REQUEST)


ID_PAGES = {
    "public article": ("anonymous", "/lampang/articles/{pk}/"),
    "public article with title": ("anonymous", "/lampang/articles/{pk}-ชื่อเรื่อง%00/"),
    "author's page": ("officer", "/my/articles/{pk}/"),
    "edit form": ("officer", "/my/articles/{pk}/edit/"),
    "preview": ("officer", "/my/articles/{pk}/preview/"),
    "review": ("moderator", "/moderation/{pk}/"),
    "admin article": ("administrator", "/admin/articles/article/{pk}/change/"),
}


@pytest.mark.parametrize("page", sorted(ID_PAGES))
def test_unknown_or_malformed_id_is_not_found(portal, page):
    who, template = ID_PAGES[page]
    client = portal["clients"][who]
    results = {template.format(pk=pk): answers(client, template.format(pk=pk)) for pk in PATH_IDS}
    # The admin sends an unknown id back to its list with a message, and reads a Thai-digit
    # id (๑) as the number it is; everything else is a 404.
    allowed = NOT_FOUND | BAD_REQUEST | ({200, 302} if page == "admin article" else set())
    if page == "public article with title":
        allowed |= {301}  # /<id>-<anything>/ leads to the canonical address, checked there
    assert_no_server_error(results, allowed)


POST_ID_ACTIONS = {
    "submit": ("officer", "/my/articles/{pk}/submit/"),
    "revise": ("officer", "/my/articles/{pk}/revise/"),
    "discard": ("officer", "/my/articles/{pk}/discard/"),
    "image upload": ("officer", "/my/articles/{pk}/images/"),
    "publish": ("moderator", "/moderation/{pk}/publish/"),
    "return": ("moderator", "/moderation/{pk}/return/"),
    "approve sign-up": ("moderator", "/accounts/approvals/{pk}/approve/"),
    "reject sign-up": ("moderator", "/accounts/approvals/{pk}/reject/"),
    "appoint moderator": ("administrator", "/accounts/moderators/{pk}/appoint/"),
    "revoke moderator": ("administrator", "/accounts/moderators/{pk}/revoke/"),
}


@pytest.mark.parametrize("action", sorted(POST_ID_ACTIONS))
def test_posting_to_an_unknown_or_malformed_id_is_not_found(portal, action):
    who, template = POST_ID_ACTIONS[action]
    client = portal["clients"][who]
    results = {template.format(pk=pk): answers(client, template.format(pk=pk), "post") for pk in PATH_IDS}
    assert_no_server_error(results, NOT_FOUND | BAD_REQUEST)


# --- Query strings ---------------------------------------------------------------------------------


LISTS = {
    # page: (who, address, the answer a page beyond the end or a malformed page number gets)
    "national search": ("anonymous", "/search/", {200, 404}),
    "province list": ("anonymous", "/lampang/articles/", {200, 404}),
    "my articles": ("officer", "/my/articles/", {200}),
    "moderation queue": ("moderator", "/moderation/", {200}),
    "approvals": ("administrator", "/accounts/approvals/", {200}),
    "moderators": ("administrator", "/accounts/moderators/", {200}),
}


@pytest.mark.parametrize("page", sorted(LISTS))
def test_odd_page_numbers_get_a_page_or_not_found(portal, page):
    who, url, allowed = LISTS[page]
    client = portal["clients"][who]
    results = {f"{url}?page={value}": answers(client, f"{url}?page={value}") for value in PAGE_VALUES}
    assert_no_server_error(results, allowed | BAD_REQUEST)


def test_public_lists_answer_404_beyond_the_last_page_and_for_non_numbers(portal):
    """Django's ListView: page 1 always exists, page 0, 2 (of one) and "abc" do not."""
    client = portal["clients"]["anonymous"]
    assert answers(client, "/lampang/articles/?page=1") == 200
    assert answers(client, "/lampang/articles/?page=last") == 200
    for value in ("0", "2", "abc", HUGE, "-1"):
        assert answers(client, f"/lampang/articles/?page={value}") == 404, value


def test_private_lists_show_the_nearest_page_for_odd_page_numbers(portal):
    """Paginator.get_page: a malformed number is page 1, one beyond the end is the last page."""
    client = portal["clients"]["officer"]
    for value in ("0", "abc", HUGE, "-1", "99999999"):
        response = client.get(f"/my/articles/?page={value}")
        assert response.status_code == 200 and response.context["page_obj"].number == 1, value


FILTERS = {
    "national search": ("anonymous", "/search/", ["q", "province", "district", "category", "year"]),
    "province list": ("anonymous", "/lampang/articles/", ["q", "district", "category", "year"]),
    "my articles": ("officer", "/my/articles/", ["status"]),
    "moderation queue (one province)": ("moderator", "/moderation/", ["status", "kind", "district", "category", "q"]),
    "moderation queue (all provinces)": (
        "administrator", "/moderation/", ["status", "kind", "province", "district", "category", "q"],
    ),
    "approvals": ("administrator", "/accounts/approvals/", ["province"]),
    "moderators": ("administrator", "/accounts/moderators/", ["province", "q"]),
    "sign-up": ("anonymous", "/accounts/signup/", ["province"]),
    "offices of a province": ("anonymous", "/accounts/districts/", ["province"]),
    "login": ("anonymous", "/accounts/login/", ["next"]),
}


@pytest.mark.parametrize("page", sorted(FILTERS))
def test_odd_filter_values_are_ignored_or_refused_never_a_server_error(portal, page):
    who, url, names = FILTERS[page]
    client = portal["clients"][who]
    results = {}
    for name in names:
        for value in FILTER_VALUES + QUERY_VALUES:
            query = f"{name}={value.format(name=name)}"
            results[f"{url}?{query}"[:200]] = answers(client, f"{url}?{query}")
        # The province as the filter forms take it, with a district of another province.
        results[f"{url}?{name}=lampang&district=1001"] = answers(client, f"{url}?{name}=lampang&district=1001")
    allowed = {200, 400} | ({404} if page == "offices of a province" else set())
    assert_no_server_error(results, allowed)


def test_a_ten_thousand_character_search_is_cut_and_answered(portal):
    response = portal["clients"]["anonymous"].get("/search/", {"q": LONG})
    assert response.status_code == 200
    assert response.context["parsed_query"].truncated


@pytest.mark.parametrize("who", ["anonymous", "officer", "moderator"])
def test_nul_bytes_anywhere_in_the_request_are_a_bad_request(portal, who):
    """PostgreSQL cannot hold NUL: a province slug or office id carrying one was a server error there."""
    client = portal["clients"][who]
    urls = [
        "/search/?q=%00", "/lampang/articles/?category=%00", "/lampang%00/", "/search/?province=lampang%00",
        "/accounts/districts/?province=%00", "/accounts/signup/?province=lampang%00", "/moderation/?q%00=1",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 400, url
        assert "คำขอไม่ถูกต้อง" in response.content.decode(), url
    posted = client.post("/accounts/signup/", {"province": "lampang\x00", "show_offices": "1"})
    assert posted.status_code == 400
    assert client.get("/", HTTP_USER_AGENT="Mozilla/5.0\x00").status_code == 400


def test_nul_in_a_cookie_is_a_bad_request(portal, settings):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    assert client.get("/lampang/").status_code == 400


def test_binary_uploads_may_hold_nul_bytes(portal):
    """Only form fields are refused: a photo's bytes are full of NUL and are judged by Pillow."""
    draft = portal["draft"]
    photo = jpeg()
    assert b"\x00" in photo
    response = portal["clients"]["officer"].post(
        f"/my/articles/{draft.pk}/images/",
        {"file": SimpleUploadedFile("photo.jpg", photo, "image/jpeg"), "caption": "ภาพ"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 201


# --- Forms posted with odd values --------------------------------------------------------------------


def test_odd_values_posted_to_the_article_forms_never_cause_a_server_error(portal):
    officer = portal["clients"]["officer"]
    draft = portal["draft"]
    results = {}
    for value in ["²", HUGE, "\x00", "abc", "-1", LONG]:
        submitted = officer.post(f"/my/articles/{draft.pk}/submit/", {"version": value})
        results[f"submit version={value[:20]!r}"] = submitted.status_code
        data = {
            "title": "ทดสอบ", "author_name": "ผู้เขียน", "version": value, "category": value, "district": value,
            "written_at": value, "sections-TOTAL_FORMS": "1", "sections-INITIAL_FORMS": "0",
            "sections-0-order": value, "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "1",
            "images-0-image_id": value, "images-0-position": value, "new_images-TOTAL_FORMS": value,
            "new_images-INITIAL_FORMS": "0",
        }
        results[f"edit {value[:20]!r}"] = officer.post(f"/my/articles/{draft.pk}/edit/", data).status_code
        results[f"new {value[:20]!r}"] = officer.post("/my/articles/new/", data).status_code
    assert_no_server_error(results, {200, 302, 400, 409})
    assert Article.objects.filter(title="ทดสอบ").count() == 0


def test_odd_values_posted_to_moderation_and_signup_never_cause_a_server_error(portal, settings):
    settings.RATE_LIMITS = {"signup": (10_000, 3600), "password_reset": (10_000, 3600)}
    submitted = article_submit(article=portal["draft"], by=portal["draft"].author)
    moderator = portal["clients"]["moderator"]
    results = {}
    for value in ["²", HUGE, "\x00", "abc", LONG]:
        for action in ("publish", "return", "reject"):
            results[f"{action} {value[:20]!r}"] = moderator.post(
                f"/moderation/{submitted.pk}/{action}/", {f"{action}-version": value, f"{action}-note": value}
            ).status_code
        results[f"sign-up {value[:20]!r}"] = Client().post(
            "/accounts/signup/",
            {"title": value, "first_name": value, "last_name": value, "position": value, "province": value,
             "district": value, "email": value, "password1": value, "password2": value, "phone": value},
        ).status_code
        results[f"sign-up office {value[:20]!r}"] = Client().post(
            "/accounts/signup/", {"province": "lampang", "district": value}
        ).status_code
        login = Client().post("/accounts/login/", {"username": value, "password": value})
        results[f"login {value[:20]!r}"] = login.status_code
        language = Client().post("/i18n/setlang/", {"language": value, "next": value})
        results[f"language {value[:20]!r}"] = language.status_code
    assert_no_server_error(results, {200, 302, 400, 403, 409})
    submitted.refresh_from_db()
    assert submitted.status == Article.Status.SUBMITTED


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml?p=abc", "/sitemap.xml?p=%00", f"/sitemap.xml?p={HUGE}", "/robots.txt?%00",
        "/feed/?%ff%fe", "/%ff%fe/", "/%00", "/" + "a" * 5000 + "/", "/lampang/articles/1/" + "x" * 3000,
        "/accounts/password/reset/%00/x/", "/accounts/password/reset/AA/%ff/",
        f"/accounts/password/reset/{'A' * 5000}/x/",
        "/admin/articles/article/?q=%00", "/admin/articles/article/?o=abc", "/admin/articles/article/?p=-1",
    ],
)
def test_odd_addresses_elsewhere_never_cause_a_server_error(portal, url):
    for who in ("anonymous", "administrator"):
        assert answers(portal["clients"][who], url) < 500, (who, url)
