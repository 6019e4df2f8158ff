"""A sample of the hostile-input corpus (tests/security/payloads.py) in a real Chromium.

The server-side checks (tests/security/test_xss_rendering.py) read the HTML the way a
browser tokenises it; here Chromium itself loads the pages. The payloads set
``window.__xss`` (or call alert) if they run: after each page no dialog may have opened,
no console error may have been logged (a payload blocked by the Content-Security-Policy
logs one) and the sentinel must still be undefined.
"""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.services import article_publish, article_submit
from provinces.models import Province
from tests.security.pages import empty_caches, signed_in
from tests.security.payloads import BROWSER_SAMPLE, XSS_PAYLOADS, chunks
from tests.security.test_xss_rendering import MARKER, branding_data, write_via_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAMPLE = [XSS_PAYLOADS[name] for name in BROWSER_SAMPLE]
SENTINEL_CHECK = "() => [typeof window.__xss, typeof window.top.__xss]"


@pytest.fixture
def hostile_portal(officer, moderator, lampang):
    """The sample in a section, an extra heading, the title, captions and the province's branding,
    published; written through the same forms as people use."""
    author = signed_in(officer)
    article = write_via_form(
        author,
        title=f"{MARKER} " + chunks(SAMPLE, 450)[0],
        background="".join(f"<p>ทดสอบ {payload} ภาษาไทย</p>" for payload in SAMPLE),
        extra_sections=[(chunks(SAMPLE, 300)[0], "".join(SAMPLE))],
        captions=SAMPLE,
    )
    published = article_publish(article=article_submit(article=article, by=officer), by=moderator)
    response = signed_in(moderator).post(
        reverse("accounts:province-edit", args=["lampang"]),
        branding_data(
            lampang,
            site_title=chunks(SAMPLE, 200)[0],
            contact_address="\n".join(SAMPLE),
            about="\n".join(SAMPLE),
        ),
    )
    assert response.status_code == 302
    assert Province.objects.get(pk=lampang.pk).about == "\n".join(SAMPLE)
    empty_caches()
    return published


def sign_in_as(page, live_server, user) -> None:
    """The browser carries the session of a person signed in through Django's test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def visit_and_assert_nothing_ran(page, url: str, dialogs: list[str]) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    page.wait_for_load_state("load")
    # Time for autofocus, onerror and onload handlers, had any survived.
    page.wait_for_timeout(250)
    assert dialogs == [], f"{url} opened a dialog: {dialogs}"
    assert page.evaluate(SENTINEL_CHECK) == ["undefined", "undefined"], f"a payload ran on {url}"
    assert page.console_errors == [], f"{url}:\n" + "\n".join(page.console_errors)


def test_sample_payloads_run_nowhere_in_chromium(page, live_server, hostile_portal, officer, moderator):
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    base = live_server.url
    article = hostile_portal
    public = [
        article.get_absolute_url(),
        reverse("provinces:home", args=["lampang"]),
        reverse("provinces:about", args=["lampang"]),
        reverse("articles:list", args=["lampang"]),
        reverse("provinces:index"),
    ]
    for path in public:
        visit_and_assert_nothing_ran(page, base + path, dialogs)
    # The title and the captions reached the page as text, the way they were typed.
    assert page.goto(base + article.get_absolute_url()).status == 200
    assert page.locator("h1").first.inner_text().startswith(MARKER)
    assert [text for text in page.locator("figcaption").all_inner_texts() if text] == SAMPLE

    for payload in SAMPLE:
        for path in (reverse("articles:search"), reverse("articles:list", args=["lampang"])):
            empty_caches()
            visit_and_assert_nothing_ran(page, base + path + "?" + urlencode({"q": payload}), dialogs)
            # The search box holds the query as typed, and it was searched for, not run.
            assert page.locator("input[name=q]").first.input_value() == payload

    sign_in_as(page, live_server, officer)
    visit_and_assert_nothing_ran(page, base + reverse("articles:my-preview", args=[article.pk]), dialogs)
    visit_and_assert_nothing_ran(page, base + reverse("articles:my-detail", args=[article.pk]), dialogs)
    page.context.clear_cookies()
    sign_in_as(page, live_server, moderator)
    visit_and_assert_nothing_ran(page, base + reverse("moderation:review", args=[article.pk]), dialogs)
    visit_and_assert_nothing_ran(page, base + reverse("accounts:province-edit", args=["lampang"]), dialogs)
