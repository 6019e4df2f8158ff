"""Who may do what in the portal: the one place views, admin classes and services ask.

Roles (provinces.Role on the person's OfficerProfile):

- officer: writes articles for their own office.
- province moderator: moderates one province's articles and officers, edits that
  province's branding, contact details and about page.
- national administrator: everything, including appointing moderators. A Django
  superuser counts as an administrator even without a profile.

Stable names other parts of the portal rely on:

- ``is_administrator(user) -> bool``
- ``can_moderate_province(user, province) -> bool`` (province: Province or its id)
- ``moderated_province_ids(user) -> frozenset[int]``
- ``moderator_required`` / ``officer_required`` / ``administrator_required``
  (view decorators) and the matching class-based view mixins.

Anonymous visitors are sent to the login page; signed-in people without the
role get 403, never a hidden link alone.
"""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from provinces.models import OfficerProfile, Province, Role


def profile_of(user) -> OfficerProfile | None:
    """The person's officer profile, or None for anonymous visitors and profile-less accounts."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except OfficerProfile.DoesNotExist:
        return None


def _is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_administrator(user) -> bool:
    """A national administrator: the administrator role, or a Django superuser."""
    if not _is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    profile = profile_of(user)
    return profile is not None and profile.role == Role.ADMINISTRATOR


def is_province_moderator(user) -> bool:
    """A moderator of one province (administrators are not counted here)."""
    if not _is_signed_in(user):
        return False
    profile = profile_of(user)
    return profile is not None and profile.role == Role.MODERATOR and profile.province_id is not None


def is_moderator_or_administrator(user) -> bool:
    return is_administrator(user) or is_province_moderator(user)


def moderated_province_ids(user) -> frozenset[int]:
    """Ids of the provinces this person moderates: all for administrators, one for moderators."""
    if is_administrator(user):
        return frozenset(Province.objects.values_list("pk", flat=True))
    if is_province_moderator(user):
        return frozenset({profile_of(user).province_id})
    return frozenset()


def moderated_provinces(user):
    """The provinces this person moderates, as a queryset."""
    if is_administrator(user):
        return Province.objects.all()
    if is_province_moderator(user):
        return Province.objects.filter(pk=profile_of(user).province_id)
    return Province.objects.none()


def can_moderate_province(user, province: Province | int | None) -> bool:
    """Whether the person may moderate the province's articles and officers and edit its pages."""
    if province is None:
        return False
    if is_administrator(user):
        return True
    province_id = getattr(province, "pk", province)
    return is_province_moderator(user) and profile_of(user).province_id == province_id


def can_edit_province(user, province: Province) -> bool:
    """Branding, contact details and the about page follow moderation rights."""
    return can_moderate_province(user, province)


def can_decide_signup(user, applicant) -> bool:
    """Whether the person may approve or reject this applicant's account."""
    profile = profile_of(applicant)
    if profile is None:
        return is_administrator(user)
    return can_moderate_province(user, profile.province_id)


def can_manage_officer(user, officer) -> bool:
    """Whether the person may change another account (activate, edit details).

    Moderators manage the officers of their province only: not other moderators,
    administrators or superusers, so nobody can lock out or take over a peer.
    """
    if is_administrator(user):
        return True
    if officer.is_superuser:
        return False
    profile = profile_of(officer)
    return (
        profile is not None
        and profile.role == Role.OFFICER
        and can_moderate_province(user, profile.province_id)
    )


def can_appoint_moderators(user) -> bool:
    return is_administrator(user)


def _role_required(test, *, message: str):
    """A view decorator: anonymous → login page, signed in without the role → 403."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied(message)
            return view_func(request, *args, **kwargs)

        return wrapped

    return decorator


def _has_officer_profile(user) -> bool:
    return _is_signed_in(user) and profile_of(user) is not None


moderator_required = _role_required(
    is_moderator_or_administrator, message=_("หน้านี้สำหรับผู้ตรวจสอบระดับจังหวัดและผู้ดูแลระบบ")
)
moderator_required.__doc__ = "Signed in as a province moderator or administrator, else login / 403."

officer_required = _role_required(
    _has_officer_profile, message=_("หน้านี้สำหรับเจ้าหน้าที่ที่มีข้อมูลสังกัดในระบบ")
)
officer_required.__doc__ = "Signed in, active and with an officer profile, else login / 403."

administrator_required = _role_required(
    is_administrator, message=_("หน้านี้สำหรับผู้ดูแลระบบระดับประเทศ")
)
administrator_required.__doc__ = "Signed in as a national administrator, else login / 403."


class _RoleRequiredMixin(AccessMixin):
    """Class-based view counterpart of the decorators above."""

    raise_exception = False

    def has_role(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_role(request.user):
            raise PermissionDenied(self.get_permission_denied_message())
        return super().dispatch(request, *args, **kwargs)


class ModeratorRequiredMixin(_RoleRequiredMixin):
    permission_denied_message = _("หน้านี้สำหรับผู้ตรวจสอบระดับจังหวัดและผู้ดูแลระบบ")

    def has_role(self, user) -> bool:
        return is_moderator_or_administrator(user)


class OfficerRequiredMixin(_RoleRequiredMixin):
    permission_denied_message = _("หน้านี้สำหรับเจ้าหน้าที่ที่มีข้อมูลสังกัดในระบบ")

    def has_role(self, user) -> bool:
        return _has_officer_profile(user)


class AdministratorRequiredMixin(_RoleRequiredMixin):
    permission_denied_message = _("หน้านี้สำหรับผู้ดูแลระบบระดับประเทศ")

    def has_role(self, user) -> bool:
        return is_administrator(user)
