"""Appointing and revoking province moderators: administrators only, with admin access following."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import User
from provinces.models import Role
from tests.accounts.conftest import SITE_URL

pytestmark = pytest.mark.django_db

MODERATORS_URL = "/accounts/moderators/"


def fresh(user) -> User:
    """The account as the next request would load it (no cached profile or permissions)."""
    return User.objects.select_related("profile").get(pk=user.pk)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("officer", 403), ("moderator", 403), ("administrator", 200)],
)
def test_only_administrators_open_the_moderators_page(client, request, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    assert client.get(MODERATORS_URL).status_code == expected


def test_moderators_page_lists_current_moderators_and_a_provinces_officers(
    client, administrator, moderator, other_province_moderator, officer, other_province_officer
):
    client.force_login(administrator)

    response = client.get(MODERATORS_URL, {"province": "lampang"})

    assert [p.user for p in response.context["current"]] == [moderator]
    assert [p.user for p in response.context["candidates"]] == [officer]
    assert reverse("accounts:moderator-appoint", args=[officer.pk]) in response.content.decode()


def test_moderators_page_finds_officers_by_name(client, administrator, officer, same_province_officer):
    client.force_login(administrator)

    response = client.get(MODERATORS_URL, {"q": "เพื่อนร่วม"})

    assert [p.user for p in response.context["candidates"]] == [same_province_officer]


def test_administrator_appoints_an_officer_as_their_provinces_moderator(
    client, administrator, officer, lampang, django_capture_on_commit_callbacks
):
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accounts/moderators/{officer.pk}/appoint/", {"return_province": "lampang"})

    assert response.status_code == 302 and response["Location"] == "/accounts/moderators/?province=lampang"
    officer = fresh(officer)
    assert officer.profile.role == Role.MODERATOR and officer.profile.province == lampang
    assert officer.is_staff is True
    # Admin permissions follow the role: no group to remember.
    assert officer.has_perm("accounts.change_user") and officer.has_perm("provinces.change_province")
    assert not officer.has_perm("accounts.delete_user")
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "ผู้ตรวจสอบระดับจังหวัดลำปาง" in mail.outbox[0].subject
    # ...and the new moderator may now decide Lampang's applications.
    client.force_login(officer)
    assert client.get("/accounts/approvals/").status_code == 200


def test_moderators_may_not_appoint(client, moderator, same_province_officer):
    client.force_login(moderator)

    response = client.post(f"/accounts/moderators/{same_province_officer.pk}/appoint/")

    assert response.status_code == 403
    assert fresh(same_province_officer).profile.role == Role.OFFICER


def test_officers_may_not_appoint_themselves(client, officer):
    client.force_login(officer)

    assert client.post(f"/accounts/moderators/{officer.pk}/appoint/").status_code == 403
    assert fresh(officer).profile.role == Role.OFFICER and not fresh(officer).is_staff


def test_administrator_revokes_a_moderator_and_admin_access_ends(
    client, administrator, moderator, django_capture_on_commit_callbacks
):
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accounts/moderators/{moderator.pk}/revoke/")

    moderator = fresh(moderator)
    assert moderator.profile.role == Role.OFFICER
    assert moderator.is_staff is False
    assert not moderator.has_perm("accounts.change_user")
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    client.force_login(moderator)
    assert client.get("/admin/").status_code == 302  # the admin is closed again


def test_a_pending_applicant_cannot_be_appointed(client, administrator, lampang_applicant):
    client.force_login(administrator)

    response = client.post(f"/accounts/moderators/{lampang_applicant.user_id}/appoint/", follow=True)

    assert "ยังไม่ได้รับอนุมัติหรือถูกระงับ" in response.content.decode()
    assert fresh(lampang_applicant.user).profile.role == Role.OFFICER


def test_appointing_twice_says_so(client, administrator, moderator):
    client.force_login(administrator)

    response = client.post(f"/accounts/moderators/{moderator.pk}/appoint/", follow=True)

    assert "เป็นผู้ตรวจสอบจังหวัดลำปางอยู่แล้ว" in response.content.decode()


def test_the_service_refuses_appointments_by_anyone_but_administrators(moderator, same_province_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.moderator_appoint(person=same_province_officer, by=moderator, site_url=SITE_URL)


def test_admin_action_appoints_moderators_for_administrators(client, administrator, officer):
    client.force_login(administrator)

    client.post(
        "/admin/accounts/user/",
        {"action": "appoint_moderators", "_selected_action": [officer.pk], "index": 0},
    )

    assert fresh(officer).profile.role == Role.MODERATOR


def test_admin_action_to_appoint_is_not_offered_to_moderators(client, moderator, same_province_officer):
    client.force_login(moderator)

    response = client.get("/admin/accounts/user/")
    assert "appoint_moderators" not in response.content.decode()
    client.post(
        "/admin/accounts/user/",
        {"action": "appoint_moderators", "_selected_action": [same_province_officer.pk], "index": 0},
    )

    assert fresh(same_province_officer).profile.role == Role.OFFICER
