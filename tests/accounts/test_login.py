"""Signing in and out: inactive accounts, what the login page may reveal, ending sessions."""

import pytest
from django.urls import reverse

from accounts import services
from tests.accounts.conftest import APPLICANT_PASSWORD, SITE_URL
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
GENERIC_FAILURE = "อีเมลหรือรหัสผ่านไม่ถูกต้อง กรุณาลองอีกครั้ง"
AWAITING_APPROVAL = "บัญชีของคุณอยู่ระหว่างรอผู้ตรวจสอบระดับจังหวัดอนุมัติ"


def log_in(client, email, password):
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_login_page_is_the_portals_own_in_thai(client):
    response = client.get(reverse("accounts:login"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "เข้าสู่ระบบ" in content and "ลืมรหัสผ่าน?" in content
    assert 'type="email"' in content and 'autocomplete="current-password"' in content


def test_officer_signs_in_with_email_in_any_letter_case(client, officer):
    response = log_in(client, "OFFICER@example.com", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_login_returns_to_the_page_asked_for(client, officer):
    response = client.post(
        LOGIN_URL + "?next=/accounts/password/change/",
        {"username": officer.email, "password": PASSWORD, "next": "/accounts/password/change/"},
    )

    assert response["Location"] == "/accounts/password/change/"


def test_pages_that_need_an_account_send_anonymous_visitors_to_the_portal_login(client):
    response = client.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_pending_applicant_cannot_sign_in_and_is_told_the_account_awaits_approval(client, lampang_applicant):
    response = log_in(client, "applicant@example.go.th", APPLICANT_PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AWAITING_APPROVAL in response.content.decode()


def test_pending_applicant_with_a_wrong_password_learns_nothing_about_the_account(client, lampang_applicant):
    response = log_in(client, "applicant@example.go.th", "not-the-password-2569")

    content = response.content.decode()
    assert GENERIC_FAILURE in content
    assert AWAITING_APPROVAL not in content


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client, officer):
    unknown = log_in(client, "nobody@example.com", PASSWORD).context["form"].non_field_errors()
    wrong = log_in(client, officer.email, "wrong-password-2569").context["form"].non_field_errors()

    assert list(unknown) == list(wrong) == [GENERIC_FAILURE]


def test_turned_down_applicant_is_told_so_after_the_right_password(client, lampang_applicant, moderator):
    services.officer_reject(signup_request=lampang_applicant, by=moderator, reason="ไม่พบชื่อ", site_url=SITE_URL)

    response = log_in(client, "applicant@example.go.th", APPLICANT_PASSWORD)

    assert "คำขอสมัครใช้งานของคุณไม่ได้รับการอนุมัติ" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_suspended_officer_is_told_the_account_is_suspended(client, officer):
    officer.is_active = False
    officer.save()

    response = log_in(client, officer.email, PASSWORD)

    assert "บัญชีนี้ถูกระงับการใช้งาน" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_approved_applicant_signs_in(client, lampang_applicant, moderator):
    services.officer_approve(signup_request=lampang_applicant, by=moderator, site_url=SITE_URL)

    response = log_in(client, "applicant@example.go.th", APPLICANT_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lampang_applicant.user_id)


def test_logout_needs_a_post_and_ends_the_session(client, officer):
    client.force_login(officer)

    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post("/accounts/logout/")

    assert response.status_code == 200
    assert "ออกจากระบบแล้ว" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/password/change/").status_code == 302  # anonymous again


def test_header_offers_a_logout_form_with_csrf_to_signed_in_people(client, officer):
    client.force_login(officer)

    content = client.get(LOGIN_URL.replace("login", "password/change")).content.decode()

    nav = content[content.index('class="account-nav"'):]
    nav = nav[: nav.index("</nav>")]
    assert "นางสาวทดสอบ ใจดี" in nav
    assert 'action="/accounts/logout/"' in nav and 'method="post"' in nav
    assert 'name="csrfmiddlewaretoken"' in nav
    assert "/accounts/password/change/" in nav
    assert "อนุมัติเจ้าหน้าที่" not in nav  # an officer moderates nothing


def test_header_shows_moderators_their_approvals_link_with_the_waiting_count(client, moderator, lampang_applicant):
    client.force_login(moderator)

    content = client.get("/accounts/password/change/").content.decode()

    nav = content[content.index('class="account-nav"'): content.index("</nav>", content.index('class="account-nav"'))]
    assert 'href="/accounts/approvals/"' in nav and "อนุมัติเจ้าหน้าที่" in nav
    assert 'class="account-badge">1' in nav
    assert "/accounts/province/lampang/edit/" in nav
    assert "/accounts/moderators/" not in nav  # appointing is for administrators


def test_header_offers_anonymous_visitors_login_and_signup(client):
    content = client.get("/accounts/signup/").content.decode()

    nav = content[content.index('class="account-nav"'): content.index("</nav>", content.index('class="account-nav"'))]
    assert 'href="/accounts/login/"' in nav and 'href="/accounts/signup/"' in nav
    assert "ออกจากระบบ" not in nav


def test_deactivated_users_session_ends_at_once(client, officer):
    log_in(client, officer.email, PASSWORD)
    assert client.get("/accounts/password/change/").status_code == 200

    officer.is_active = False
    officer.save(update_fields=["is_active"])

    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert response.wsgi_request.user.is_anonymous


def test_revoked_moderators_session_loses_moderation_at_once(client, moderator, administrator):
    client.force_login(moderator)
    assert client.get("/accounts/approvals/").status_code == 200

    services.moderator_revoke(person=moderator, by=administrator, site_url=SITE_URL)

    assert client.get("/accounts/approvals/").status_code == 403
