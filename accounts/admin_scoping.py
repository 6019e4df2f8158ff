"""Province scoping for admin classes: administrators see all, moderators their province.

Any ModelAdmin whose rows belong to a province can mix this in and name the
lookup from its model to the province (``province_lookup``). Moderators then
list, open and change only their own province's rows; another province's row
is a 404, as if it did not exist. People without either role see nothing.
"""

from django.http import Http404

from accounts.permissions import is_administrator, is_province_moderator, profile_of


class ProvinceScopedAdminMixin:
    # The lookup from this admin's model to its Province, e.g. "province" or "profile__province".
    province_lookup = "province"

    def scope_queryset_for_moderator(self, request, queryset):
        """Narrow the moderator's rows further (e.g. hide administrators' accounts)."""
        return queryset

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_administrator(request.user):
            return queryset
        if is_province_moderator(request.user):
            province_id = profile_of(request.user).province_id
            return self.scope_queryset_for_moderator(
                request, queryset.filter(**{self.province_lookup: province_id})
            )
        return queryset.none()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not is_administrator(request.user):
            # Out of this moderator's province: say nothing about whether it exists.
            raise Http404
        return obj

    def may_change_object(self, request, obj) -> bool:
        """Object-level rule on top of the province scope; override for stricter rules."""
        return True

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or is_administrator(request.user):
            return allowed
        return self._in_scope(request, obj) and self.may_change_object(request, obj)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if not allowed or obj is None or is_administrator(request.user):
            return allowed
        return self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting people, provinces or their records is for administrators only.
        return is_administrator(request.user) and super().has_delete_permission(request, obj)

    def _in_scope(self, request, obj) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()
