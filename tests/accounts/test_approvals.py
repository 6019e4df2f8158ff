"""Approving and rejecting applications: who may, what is recorded, who is told."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import SignupRequest
from tests.accounts.conftest import APPLICANT_PASSWORD

pytestmark = pytest.mark.django_db

APPROVALS_URL = "/accounts/approvals/"


def approve(client, signup_request, capture):
    with capture(execute=True):
        return client.post(f"/accounts/approvals/{signup_request.pk}/approve/")


def reject(client, signup_request, capture, reason="ไม่พบชื่อในสำนักงานที่ระบุ"):
    with capture(execute=True):
        return client.post(
            f"/accounts/approvals/{signup_request.pk}/reject/", {f"reject-{signup_request.pk}-reason": reason}
        )


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(APPROVALS_URL)

    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/accounts/approvals/"


def test_officers_may_not_open_the_approvals_page(client, officer):
    client.force_login(officer)

    assert client.get(APPROVALS_URL).status_code == 403


def test_province_moderator_sees_only_their_provinces_applicants(
    client, moderator, lampang_applicant, maha_sarakham_applicant
):
    client.force_login(moderator)

    response = client.get(APPROVALS_URL)

    assert response.status_code == 200
    assert [item.pk for item, form in response.context["rows"]] == [lampang_applicant.pk]
    content = response.content.decode()
    assert "นายใหม่ สมัครงาน" in content and "สำนักงานพัฒนาชุมชนอำเภอเกาะคา" in content
    assert "นางสาวมหา สารคาม" not in content


def test_administrator_sees_every_province_and_can_narrow_to_one(
    client, administrator, lampang_applicant, maha_sarakham_applicant
):
    client.force_login(administrator)

    everyone = client.get(APPROVALS_URL)
    narrowed = client.get(APPROVALS_URL, {"province": "maha-sarakham"})

    assert {item.pk for item, form in everyone.context["rows"]} == {lampang_applicant.pk, maha_sarakham_applicant.pk}
    assert [item.pk for item, form in narrowed.context["rows"]] == [maha_sarakham_applicant.pk]


def test_province_moderator_approves_their_provinces_applicant_and_both_sides_are_recorded(
    client, moderator, lampang_applicant, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    before = timezone.now()

    response = approve(client, lampang_applicant, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == APPROVALS_URL
    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.APPROVED
    assert lampang_applicant.decided_by == moderator
    assert lampang_applicant.decided_at >= before
    assert lampang_applicant.user.is_active is True
    assert [m.to for m in mail.outbox] == [["applicant@example.go.th"]]
    message = mail.outbox[0]
    assert message.subject == "[พอร์ทัลสัมมาชีพชุมชน] บัญชีของคุณได้รับการอนุมัติแล้ว"
    assert "http://testserver/accounts/login/" in message.body
    page = client.get(APPROVALS_URL)
    assert "อนุมัติบัญชีของ นายใหม่ สมัครงาน แล้ว" in page.content.decode()
    assert [item.pk for item in page.context["decided"]] == [lampang_applicant.pk]


def test_approved_officer_can_then_sign_in(client, moderator, lampang_applicant, django_capture_on_commit_callbacks):
    client.force_login(moderator)
    approve(client, lampang_applicant, django_capture_on_commit_callbacks)
    client.logout()

    response = client.post("/accounts/login/", {"username": "applicant@example.go.th", "password": APPLICANT_PASSWORD})

    assert response.status_code == 302


def test_another_provinces_moderator_may_not_approve(
    client, other_province_moderator, lampang_applicant, django_capture_on_commit_callbacks
):
    client.force_login(other_province_moderator)

    response = approve(client, lampang_applicant, django_capture_on_commit_callbacks)

    assert response.status_code == 403
    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.PENDING
    assert lampang_applicant.user.is_active is False
    assert mail.outbox == []


def test_another_provinces_moderator_may_not_reject(
    client, other_province_moderator, lampang_applicant, django_capture_on_commit_callbacks
):
    client.force_login(other_province_moderator)

    assert reject(client, lampang_applicant, django_capture_on_commit_callbacks).status_code == 403
    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.PENDING


def test_officers_may_not_approve(client, officer, lampang_applicant, django_capture_on_commit_callbacks):
    client.force_login(officer)

    assert approve(client, lampang_applicant, django_capture_on_commit_callbacks).status_code == 403
    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.PENDING


def test_approving_needs_a_post(client, moderator, lampang_applicant):
    client.force_login(moderator)

    assert client.get(f"/accounts/approvals/{lampang_applicant.pk}/approve/").status_code == 405


def test_administrator_approves_any_provinces_applicant(
    client, administrator, maha_sarakham_applicant, django_capture_on_commit_callbacks
):
    client.force_login(administrator)

    response = approve(client, maha_sarakham_applicant, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    maha_sarakham_applicant.refresh_from_db()
    assert maha_sarakham_applicant.status == SignupRequest.Status.APPROVED
    assert maha_sarakham_applicant.decided_by == administrator
    assert [m.to for m in mail.outbox] == [["applicant-msk@example.go.th"]]


def test_rejecting_needs_a_reason(client, moderator, lampang_applicant, django_capture_on_commit_callbacks):
    client.force_login(moderator)

    response = reject(client, lampang_applicant, django_capture_on_commit_callbacks, reason="   ")

    assert response.status_code == 200
    assert "กรุณาระบุเหตุผลที่ไม่อนุมัติ เพื่อให้ผู้สมัครแก้ไขได้" in response.content.decode()
    assert "<details class=\"acc-reject\" open>" in response.content.decode()
    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.PENDING
    assert mail.outbox == []


def test_rejection_records_the_reason_and_emails_it_to_the_applicant(
    client, moderator, lampang_applicant, django_capture_on_commit_callbacks
):
    client.force_login(moderator)

    response = reject(client, lampang_applicant, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.REJECTED
    assert lampang_applicant.rejection_reason == "ไม่พบชื่อในสำนักงานที่ระบุ"
    assert lampang_applicant.decided_by == moderator and lampang_applicant.decided_at is not None
    assert lampang_applicant.user.is_active is False
    assert [m.to for m in mail.outbox] == [["applicant@example.go.th"]]
    message = mail.outbox[0]
    assert message.subject == "[พอร์ทัลสัมมาชีพชุมชน] คำขอสมัครใช้งานของคุณไม่ได้รับการอนุมัติ"
    assert "ไม่พบชื่อในสำนักงานที่ระบุ" in message.body
    assert "http://testserver/accounts/signup/" in message.body


def test_a_decided_request_cannot_be_decided_again(
    client, moderator, lampang_applicant, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    reject(client, lampang_applicant, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    response = approve(client, lampang_applicant, django_capture_on_commit_callbacks)

    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.REJECTED
    assert lampang_applicant.user.is_active is False
    assert mail.outbox == []
    assert "คำขอนี้ได้รับการพิจารณาไปแล้ว (ไม่อนุมัติ)" in client.get(response["Location"]).content.decode()


def test_unknown_request_is_404(client, moderator):
    client.force_login(moderator)

    assert client.post("/accounts/approvals/999999/approve/").status_code == 404


def test_approvals_page_shows_no_other_province_in_its_filter_for_moderators(client, moderator):
    client.force_login(moderator)

    response = client.get(APPROVALS_URL)

    assert response.context["filter_form"] is None
    assert "ไม่มีคำขอที่รอการอนุมัติ" in response.content.decode()
