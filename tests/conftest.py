"""Shared fixtures, named by role so that a test reads like the rule it checks."""

from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from provinces.models import District, OfficerProfile, Province, Role

PROJECT_ROOT = Path(settings.BASE_DIR)
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"
FIXTURES_DIR = PROJECT_ROOT / "tests" / "fixtures"
PASSWORD = "correct-horse-battery-staple-2569"


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    """Every test writes uploads into its own empty folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def empty_caches() -> None:
    """Forget cached pages, request counts and view counts."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees another's cached pages, request counts or view counts."""
    empty_caches()
    yield
    empty_caches()


@pytest.fixture
def seeds_dir() -> Path:
    """The real legacy documents; missing seeds are an error, never a skip."""
    assert SEEDS_DIR.is_dir(), f"legacy seed documents not found at {SEEDS_DIR}"
    return SEEDS_DIR


@pytest.fixture
def lampang(db) -> Province:
    return Province.objects.get(code=52)


@pytest.fixture
def maha_sarakham(db) -> Province:
    return Province.objects.get(code=44)


def make_person(*, email: str, full_name: str, province, district=None, role=Role.OFFICER, **user_fields):
    user = User.objects.create_user(email=email, password=PASSWORD, **user_fields)
    OfficerProfile.objects.create(
        user=user, full_name=full_name, position="นักวิชาการพัฒนาชุมชน", province=province,
        district=district, role=role,
    )
    return user


@pytest.fixture
def officer(lampang):
    """An officer of the Ko Kha district office, Lampang."""
    return make_person(
        email="officer@example.com", full_name="นางสาวทดสอบ ใจดี", province=lampang,
        district=District.objects.get(province=lampang, name_th="เกาะคา"),
    )


@pytest.fixture
def same_province_officer(lampang):
    """Another officer in Lampang, at a different district office."""
    return make_person(
        email="colleague@example.com", full_name="นายเพื่อนร่วม งานดี", province=lampang,
        district=District.objects.get(province=lampang, name_th="เมืองปาน"),
    )


@pytest.fixture
def other_province_officer(maha_sarakham):
    return make_person(
        email="elsewhere@example.com", full_name="นางต่าง จังหวัด", province=maha_sarakham,
        district=District.objects.get(province=maha_sarakham, name_th="ชื่นชม"),
    )


@pytest.fixture
def moderator(lampang):
    """The province moderator of Lampang."""
    return make_person(
        email="moderator@example.com", full_name="นายผู้ตรวจ ลำปาง", province=lampang,
        role=Role.MODERATOR, is_staff=True,
    )


@pytest.fixture
def other_province_moderator(maha_sarakham):
    return make_person(
        email="moderator-msk@example.com", full_name="นางผู้ตรวจ มหาสารคาม", province=maha_sarakham,
        role=Role.MODERATOR, is_staff=True,
    )


@pytest.fixture
def administrator(db):
    """A national administrator."""
    return make_person(
        email="admin@example.com", full_name="นางผู้ดูแล ระบบ", province=None,
        role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True,
    )
