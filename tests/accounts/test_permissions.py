"""The shared role helpers every view, admin class and service asks."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from accounts import services
from accounts.models import SignupRequest, User
from accounts.permissions import (
    can_decide_signup,
    can_manage_officer,
    can_moderate_province,
    is_administrator,
    moderated_province_ids,
    moderator_required,
    officer_required,
)
from provinces.models import Province
from tests.accounts.conftest import SITE_URL

pytestmark = pytest.mark.django_db


def test_administrator_moderates_every_province(administrator, lampang, maha_sarakham):
    assert is_administrator(administrator)
    assert can_moderate_province(administrator, lampang) and can_moderate_province(administrator, maha_sarakham.pk)
    assert moderated_province_ids(administrator) == frozenset(Province.objects.values_list("pk", flat=True))


def test_a_superuser_without_a_profile_is_an_administrator(lampang):
    root = User.objects.create_superuser(email="root@example.com", password="x")

    assert is_administrator(root) and can_moderate_province(root, lampang)


def test_province_moderator_moderates_only_their_province(moderator, lampang, maha_sarakham):
    assert not is_administrator(moderator)
    assert can_moderate_province(moderator, lampang) and can_moderate_province(moderator, lampang.pk)
    assert not can_moderate_province(moderator, maha_sarakham)
    assert moderated_province_ids(moderator) == frozenset({lampang.pk})


def test_officers_and_visitors_moderate_nothing(officer, lampang):
    for person in (officer, AnonymousUser()):
        assert not is_administrator(person)
        assert not can_moderate_province(person, lampang)
        assert moderated_province_ids(person) == frozenset()


def test_a_suspended_moderator_moderates_nothing(moderator, lampang):
    moderator.is_active = False

    assert not can_moderate_province(moderator, lampang)


def test_moderators_manage_their_provinces_officers_only(
    moderator, officer, other_province_officer, other_province_moderator, administrator
):
    assert can_manage_officer(moderator, officer)
    assert not can_manage_officer(moderator, other_province_officer)
    assert not can_manage_officer(moderator, other_province_moderator)
    assert not can_manage_officer(moderator, administrator)
    assert can_manage_officer(administrator, other_province_moderator)


def test_signup_decisions_follow_the_applicants_province(
    moderator, other_province_moderator, administrator, lampang_applicant
):
    assert can_decide_signup(moderator, lampang_applicant.user)
    assert can_decide_signup(administrator, lampang_applicant.user)
    assert not can_decide_signup(other_province_moderator, lampang_applicant.user)


def _call(view, user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return view(request)


@pytest.mark.parametrize("decorator", [moderator_required, officer_required])
def test_role_decorators_send_visitors_to_login(decorator):
    response = _call(decorator(lambda request: HttpResponse("ok")), AnonymousUser())

    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/somewhere/"


def test_moderator_required_refuses_officers_with_403(officer, moderator, administrator):
    view = moderator_required(lambda request: HttpResponse("ok"))

    with pytest.raises(PermissionDenied):
        _call(view, officer)
    assert _call(view, moderator).status_code == 200
    assert _call(view, administrator).status_code == 200


def test_officer_required_needs_an_officer_profile(officer, moderator):
    view = officer_required(lambda request: HttpResponse("ok"))
    profileless = User.objects.create_user(email="nobody@example.com", password="x")

    assert _call(view, officer).status_code == 200
    assert _call(view, moderator).status_code == 200
    with pytest.raises(PermissionDenied):
        _call(view, profileless)


def test_role_permissions_come_from_the_role(officer, moderator, administrator):
    officer = User.objects.get(pk=officer.pk)
    moderator = User.objects.get(pk=moderator.pk)

    assert not officer.has_perm("accounts.view_user")
    assert moderator.has_perms(["accounts.change_user", "provinces.change_province", "articles.change_article"])
    assert not moderator.has_perm("auth.change_group")
    assert not moderator.has_perm("provinces.add_province")
    assert administrator.has_perm("auth.change_group")


def test_signup_service_writes_nothing_when_the_profile_is_refused(lampang):
    with pytest.raises(ValidationError):
        services.officer_signup(
            email="long@example.com", password="Long-Name-2569", full_name="ก" * 250, position="x",
            province=lampang, district=None, site_url=SITE_URL,
        )

    assert not User.objects.filter(email="long@example.com").exists()
    assert not SignupRequest.objects.exists()


def test_signup_service_refuses_a_district_of_another_province(lampang, maha_sarakham):
    district = maha_sarakham.districts.first()

    with pytest.raises(ValidationError) as refused:
        services.officer_signup(
            email="x@example.com", password="Good-Password-2569", full_name="นายเอ บี", position="x",
            province=lampang, district=district, site_url=SITE_URL,
        )

    assert "ไม่ได้อยู่ในจังหวัดลำปาง" in refused.value.message_dict["district"][0]
    assert not User.objects.exists()
