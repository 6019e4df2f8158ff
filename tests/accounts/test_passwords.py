"""Changing a password, and resetting a forgotten one by e-mail without revealing accounts."""

import re

import pytest
from django.core import mail

from tests.accounts.conftest import APPLICANT_PASSWORD
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "Pla-Ra-Song-Khrueang-2569"


def page_text(response) -> str:
    """The page without its CSRF tokens, which are masked afresh on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())


def test_password_reset_emails_an_active_officer_a_thai_link(client, officer):
    response = client.post(RESET_URL, {"email": "Officer@Example.com"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.com"]
    assert message.subject == "[พอร์ทัลสัมมาชีพชุมชน] ตั้งรหัสผ่านใหม่"
    assert "เรียน นางสาวทดสอบ ใจดี" in message.body
    assert re.search(r"http://testserver/accounts/password/reset/[\w-]+/[\w-]+/", message.body)


def test_password_reset_page_never_says_whether_the_email_has_an_account(client, officer, lampang_applicant):
    known = client.post(RESET_URL, {"email": officer.email}, follow=True)
    unknown = client.post(RESET_URL, {"email": "nobody@example.com"}, follow=True)
    pending = client.post(RESET_URL, {"email": "applicant@example.go.th"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == pending.redirect_chain
    assert page_text(known) == page_text(unknown) == page_text(pending)
    assert [m.to for m in mail.outbox] == [["officer@example.com"]]  # inactive and unknown: no mail


def test_password_reset_link_sets_a_new_password(client, officer):
    client.post(RESET_URL, {"email": officer.email})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "ตั้งรหัสผ่านใหม่" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in again.content.decode()  # one use only


def test_password_change_needs_the_current_password(client, officer):
    client.force_login(officer)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.context["form"].errors["old_password"] == ["รหัสผ่านปัจจุบันไม่ถูกต้อง กรุณากรอกอีกครั้ง"]
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_password_change_sets_the_new_password_and_keeps_the_person_signed_in(client, officer):
    client.force_login(officer)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == "/accounts/password/change/done/"
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    done = client.get("/accounts/password/change/done/")
    assert done.status_code == 200 and "เปลี่ยนรหัสผ่านแล้ว" in done.content.decode()


def test_password_change_refuses_weak_passwords_in_thai(client, officer):
    client.force_login(officer)

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "11112222", "new_password2": "11112222"},
    )

    assert "รหัสผ่านเป็นตัวเลขทั้งหมด กรุณาใช้ตัวอักษรผสมด้วย" in response.context["form"].errors["new_password2"]


def test_applicant_password_is_not_the_new_one(lampang_applicant):
    assert lampang_applicant.user.check_password(APPLICANT_PASSWORD)
