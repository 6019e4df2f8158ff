"""The Buddhist-era date filters: one place that writes Thai dates, tested at the edges."""

from datetime import date, datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from articles.templatetags.thai_dates import be_year, display_date, english_date, thai_date


@pytest.mark.parametrize(
    ("value", "long", "short"),
    [
        (date(2017, 8, 8), "8 สิงหาคม 2560", "8 ส.ค. 2560"),
        (date(2020, 2, 29), "29 กุมภาพันธ์ 2563", "29 ก.พ. 2563"),
        (date(2016, 12, 31), "31 ธันวาคม 2559", "31 ธ.ค. 2559"),
        (date(2017, 1, 1), "1 มกราคม 2560", "1 ม.ค. 2560"),
        (date(2024, 3, 5), "5 มีนาคม 2567", "5 มี.ค. 2567"),
        (date(2024, 4, 13), "13 เมษายน 2567", "13 เม.ย. 2567"),
        (date(2024, 5, 1), "1 พฤษภาคม 2567", "1 พ.ค. 2567"),
        (date(2024, 6, 14), "14 มิถุนายน 2567", "14 มิ.ย. 2567"),
        (date(2024, 7, 28), "28 กรกฎาคม 2567", "28 ก.ค. 2567"),
        (date(2024, 9, 30), "30 กันยายน 2567", "30 ก.ย. 2567"),
        (date(2024, 10, 1), "1 ตุลาคม 2567", "1 ต.ค. 2567"),
        (date(2024, 11, 2), "2 พฤศจิกายน 2567", "2 พ.ย. 2567"),
    ],
)
def test_thai_date_writes_day_thai_month_and_buddhist_year(value, long, short):
    assert thai_date(value) == long
    assert thai_date(value, "short") == short


def test_aware_datetime_is_read_in_bangkok_across_the_new_year():
    # 31 December 2016, 18:30 UTC is already 1 January 2017, 01:30 in Bangkok.
    new_year_in_bangkok = datetime(2016, 12, 31, 18, 30, tzinfo=dt_timezone.utc)
    assert thai_date(new_year_in_bangkok) == "1 มกราคม 2560"
    still_old_year = datetime(2016, 12, 31, 16, 59, tzinfo=dt_timezone.utc)
    assert thai_date(still_old_year) == "31 ธันวาคม 2559"


def test_aware_datetime_from_another_zone_still_gives_the_bangkok_day():
    new_york_evening = datetime(2020, 2, 28, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert thai_date(new_york_evening) == "29 กุมภาพันธ์ 2563"


def test_naive_datetime_is_taken_as_written():
    assert thai_date(datetime(2017, 8, 8, 23, 59)) == "8 สิงหาคม 2560"


@pytest.mark.parametrize("value", [None, "", "2017-08-08", 2560])
def test_anything_that_is_not_a_date_gives_an_empty_string(value):
    assert thai_date(value) == ""
    assert thai_date(value, "short") == ""


def test_filter_is_usable_in_templates():
    rendered = Template('{% load thai_dates %}{{ d|thai_date }} / {{ d|thai_date:"short" }} / {{ none|thai_date }}.').render(
        Context({"d": date(2017, 8, 8), "none": None})
    )
    assert rendered == "8 สิงหาคม 2560 / 8 ส.ค. 2560 / ."


def test_english_date_keeps_the_common_era():
    assert english_date(date(2020, 2, 29)) == "29 February 2020"
    assert english_date(date(2020, 2, 29), "short") == "29 Feb 2020"


def test_display_date_follows_the_interface_language():
    with translation.override("th"):
        assert display_date(date(2017, 8, 8)) == "8 สิงหาคม 2560"
    with translation.override("en"):
        assert display_date(date(2017, 8, 8)) == "8 August 2017"


def test_buddhist_year_of_dates_and_year_numbers():
    assert be_year(date(2017, 1, 1)) == "2560"
    assert be_year(2020) == "2563"
    assert be_year(None) == ""
