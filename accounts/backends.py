"""Sign-in by e-mail, with admin permissions that follow the person's role.

A province moderator's admin permissions come from their role rather than from
a group someone must remember to keep in step: appointing a moderator
(accounts.services.moderator_appoint) is enough, and revoking the role takes
the permissions away on the next request. Which rows they see is scoped
separately, by province, in the admin classes (accounts.admin_scoping).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from accounts.permissions import profile_of
from provinces.models import Role

# What a province moderator needs in the admin: their province's officers and
# accounts, their province's site, and its articles with their parts.
MODERATOR_PERMISSIONS = frozenset(
    {
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_signuprequest",
        "provinces.view_province",
        "provinces.change_province",
        "provinces.view_district",
        "provinces.view_officerprofile",
        "provinces.change_officerprofile",
        "articles.view_category",
        "articles.view_article",
        "articles.change_article",
        "articles.view_section",
        "articles.add_section",
        "articles.change_section",
        "articles.delete_section",
        "articles.view_articleimage",
        "articles.add_articleimage",
        "articles.change_articleimage",
        "articles.delete_articleimage",
        "articles.view_articletransition",
    }
)


class RoleBackend(ModelBackend):
    """Django's model backend (which refuses inactive accounts) plus role permissions."""

    def get_group_permissions(self, user_obj, obj=None):
        permissions = super().get_group_permissions(user_obj, obj)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return permissions
        return permissions | self.get_role_permissions(user_obj)

    def get_role_permissions(self, user_obj) -> frozenset[str]:
        if not hasattr(user_obj, "_role_perm_cache"):
            user_obj._role_perm_cache = self._role_permissions(user_obj)
        return user_obj._role_perm_cache

    def _role_permissions(self, user_obj) -> frozenset[str]:
        profile = profile_of(user_obj)
        if profile is None:
            return frozenset()
        if profile.role == Role.ADMINISTRATOR:
            return frozenset(
                f"{app_label}.{codename}"
                for app_label, codename in Permission.objects.values_list(
                    "content_type__app_label", "codename"
                )
            )
        if profile.role == Role.MODERATOR and profile.province_id:
            return MODERATOR_PERMISSIONS
        return frozenset()
