"""Who may do what with one article: the object-level checks views, admin and services share.

Built on the portal's role helpers in accounts.permissions. An article's
province decides who moderates it; its author account decides who writes it.
"""

from accounts.permissions import can_moderate_province, is_administrator, profile_of
from articles.models import Article


def is_author(user, article: Article) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and article.author_id is not None
        and article.author_id == user.pk
    )


def can_write_articles(user) -> bool:
    """An active officer (or moderator) who belongs to a province: new articles are filed there."""
    profile = profile_of(user)
    return bool(profile is not None and user.is_active and profile.province_id)


def can_edit_article(user, article: Article) -> bool:
    """The author, while the article is a draft or was returned for changes.

    A published article is changed through a revision (see can_revise_article).
    """
    return is_author(user, article) and article.is_editable_by_author


def can_revise_article(user, article: Article) -> bool:
    """The author of a published article may start (or continue) a revision of it."""
    return (
        is_author(user, article)
        and not article.is_revision
        and article.status == Article.Status.PUBLISHED
    )


def can_view_article_privately(user, article: Article) -> bool:
    """Whether the person may see the article unpublished: its author, and its moderators once submitted.

    A draft that was never sent for review is the author's own work in progress.
    """
    if is_author(user, article):
        return True
    return article.status != Article.Status.DRAFT and can_moderate_article(user, article)


def can_moderate_article(user, article: Article) -> bool:
    """Moderators of the article's province and national administrators."""
    return can_moderate_province(user, article.province_id)


def can_delete_article(user, article: Article) -> bool:
    """Deleting is for administrators; moderators archive, authors discard their drafts."""
    return is_administrator(user)


def can_discard_article(user, article: Article) -> bool:
    """An author may throw away a draft nobody has reviewed yet, or their open revision."""
    if not is_author(user, article):
        return False
    if article.is_revision:
        return article.status in Article.EDITABLE_STATUSES
    return article.status == Article.Status.DRAFT and article.published_at is None
