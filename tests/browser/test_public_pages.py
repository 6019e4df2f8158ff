"""The public pages in a real Chromium: clean loads, phone and desktop layouts, WCAG 2.1 AA.

Each page is loaded once per width and checked for everything at that load (console,
layout, axe), and a failure lists every problem of the page at both widths at once.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.support import describe_violations, horizontal_overflow, run_axe, settle

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["national", "province", "article-list", "article", "search"]
WIDTHS = [375, 1280]


def open_public_page(page, live_server, portal, name: str, *, scripts: bool = True):
    response = page.goto(live_server.url + portal.pages[name], wait_until="load")
    assert response is not None and response.status == 200, (
        f"{portal.pages[name]} answered {response.status if response else 'nothing'}"
    )
    if scripts:  # settling waits on animation frames, which never come without JavaScript
        settle(page)
    return response


@pytest.mark.parametrize("page_name", PUBLIC_PAGES)
def test_public_page_loads_without_errors_fits_375_and_1280_px_and_passes_wcag21_aa(
    page_name, new_page, live_server, published_portal, screenshot
):
    path = published_portal.pages[page_name]
    problems = []
    for width in WIDTHS:
        tab = new_page(width)
        open_public_page(tab, live_server, published_portal, page_name)
        screenshot(tab, f"{page_name}-{width}")

        if tab.console_errors:
            problems.append(f"At {width} px, console and script errors:\n  " + "\n  ".join(tab.console_errors))

        overflow = horizontal_overflow(tab)
        if overflow["innerWidth"] != width:
            problems.append(
                f"At {width} px, the layout viewport is {overflow['innerWidth']} px wide "
                "(missing <meta name=viewport>, or content forcing the phone to zoom out)."
            )
        if overflow["scrollWidth"] > width + 1:
            problems.append(
                f"At {width} px, the page scrolls sideways: the document is {overflow['scrollWidth']} px wide. "
                "Elements past the right edge:\n  " + "\n  ".join(overflow["offenders"])
            )

        violations = run_axe(tab)
        if violations:
            problems.append(f"At {width} px, axe-core WCAG 2.1 A/AA violations:\n" + describe_violations(violations))

    assert not problems, f"{path}:\n\n" + "\n\n".join(problems)


def test_gallery_opens_the_larger_photo_in_a_dialog_and_escape_closes_it(new_page, live_server, published_portal):
    first, second = published_portal.images
    for width in WIDTHS:
        page = new_page(width)
        open_public_page(page, live_server, published_portal, "article")
        thumbnail_link = page.get_by_role("link", name=first.caption)
        thumbnail_width = thumbnail_link.locator("img").evaluate("(img) => img.naturalWidth")

        thumbnail_link.click()

        dialog = page.get_by_role("dialog")
        dialog.wait_for(state="visible")
        larger = dialog.get_by_role("img", name=first.caption)
        larger.wait_for(state="visible")
        larger.evaluate("(img) => img.decode()")
        larger_width = larger.evaluate("(img) => img.naturalWidth")
        assert larger_width > thumbnail_width, (
            f"at {width} px the dialog shows a {larger_width} px picture, "
            f"no larger than the {thumbnail_width} px thumbnail"
        )
        assert larger_width == first.large.width
        assert larger.bounding_box()["width"] <= width, f"at {width} px the larger photo is wider than the window"
        violations = run_axe(page)
        assert violations == [], f"the open photo dialog at {width} px:\n" + describe_violations(violations)

        page.keyboard.press("ArrowRight")
        dialog.get_by_role("img", name=second.caption).wait_for(state="visible")

        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        # Focus goes back to the thumbnail of the photo shown last, so keyboard users keep their place.
        expect(page.get_by_role("link", name=second.caption)).to_be_focused()
        assert page.console_errors == [], "\n".join(page.console_errors)


@pytest.mark.parametrize("javascript_enabled", [False])
def test_public_pages_work_without_javascript(javascript_enabled, page, live_server, published_portal):
    for name in PUBLIC_PAGES:
        open_public_page(page, live_server, published_portal, name, scripts=False)
        assert page.locator("h1").first.is_visible(), f"{published_portal.pages[name]} shows no heading"

    article = published_portal.article
    open_public_page(page, live_server, published_portal, "article", scripts=False)
    assert page.get_by_role("heading", name=article.title, level=1).is_visible()
    for section in article.sections.exclude(body="").order_by("position"):
        assert page.get_by_role("heading", name=section.display_heading, level=2).is_visible()
    shown = page.evaluate(
        "() => [...document.querySelectorAll('main img')]"
        ".filter((img) => img.complete && img.naturalWidth > 0).map((img) => img.alt)"
    )
    captions = [image.caption for image in published_portal.images]
    assert [alt for alt in shown if alt in captions] == captions, f"photos shown without JavaScript: {shown}"

    # Without the dialog script, a photo link simply opens the larger picture.
    response = page.goto(page.get_by_role("link", name=captions[0]).evaluate("(link) => link.href"))
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    assert page.console_errors == [], "\n".join(page.console_errors)
