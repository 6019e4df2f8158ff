"""400/403/404/500 pages in the portal's look, leaking nothing, with the request id logged."""

import logging

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, override_settings
from django.urls import path

from samma_portal import urls as portal_urls


def _boom(request):
    raise RuntimeError("database password is hunter2 at /srv/secret/settings.py")


def _suspicious(request):
    raise SuspiciousOperation("tampered header value 0xdeadbeef")


urlpatterns = [path("boom/", _boom), path("suspicious/", _suspicious), *portal_urls.urlpatterns]
handler400 = portal_urls.handler400
handler403 = portal_urls.handler403
handler500 = portal_urls.handler500

LEAKS = ("Traceback", "hunter2", "/srv/secret", "0xdeadbeef", "settings.py", "Django", "DEBUG")


def _assert_portal_page(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert "พอร์ทัลสัมมาชีพชุมชน" in html
    assert "/static/css/portal.css" in html
    for leak in LEAKS:
        assert leak not in html, leak
    return html


@override_settings(ROOT_URLCONF=__name__)
def test_500_page_shows_the_request_id_that_the_log_line_carries(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    html = _assert_portal_page(response, 500, "ระบบขัดข้องชั่วคราว")
    request_id = response["X-Request-ID"]
    assert f"<code>{request_id}</code>" in html
    records = [record for record in caplog.records if record.name == "django.request"]
    assert records and records[-1].request_id == request_id
    assert "hunter2" in records[-1].exc_text or "hunter2" in str(records[-1].exc_info[1])


@override_settings(ROOT_URLCONF=__name__)
def test_400_page_for_a_suspicious_request(client, db):
    html = _assert_portal_page(client.get("/suspicious/"), 400, "คำขอไม่ถูกต้อง")
    assert "รหัสอ้างอิง" in html


def test_400_page_for_a_host_not_allowed(client, db):
    _assert_portal_page(client.get("/", HTTP_HOST="evil.example"), 400, "คำขอไม่ถูกต้อง")


def test_403_page_for_a_forbidden_page(client, officer):
    client.force_login(officer)
    _assert_portal_page(client.get("/moderation/"), 403, "ไม่มีสิทธิ์เข้าถึงหน้านี้")


def test_403_page_for_a_form_without_its_csrf_token(db, officer):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": officer.email, "password": "x"})
    _assert_portal_page(response, 403, "แบบฟอร์มหมดอายุ")


def test_404_page_is_in_the_portal_look(client, db):
    response = client.get("/no-such-province/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


@pytest.mark.parametrize("template", ["400.html", "403.html", "403_csrf.html", "500.html"])
def test_error_templates_render_without_a_request_or_database(template):
    from django.template import loader

    html = loader.get_template(template).render({"request_id": "abc123"})
    assert "<code>abc123</code>" in html
