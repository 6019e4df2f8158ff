"""Plain-text Thai e-mails about articles: to moderators on submission, to authors on decisions.

Rendered from templates/articles/email/<name>.txt and sent one per recipient,
so moderators never see each other's addresses. Links are absolute: views and
admin actions pass ``site_url`` built with request.build_absolute_uri("/").
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from articles.models import Article
from provinces.models import Role

SUBJECT_PREFIX = "[พอร์ทัลสัมมาชีพชุมชน] "


def _absolute(site_url: str, path: str) -> str:
    return f"{(site_url or '').rstrip('/')}{path}"


def send_article_mail(*, to: list[str], subject: str, template: str, context: dict) -> int:
    """Send one plain-text message per address; returns how many were sent."""
    addresses = sorted({address for address in to if address})
    if not addresses:
        return 0
    body = render_to_string(f"articles/email/{template}.txt", context)
    full_subject = SUBJECT_PREFIX + " ".join(subject.split())
    with get_connection() as connection:
        messages = [
            EmailMessage(
                subject=full_subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                connection=connection,
            )
            for address in addresses
        ]
        return connection.send_messages(messages) or 0


def province_moderator_emails(*, province_id: int) -> list[str]:
    """Who reviews the province's articles: its active moderators, else the administrators.

    A province without a moderator must not leave submissions unseen, so the
    national administrators hear of them instead.
    """
    moderators = User.objects.filter(
        is_active=True, profile__role=Role.MODERATOR, profile__province_id=province_id
    )
    emails = sorted(set(moderators.values_list("email", flat=True)))
    if emails:
        return emails
    administrators = User.objects.filter(is_active=True).filter(
        Q(profile__role=Role.ADMINISTRATOR) | Q(is_superuser=True)
    )
    return sorted(set(administrators.values_list("email", flat=True)))


def _article_context(article: Article, site_url: str) -> dict:
    return {
        "article": article,
        "title": article.title or _("(ยังไม่มีชื่อเรื่อง)"),
        "province_name": article.province.name_th,
        "is_revision": article.is_revision,
        "site_url": _absolute(site_url, "/"),
        "my_article_url": _absolute(site_url, reverse("articles:my-detail", kwargs={"pk": article.pk})),
    }


def mail_submitted_to_moderators(*, article_id: int, site_url: str, resubmitted: bool = False) -> int:
    article = Article.objects.select_related("province", "category", "author").get(pk=article_id)
    context = _article_context(article, site_url)
    context["review_url"] = _absolute(site_url, reverse("moderation:review", kwargs={"pk": article.pk}))
    context["queue_url"] = _absolute(site_url, reverse("moderation:queue"))
    context["resubmitted"] = resubmitted
    if resubmitted:
        subject = _("แก้ไขแล้ว รอตรวจสอบอีกครั้ง: %(title)s (จังหวัด%(province)s)")
    elif article.is_revision:
        subject = _("ฉบับแก้ไขรอตรวจสอบ: %(title)s (จังหวัด%(province)s)")
    else:
        subject = _("บทความใหม่รอตรวจสอบ: %(title)s (จังหวัด%(province)s)")
    return send_article_mail(
        to=province_moderator_emails(province_id=article.province_id),
        subject=subject % {"title": context["title"], "province": article.province.name_th},
        template="submitted_to_moderators",
        context=context,
    )


DECISION_SUBJECTS = {
    Article.Status.PUBLISHED: gettext_noop("บทความของคุณเผยแพร่แล้ว: %(title)s"),
    Article.Status.RETURNED: gettext_noop("บทความของคุณถูกส่งกลับแก้ไข: %(title)s"),
    Article.Status.REJECTED: gettext_noop("บทความของคุณไม่ได้รับการอนุมัติ: %(title)s"),
    Article.Status.ARCHIVED: gettext_noop("บทความของคุณถูกนำออกจากการเผยแพร่: %(title)s"),
}


def mail_decision_to_author(
    *,
    author_email: str,
    article_id: int,
    title: str,
    decision: str,
    note: str,
    decided_by_name: str,
    is_revision: bool,
    site_url: str,
) -> int:
    """Tell the author what a moderator decided; the article may be a merged, deleted revision."""
    article = Article.objects.select_related("province").get(pk=article_id)
    context = _article_context(article, site_url)
    context.update(
        title=title or context["title"],
        decision=decision,
        decision_label=Article.Status(decision).label,
        note=note,
        decided_by_name=decided_by_name,
        is_revision=is_revision,
        public_url=(
            _absolute(site_url, article.get_absolute_url())
            if article.status == Article.Status.PUBLISHED
            else ""
        ),
    )
    return send_article_mail(
        to=[author_email],
        subject=_(DECISION_SUBJECTS[decision]) % {"title": context["title"]},
        template=f"decision_{decision}",
        context=context,
    )
