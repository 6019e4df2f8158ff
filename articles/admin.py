from django.contrib import admin

from articles.models import Article, ArticleImage, ArticleTransition, Category, Section


class SectionInline(admin.StackedInline):
    model = Section
    fields = ["position", "key", "heading", "body"]
    extra = 0


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    fields = ["image", "caption", "position"]
    extra = 0


class ArticleTransitionInline(admin.TabularInline):
    model = ArticleTransition
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author_name", "province", "district", "category", "status", "written_at", "published_at"]
    list_filter = ["status", "category", "province__region", "province", "district"]
    search_fields = ["title", "author_name", "office", "province__name_th", "district__name_th"]
    list_select_related = ["province", "district", "category"]
    autocomplete_fields = ["author", "province", "district"]
    date_hierarchy = "published_at"
    readonly_fields = ["view_count", "version", "created_at", "updated_at"]
    inlines = [SectionInline, ArticleImageInline, ArticleTransitionInline]
