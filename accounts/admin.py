from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.admin_scoping import ProvinceScopedAdminMixin
from accounts.models import SignupRequest, User
from accounts.permissions import can_manage_officer, is_administrator, profile_of
from provinces.models import District, OfficerProfile, Role


class OfficerProfileInlineForm(forms.ModelForm):
    class Meta:
        model = OfficerProfile
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        province, district = cleaned.get("province"), cleaned.get("district")
        if district and province and district.province_id != province.pk:
            self.add_error(
                "district",
                _("%(office)s ไม่ได้อยู่ในจังหวัด%(province)s กรุณาเลือกอำเภอในจังหวัดเดียวกัน")
                % {"office": district.office_name, "province": province.name_th},
            )
        return cleaned


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    form = OfficerProfileInlineForm
    can_delete = False
    fields = ["full_name", "position", "province", "district", "phone", "role"]

    def has_add_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed or is_administrator(request.user):
            return allowed
        # obj is the account the profile belongs to.
        return can_manage_officer(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        # Roles change only through appointment (accounts.services), which also sets admin access.
        if is_administrator(request.user):
            return ["role"]
        return ["province", "role"]

    def get_autocomplete_fields(self, request):
        # A moderator picks from their own province's districts only (a plain, limited list).
        return ["province", "district"] if is_administrator(request.user) else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not is_administrator(request.user):
            profile = profile_of(request.user)
            kwargs["queryset"] = District.objects.filter(province_id=getattr(profile, "province_id", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(ProvinceScopedAdminMixin, BaseUserAdmin):
    province_lookup = "profile__province"
    ordering = ["email"]
    list_display = ["email", "full_name", "province", "role", "is_active", "date_joined"]
    list_filter = ["is_active", "is_staff", "profile__role", "profile__province"]
    search_fields = ["email", "profile__full_name", "profile__position"]
    list_select_related = ["profile", "profile__province"]
    inlines = [OfficerProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("สิทธิ์"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("วันที่สำคัญ"), {"fields": ("last_login", "date_joined")}),
    )
    # What a moderator may touch: whether an officer of their province can sign in, and the profile.
    moderator_fieldsets = (
        (None, {"fields": ("email",)}),
        (_("สถานะ"), {"fields": ("is_active",), "description": "ยกเลิกการเลือกเพื่อระงับการเข้าสู่ระบบทันที"}),
        (_("วันที่สำคัญ"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["appoint_moderators", "revoke_moderators"]

    def scope_queryset_for_moderator(self, request, queryset):
        # Administrators' accounts are never a moderator's to see or touch.
        return queryset.exclude(Q(is_superuser=True) | Q(profile__role=Role.ADMINISTRATOR))

    def may_change_object(self, request, obj) -> bool:
        return can_manage_officer(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not is_administrator(request.user):
            return self.moderator_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if is_administrator(request.user):
            return super().get_readonly_fields(request, obj)
        # A moderator who could change an e-mail address could reset that account's password.
        return ["email", "last_login", "date_joined"]

    def get_list_filter(self, request):
        if is_administrator(request.user):
            return self.list_filter
        return ["is_active", "profile__role"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_administrator(request.user):
            actions.pop("appoint_moderators", None)
            actions.pop("revoke_moderators", None)
        return actions

    def has_add_permission(self, request):
        # Officers apply themselves (and are approved); administrators may add accounts directly.
        return is_administrator(request.user) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pending = obj.signup_requests.pending().first() if change else None
        if pending is not None and obj.is_active and "is_active" in form.changed_data:
            # Ticking "active" for an applicant is an approval: record it and tell the officer.
            services.officer_approve(
                signup_request=pending, by=request.user, site_url=request.build_absolute_uri("/")
            )

    def user_change_password(self, request, id, form_url=""):
        if not is_administrator(request.user):
            # Setting someone else's password would let a moderator sign in as that officer.
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description=_("ชื่อ-นามสกุล"), ordering="profile__full_name")
    def full_name(self, user):
        return getattr(getattr(user, "profile", None), "full_name", "")

    @admin.display(description=_("จังหวัด"), ordering="profile__province__name_th")
    def province(self, user):
        return getattr(getattr(user, "profile", None), "province", "") or ""

    @admin.display(description=_("บทบาท"), ordering="profile__role")
    def role(self, user):
        if user.is_superuser:
            return Role.ADMINISTRATOR.label
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else ""

    def _change_roles(self, request, queryset, service, done: str) -> None:
        site_url = request.build_absolute_uri("/")
        changed = 0
        for person in queryset:
            try:
                service(person=person, by=request.user, site_url=site_url)
            except ValidationError as error:
                self.message_user(request, f"{person}: {' '.join(error.messages)}", messages.WARNING)
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("แต่งตั้งเป็นผู้ตรวจสอบระดับจังหวัด (จังหวัดที่สังกัด)"))
    def appoint_moderators(self, request, queryset):
        self._change_roles(
            request, queryset, services.moderator_appoint, _("แต่งตั้งผู้ตรวจสอบแล้ว %(count)d คน ระบบแจ้งทางอีเมลแล้ว")
        )

    @admin.action(description=_("ถอดถอนจากผู้ตรวจสอบระดับจังหวัด"))
    def revoke_moderators(self, request, queryset):
        self._change_roles(
            request, queryset, services.moderator_revoke, _("ถอดถอนผู้ตรวจสอบแล้ว %(count)d คน ระบบแจ้งทางอีเมลแล้ว")
        )


@admin.register(SignupRequest)
class SignupRequestAdmin(ProvinceScopedAdminMixin, admin.ModelAdmin):
    """A record of applications and decisions; decisions are made on the approvals page."""

    province_lookup = "user__profile__province"
    list_display = ["applicant", "office", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status", "user__profile__province"]
    search_fields = ["user__email", "user__profile__full_name"]
    list_select_related = ["user__profile__province", "user__profile__district", "decided_by"]
    readonly_fields = ["user", "status", "requested_at", "decided_by", "decided_at", "rejection_reason"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ผู้สมัคร"), ordering="user__profile__full_name")
    def applicant(self, item):
        return format_html(
            '{}<br><a href="{}">{}</a>', item.user.get_full_name(), reverse("accounts:approvals"), item.user.email
        )

    @admin.display(description=_("สังกัด"))
    def office(self, item):
        profile = getattr(item.user, "profile", None)
        return profile.office_name if profile else ""
