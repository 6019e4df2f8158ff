"""The officers' side: writing, previewing and sending articles for review.

One POST of the article form carries everything — text, sections, photo
captions and new photos — so it works without JavaScript on any phone; the
page's script only adds photo previews, upload progress and reordering.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import officer_required, profile_of
from articles.forms import (
    ArticleForm,
    ExtraSectionFormSet,
    ImageUploadForm,
    SavedImageFormSet,
    extra_section_initial,
    new_image_formset,
)
from articles.images import MAX_IMAGES_PER_ARTICLE, MAX_PIXELS, MAX_UPLOAD_BYTES
from articles.models import Article, ArticleImage, ArticleTransition, Section
from articles.permissions import (
    can_discard_article,
    can_edit_article,
    can_moderate_article,
    can_revise_article,
    can_view_article_privately,
    can_write_articles,
    is_author,
)
from articles.services import (
    ArticleConflictError,
    article_add_image,
    article_discard,
    article_save_draft,
    article_start_revision,
    article_submit,
    submission_problems,
)
from articles.views import ArticleDetailView

MY_ARTICLES_PER_PAGE = 20
OFFICE_ARTICLES_SHOWN = 10


def site_url(request) -> str:
    """The portal's address as the person reached it, for links in e-mails."""
    return request.build_absolute_uri("/")


def wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _article_queryset():
    return Article.objects.select_related(
        "category", "province", "district", "author", "revision_of"
    ).prefetch_related(Prefetch("sections", queryset=Section.objects.order_by("position")))


def get_article_privately(request, pk: int) -> Article:
    """The article if the person may see it unpublished (author, its moderators); 404 otherwise."""
    article = _article_queryset().filter(pk=pk).first()
    if article is None or not can_view_article_privately(request.user, article):
        raise Http404(_("ไม่พบบทความนี้"))
    return article


def _get_article_for_editing(request, pk: int) -> Article:
    """The author's draft or returned article; 404 for people who cannot see it, 403 for the rest."""
    article = get_article_privately(request, pk)
    if not is_author(request.user, article):
        raise PermissionDenied(_("แก้ไขได้เฉพาะผู้เขียนบทความ"))
    return article


def _history(article: Article):
    """The paper trail the author sees: this article's steps and its revisions' steps."""
    live_id = article.live_article_id
    return (
        ArticleTransition.objects.filter(Q(article_id=live_id) | Q(article__revision_of_id=live_id))
        .select_related("by__profile")
        .order_by("at", "id")
    )


def _latest_note(article: Article) -> ArticleTransition | None:
    """The last moderator note on this article (why it was returned, rejected or archived)."""
    return (
        article.transitions.exclude(note="")
        .filter(to_status__in=[Article.Status.RETURNED, Article.Status.REJECTED, Article.Status.ARCHIVED])
        .select_related("by__profile")
        .order_by("-at", "-id")
        .first()
    )


# --- Lists ---


@officer_required
def my_articles(request):
    """The officer's own articles, newest change first, and their office's published ones."""
    user = request.user
    profile = profile_of(user)
    status = request.GET.get("status", "")
    mine = (
        Article.objects.live()
        .written_by(user)
        .select_related("category", "province", "district")
        .prefetch_related(
            Prefetch("revisions", queryset=Article.objects.open_revisions().order_by("-id"), to_attr="open_revisions"),
            Prefetch(
                "transitions",
                queryset=ArticleTransition.objects.filter(to_status=Article.Status.RETURNED).order_by("-at", "-id"),
                to_attr="return_steps",
            ),
        )
        .order_by("-updated_at", "-id")
    )
    counts = dict(
        Article.objects.live().written_by(user).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    if status in Article.Status.values:
        mine = mine.filter(status=status)
    page = Paginator(mine, MY_ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    office_articles = []
    if profile.province_id:
        office_articles = list(
            Article.objects.published()
            .filter(province_id=profile.province_id, district_id=profile.district_id)
            .exclude(author=user)
            .with_listing_related()
            .order_by("-published_at", "-id")[:OFFICE_ARTICLES_SHOWN]
        )
    status_tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Article.Status.choices
        if counts.get(value)
    ]
    return render(
        request,
        "articles/my/article_list.html",
        {
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "articles": page.object_list,
            "status": status,
            "status_tabs": status_tabs,
            "total": sum(counts.values()),
            "office_articles": office_articles,
            "office_name": profile.office_name,
            "can_write": can_write_articles(user),
        },
    )


# --- The article form ---


def _saved_image_initial(images: list[ArticleImage]) -> list[dict]:
    return [{"image_id": image.pk, "caption": image.caption, "position": image.position} for image in images]


def _saved_image_rows(formset, images: list[ArticleImage]):
    """Each caption form with its photo, matched by id (the form may be bound to an older page)."""
    by_id = {image.pk: image for image in images}
    rows = []
    for form in formset.forms:
        raw = form["image_id"].value()
        # isdecimal(), not isdigit(): "²" is a digit that int() refuses.
        image = by_id.get(int(raw)) if str(raw).isdecimal() else None
        if image is not None:
            rows.append((form, image))
    return rows


class ArticleFormPage:
    """The article form with its section and photo formsets, bound or not."""

    def __init__(self, request, article: Article | None, data=None, files=None):
        self.request = request
        self.article = article
        self.province = article.province if article else profile_of(request.user).province
        self.images = list(article.images.order_by("position", "id")) if article else []
        if data is None:
            self.form = ArticleForm(initial=ArticleForm.initial_for(article, user=request.user), province=self.province)
            self.sections = ExtraSectionFormSet(prefix="sections", initial=extra_section_initial(article))
            self.saved_images = SavedImageFormSet(prefix="images", initial=_saved_image_initial(self.images))
            self.new_images = new_image_formset(saved_count=len(self.images))
        else:
            self.form = ArticleForm(data, province=self.province)
            self.sections = ExtraSectionFormSet(data, prefix="sections")
            self.saved_images = SavedImageFormSet(data, prefix="images")
            kept = len(self.images)
            if self.saved_images.is_valid():
                kept -= sum(1 for form in self.saved_images.forms if form.cleaned_data.get("delete"))
            self.new_images = new_image_formset(data=data, files=files, saved_count=kept)

    def is_valid(self) -> bool:
        # Every part is validated so that every message shows at once.
        results = [
            self.form.is_valid(),
            self.sections.is_valid(),
            self.saved_images.is_valid(),
        ]
        self.new_images.is_valid()
        return all(results)

    @property
    def has_image_errors(self) -> bool:
        return any(form.errors for form in self.new_images.forms)

    def mark_unsaved_images(self) -> None:
        """Nothing was saved: tell the officer which chosen photos must be chosen again."""
        for form in self.new_images.forms:
            if not form.errors and form.cleaned_data.get("file"):
                form.add_error(
                    "file",
                    _("ภาพนี้ยังไม่ได้บันทึก เพราะแบบฟอร์มยังมีข้อผิดพลาด แก้ไขแล้วเลือกไฟล์นี้อีกครั้ง"),
                )

    def context(self) -> dict:
        article = self.article
        room = MAX_IMAGES_PER_ARTICLE - len(self.images)
        return {
            "article": article,
            "article_province": self.province,
            "form": self.form,
            "sections_formset": self.sections,
            "saved_images_formset": self.saved_images,
            "saved_image_rows": _saved_image_rows(self.saved_images, self.images),
            "new_images_formset": self.new_images,
            "image_room": room,
            "max_images": MAX_IMAGES_PER_ARTICLE,
            "max_upload_mb": MAX_UPLOAD_BYTES // 1024 // 1024,
            "max_megapixels": MAX_PIXELS // 1_000_000,
            "max_upload_bytes": MAX_UPLOAD_BYTES,
            "latest_note": _latest_note(article) if article else None,
            "form_action": (
                reverse("articles:my-edit", kwargs={"pk": article.pk}) if article else reverse("articles:my-new")
            ),
            "upload_url": (
                reverse("articles:my-image-upload", kwargs={"pk": article.pk}) if article else ""
            ),
        }


def _render_form(request, page: ArticleFormPage, status: int = 200) -> HttpResponse:
    return render(request, "articles/my/article_form.html", page.context(), status=status)


def _refused_photos(bound, *, saved_count: int):
    """Only the photos that were refused, each with its caption and its message, for another try."""
    refused = [form for form in bound.forms if form.errors]
    data = {"new_images-TOTAL_FORMS": str(len(refused)), "new_images-INITIAL_FORMS": "0"}
    for index, form in enumerate(refused):
        data[f"new_images-{index}-caption"] = form["caption"].value() or ""
    formset = new_image_formset(data=data, saved_count=saved_count)
    formset.is_valid()
    for form, old in zip(formset.forms, refused):
        form.add_error("file", old.errors.get("file") or old.non_field_errors())
    return formset


def _after_save_page(request, article: Article, data, refused_photos=None) -> ArticleFormPage:
    """The form again after a save that needs the officer's attention, keeping what they typed.

    The text is re-shown as typed (with the article's new version); saved photos as they
    now are; of the new photos, only the refused ones come back, with their messages.
    """
    data = data.copy()
    data["version"] = str(article.version)
    for key in list(data):
        if key.startswith(("images-", "new_images-")):
            del data[key]
    page = ArticleFormPage(request, article, data=data, files=None)
    page.is_valid()
    page.saved_images = SavedImageFormSet(prefix="images", initial=_saved_image_initial(page.images))
    if refused_photos is not None:
        page.new_images = _refused_photos(refused_photos, saved_count=len(page.images))
    else:
        page.new_images = new_image_formset(saved_count=len(page.images))
    return page


def _json_form_errors(page: ArticleFormPage) -> dict:
    errors = {}
    for form in [page.form, *page.sections.forms, *page.saved_images.forms, *page.new_images.forms]:
        for field, messages_ in form.errors.items():
            errors[form.add_prefix(field) if field != "__all__" else "__all__"] = [str(m) for m in messages_]
    return errors


def _add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal, next to the field it names when the form has that field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _handle_article_post(request, article: Article | None) -> HttpResponse:
    action = request.POST.get("action", "save")
    page = ArticleFormPage(request, article, data=request.POST, files=request.FILES)
    if not page.is_valid():
        page.mark_unsaved_images()
        if wants_json(request):
            return JsonResponse(
                {"saved": False, "message": _("ยังไม่ได้บันทึก กรุณาแก้ไขข้อผิดพลาดในแบบฟอร์ม"), "errors": _json_form_errors(page)},
                status=400,
            )
        messages.error(request, _("ยังไม่ได้บันทึก กรุณาแก้ไขข้อผิดพลาดที่ทำเครื่องหมายไว้"))
        return _render_form(request, page, status=400)
    try:
        saved = article_save_draft(
            article=article,
            by=request.user,
            content=page.form.content(page.sections.sections()),
            # An edit without the version it was opened on is treated as stale, never as "skip the check".
            expected_version=(page.form.cleaned_data["version"] or 0) if article else None,
            image_changes=[form.change() for form in page.saved_images.forms],
            image_uploads=page.new_images.uploads(),
        )
    except ArticleConflictError as error:
        page.form.add_error(None, error)
        if wants_json(request):
            return JsonResponse({"saved": False, "message": " ".join(error.messages)}, status=409)
        page.mark_unsaved_images()
        return _render_form(request, page, status=409)
    except ValidationError as error:
        _add_service_errors(page.form, error)
        page.mark_unsaved_images()
        if wants_json(request):
            return JsonResponse({"saved": False, "message": " ".join(error.messages)}, status=400)
        return _render_form(request, page, status=400)

    if wants_json(request):
        return JsonResponse(
            {
                "saved": True,
                "id": saved.pk,
                "version": saved.version,
                "edit_url": reverse("articles:my-edit", kwargs={"pk": saved.pk}),
                "upload_url": reverse("articles:my-image-upload", kwargs={"pk": saved.pk}),
                "message": _("บันทึกฉบับร่างแล้ว"),
            }
        )
    if page.has_image_errors:
        after = _after_save_page(request, saved, request.POST, refused_photos=page.new_images)
        messages.warning(request, _("บันทึกบทความแล้ว ยกเว้นภาพที่มีปัญหาตามที่แจ้งไว้ในส่วนรูปประกอบ"))
        return _render_form(request, after, status=400)
    if action == "submit":
        try:
            article_submit(article=saved, by=request.user, expected_version=saved.version, site_url=site_url(request))
        except ValidationError as error:
            after = _after_save_page(request, saved, request.POST)
            _add_service_errors(after.form, error)
            messages.warning(
                request,
                _("บันทึกฉบับร่างแล้ว แต่ยังส่งตรวจไม่ได้ กรุณากรอกส่วนที่ทำเครื่องหมายไว้ แล้วกดส่งตรวจอีกครั้ง"),
            )
            return _render_form(request, after, status=400)
        messages.success(request, _("ส่งบทความให้ผู้ตรวจสอบของจังหวัดแล้ว จะแจ้งผลทางอีเมล"))
        return redirect("articles:my-detail", pk=saved.pk)
    if action == "preview":
        return redirect("articles:my-preview", pk=saved.pk)
    messages.success(request, _("บันทึกฉบับร่างแล้ว"))
    return redirect("articles:my-edit", pk=saved.pk)


@officer_required
def article_new(request):
    if not can_write_articles(request.user):
        raise PermissionDenied(_("เฉพาะเจ้าหน้าที่ที่มีสังกัดจังหวัดจึงเขียนบทความได้"))
    if request.method == "POST":
        return _handle_article_post(request, None)
    return _render_form(request, ArticleFormPage(request, None))


@officer_required
def article_edit(request, pk: int):
    article = _get_article_for_editing(request, pk)
    if can_revise_article(request.user, article):
        revision = article.revisions.open_revisions().first()
        if revision is not None:
            return redirect("articles:my-edit", pk=revision.pk)
        if request.method == "POST":
            return redirect("articles:my-detail", pk=article.pk)
        return render(request, "articles/my/revise_confirm.html", {"article": article})
    if not can_edit_article(request.user, article):
        messages.info(
            request,
            _("บทความอยู่ในสถานะ “%(status)s” จึงแก้ไขไม่ได้ในตอนนี้") % {"status": article.get_status_display()},
        )
        return redirect("articles:my-detail", pk=article.pk)
    if request.method == "POST":
        return _handle_article_post(request, article)
    return _render_form(request, ArticleFormPage(request, article))


@officer_required
@require_POST
def article_image_upload(request, pk: int):
    """One photo from the page's script; answers JSON with the saved photo or the reason it was refused."""
    article = _get_article_for_editing(request, pk)
    if not can_edit_article(request.user, article):
        raise PermissionDenied(_("บทความนี้เพิ่มรูปไม่ได้ในสถานะปัจจุบัน"))
    form = ImageUploadForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            image = article_add_image(article=article, by=request.user, upload=form.upload())
        except ValidationError as refused:
            error = " ".join(refused.messages)
    else:
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    if error:
        if wants_json(request):
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
        return redirect("articles:my-edit", pk=article.pk)
    if wants_json(request):
        return JsonResponse(
            {
                "id": image.pk,
                "caption": image.caption,
                "position": image.position,
                "thumbnail": image.thumbnail.url,
                "width": image.width,
                "height": image.height,
            },
            status=201,
        )
    messages.success(request, _("เพิ่มรูปแล้ว"))
    return redirect("articles:my-edit", pk=article.pk)


# --- One article, privately ---


@officer_required
def article_detail(request, pk: int):
    """Where the author follows an article: its status, the moderators' notes and its history."""
    article = get_article_privately(request, pk)
    if not is_author(request.user, article):
        raise PermissionDenied(_("หน้านี้สำหรับผู้เขียนบทความ ผู้ตรวจสอบใช้หน้าคิวตรวจสอบ"))
    open_revision = None
    if not article.is_revision:
        open_revision = article.revisions.open_revisions().first()
    return render(
        request,
        "articles/my/article_detail.html",
        {
            "article": article,
            "history": _history(article),
            "latest_note": _latest_note(article),
            "open_revision": open_revision,
            "problems": submission_problems(article) if article.is_editable_by_author else {},
            "can_edit": can_edit_article(request.user, article),
            "can_revise": can_revise_article(request.user, article),
            "can_discard": can_discard_article(request.user, article),
            "sections": article.sections.order_by("position"),
            "image_count": article.images.count(),
        },
    )


def public_article_context(request, article: Article) -> dict:
    """The context the public article page would have, built by that page's own view."""
    article = (
        Article.objects.with_listing_related()
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("position")),
            Prefetch("images", queryset=ArticleImage.objects.order_by("position", "id")),
        )
        .get(pk=article.pk)
    )
    view = ArticleDetailView()
    view.setup(request, province_slug=article.province.slug, pk=article.pk)
    view.province = article.province
    view.object = article
    return view.get_context_data(object=article)


@login_required
def article_preview(request, pk: int):
    """The article exactly as the public page will show it, under a preview banner."""
    article = get_article_privately(request, pk)
    context = public_article_context(request, article)
    context.update(
        preview_article=article,
        can_edit=can_edit_article(request.user, article),
        can_submit=can_edit_article(request.user, article),
        is_moderator=can_moderate_article(request.user, article),
        problems=submission_problems(article) if article.is_editable_by_author else {},
    )
    response = render(request, "articles/my/article_preview.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@officer_required
@require_POST
def article_submit_view(request, pk: int):
    article = _get_article_for_editing(request, pk)
    version = request.POST.get("version")
    try:
        article_submit(
            article=article,
            by=request.user,
            # isdecimal(), not isdigit(): "²" is a digit that int() refuses.
            expected_version=int(version) if version and version.isdecimal() else 0,
            site_url=site_url(request),
        )
    except ValidationError as error:
        messages.error(request, _("ยังส่งตรวจไม่ได้: %(problems)s") % {"problems": " ".join(error.messages)})
        target = "articles:my-edit" if can_edit_article(request.user, article) else "articles:my-detail"
        return redirect(target, pk=article.pk)
    messages.success(request, _("ส่งบทความให้ผู้ตรวจสอบของจังหวัดแล้ว จะแจ้งผลทางอีเมล"))
    return redirect("articles:my-detail", pk=article.pk)


@officer_required
@require_POST
def article_revise(request, pk: int):
    """Start (or continue) the revision of a published article; the published one stays online."""
    article = _get_article_for_editing(request, pk)
    if not can_revise_article(request.user, article):
        raise PermissionDenied(_("แก้ไขได้เฉพาะบทความที่เผยแพร่แล้วของตนเอง"))
    try:
        revision = article_start_revision(article=article, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("articles:my-detail", pk=article.pk)
    return redirect("articles:my-edit", pk=revision.pk)


@officer_required
@require_POST
def article_discard_view(request, pk: int):
    article = _get_article_for_editing(request, pk)
    if not can_discard_article(request.user, article):
        raise PermissionDenied(_("ลบได้เฉพาะฉบับร่างที่ยังไม่เคยส่งตรวจ"))
    live_id = article.revision_of_id
    try:
        article_discard(article=article, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("articles:my-detail", pk=article.pk)
    if live_id:
        messages.success(request, _("ยกเลิกฉบับแก้ไขแล้ว บทความที่เผยแพร่อยู่ไม่เปลี่ยนแปลง"))
        return redirect("articles:my-detail", pk=live_id)
    messages.success(request, _("ลบฉบับร่างแล้ว"))
    return redirect("articles:my-list")
