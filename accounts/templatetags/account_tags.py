"""What the account menu in the header shows for the signed-in person."""

from django import template

from accounts.models import SignupRequest
from accounts.permissions import is_administrator, is_province_moderator, profile_of
from provinces.models import Role

register = template.Library()


@register.simple_tag(takes_context=True)
def account_nav_context(context) -> dict:
    """Name, role and the links this person's role opens, with the count of waiting applicants."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    profile = profile_of(user)
    administrator = is_administrator(user)
    moderator = is_province_moderator(user)
    pending = 0
    if administrator:
        pending = SignupRequest.objects.pending().count()
    elif moderator:
        pending = SignupRequest.objects.pending().for_provinces([profile.province_id]).count()
    # A superuser without a profile is still an administrator.
    role_label = Role.ADMINISTRATOR.label if administrator else (profile.get_role_display() if profile else "")
    return {
        "display_name": profile.full_name if profile else user.email,
        "role_label": role_label,
        "province": profile.province if profile and profile.province_id else None,
        "can_moderate": administrator or moderator,
        "is_administrator": administrator,
        "is_province_moderator": moderator,
        "pending_count": pending,
    }
