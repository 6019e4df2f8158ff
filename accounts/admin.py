from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User
from provinces.models import OfficerProfile


class OfficerProfileInline(admin.StackedInline):
    model = OfficerProfile
    can_delete = False
    autocomplete_fields = ["province", "district"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "province", "role", "is_active", "date_joined"]
    list_filter = ["is_active", "is_staff", "profile__role", "profile__province"]
    search_fields = ["email", "profile__full_name", "profile__position"]
    list_select_related = ["profile", "profile__province"]
    inlines = [OfficerProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("สิทธิ์", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("วันที่สำคัญ", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description="ชื่อ-นามสกุล", ordering="profile__full_name")
    def full_name(self, user):
        return getattr(getattr(user, "profile", None), "full_name", "")

    @admin.display(description="จังหวัด", ordering="profile__province__name_th")
    def province(self, user):
        return getattr(getattr(user, "profile", None), "province", "")

    @admin.display(description="บทบาท", ordering="profile__role")
    def role(self, user):
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else ""
