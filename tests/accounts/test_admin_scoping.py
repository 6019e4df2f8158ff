"""The admin is scoped by province: moderators see and change only their own province's people
and site, and can never raise anyone's role; administrators see everything."""

import pytest

from accounts.models import User
from provinces.models import District, OfficerProfile, Role

pytestmark = pytest.mark.django_db


def changelist_ids(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def user_change_data(user, **overrides) -> dict:
    """What the moderator's user change form posts (the profile travels as an inline)."""
    profile = user.profile
    data = {
        "is_active": "on" if user.is_active else "",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-full_name": profile.full_name,
        "profile-0-position": profile.position,
        "profile-0-district": str(profile.district_id or ""),
        "profile-0-phone": profile.phone,
        "_save": "บันทึก",
    }
    data.update(overrides)
    return data


def test_moderators_user_list_shows_only_their_provinces_people(
    client, moderator, officer, same_province_officer, other_province_officer, other_province_moderator,
    administrator,
):
    client.force_login(moderator)

    ids = changelist_ids(client, "/admin/accounts/user/")

    assert ids == {moderator.pk, officer.pk, same_province_officer.pk}


def test_administrators_user_list_shows_everyone(client, administrator, moderator, officer, other_province_officer):
    client.force_login(administrator)

    ids = changelist_ids(client, "/admin/accounts/user/")

    assert {administrator.pk, moderator.pk, officer.pk, other_province_officer.pk} <= ids


def test_moderator_cannot_open_another_provinces_user(client, moderator, other_province_officer, administrator):
    client.force_login(moderator)

    assert client.get(f"/admin/accounts/user/{other_province_officer.pk}/change/").status_code == 404
    assert client.get(f"/admin/accounts/user/{administrator.pk}/change/").status_code == 404
    assert client.post(
        f"/admin/accounts/user/{other_province_officer.pk}/change/", user_change_data(other_province_officer, is_active="")
    ).status_code == 404
    assert User.objects.get(pk=other_province_officer.pk).is_active


def test_moderator_suspends_an_officer_of_their_province(client, moderator, officer):
    client.force_login(moderator)

    response = client.post(f"/admin/accounts/user/{officer.pk}/change/", user_change_data(officer, is_active=""))

    assert response.status_code == 302
    assert User.objects.get(pk=officer.pk).is_active is False


def test_moderator_cannot_raise_anyones_role_or_rights(client, moderator, officer, lampang):
    client.force_login(moderator)
    form_page = client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in form_page and 'name="is_staff"' not in form_page
    assert 'name="profile-0-role"' not in form_page and 'name="email"' not in form_page

    response = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        user_change_data(
            officer, is_superuser="on", is_staff="on", email="moderator-owned@example.com",
            **{"profile-0-role": Role.ADMINISTRATOR, "profile-0-province": "", "user_permissions": ["1"],
               "profile-0-position": "ตำแหน่งใหม่"},
        ),
    )

    assert response.status_code == 302  # saved: the allowed change went through, the rest was ignored

    officer = User.objects.select_related("profile").get(pk=officer.pk)
    assert officer.is_superuser is False and officer.is_staff is False
    assert officer.email == "officer@example.com"
    assert officer.profile.role == Role.OFFICER and officer.profile.province == lampang
    assert officer.profile.position == "ตำแหน่งใหม่"
    assert not officer.user_permissions.exists()


def test_moderator_may_view_but_not_change_another_moderator(client, moderator, lampang):
    from tests.conftest import make_person

    colleague = make_person(
        email="moderator2@example.com", full_name="นายผู้ตรวจ สอง", province=lampang, role=Role.MODERATOR, is_staff=True
    )
    client.force_login(moderator)

    assert client.get(f"/admin/accounts/user/{colleague.pk}/change/").status_code == 200
    response = client.post(f"/admin/accounts/user/{colleague.pk}/change/", user_change_data(colleague, is_active=""))

    assert response.status_code == 403
    assert User.objects.get(pk=colleague.pk).is_active is True


def test_moderator_cannot_set_an_officers_password(client, moderator, officer):
    client.force_login(moderator)

    response = client.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {"password1": "Taken-Over-2569!", "password2": "Taken-Over-2569!", "usable_password": "true"},
    )

    assert response.status_code == 403
    assert not User.objects.get(pk=officer.pk).check_password("Taken-Over-2569!")


def test_moderator_cannot_add_or_delete_accounts(client, moderator, officer):
    client.force_login(moderator)

    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.post(f"/admin/accounts/user/{officer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=officer.pk).exists()


def test_moderator_moves_an_officer_only_between_their_own_provinces_offices(
    client, moderator, officer, maha_sarakham, lampang
):
    client.force_login(moderator)
    elsewhere = District.objects.get(province=maha_sarakham, name_th="ชื่นชม")
    mueang_pan = District.objects.get(province=lampang, name_th="เมืองปาน")

    refused = client.post(
        f"/admin/accounts/user/{officer.pk}/change/", user_change_data(officer, **{"profile-0-district": elsewhere.pk})
    )
    assert refused.status_code == 200  # the form comes back with an error
    assert OfficerProfile.objects.get(user=officer).district.name_th == "เกาะคา"

    client.post(f"/admin/accounts/user/{officer.pk}/change/", user_change_data(officer, **{"profile-0-district": mueang_pan.pk}))
    assert OfficerProfile.objects.get(user=officer).district == mueang_pan


def test_officer_profile_admin_is_scoped_to_the_moderators_province(
    client, moderator, officer, other_province_officer, administrator
):
    client.force_login(moderator)

    ids = changelist_ids(client, "/admin/provinces/officerprofile/")

    assert ids == {moderator.profile.pk, officer.profile.pk}
    assert client.get(f"/admin/provinces/officerprofile/{other_province_officer.profile.pk}/change/").status_code == 404


def test_moderator_sees_and_edits_only_their_own_province_in_the_admin(client, moderator, lampang, maha_sarakham):
    client.force_login(moderator)

    assert changelist_ids(client, "/admin/provinces/province/") == {lampang.pk}
    assert client.get(f"/admin/provinces/province/{maha_sarakham.pk}/change/").status_code == 404
    page = client.get(f"/admin/provinces/province/{lampang.pk}/change/").content.decode()
    assert 'name="site_title"' in page
    assert 'name="name_th"' not in page and 'name="slug"' not in page and 'name="is_active"' not in page


def test_officers_cannot_use_the_admin(client, officer):
    client.force_login(officer)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_moderator_admin_index_offers_only_what_moderators_manage(client, moderator):
    client.force_login(moderator)

    content = client.get("/admin/").content.decode()

    assert "/admin/accounts/user/" in content and "/admin/provinces/province/" in content
    assert "/admin/auth/group/" not in content


def test_activating_an_applicant_in_the_admin_counts_as_an_approval(
    client, moderator, lampang_applicant, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import SignupRequest

    applicant = User.objects.select_related("profile").get(pk=lampang_applicant.user_id)
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/accounts/user/{applicant.pk}/change/", user_change_data(applicant, is_active="on"))

    assert response.status_code == 302
    lampang_applicant.refresh_from_db()
    assert lampang_applicant.status == SignupRequest.Status.APPROVED and lampang_applicant.decided_by == moderator
    assert [m.to for m in mail.outbox] == [["applicant@example.go.th"]]
