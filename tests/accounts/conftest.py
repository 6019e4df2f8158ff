"""Fixtures for account tests: a complete sign-up, applicants waiting for a decision."""

import pytest
from django.core import mail

from accounts import services
from accounts.models import SignupRequest
from provinces.models import District

SITE_URL = "http://testserver/"
APPLICANT_PASSWORD = "Khao-Niao-Mamuang-2569"


@pytest.fixture
def ko_kha(lampang) -> District:
    return District.objects.get(province=lampang, name_th="เกาะคา")


@pytest.fixture
def signup_data(ko_kha) -> dict:
    """What an officer of the Ko Kha district office types into the sign-up form."""
    return {
        "title": "นางสาว",
        "title_other": "",
        "first_name": "สมใจ",
        "last_name": "ใจดี",
        "position": "นักวิชาการพัฒนาชุมชนปฏิบัติการ",
        "phone": "081 234 5678",
        "province": "lampang",
        "district": str(ko_kha.pk),
        "email": "somjai@example.go.th",
        "password1": APPLICANT_PASSWORD,
        "password2": APPLICANT_PASSWORD,
    }


def apply_for_account(*, email: str, province, district=None, full_name: str = "นายผู้สมัคร ทดสอบ") -> SignupRequest:
    """An application made through the sign-up service, its e-mails sent and then cleared."""
    signup_request = services.officer_signup(
        email=email,
        password=APPLICANT_PASSWORD,
        full_name=full_name,
        position="เจ้าพนักงานพัฒนาชุมชน",
        province=province,
        district=district,
        site_url=SITE_URL,
    )
    mail.outbox.clear()
    return signup_request


@pytest.fixture
def lampang_applicant(lampang, ko_kha) -> SignupRequest:
    """A pending application from an officer of the Ko Kha district office, Lampang."""
    return apply_for_account(
        email="applicant@example.go.th", province=lampang, district=ko_kha, full_name="นายใหม่ สมัครงาน"
    )


@pytest.fixture
def maha_sarakham_applicant(maha_sarakham) -> SignupRequest:
    return apply_for_account(
        email="applicant-msk@example.go.th", province=maha_sarakham, full_name="นางสาวมหา สารคาม"
    )
