from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.admin_scoping import ProvinceScopedAdminMixin
from accounts.permissions import is_administrator
from articles.forms import ArticleEditorWidget
from articles.images import ALLOWED_CONTENT_TYPES, clean_uploaded_image, make_display_sizes
from articles.models import Article, ArticleImage, ArticleTransition, Category, RichTextField, Section
from articles.permissions import can_moderate_article
from articles.services import (
    STALE_VERSION_MESSAGE,
    ArticleConflictError,
    article_publish,
    article_refresh_search_text,
)


class SectionInline(admin.StackedInline):
    model = Section
    fields = ["position", "key", "heading", "body"]
    extra = 0
    formfield_overrides = {RichTextField: {"widget": ArticleEditorWidget}}


class ArticleImageInlineForm(forms.ModelForm):
    """A photo added in the admin passes the same checks as one added through the article form."""

    class Meta:
        model = ArticleImage
        fields = ["image", "caption", "position"]
        field_classes = {"image": forms.FileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].max_length = None
        self.fields["image"].widget.attrs["accept"] = ",".join(sorted(ALLOWED_CONTENT_TYPES))

    def clean_image(self):
        value = self.cleaned_data.get("image")
        if value and hasattr(value, "content_type"):
            # A fresh upload: verified, re-encoded without metadata, stored under a random name.
            return clean_uploaded_image(value).content
        return value


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    form = ArticleImageInlineForm
    fields = ["image", "caption", "position"]
    extra = 0


class ArticleTransitionInline(admin.TabularInline):
    model = ArticleTransition
    fields = ["at", "from_status", "to_status", "is_revision", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ArticleAdminForm(forms.ModelForm):
    """The admin's article form refuses to save over a change made after it was opened."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        opened = data.get("opened_version")
        if self.instance.pk and opened is not None:
            # The admin runs the whole change view in one transaction: the lock holds until it commits.
            current = Article.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != opened:
                raise ValidationError(STALE_VERSION_MESSAGE, code="conflict")
        return data


class RevisionFilter(admin.SimpleListFilter):
    title = gettext_lazy("ฉบับ")
    parameter_name = "revision"

    def lookups(self, request, model_admin):
        return [("live", gettext_lazy("บทความ")), ("revision", gettext_lazy("ฉบับแก้ไข"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(revision_of__isnull=True)
        if self.value() == "revision":
            return queryset.filter(revision_of__isnull=False)
        return queryset


@admin.register(Article)
class ArticleAdmin(ProvinceScopedAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "author_name", "province", "district", "category", "status", "submitted_at", "published_at"]
    list_filter = ["status", RevisionFilter, "category", "province__region", "province"]
    search_fields = ["title", "author_name", "office", "province__name_th", "district__name_th"]
    list_select_related = ["province", "district", "category"]
    autocomplete_fields = ["author", "province", "district"]
    date_hierarchy = "published_at"
    # Status changes go through the workflow (the moderation pages or the actions
    # below) so that each one is recorded, checked and mailed.
    readonly_fields = [
        "status", "review_link", "revision_of", "published_at", "submitted_at",
        "view_count", "version", "created_at", "updated_at",
    ]
    inlines = [SectionInline, ArticleImageInline, ArticleTransitionInline]
    actions = ["publish_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("province", "district", "category")

    def may_change_object(self, request, obj) -> bool:
        return can_moderate_article(request.user, obj)

    def has_add_permission(self, request):
        # Officers write through the article form; adding here is for administrators' corrections.
        return is_administrator(request.user) and super().has_add_permission(request)

    @admin.display(description=gettext_lazy("หน้าตรวจสอบ"))
    def review_link(self, article):
        if not article.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("moderation:review", args=[article.pk]), _("เปิดหน้าตรวจสอบ"))

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ArticleImage:
            # A new or replaced photo gets the display sizes the public pages use, as uploads do.
            uploaded = {id(inline.instance) for inline in formset.forms if "image" in inline.changed_data}
            for image in formset.save(commit=False):
                if id(image) in uploaded:
                    make_display_sizes(image)
                image.save()
            for image in formset.deleted_objects:
                image.delete()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article_refresh_search_text(article=form.instance)

    @admin.action(description=gettext_lazy("เผยแพร่บทความที่เลือก (เฉพาะที่รอตรวจสอบ)"))
    def publish_selected(self, request, queryset):
        published, skipped = 0, []
        for article in queryset.select_related("province", "revision_of"):
            if article.status != Article.Status.SUBMITTED:
                skipped.append(article)
                continue
            try:
                article_publish(article=article, by=request.user, site_url=request.build_absolute_uri("/"))
            except (ArticleConflictError, ValidationError, PermissionDenied):
                skipped.append(article)
                continue
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("เผยแพร่ %(count)d บทความแล้ว", "เผยแพร่ %(count)d บทความแล้ว", published) % {"count": published},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("ข้ามไป %(count)d บทความที่ไม่ได้อยู่ในสถานะรอตรวจสอบหรือข้อมูลไม่ครบ: %(titles)s")
                % {"count": len(skipped), "titles": ", ".join(str(article) for article in skipped[:10])},
                messages.WARNING,
            )
