"""Every officer and moderation address × every role → the status it must answer, from one table.

The article under test belongs to `officer` (Ko Kha district office, Lampang).
Rule of the table: people who may not even know an article exists get 404 (a
draft never sent for review is its author's alone); people who can see it (its
province's moderators and administrators, once it was submitted) but may not do
the thing get 403; anonymous visitors are sent to the login page.
"""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.articles.test_authoring import published_article, submitted_article, write_draft

ROLES = [
    "anonymous",
    "officer",
    "same_province_officer",
    "other_province_officer",
    "moderator",
    "other_province_moderator",
    "administrator",
]
LOGIN = "login"


def expect(author, same, other, moderator, other_moderator, administrator) -> dict:
    return {
        "anonymous": LOGIN,
        "officer": author,
        "same_province_officer": same,
        "other_province_officer": other,
        "moderator": moderator,
        "other_province_moderator": other_moderator,
        "administrator": administrator,
    }


def new_article_post() -> dict:
    """The smallest valid post of the article form: a draft with a title."""
    data = {"title": "ร่างจากตารางสิทธิ์", "author_name": "ผู้เขียน", "action": "save"}
    for prefix, total in (("sections", 0), ("images", 0), ("new_images", 0)):
        data.update({f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0})
    return data


def edit_post(article) -> dict:
    return {**new_article_post(), "version": article.version}


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 140, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")


# (address name, method, which article, data builder, expected status by role)
TABLE = [
    # The officers' pages.
    ("articles:my-list", "get", None, None, expect(200, 200, 200, 200, 200, 200)),
    ("articles:my-new", "get", None, None, expect(200, 200, 200, 200, 200, 403)),
    ("articles:my-new", "post", None, lambda a: new_article_post(), expect(302, 302, 302, 302, 302, 403)),
    ("articles:my-detail", "get", "draft", None, expect(200, 404, 404, 404, 404, 404)),
    ("articles:my-detail", "get", "submitted", None, expect(200, 404, 404, 403, 404, 403)),
    ("articles:my-edit", "get", "draft", None, expect(200, 404, 404, 404, 404, 404)),
    ("articles:my-edit", "get", "submitted", None, expect(302, 404, 404, 403, 404, 403)),
    ("articles:my-edit", "post", "draft", edit_post, expect(302, 404, 404, 404, 404, 404)),
    ("articles:my-edit", "get", "published", None, expect(200, 404, 404, 403, 404, 403)),
    ("articles:my-preview", "get", "draft", None, expect(200, 404, 404, 404, 404, 404)),
    ("articles:my-preview", "get", "submitted", None, expect(200, 404, 404, 200, 404, 200)),
    ("articles:my-submit", "post", "draft", lambda a: {"version": a.version}, expect(302, 404, 404, 404, 404, 404)),
    ("articles:my-image-upload", "post", "draft", lambda a: {"file": photo()}, expect(201, 404, 404, 404, 404, 404)),
    ("articles:my-image-upload", "post", "submitted", lambda a: {"file": photo()}, expect(403, 404, 404, 403, 404, 403)),
    ("articles:my-discard", "post", "draft", None, expect(302, 404, 404, 404, 404, 404)),
    ("articles:my-discard", "post", "submitted", None, expect(403, 404, 404, 403, 404, 403)),
    ("articles:my-revise", "post", "published", None, expect(302, 404, 404, 403, 404, 403)),
    # The moderators' pages.
    ("moderation:queue", "get", None, None, expect(403, 403, 403, 200, 200, 200)),
    ("moderation:review", "get", "submitted", None, expect(403, 403, 403, 200, 404, 200)),
    ("moderation:review", "get", "draft", None, expect(403, 403, 403, 404, 404, 404)),
    ("moderation:review", "get", "published", None, expect(403, 403, 403, 200, 404, 200)),
    ("moderation:publish", "post", "submitted", lambda a: {"publish-version": a.version}, expect(403, 403, 403, 302, 404, 302)),
    ("moderation:return", "post", "submitted", lambda a: {"return-note": "แก้ไข"}, expect(403, 403, 403, 302, 404, 302)),
    ("moderation:reject", "post", "submitted", lambda a: {"reject-note": "ซ้ำ"}, expect(403, 403, 403, 302, 404, 302)),
    ("moderation:archive", "post", "published", lambda a: {"archive-note": "ล้าสมัย"}, expect(403, 403, 403, 302, 404, 302)),
]

CASES = [
    pytest.param(name, method, target, data, role, expected[role], id=f"{method}-{name}-{target or 'none'}-{role}")
    for name, method, target, data, expected in TABLE
    for role in ROLES
]


@pytest.fixture
def articles_of_officer(officer, moderator) -> dict[str, Article]:
    return {
        "draft": write_draft(officer, title="ร่างของเจ้าหน้าที่"),
        "submitted": submitted_article(officer, title="ส่งตรวจแล้ว"),
        "published": published_article(officer, moderator, title="เผยแพร่แล้ว"),
    }


@pytest.mark.parametrize("name, method, target, data, role, expected", CASES)
def test_address_answers_each_role_as_the_table_says(
    request, client, articles_of_officer, name, method, target, data, role, expected
):
    article = articles_of_officer[target] if target else None
    url = reverse(name, args=[article.pk] if article else [])
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    payload = data(article) if data else {}
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if name == "articles:my-image-upload" else {}
    response = getattr(client, method)(url, payload, **headers)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    else:
        assert response.status_code == expected, response.content.decode()[:500]
        if expected == 302:
            assert not response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_table_covers_every_officer_and_moderation_address():
    from articles import urls_authoring, urls_moderation

    names = {f"articles:{pattern.name}" for pattern in urls_authoring.urlpatterns}
    names |= {f"moderation:{pattern.name}" for pattern in urls_moderation.urlpatterns}
    assert names == {row[0] for row in TABLE}
