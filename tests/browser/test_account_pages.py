"""The account pages (accounts/) in a real Chromium: sign-up with and without JavaScript, phone and
desktop layouts, and WCAG 2.1 AA as axe-core checks it."""

import pytest

from accounts.models import SignupRequest, User
from tests.accounts.conftest import APPLICANT_PASSWORD
from tests.browser.support import describe_violations, horizontal_overflow, run_axe, settle
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = [375, 1280]


def fill_name_and_login_details(page, email: str) -> None:
    page.get_by_role("radio", name="นางสาว", exact=True).check()
    page.locator("#id_first_name").fill("สมใจ")
    page.locator("#id_last_name").fill("ใจดี")
    page.locator("#id_position").fill("นักวิชาการพัฒนาชุมชน")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(APPLICANT_PASSWORD)
    page.locator("#id_password2").fill(APPLICANT_PASSWORD)


def sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.acc-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("viewport_width", [375])
def test_signup_with_javascript_lists_the_provinces_offices_at_once(page, live_server, transactional_db, viewport_width):
    page.goto(live_server.url + "/accounts/signup/")
    assert page.get_by_role("button", name="แสดงอำเภอ").is_hidden()  # the round trip is not needed
    office = page.get_by_role("combobox", name="สำนักงานที่สังกัด")
    assert office.is_disabled()

    page.get_by_role("combobox", name="จังหวัด", exact=True).select_option("lampang")
    # More than three options: the offices arrived. (A locator, not wait_for_function: the
    # page's Content-Security-Policy forbids the eval that a string predicate needs.)
    page.locator("#id_district option").nth(3).wait_for(state="attached")
    office.select_option(label="สำนักงานพัฒนาชุมชนอำเภอเกาะคา")
    fill_name_and_login_details(page, "somjai@example.go.th")
    assert page.locator("[data-name-preview]").inner_text() == "ชื่อที่จะแสดงในบทความ: นางสาวสมใจ ใจดี"
    page.get_by_role("button", name="ส่งคำขอสมัครใช้งาน").click()

    page.wait_for_url("**/accounts/signup/done/")
    user = User.objects.get(email="somjai@example.go.th")
    assert not user.is_active and user.profile.district.name_th == "เกาะคา"
    assert user.signup_requests.get().status == SignupRequest.Status.PENDING
    assert page.console_errors == [], "\n".join(page.console_errors)


@pytest.mark.parametrize("javascript_enabled", [False])
@pytest.mark.parametrize("viewport_width", [375])
def test_signup_without_javascript_uses_the_show_offices_step(
    page, live_server, transactional_db, javascript_enabled, viewport_width
):
    page.goto(live_server.url + "/accounts/signup/")
    page.locator("#id_first_name").fill("สมใจ")
    page.get_by_role("combobox", name="จังหวัด", exact=True).select_option("maha-sarakham")
    page.get_by_role("button", name="แสดงอำเภอ").click()
    page.wait_for_load_state("load")

    assert page.locator("#id_first_name").input_value() == "สมใจ"  # kept across the step
    page.get_by_role("combobox", name="สำนักงานที่สังกัด").select_option(label="สำนักงานพัฒนาชุมชนอำเภอชื่นชม")
    fill_name_and_login_details(page, "no-script@example.go.th")
    page.get_by_role("button", name="ส่งคำขอสมัครใช้งาน").click()
    page.wait_for_url("**/accounts/signup/done/")

    profile = User.objects.get(email="no-script@example.go.th").profile
    assert profile.full_name == "นางสาวสมใจ ใจดี"
    assert profile.province.slug == "maha-sarakham" and profile.district.name_th == "ชื่นชม"


def _open(page, live_server, path: str, who: str | None, request) -> None:
    if who:
        sign_in(page, live_server, request.getfixturevalue(who).email)
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, f"{path} answered {response.status if response else '-'}"
    settle(page)


ACCOUNT_PAGES = [
    ("/accounts/signup/", None),
    ("/accounts/login/", None),
    ("/accounts/password/reset/", None),
    ("/accounts/password/change/", "officer"),
    ("/accounts/approvals/", "moderator"),
    ("/accounts/province/lampang/edit/", "moderator"),
    ("/accounts/moderators/?province=lampang", "administrator"),
]


@pytest.mark.parametrize("viewport_width", WIDTHS)
@pytest.mark.parametrize(("path", "who"), ACCOUNT_PAGES)
def test_account_page_fits_the_window_and_has_no_wcag21_aa_violations(
    page, live_server, transactional_db, request, path, who, viewport_width, officer, lampang
):
    # A waiting applicant, so the approvals page has a request to show.
    from tests.accounts.conftest import apply_for_account

    apply_for_account(email="waiting@example.go.th", province=lampang)
    _open(page, live_server, path, who, request)

    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= viewport_width + 1, (
        f"{path} scrolls sideways at {viewport_width} px:\n  " + "\n  ".join(overflow["offenders"])
    )
    violations = run_axe(page)
    assert violations == [], f"axe-core on {path} at {viewport_width} px:\n{describe_violations(violations)}"
    assert page.console_errors == [], "\n".join(page.console_errors)


@pytest.mark.parametrize("viewport_width", [375])
def test_refused_signup_has_no_wcag21_aa_violations_and_focuses_the_summary(
    page, live_server, transactional_db, viewport_width
):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_role("button", name="ส่งคำขอสมัครใช้งาน").click()
    page.wait_for_load_state("load")

    assert page.evaluate("document.activeElement.id") == "error-summary"
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)


@pytest.mark.parametrize("viewport_width", [375])
def test_account_menu_opens_and_signs_out(page, live_server, transactional_db, moderator, viewport_width):
    sign_in(page, live_server, moderator.email)
    page.goto(live_server.url + "/accounts/password/change/")

    page.locator(".account-menu > summary").click()
    assert page.get_by_role("link", name="อนุมัติเจ้าหน้าที่").is_visible()
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)
    page.keyboard.press("Escape")
    assert page.get_by_role("link", name="อนุมัติเจ้าหน้าที่").is_hidden()
    page.locator(".account-menu > summary").click()
    page.get_by_role("button", name="ออกจากระบบ").click()

    page.wait_for_url("**/accounts/logout/")
    assert page.get_by_role("heading", name="ออกจากระบบแล้ว").is_visible()
