import pytest
from django.db import IntegrityError, transaction

from provinces.models import District, OfficerProfile, Province, Region, Role


def test_every_province_and_district_is_loaded_by_migrate(db):
    assert Province.objects.count() == 77
    assert District.objects.count() == 928
    assert District.objects.filter(province__code=10).count() == 50


def test_province_slugs_come_from_the_english_name(db):
    slugs = dict(Province.objects.values_list("code", "slug"))
    assert slugs[52] == "lampang"
    assert slugs[30] == "nakhon-ratchasima"
    assert slugs[44] == "maha-sarakham"
    assert slugs[34] == "ubon-ratchathani"
    assert len(set(slugs.values())) == 77


def test_only_bangkok_is_inactive_by_default(db):
    assert list(Province.objects.filter(is_active=False).values_list("code", flat=True)) == [10]
    assert Province.objects.active().count() == 76


def test_every_province_has_a_region_and_the_six_regions_add_up(db):
    counts = {region: Province.objects.filter(region=region).count() for region in Region.values}
    assert counts == {"north": 9, "northeast": 20, "central": 22, "east": 7, "west": 5, "south": 14}
    assert Province.objects.get(code=52).region == Region.NORTH


def test_site_title_defaults_to_the_provincial_site_name(lampang):
    assert lampang.display_title == "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง"
    lampang.site_title = "สัมมาชีพลำปาง"
    assert lampang.display_title == "สัมมาชีพลำปาง"


def test_district_office_name_and_bangkok_khet(db):
    mueang_pan = District.objects.get(code=5213)
    assert mueang_pan.name_th == "เมืองปาน"
    assert mueang_pan.office_name == "สำนักงานพัฒนาชุมชนอำเภอเมืองปาน"
    phra_nakhon = District.objects.get(code=1001)
    assert phra_nakhon.kind_th == "เขต"
    assert str(phra_nakhon) == "เขตพระนคร จังหวัดกรุงเทพมหานคร"


def test_province_code_outside_the_dopa_range_is_refused_by_the_database(db):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Province.objects.create(code=99, name_th="ทดสอบ", name_en="Test", slug="test", region="north")


def test_officer_profile_needs_a_province_unless_administrator(officer, administrator):
    assert officer.profile.office_name == "สำนักงานพัฒนาชุมชนอำเภอเกาะคา"
    assert administrator.profile.province is None
    assert administrator.profile.office_name == "กรมการพัฒนาชุมชน"
    with transaction.atomic(), pytest.raises(IntegrityError):
        OfficerProfile.objects.filter(pk=officer.profile.pk).update(province=None)


def test_moderator_moderates_only_their_province(moderator, administrator, officer, lampang, maha_sarakham):
    assert moderator.profile.moderates(lampang)
    assert not moderator.profile.moderates(maha_sarakham)
    assert not officer.profile.moderates(lampang)
    assert administrator.profile.moderates(maha_sarakham)
    assert moderator.profile.role == Role.MODERATOR
