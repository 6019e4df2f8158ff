"""Small presentation helpers shared by the public pages."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

# provinces.models.Region labels are plain Thai strings; these are the translatable ones.
REGION_NAMES = {
    "north": _("ภาคเหนือ"),
    "northeast": _("ภาคตะวันออกเฉียงเหนือ"),
    "central": _("ภาคกลาง"),
    "east": _("ภาคตะวันออก"),
    "west": _("ภาคตะวันตก"),
    "south": _("ภาคใต้"),
}

# Pure black and white: for any colour one of the two contrasts at least 4.58:1.
DARK_TEXT = "#000000"


def _relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@register.filter
def theme_class(hex_colour: str) -> str:
    """`theme-dark` (white text) or `theme-light` (dark text) for a province's theme colour.

    Moderators pick any colour; whichever of white or black contrasts more with
    it always reaches at least 4.5:1, so header text stays readable (WCAG AA).
    """
    try:
        on_white = contrast_ratio(hex_colour, "#ffffff")
        on_dark = contrast_ratio(hex_colour, DARK_TEXT)
    except (TypeError, ValueError, IndexError):
        return "theme-dark"
    return "theme-dark" if on_white >= on_dark else "theme-light"


def _english() -> bool:
    return (get_language() or "th").startswith("en")


@register.filter
def province_name(province) -> str:
    """The province's name in the interface language."""
    if province is None:
        return ""
    return province.name_en if _english() and province.name_en else province.name_th


@register.filter
def district_name(district) -> str:
    if district is None:
        return ""
    return district.name_en if _english() and district.name_en else district.name_th


@register.filter
def region_name(region_key: str) -> str:
    return str(REGION_NAMES.get(region_key, region_key))
