"""An officer applies for an account: the form, its no-JavaScript step and its checks."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import SignupRequest, User
from provinces.models import District, Province, Role
from tests.accounts.conftest import APPLICANT_PASSWORD, apply_for_account

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/accounts/signup/"


def submit(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(SIGNUP_URL, data)


def test_signup_url_is_named():
    assert reverse("accounts:signup") == SIGNUP_URL


def test_officer_signup_creates_an_inactive_officer_account_waiting_for_approval(
    client, signup_data, ko_kha, django_capture_on_commit_callbacks
):
    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup-done")
    user = User.objects.get(email="somjai@example.go.th")
    assert user.is_active is False
    assert user.check_password(APPLICANT_PASSWORD)
    profile = user.profile
    assert profile.full_name == "นางสาวสมใจ ใจดี"
    assert profile.position == "นักวิชาการพัฒนาชุมชนปฏิบัติการ"
    assert profile.province.slug == "lampang" and profile.district == ko_kha
    assert profile.role == Role.OFFICER
    assert profile.phone == "081 234 5678"
    assert list(user.signup_requests.values_list("status", flat=True)) == [SignupRequest.Status.PENDING]
    done = client.get(response["Location"])
    assert "ได้รับคำขอแล้ว รอการอนุมัติ" in done.content.decode()


def test_signup_emails_the_officer_and_the_provinces_moderators_and_administrators(
    client, signup_data, moderator, other_province_moderator, administrator, officer,
    django_capture_on_commit_callbacks,
):
    submit(client, signup_data, django_capture_on_commit_callbacks)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"somjai@example.go.th", moderator.email, administrator.email}
    to_officer = by_recipient["somjai@example.go.th"]
    assert to_officer.subject.startswith("[พอร์ทัลสัมมาชีพชุมชน] ")
    assert "ได้รับคำขอสมัครใช้งานแล้ว รอการอนุมัติ" in to_officer.subject
    assert "สำนักงานพัฒนาชุมชนอำเภอเกาะคา" in to_officer.body
    assert "http://testserver/accounts/login/" in to_officer.body
    to_moderator = by_recipient[moderator.email]
    assert "มีคำขอสมัครใหม่" in to_moderator.subject and "นางสาวสมใจ ใจดี" in to_moderator.subject
    assert "http://testserver/accounts/approvals/?province=lampang" in to_moderator.body
    assert to_moderator.content_subtype == "plain" and not getattr(to_moderator, "alternatives", [])


def test_rank_is_typed_by_the_officer_and_joined_to_the_first_name(
    client, signup_data, django_capture_on_commit_callbacks
):
    signup_data.update(title="other", title_other="ว่าที่ร้อยตรีหญิง", first_name="กล้า", last_name="หาญ")

    submit(client, signup_data, django_capture_on_commit_callbacks)

    assert User.objects.get(email="somjai@example.go.th").profile.full_name == "ว่าที่ร้อยตรีหญิงกล้า หาญ"


def test_other_title_must_be_typed(client, signup_data, django_capture_on_commit_callbacks):
    signup_data.update(title="other", title_other="  ")

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "กรุณาพิมพ์ยศหรือคำนำหน้าชื่อ" in response.content.decode()
    assert not User.objects.filter(email="somjai@example.go.th").exists()


def test_provincial_office_officer_signs_up_without_a_district(
    client, signup_data, django_capture_on_commit_callbacks
):
    signup_data["district"] = "provincial"

    submit(client, signup_data, django_capture_on_commit_callbacks)

    profile = User.objects.get(email="somjai@example.go.th").profile
    assert profile.district is None
    assert profile.office_name == "สำนักงานพัฒนาชุมชนจังหวัดลำปาง"


def test_without_javascript_the_show_offices_step_lists_the_provinces_offices_and_keeps_what_was_typed(
    client, signup_data
):
    typed = {**signup_data, "district": "", "show_offices": "1"}

    response = client.post(SIGNUP_URL, typed)

    content = response.content.decode()
    assert response.status_code == 200
    assert "สำนักงานพัฒนาชุมชนอำเภอเกาะคา" in content
    assert "สำนักงานพัฒนาชุมชนจังหวัดลำปาง" in content
    assert "สำนักงานพัฒนาชุมชนอำเภอชื่นชม" not in content  # a Maha Sarakham district
    assert 'value="somjai@example.go.th"' in content and 'value="สมใจ"' in content
    assert APPLICANT_PASSWORD not in content  # passwords are never sent back
    assert "errorlist" not in content  # a step, not a refused submission
    assert not User.objects.exists()


def test_get_with_a_province_lists_that_provinces_offices(client, lampang):
    response = client.get(SIGNUP_URL, {"province": "lampang"})

    offices = response.context["form"].fields["district"].widget.choices
    labels = [label for value, label in offices]
    assert len(offices) == 2 + lampang.districts.count()
    assert "สำนักงานพัฒนาชุมชนอำเภอเมืองปาน" in labels
    assert 'value="lampang" selected' in response.content.decode()


def test_without_a_province_the_office_list_waits_for_one(client):
    response = client.get(SIGNUP_URL)

    field = response.context["form"]["district"]
    assert field.field.widget.attrs.get("disabled") is True
    assert "แสดงอำเภอ" in response.content.decode()


def test_provinces_are_listed_in_thai_dictionary_order(client):
    response = client.get(SIGNUP_URL)

    names = [label for value, label in response.context["form"].fields["province"].choices if value]
    assert len(names) == Province.objects.active().count() == 76
    # Leading vowels do not count: เชียงใหม่ sorts under ช (after ชุมพร), not after แพร่.
    assert names.index("ชลบุรี") < names.index("ชัยนาท") < names.index("ชุมพร") < names.index("เชียงใหม่")
    assert names.index("เชียงใหม่") < names.index("ตรัง") and names.index("แพร่") < names.index("ภูเก็ต")
    assert "กรุงเทพมหานคร" not in names  # not an active province of the portal


def test_a_district_of_another_province_is_refused_with_a_clear_thai_message(
    client, signup_data, maha_sarakham, django_capture_on_commit_callbacks
):
    chuen_chom = District.objects.get(province=maha_sarakham, name_th="ชื่นชม")
    signup_data["district"] = str(chuen_chom.pk)

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].errors["district"] == [
        "สำนักงานพัฒนาชุมชนอำเภอชื่นชม ไม่ได้อยู่ในจังหวัดลำปาง กรุณาเลือกสำนักงานในจังหวัดลำปาง"
    ]
    assert not User.objects.exists() and mail.outbox == []


def test_an_inactive_province_cannot_be_chosen(client, signup_data, django_capture_on_commit_callbacks):
    signup_data.update(province="bangkok", district="provincial")
    assert Province.objects.filter(slug="bangkok", is_active=False).exists()

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert "ไม่พบจังหวัดที่เลือก หรือจังหวัดนี้ยังไม่เปิดใช้งาน" in response.context["form"].errors["province"]
    assert not User.objects.exists()


def test_duplicate_email_is_refused_whatever_its_letter_case(
    client, signup_data, officer, django_capture_on_commit_callbacks
):
    signup_data["email"] = "Officer@Example.COM"

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    errors = response.context["form"].errors["email"]
    assert errors == [
        "อีเมลนี้มีบัญชีในพอร์ทัลแล้ว หากจำรหัสผ่านไม่ได้ ให้ใช้ “ลืมรหัสผ่าน” ที่หน้าเข้าสู่ระบบ"
    ]
    assert User.objects.filter(email__iexact="officer@example.com").count() == 1
    assert mail.outbox == []


def test_email_is_stored_in_lower_case(client, signup_data, django_capture_on_commit_callbacks):
    signup_data["email"] = "SomJai@Example.go.th"

    submit(client, signup_data, django_capture_on_commit_callbacks)

    assert User.objects.filter(email="somjai@example.go.th").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "รหัสผ่านเป็นตัวเลขทั้งหมด กรุณาใช้ตัวอักษรผสมด้วย"),
        ("password", "รหัสผ่านนี้มีคนใช้กันมากและเดาได้ง่าย กรุณาตั้งรหัสผ่านอื่น"),
        ("x9#kq", "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร"),
        ("somjai@example.go", "รหัสผ่านคล้ายกับอีเมลมากเกินไป"),
    ],
)
def test_weak_password_is_refused_with_a_thai_message(
    client, signup_data, password, message, django_capture_on_commit_callbacks
):
    signup_data.update(password1=password, password2=password)

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert message in response.context["form"].errors["password1"]
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client, signup_data, django_capture_on_commit_callbacks):
    signup_data["password2"] = "something-else-2569"

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert response.context["form"].errors["password2"] == ["รหัสผ่านทั้งสองช่องไม่ตรงกัน"]


def test_refused_form_ties_each_error_to_its_field_for_screen_readers(client, signup_data):
    signup_data.update(email="not-an-email", first_name="")

    response = client.post(SIGNUP_URL, signup_data)

    content = response.content.decode()
    assert 'id="id_email_error"' in content
    assert 'aria-describedby="id_email_helptext id_email_error"' in content
    assert 'aria-invalid="true"' in content
    assert 'role="alert"' in content  # the summary at the top
    assert 'href="#id_first_name_field"' in content


def test_a_turned_down_applicant_may_correct_and_apply_again(
    client, signup_data, lampang, moderator, django_capture_on_commit_callbacks
):
    from accounts import services

    first = apply_for_account(email="somjai@example.go.th", province=lampang)
    services.officer_reject(signup_request=first, by=moderator, reason="ระบุสำนักงานผิด", site_url="http://testserver/")

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    user = User.objects.get(email="somjai@example.go.th")
    assert list(user.signup_requests.order_by("id").values_list("status", flat=True)) == ["rejected", "pending"]
    assert user.profile.full_name == "นางสาวสมใจ ใจดี"
    assert user.signup_requests.get(status="rejected").rejection_reason == "ระบุสำนักงานผิด"


def test_a_pending_applicant_cannot_apply_twice(client, signup_data, lampang, django_capture_on_commit_callbacks):
    apply_for_account(email="somjai@example.go.th", province=lampang)

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert "email" in response.context["form"].errors
    assert SignupRequest.objects.count() == 1


def test_signed_in_people_are_sent_away_from_signup(client, officer):
    client.force_login(officer)

    assert client.get(SIGNUP_URL).status_code == 302


def test_districts_json_lists_a_provinces_offices_by_id_or_slug(client, lampang):
    by_id = client.get("/accounts/districts/", {"province": lampang.pk})
    by_slug = client.get("/accounts/districts/", {"province": "lampang"})

    assert by_id.status_code == 200 and by_id["Content-Type"] == "application/json"
    data = json.loads(by_id.content)
    assert data == json.loads(by_slug.content)
    assert data["province"] == {"id": lampang.pk, "slug": "lampang", "name_th": "ลำปาง"}
    assert data["provincial_office"] == {"value": "provincial", "label": "สำนักงานพัฒนาชุมชนจังหวัดลำปาง"}
    assert len(data["districts"]) == 13
    assert {"id", "name_th", "office_name"} == set(data["districts"][0])
    assert "สำนักงานพัฒนาชุมชนอำเภอเกาะคา" in [d["office_name"] for d in data["districts"]]


@pytest.mark.parametrize("value", ["", "atlantis", "999999", "bangkok"])
def test_districts_json_is_404_for_unknown_or_inactive_provinces(client, value, db):
    response = client.get("/accounts/districts/", {"province": value})

    assert response.status_code == 404
    assert json.loads(response.content) == {"error": "ไม่พบจังหวัดที่เลือก"}


def test_a_name_too_long_for_the_record_is_refused_next_to_the_name(
    client, signup_data, django_capture_on_commit_callbacks
):
    signup_data.update(title="other", title_other="ว" * 60, first_name="ก" * 80, last_name="ข" * 80)

    response = submit(client, signup_data, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "ยาวเกิน 200 ตัวอักษร" in response.context["form"].errors["last_name"][0]
    assert not User.objects.exists()
