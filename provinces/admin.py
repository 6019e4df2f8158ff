import uuid

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.admin import OfficerProfileInlineForm
from accounts.admin_scoping import ProvinceScopedAdminMixin
from accounts.permissions import can_manage_officer, is_administrator, profile_of
from accounts.services import BANNER_MAX_SIDE, LOGO_MAX_SIDE, fit_image
from articles.images import ALLOWED_CONTENT_TYPES, FORMATS, clean_uploaded_image
from provinces.models import District, OfficerProfile, Province, Role


class DistrictInline(admin.TabularInline):
    model = District
    fields = ["code", "name_th", "name_en", "postal_code"]
    extra = 0
    show_change_link = True

    # The country's districts are reference data: only administrators correct them.
    def has_add_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_delete_permission(request, obj)


class ProvinceAdminForm(forms.ModelForm):
    """Logo and banner uploads pass the portal's image checks and are stored re-encoded."""

    class Meta:
        model = Province
        fields = "__all__"
        field_classes = {"logo": forms.FileField, "banner": forms.FileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("logo", "banner"):
            if name in self.fields:
                self.fields[name].max_length = None
                self.fields[name].widget.attrs["accept"] = ",".join(sorted(ALLOWED_CONTENT_TYPES))

    def _clean_picture(self, name: str, max_side: int):
        value = self.cleaned_data.get(name)
        if value and hasattr(value, "content_type"):
            clean = fit_image(clean_uploaded_image(value), max_side=max_side)
            slug = self.instance.slug or "province"
            clean.content.name = f"{slug}-{uuid.uuid4().hex[:12]}{FORMATS[clean.format][0]}"
            return clean.content
        return value

    def clean_logo(self):
        return self._clean_picture("logo", LOGO_MAX_SIDE)

    def clean_banner(self):
        return self._clean_picture("banner", BANNER_MAX_SIDE)


@admin.register(Province)
class ProvinceAdmin(ProvinceScopedAdminMixin, admin.ModelAdmin):
    province_lookup = "pk"
    form = ProvinceAdminForm
    list_display = ["code", "name_th", "name_en", "region", "is_active", "display_title"]
    list_display_links = ["code", "name_th"]
    list_filter = ["region", "is_active"]
    search_fields = ["name_th", "name_en", "slug", "=code"]
    fieldsets = (
        (None, {"fields": ("code", "name_th", "name_en", "slug", "region", "is_active")}),
        (_("รูปลักษณ์ของเว็บไซต์"), {"fields": ("site_title", "theme_colour", "logo", "banner")}),
        (_("ติดต่อ"), {"fields": ("contact_phone", "contact_email", "contact_address", "about")}),
    )
    inlines = [DistrictInline]

    def get_readonly_fields(self, request, obj=None):
        if is_administrator(request.user):
            return ["code"]
        # A moderator edits the site's look and contacts, not the province's identity.
        return ["code", "name_th", "name_en", "slug", "region", "is_active"]

    def has_add_permission(self, request):
        return is_administrator(request.user) and super().has_add_permission(request)

    @admin.display(description=_("ชื่อเว็บไซต์"))
    def display_title(self, province):
        return province.display_title


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province", "office_name"]
    list_display_links = ["code", "name_th"]
    list_filter = ["province__region", "province"]
    search_fields = ["name_th", "name_en", "=code", "province__name_th"]
    list_select_related = ["province"]

    def has_add_permission(self, request):
        return is_administrator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description=_("สำนักงาน"))
    def office_name(self, district):
        return district.office_name


@admin.register(OfficerProfile)
class OfficerProfileAdmin(ProvinceScopedAdminMixin, admin.ModelAdmin):
    province_lookup = "province"
    form = OfficerProfileInlineForm
    list_display = ["full_name", "position", "province", "district", "role", "user"]
    list_filter = ["role", "province__region", "province"]
    search_fields = ["full_name", "position", "user__email", "province__name_th", "district__name_th"]
    list_select_related = ["province", "district", "user"]
    autocomplete_fields = ["province", "district", "user"]

    def scope_queryset_for_moderator(self, request, queryset):
        return queryset.exclude(Q(role=Role.ADMINISTRATOR) | Q(user__is_superuser=True))

    def may_change_object(self, request, obj) -> bool:
        return can_manage_officer(request.user, obj.user)

    def get_readonly_fields(self, request, obj=None):
        # Roles change only through appointment (accounts.services), which also sets admin access.
        if is_administrator(request.user):
            return ["role"]
        return ["user", "province", "role"]

    def get_autocomplete_fields(self, request):
        return self.autocomplete_fields if is_administrator(request.user) else []

    def get_list_filter(self, request):
        return self.list_filter if is_administrator(request.user) else ["role"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not is_administrator(request.user):
            profile = profile_of(request.user)
            kwargs["queryset"] = District.objects.filter(province_id=getattr(profile, "province_id", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return is_administrator(request.user) and super().has_add_permission(request)
