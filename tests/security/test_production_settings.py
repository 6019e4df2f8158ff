"""Production configuration: `check --deploy` is clean and real responses carry the headers."""

import re

import pytest
from django.test import Client, override_settings

from tests.conftest import PASSWORD
from tests.processes import run_manage

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3y-" + "x7Qz" * 15,
    "DJANGO_ALLOWED_HOSTS": "portal.example.go.th",
}


def _manage(args: list[str], env_overrides: dict):
    return run_manage(*args, **env_overrides)


def _setting(name: str, env_overrides: dict) -> str:
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    return _manage(["shell", "-c", code], env_overrides).stdout.strip().splitlines()[-1]


def test_deploy_check_reports_nothing_with_debug_off_a_key_and_hosts():
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_still_clean_when_hsts_preload_is_turned_off():
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_HSTS_PRELOAD": "0"}
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _setting("SECURE_HSTS_PRELOAD", env) == "False"


def test_deploy_check_fails_when_production_turns_a_protection_off():
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_COOKIES": "0", "DJANGO_SECURE_SSL_REDIRECT": "0"}
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout  # SSL redirect
    assert "security.W012" in result.stderr + result.stdout  # session cookie


def test_proxy_ssl_header_comes_from_the_environment():
    env = {**PRODUCTION_ENV, "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"}
    assert _setting("SECURE_PROXY_SSL_HEADER", env) == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_malformed_proxy_ssl_header_refuses_to_start_and_says_how_to_write_it():
    result = _manage(["check"], {**PRODUCTION_ENV, "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"})
    assert result.returncode != 0
    assert "HTTP_X_FORWARDED_PROTO,https" in result.stderr


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_ssl_redirect_works_behind_a_proxy(client, db):
    plain = client.get("/lampang/about/", HTTP_HOST="testserver")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/lampang/about/"
    proxied = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert "max-age=31536000" in proxied["Strict-Transport-Security"]
    health = client.get("/healthz/")
    assert health.status_code == 200, "the load balancer's plain-HTTP health check is not redirected"


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/", "/lampang/", "/lampang/articles/", "/search/?q=ทุน", "/accounts/login/", "/no-such-page/"])
def test_public_responses_carry_the_security_headers(client, db, path):
    response = client.get(path, secure=True)
    for header, value in SECURITY_HEADERS.items():
        assert response[header] == value, header
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_editor_page_allows_inline_styles_but_never_inline_scripts(client, officer):
    client.force_login(officer)
    response = client.get("/my/articles/new/", secure=True)
    assert response.status_code == 200
    csp = _csp(response)
    assert "'unsafe-inline'" in csp["style-src"]
    assert csp["script-src"] == ["'self'"]


def test_session_csrf_and_language_cookies_are_secure_http_only_and_same_site(client, officer):
    login = client.post(
        "/accounts/login/", {"username": officer.email, "password": PASSWORD}, secure=True
    )
    assert login.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
    switch = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    cookie = switch.cookies["django_language"]
    assert cookie["secure"] is True and cookie["httponly"] is True


def test_sessions_end_on_logout(client, officer):
    client.force_login(officer)
    assert client.get("/my/articles/").status_code == 200
    client.post("/accounts/logout/")
    response = client.get("/my/articles/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_incoming_request_id_from_the_proxy_is_kept_and_a_bogus_one_replaced(client, db):
    kept = client.get("/healthz/", headers={"X-Request-ID": "lb-2f9c1d7e-0001"})
    assert kept["X-Request-ID"] == "lb-2f9c1d7e-0001"
    replaced = client.get("/healthz/", headers={"X-Request-ID": "<script>\r\nX: y"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


def test_a_password_change_ends_every_other_session_of_the_account(officer):
    desk, phone = Client(), Client()
    for device in (desk, phone):
        assert device.post("/accounts/login/", {"username": officer.email, "password": PASSWORD}).status_code == 302
    new_password = "a-new-long-password-2569-x"
    changed = desk.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert changed.status_code == 302
    assert desk.get("/my/articles/").status_code == 200, "the device that changed it stays signed in"
    stale = phone.get("/my/articles/")
    assert stale.status_code == 302 and stale["Location"].startswith("/accounts/login/")
