"""Whole public pages kept in Django's cache for anonymous readers, and when they go.

Every anonymous reader of a public page gets the same bytes for one host, address,
query string and language, so the rendered page is kept in the cache and served
again without a single query. Rather than tracking which cached pages an edit
touches, every key carries *generations*: one for everything, and one for the
national pages or for the page's province. A change to what the public sees
replaces the generations it affects, the next request computes a new key, misses,
and renders from the database; the old entries are never read again and expire.

Generations are replaced when a model the public pages show is saved or deleted
(the receivers at the end of this module): at once, so that the next request sees
the change, and again when the transaction commits, so that a page another request
rendered from the not yet committed data cannot stay cached under the new
generation. A write to public content through ``QuerySet.update()``, which sends
no signal, must call ``content_changed()`` itself; view counts
(articles/view_counts.py) deliberately do not, or every flush would empty the cache.

Signed-in people (a session cookie), anyone with pending messages, and every
response that sets a cookie, uses a CSRF token or touches the session are never
cached and never served from the cache.
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from samma_portal.db_router import public_reads, replica_configured

try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is in requirements.txt
    RedisError = OSError

logger = logging.getLogger(__name__)

# The cache is a help, not a dependency: when it cannot be reached, pages are rendered
# as if nothing were cached (and view counts of that moment are lost).
CACHE_ERRORS = (OSError, RedisError)
EVERYTHING = "all"
NATIONAL = "national"

# Pages that depend on every province's content (an article page lists related
# articles from other provinces, so it is national too).
NATIONAL_PAGES = frozenset({
    "provinces:index", "articles:search", "articles:feed", "articles:detail", "sitemap", "robots",
})
# Pages of one province's site, named by the province_slug in their address.
PROVINCE_PAGES = frozenset({
    "provinces:home", "provinces:about", "articles:list", "articles:province-feed",
})
# Headers that belong to one response, not to the page: set again on every hit.
_NOT_STORED_HEADERS = frozenset({"vary", "cache-control", "set-cookie", "date", "expires"})

T = TypeVar("T")


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def province_scope(province_slug: str) -> str:
    return f"province:{province_slug}"


def scopes_for(province_slug: str | None) -> tuple[str, str]:
    """The generations a page (or a value derived from content) of this province, or national, depends on."""
    return (EVERYTHING, province_scope(province_slug) if province_slug else NATIONAL)


def _generation_cache():
    """Generations live where every worker process sees them: with local-memory page caches
    (one per gunicorn worker) a change made in one worker must still reach the others."""
    return caches[settings.PAGE_CACHE_GENERATION_ALIAS]


def _generation_key(scope: str) -> str:
    return f"generation:{scope}"


def _new_generation() -> int:
    # The time it was made: unique per change, and tells how recent the change is.
    return time.time_ns()


def generations(scopes: Iterable[str]) -> list[int]:
    """The current generation of each scope, made on first use (or after the cache lost it)."""
    cache = _generation_cache()
    keys = [_generation_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_generation(), timeout=None)
        found.update(cache.get_many(missing))
    return [found.get(key, 0) for key in keys]


def _replace_generations(scopes: tuple[str, ...]) -> None:
    _generation_cache().set_many({_generation_key(scope): _new_generation() for scope in scopes}, timeout=None)


_deferred_scopes: ContextVar[set[str] | None] = ContextVar("page_cache_deferred_scopes", default=None)


@contextmanager
def changes_batched() -> Iterator[None]:
    """Collect the changes made inside the block and replace their generations once, at its end.

    For writes of many rows at once (an import, the sections of one article): the shared
    generations are written a few times per article, not once per row. Nothing is read
    from the cache between the rows, so nothing is lost by waiting for the block's end.
    """
    if _deferred_scopes.get() is not None:  # already batching: the outer block replaces them
        yield
        return
    scopes: set[str] = set()
    token = _deferred_scopes.set(scopes)
    try:
        yield
    finally:
        _deferred_scopes.reset(token)
        if scopes:
            _replace_scopes(tuple(sorted(scopes)))


def content_changed(*, province_slugs: Iterable[str] = (), everything: bool = False, using: str = "default") -> None:
    """Make the cached pages this change affects unreachable, now and once the transaction commits."""
    if everything:
        scopes: tuple[str, ...] = (EVERYTHING,)
    else:
        scopes = (NATIONAL, *(province_scope(slug) for slug in province_slugs if slug))
    batch = _deferred_scopes.get()
    if batch is not None:
        batch.update(scopes)
        return
    _replace_scopes(scopes, using=using)


def _replace_scopes(scopes: tuple[str, ...], using: str = "default") -> None:
    try:
        _replace_generations(scopes)
    except CACHE_ERRORS:
        # Cached pages stay as they were for at most PAGE_CACHE_SECONDS.
        logger.error("page cache unreachable: cached pages not cleared after a change", exc_info=True)
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(partial(_replace_generations, scopes), using=using, robust=True)


def _recently_changed(values: list[int]) -> bool:
    """A replica may not have this change yet: what is read from it now is not kept."""
    if not replica_configured():
        return False
    horizon = time.time_ns() - int(settings.DATABASE_REPLICA_LAG_SECONDS * 1e9)
    return any(value > horizon for value in values)


def _digest(*parts) -> str:
    return hashlib.sha256("\n".join(str(part) for part in parts).encode()).hexdigest()


def cached_for_content(scopes: Iterable[str], name: str, compute: Callable[[], T]) -> T:
    """A value derived from published content (a count, search results), kept until it changes."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    try:
        values = generations(scopes)
        key = "derived:" + _digest(name, *values)
        found = _cache().get(key)
    except CACHE_ERRORS:
        logger.warning("page cache unreachable; computing %s without it", name[:60], exc_info=True)
        return compute()
    if found is not None:
        return found
    value = compute()
    if not _recently_changed(values):
        try:
            _cache().set(key, value, settings.PAGE_CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("page cache unreachable; not keeping %s", name[:60], exc_info=True)
    return value


# --- The middleware ----------------------------------------------------------------------


PROVINCE_SLUG_MAX_LENGTH = 100  # provinces.models.Province.slug


def _page_scopes(request: HttpRequest) -> tuple[str, ...] | None:
    """The generations of a public page an anonymous reader asks for; None for anything else."""
    if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name in NATIONAL_PAGES:
        return scopes_for(None)
    if match.view_name in PROVINCE_PAGES:
        slug = match.kwargs["province_slug"]
        if len(slug) > PROVINCE_SLUG_MAX_LENGTH:
            return None  # no province has such a name: a 404 not worth a generation of its own
        return scopes_for(slug)
    return None


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only a complete page that is the same for every anonymous reader may be kept."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if any(word in response.get("Cache-Control", "") for word in ("private", "no-store", "no-cache")):
        return False
    # A page that used a CSRF token would hand this reader's token to everyone.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and (messages.added_new or len(messages)):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _public(response: HttpResponse) -> HttpResponse:
    # Shared caches may keep it briefly; Vary: Cookie keeps signed-in readers' pages apart.
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_PUBLIC_MAX_AGE)
    patch_vary_headers(response, ("Cookie",))
    return response


def _private(response: HttpResponse) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, max_age=0)
    return response


class PublicPageCacheMiddleware:
    """Serves public pages to anonymous readers from the cache and keeps what it renders.

    At the end of MIDDLEWARE (only django-axes, which acts on logins, comes after):
    every other middleware (security headers, language, request id) runs on cached
    pages as on rendered ones, and what is kept is the view's response alone. Public pages for anonymous readers also read from the replica
    database when one is configured (samma_portal/db_router.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scopes = _page_scopes(request)
        if scopes is None:
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                _private(response)
            return response
        try:
            values = generations(scopes)
            key = "page:" + _digest(
                request.scheme, request.get_host(), request.get_full_path(), translation.get_language(), *values
            )
            entry = _cache().get(key)
        except CACHE_ERRORS:
            logger.warning("page cache unreachable; rendering %s", request.path, exc_info=True)
            with public_reads():
                return self.get_response(request)
        if entry is not None:
            status, headers, content, article_id = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            if article_id is not None:
                from articles.view_counts import record_view

                record_view(article_id)
            return _public(response)
        with public_reads():
            response = self.get_response(request)
        if _storable(request, response):
            if not _recently_changed(values):
                headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED_HEADERS]
                article_id = getattr(request, "viewed_article_id", None)
                entry = (response.status_code, headers, response.content, article_id)
                try:
                    _cache().set(key, entry, settings.PAGE_CACHE_SECONDS)
                except CACHE_ERRORS:
                    logger.warning("page cache unreachable; not keeping %s", request.path, exc_info=True)
            _public(response)
        return response


# --- What changes which pages --------------------------------------------------------------


def _article_province_slug(article, using: str) -> str | None:
    """The province slug of a live article the public has seen (published or archived), else None."""
    if article.revision_of_id is not None or article.published_at is None:
        return None
    province = article._meta.get_field("province")
    if province.is_cached(article):
        return article.province.slug
    from provinces.models import Province

    return Province.objects.using(using).filter(pk=article.province_id).values_list("slug", flat=True).first()


def _article_before_save(sender, instance, raw=False, using="default", **kwargs):
    """Remember the province a public article was in, in case this save moves it."""
    # An article never published (a draft being written) was never on a public page.
    if raw or instance.pk is None or instance.revision_of_id is not None or instance.published_at is None:
        return
    instance._page_cache_previous_slug = (
        sender._base_manager.using(using).filter(pk=instance.pk, published_at__isnull=False)
        .values_list("province__slug", flat=True).first()
    )


def _article_changed(sender, instance, raw=False, using="default", **kwargs):
    if raw:
        content_changed(everything=True, using=using)
        return
    slugs = {_article_province_slug(instance, using), getattr(instance, "_page_cache_previous_slug", None)}
    slugs.discard(None)
    if slugs:
        content_changed(province_slugs=slugs, using=using)


def _article_part_changed(sender, instance, raw=False, using="default", **kwargs):
    """A section or photo: it matters when its article is public."""
    if raw:
        content_changed(everything=True, using=using)
        return
    from articles.models import Article

    if instance._meta.get_field("article").is_cached(instance):
        article = instance.article
    else:
        article = (
            Article._base_manager.using(using)
            .only("id", "province_id", "published_at", "revision_of_id")
            .filter(pk=instance.article_id).first()
        )
    if article is None:
        return
    slug = _article_province_slug(article, using)
    if slug:
        content_changed(province_slugs=[slug], using=using)


def _reference_data_changed(sender, instance, using="default", **kwargs):
    """Provinces (branding), districts and categories appear on every kind of page."""
    content_changed(everything=True, using=using)


def connect_receivers() -> None:
    """Called once from ArticlesConfig.ready()."""
    from django.db.models.signals import post_delete, post_save, pre_save

    from articles.models import Article, ArticleImage, Category, Section
    from provinces.models import District, Province

    pre_save.connect(_article_before_save, sender=Article, dispatch_uid="page_cache_article_before_save")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_article_changed, sender=Article, dispatch_uid=f"page_cache_article_{name}")
        for model in (Section, ArticleImage):
            signal.connect(_article_part_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_{name}")
        for model in (Province, District, Category):
            signal.connect(_reference_data_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_{name}")
