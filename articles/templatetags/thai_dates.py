"""Dates as Thai readers write them: Buddhist-era years and Thai month names."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.translation import get_language

register = template.Library()

# The portal's dates are Thai civil dates, whatever the server's own time zone is.
BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543

THAI_MONTHS = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]
THAI_MONTHS_SHORT = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]
ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def _calendar_date(value) -> date | None:
    """The Thai calendar day of a date or datetime; aware datetimes are read in Bangkok."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(BANGKOK)
        return value.date()
    if isinstance(value, date):
        return value
    return None


def buddhist_year(year: int) -> int:
    """The Buddhist-era year of a Common-era year: 2017 → 2560."""
    return year + BUDDHIST_ERA_OFFSET


def common_era_year(be_year: int) -> int:
    """The Common-era year of a Buddhist-era year: 2560 → 2017."""
    return be_year - BUDDHIST_ERA_OFFSET


@register.filter
def thai_date(value, form: str = "long") -> str:
    """`8 สิงหาคม 2560`, or with "short" `8 ส.ค. 2560`; anything that is not a date gives ""."""
    day = _calendar_date(value)
    if day is None:
        return ""
    months = THAI_MONTHS_SHORT if form == "short" else THAI_MONTHS
    return f"{day.day} {months[day.month - 1]} {buddhist_year(day.year)}"


@register.filter
def english_date(value, form: str = "long") -> str:
    """`8 August 2017`, or with "short" `8 Aug 2017`, in the Bangkok calendar."""
    day = _calendar_date(value)
    if day is None:
        return ""
    month = ENGLISH_MONTHS[day.month - 1]
    return f"{day.day} {month[:3] if form == 'short' else month} {day.year}"


@register.filter
def display_date(value, form: str = "long") -> str:
    """The date in the reader's interface language: Thai (the default) or English."""
    if (get_language() or "th").startswith("en"):
        return english_date(value, form)
    return thai_date(value, form)


@register.filter
def be_year(value) -> str:
    """The Buddhist-era year of a date, a datetime or a Common-era year number."""
    if isinstance(value, int):
        return str(buddhist_year(value))
    day = _calendar_date(value)
    return str(buddhist_year(day.year)) if day else ""


@register.filter
def iso_datetime(value) -> str:
    """A machine-readable timestamp for <time datetime>, in Bangkok time, to the second."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(BANGKOK)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""
