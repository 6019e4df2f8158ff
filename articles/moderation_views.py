"""The province moderators' side: the review queue and the decisions on each article."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import moderated_provinces, moderator_required
from articles.authoring_views import _history, public_article_context, site_url
from articles.forms import MODERATION_ACTIONS, DecisionForm, QueueFilterForm
from articles.models import Article, ArticleImage, Section
from articles.permissions import can_moderate_article, can_view_article_privately
from articles.revision_diff import revision_diff
from articles.services import (
    ArticleConflictError,
    article_archive,
    article_publish,
    article_reject,
    article_return_to_author,
)

QUEUE_PAGE_SIZE = 25

# What a moderator may decide on an article in each status.
ACTIONS_BY_STATUS = {
    Article.Status.SUBMITTED: ("publish", "return", "reject"),
    Article.Status.PUBLISHED: ("archive",),
    Article.Status.ARCHIVED: ("publish",),
}
NOTE_REQUIRED = {"return", "reject", "archive"}


def _get_article_for_moderation(request, pk: int) -> Article:
    """The article if the person moderates its province and it was submitted; 404 for everyone else."""
    article = (
        Article.objects.select_related("category", "province", "district", "author__profile", "revision_of")
        .filter(pk=pk)
        .first()
    )
    if article is None or not (
        can_moderate_article(request.user, article) and can_view_article_privately(request.user, article)
    ):
        raise Http404(_("ไม่พบบทความนี้ในจังหวัดที่คุณดูแล"))
    return article


def waiting_label(since, now) -> str:
    """How long a submission has waited, in the words a Thai office uses: hours, then days."""
    if since is None:
        return ""
    seconds = max(0, (now - since).total_seconds())
    if seconds < 3600:
        return _("ไม่ถึง 1 ชั่วโมง")
    if seconds < 86400:
        hours = int(seconds // 3600)
        return ngettext("%(n)d ชั่วโมง", "%(n)d ชั่วโมง", hours) % {"n": hours}
    days = int(seconds // 86400)
    return ngettext("%(n)d วัน", "%(n)d วัน", days) % {"n": days}


def _tab_query(params, **changes) -> str:
    query = {key: value for key, value in params.items() if value and key != "page"}
    query.update(changes)
    return urlencode(query)


@moderator_required
def queue(request):
    """Submitted articles and revisions of the moderator's provinces, oldest first, with filters."""
    provinces = moderated_provinces(request.user)
    form = QueueFilterForm(request.GET, provinces=provinces)
    in_scope = Article.objects.filter(province__in=provinces)
    status = Article.Status.SUBMITTED
    if form.is_valid() and form.cleaned_data.get("status"):
        status = form.cleaned_data["status"]
    articles = form.filtered(in_scope).select_related("category", "province", "district", "revision_of")
    if status == Article.Status.SUBMITTED:
        articles = articles.order_by("submitted_at", "id")
    else:
        articles = articles.order_by("-updated_at", "-id")
    page = Paginator(articles, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for article in page.object_list:
        article.waiting = waiting_label(article.submitted_at, now)
    counts = dict(in_scope.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    params = request.GET.dict()
    tabs = [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "query": _tab_query(params, status=value),
            "current": value == status,
        }
        for value, label in QueueFilterForm.STATUS_CHOICES
    ]
    return render(
        request,
        "articles/moderation/queue.html",
        {
            "form": form,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "articles": page.object_list,
            "status": status,
            "status_label": Article.Status(status).label,
            "tabs": tabs,
            "page_query": _tab_query(params),
            "province_names": [province.name_th for province in provinces[:3]],
            "province_count": provinces.count(),
            "is_filtered": any(params.get(name) for name in ("kind", "province", "district", "category", "q")),
        },
    )


def _render_review(request, article: Article, forms: dict | None = None, status: int = 200):
    context = public_article_context(request, article)
    actions = ACTIONS_BY_STATUS.get(article.status, ())
    if article.is_revision and article.status != Article.Status.SUBMITTED:
        actions = ()
    forms = forms or {}
    decision_forms = [
        (
            action,
            forms.get(action) or DecisionForm(initial={"version": article.version}, prefix=action),
        )
        for action in actions
    ]
    live = None
    diff = None
    if article.is_revision:
        both = {
            item.pk: item
            for item in Article.objects.filter(pk__in=[article.pk, article.revision_of_id])
            .select_related("category", "district")
            .prefetch_related(
                Prefetch("sections", queryset=Section.objects.order_by("position")),
                Prefetch("images", queryset=ArticleImage.objects.order_by("position", "id")),
            )
        }
        live = both[article.revision_of_id]
        diff = revision_diff(both[article.pk], live)
    pending_revision = None
    if not article.is_revision:
        pending_revision = article.revisions.open_revisions().filter(status=Article.Status.SUBMITTED).first()
    context.update(
        review_article=article,
        live_article=live,
        diff=diff,
        history=_history(article),
        decision_forms=decision_forms,
        note_required=NOTE_REQUIRED,
        pending_revision=pending_revision,
    )
    return render(request, "articles/moderation/review.html", context, status=status)


@moderator_required
def review(request, pk: int):
    """The article as it will be published, its diff against the live version, and the decisions."""
    article = _get_article_for_moderation(request, pk)
    return _render_review(request, article)


SUCCESS_MESSAGES = {
    "publish": gettext_noop("เผยแพร่ “%(title)s” แล้ว และแจ้งผู้เขียนทางอีเมลแล้ว"),
    "return": gettext_noop("ส่งกลับ “%(title)s” ให้ผู้เขียนแก้ไขแล้ว และแจ้งผู้เขียนทางอีเมลแล้ว"),
    "reject": gettext_noop("ไม่อนุมัติ “%(title)s” แล้ว และแจ้งเหตุผลให้ผู้เขียนทางอีเมลแล้ว"),
    "archive": gettext_noop("นำ “%(title)s” ออกจากการเผยแพร่แล้ว และแจ้งผู้เขียนทางอีเมลแล้ว"),
}


@moderator_required
@require_POST
def decide(request, pk: int, action: str):
    """Publish, return (with a note), reject (with a reason) or archive (with a reason)."""
    if action not in MODERATION_ACTIONS:
        raise Http404
    article = _get_article_for_moderation(request, pk)
    form = DecisionForm(request.POST, prefix=action)
    if not form.is_valid():
        return _render_review(request, article, forms={action: form}, status=400)
    note = form.cleaned_data["note"]
    common = {
        "article": article,
        "by": request.user,
        "expected_version": form.cleaned_data["version"],
        "site_url": site_url(request),
    }
    try:
        if action == "publish":
            result = article_publish(note=note, **common)
        elif action == "return":
            result = article_return_to_author(note=note, **common)
        elif action == "reject":
            result = article_reject(reason=note, **common)
        else:
            result = article_archive(reason=note, **common)
    except ArticleConflictError as error:
        current = Article.objects.filter(pk=article.pk).first()
        messages.error(request, " ".join(error.messages))
        if current is None:
            return redirect("moderation:queue")
        return _render_review(request, _get_article_for_moderation(request, pk), status=409)
    except ValidationError as error:
        messages.error(request, _("ยังไม่ได้บันทึกการตัดสินใจ กรุณาดูข้อความที่แบบฟอร์มด้านล่าง"))
        if hasattr(error, "error_dict") and "note" in error.error_dict:
            form.add_error("note", error.error_dict["note"])
        else:
            form.add_error(None, error.messages)
        return _render_review(request, article, forms={action: form}, status=400)
    messages.success(request, _(SUCCESS_MESSAGES[action]) % {"title": result.title})
    return redirect("moderation:queue")
