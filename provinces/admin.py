from django.contrib import admin

from provinces.models import District, OfficerProfile, Province


class DistrictInline(admin.TabularInline):
    model = District
    fields = ["code", "name_th", "name_en", "postal_code"]
    extra = 0
    show_change_link = True


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "region", "is_active", "display_title"]
    list_display_links = ["code", "name_th"]
    list_filter = ["region", "is_active"]
    search_fields = ["name_th", "name_en", "slug", "=code"]
    readonly_fields = ["code"]
    fieldsets = (
        (None, {"fields": ("code", "name_th", "name_en", "slug", "region", "is_active")}),
        ("รูปลักษณ์ของเว็บไซต์", {"fields": ("site_title", "theme_colour", "logo", "banner")}),
        ("ติดต่อ", {"fields": ("contact_phone", "contact_email", "contact_address", "about")}),
    )
    inlines = [DistrictInline]

    @admin.display(description="ชื่อเว็บไซต์")
    def display_title(self, province):
        return province.display_title


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province", "office_name"]
    list_display_links = ["code", "name_th"]
    list_filter = ["province__region", "province"]
    search_fields = ["name_th", "name_en", "=code", "province__name_th"]
    list_select_related = ["province"]

    @admin.display(description="สำนักงาน")
    def office_name(self, district):
        return district.office_name


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "province", "district", "role", "user"]
    list_filter = ["role", "province__region", "province"]
    search_fields = ["full_name", "position", "user__email", "province__name_th", "district__name_th"]
    list_select_related = ["province", "district", "user"]
    autocomplete_fields = ["province", "district", "user"]
