"""The Django admin, in Thai, lists the whole country."""

import pytest
from django.urls import reverse


@pytest.fixture
def admin_client_th(client, administrator):
    client.force_login(administrator)
    return client


def test_admin_lists_77_provinces_and_928_districts(admin_client_th):
    provinces = admin_client_th.get(reverse("admin:provinces_province_changelist"))
    districts = admin_client_th.get(reverse("admin:provinces_district_changelist"))
    assert provinces.status_code == 200 and districts.status_code == 200
    assert provinces.context["cl"].result_count == 77
    assert districts.context["cl"].result_count == 928


def test_admin_district_search_and_province_filter(admin_client_th, lampang):
    url = reverse("admin:provinces_district_changelist")
    response = admin_client_th.get(url, {"province__id__exact": lampang.pk})
    assert response.context["cl"].result_count == 13
    response = admin_client_th.get(url, {"q": "เมืองปาน"})
    assert [d.code for d in response.context["cl"].result_list] == [5213]


def test_admin_speaks_thai(admin_client_th):
    response = admin_client_th.get(reverse("admin:index"))
    content = response.content.decode()
    assert 'lang="th"' in content
    assert "จังหวัด" in content and "บทความ" in content


@pytest.mark.parametrize(
    "name",
    [
        "admin:articles_article_changelist", "admin:articles_category_changelist",
        "admin:articles_article_add", "admin:provinces_officerprofile_changelist",
        "admin:accounts_user_changelist",
    ],
)
def test_admin_pages_open(admin_client_th, name):
    assert admin_client_th.get(reverse(name)).status_code == 200


def test_admin_login_page_answers_anonymous(client):
    assert client.get("/admin/login/").status_code == 200
