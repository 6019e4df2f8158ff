"""Article view counts: counted in the cache on every reading, written to the database in batches.

An article page is mostly served from the page cache, where the view does not run,
so both the view and the page cache middleware call ``record_view()``. It is one
atomic ``cache.incr`` per article; nothing is written per reading. ``flush()`` adds
what has been counted to ``Article.view_count`` with one
``UPDATE … SET view_count = view_count + n`` per distinct n, through
``QuerySet.update()``: it sends no signal, so it does not empty the page cache
(a cached page shows the count it was rendered with). A flush runs when
VIEW_COUNT_FLUSH_VIEWS readings are waiting or VIEW_COUNT_FLUSH_SECONDS have
passed since the last one (checked on each reading), and from cron with
``manage.py flush_view_counts``.

Which articles have readings waiting is kept in numbered slots: the reading that
takes an article's count from 0 to 1 writes the article's id into the next slot,
and a flush reads the slots it has not read yet. Counts are taken away with
``decr`` so readings that arrive during a flush are kept for the next one.

The counts live in their own cache (CACHES["view_counts"]): with local memory
each process counts and flushes its own readings (cron has nothing to flush);
with Redis every process shares one count and cron flushes it too.
"""

import logging
import time
from collections import defaultdict

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models import F

from articles.page_cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

LAST_SLOT = "views:last-slot"
READ_THROUGH = "views:read-through"
WAITING_FOR = "views:waiting-for-slot"
BUFFERED = "views:buffered"
LAST_FLUSH = "views:last-flush"
FLUSH_LOCK = "views:flush-lock"
# A flush that dies holds the lock no longer than this.
FLUSH_LOCK_SECONDS = 60


def _cache():
    return caches[settings.VIEW_COUNT_CACHE_ALIAS]


def _count_key(article_id: int) -> str:
    return f"views:article:{article_id}"


def _slot_key(number: int) -> str:
    return f"views:slot:{number}"


def _incr(cache, key: str, delta: int = 1) -> int:
    try:
        return cache.incr(key, delta)
    except ValueError:  # not there yet (or lost): start it
        cache.add(key, 0, timeout=None)
        return cache.incr(key, delta)


def _register(cache, article_id: int) -> None:
    cache.set(_slot_key(_incr(cache, LAST_SLOT)), article_id, timeout=None)


def record_view(article_id: int) -> int:
    """Count one reading of an article; returns how many of its readings are not yet in the database."""
    cache = _cache()
    try:
        waiting = _incr(cache, _count_key(article_id))
        if waiting == 1:
            _register(cache, article_id)
        flush_now = _incr(cache, BUFFERED) >= settings.VIEW_COUNT_FLUSH_VIEWS or _flush_due(cache)
    except CACHE_ERRORS:
        logger.warning("view count cache unreachable; a reading is not counted", exc_info=True)
        return 0
    if flush_now:
        try:
            flush()
        except (DatabaseError, *CACHE_ERRORS):
            # The readings stay counted in the cache for the next flush; the page is served.
            logger.exception("could not write view counts; they stay in the cache for the next flush")
    return waiting


def _flush_due(cache) -> bool:
    last = cache.get(LAST_FLUSH)
    now = time.time()
    if last is None:
        cache.add(LAST_FLUSH, now, timeout=None)
        return False
    return now - last >= settings.VIEW_COUNT_FLUSH_SECONDS


def _readable_through(cache, first: int, last: int, found: dict, *, remember_gap: bool = True) -> int:
    """The last slot a flush may read: a slot is numbered just before its id is written."""
    for number in range(first, last + 1):
        if _slot_key(number) in found:
            continue
        if cache.get(WAITING_FOR) == number:
            # Still empty a whole flush later: whoever numbered it died before writing it.
            continue
        if remember_gap:
            cache.set(WAITING_FOR, number, timeout=None)
        return number - 1
    return last


def _write(counts: dict[int, int]) -> None:
    from articles.models import Article

    by_count: dict[int, list[int]] = defaultdict(list)
    for article_id, count in counts.items():
        by_count[count].append(article_id)
    with transaction.atomic():
        for count, article_ids in sorted(by_count.items()):
            Article.objects.filter(pk__in=article_ids).update(view_count=F("view_count") + count)


def _collect(cache, *, remember_gap: bool = True) -> tuple[int, int, dict[int, int]]:
    """The slots a flush may read now (first, through) and the counts waiting for their articles."""
    first = (cache.get(READ_THROUGH) or 0) + 1
    last = cache.get(LAST_SLOT) or 0
    found = cache.get_many([_slot_key(number) for number in range(first, last + 1)])
    through = _readable_through(cache, first, last, found, remember_gap=remember_gap)
    article_ids = {found[_slot_key(n)] for n in range(first, through + 1) if _slot_key(n) in found}
    waiting = cache.get_many([_count_key(article_id) for article_id in article_ids])
    counts = {
        article_id: waiting[_count_key(article_id)]
        for article_id in article_ids
        if waiting.get(_count_key(article_id), 0) > 0
    }
    return first, through, counts


def waiting_counts() -> dict[int, int]:
    """Counted readings not yet written, by article id (what a flush now would write)."""
    return _collect(_cache(), remember_gap=False)[2]


def flush() -> int:
    """Write the counted readings to the database; returns how many were written.

    Only one flush runs at a time (a lock in the cache); another caller returns 0.
    """
    cache = _cache()
    if not cache.add(FLUSH_LOCK, 1, timeout=FLUSH_LOCK_SECONDS):
        return 0
    try:
        cache.set(LAST_FLUSH, time.time(), timeout=None)
        first, through, counts = _collect(cache)
        if counts:
            _write(counts)
        for article_id, count in counts.items():
            try:
                still_waiting = cache.decr(_count_key(article_id), count)
            except ValueError:
                continue
            if still_waiting > 0:
                # Read during this flush: that reading saw a count above 1 and did not register.
                _register(cache, article_id)
        cache.set(READ_THROUGH, through, timeout=None)
        cache.delete_many([_slot_key(number) for number in range(first, through + 1)])
        # Only a trigger for the next flush: readings counted meanwhile are in their articles' counts.
        cache.set(BUFFERED, 0, timeout=None)
        return sum(counts.values())
    finally:
        cache.delete(FLUSH_LOCK)
