"""Log-in lock-out (django-axes), its unlock by moderators, and sign-up / reset request limits."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.conftest import PASSWORD

LOGIN_URL = "/accounts/login/"


def _fail(client, email, times=1, address="203.0.113.7"):
    for _ in range(times):
        response = client.post(LOGIN_URL, {"username": email, "password": "wrong-password-0"}, REMOTE_ADDR=address)
    return response


def _login(client, email, address="203.0.113.7"):
    return client.post(LOGIN_URL, {"username": email, "password": PASSWORD}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_from_that_address_with_a_clear_thai_message(client, officer, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert _fail(client, officer.email, times=4).status_code == 200
    locked = _fail(client, officer.email)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in html
    assert "1 ชั่วโมง" in html
    # Even the right password is refused now, from that address …
    assert _login(client, officer.email).status_code == 429
    assert "_auth_user_id" not in client.session
    # … in any letter case …
    assert _login(client, officer.email.upper()).status_code == 429
    # … while the same account from another address, and other accounts, are not affected.
    assert _login(Client(), officer.email, address="198.51.100.20").status_code == 302


def test_a_successful_login_before_the_limit_resets_the_count(client, officer):
    _fail(client, officer.email, times=4)
    assert _login(client, officer.email).status_code == 302
    client.post("/accounts/logout/")
    assert _fail(client, officer.email, times=4).status_code == 200


def test_failures_for_unknown_accounts_lock_too_without_revealing_that_the_account_is_unknown(client, db):
    response = _fail(client, "nobody@example.go.th", times=5)
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in response.content.decode()


def test_the_province_moderator_sees_and_unlocks_their_officer(client, officer, moderator):
    _fail(Client(), officer.email, times=5)
    assert _login(Client(), officer.email).status_code == 429
    client.force_login(moderator)
    page = client.get("/accounts/lockouts/")
    assert page.status_code == 200
    assert officer.email in page.content.decode()
    attempt = AccessAttempt.objects.get(username=officer.email)
    response = client.post(f"/accounts/lockouts/{attempt.pk}/unlock/", follow=True)
    assert "ปลดล็อกการเข้าสู่ระบบของ" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=officer.email).exists()
    assert _login(Client(), officer.email).status_code == 302


def test_another_provinces_moderator_can_neither_see_nor_unlock(client, officer, other_province_moderator):
    _fail(Client(), officer.email, times=5)
    attempt = AccessAttempt.objects.get(username=officer.email)
    client.force_login(other_province_moderator)
    assert officer.email not in client.get("/accounts/lockouts/").content.decode()
    assert client.post(f"/accounts/lockouts/{attempt.pk}/unlock/").status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_an_administrator_unlocks_any_account(client, officer, administrator):
    _fail(Client(), officer.email, times=5)
    attempt = AccessAttempt.objects.get(username=officer.email)
    client.force_login(administrator)
    assert officer.email in client.get("/accounts/lockouts/").content.decode()
    assert client.post(f"/accounts/lockouts/{attempt.pk}/unlock/").status_code == 302
    assert _login(Client(), officer.email).status_code == 302


@pytest.mark.parametrize("role", ["officer", None])
def test_officers_and_visitors_cannot_open_the_unlock_page(client, request, role, db):
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get("/accounts/lockouts/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, officer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(5):
        client.post(
            LOGIN_URL, {"username": officer.email, "password": "nope-0"},
            REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    assert AccessAttempt.objects.get(username=officer.email).ip_address == "203.0.113.9"
    # Someone else behind the same proxy is not locked out.
    other = Client().post(
        LOGIN_URL, {"username": officer.email, "password": PASSWORD},
        REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert other.status_code == 302


# --- Sign-up and password reset -----------------------------------------------------------


def test_password_reset_is_limited_per_address_and_never_reveals_accounts(client, officer, mailoutbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (3, 3600)}
    for _ in range(3):
        assert client.post("/accounts/password/reset/", {"email": officer.email}).status_code == 302
    refused = client.post("/accounts/password/reset/", {"email": officer.email})
    assert refused.status_code == 429
    assert "มีการส่งคำขอจากเครื่องนี้มากเกินไป" in refused.content.decode()
    assert len(mailoutbox) == 3
    # The same answer for an unknown address: the limit tells nothing about accounts.
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.go.th"})
    assert unknown.status_code == 429
    # Another address is not affected.
    assert Client().post("/accounts/password/reset/", {"email": officer.email}, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_signup_is_limited_per_address(client, lampang, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    for _ in range(2):
        assert client.post("/accounts/signup/", {"email": "bad"}).status_code == 200
    refused = client.post("/accounts/signup/", {"email": "bad"})
    assert refused.status_code == 429
    assert "มีการส่งคำขอจากเครื่องนี้มากเกินไป" in refused.content.decode()
    # Opening the form is never limited.
    assert client.get("/accounts/signup/").status_code == 200
