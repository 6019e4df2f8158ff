"""Media files and database transactions: no orphaned files from a change that did not commit.

A photo is written to MEDIA_ROOT before the row that points at it is saved, and
a file write is not part of the database transaction: when the transaction
rolls back, the rows disappear and the files stay. Two tools close that gap:

- ``atomic_with_files()`` is ``transaction.atomic()`` that also remembers the
  files stored inside it and deletes them when its changes do not commit;
- ``audit_media()`` lists the files under MEDIA_ROOT that no FileField or
  ImageField of any row names, for ``cleanup_media``: the safety net for
  whatever a crash (or a plain ``transaction.atomic()`` around the block) still
  leaves behind.

Using atomic_with_files in a service::

    with atomic_with_files() as stored:
        image = ArticleImage(article=article, caption=caption, position=position)
        stored.save(image.image, clean.content.name, clean.content)
        try:
            make_display_sizes(image)
        finally:
            stored.add(image.large, image.thumbnail)
        image.save()

A service can also be decorated with ``@atomic_with_files()`` instead of
``@transaction.atomic``, its helpers calling ``record_stored_files(image.image,
image.large, image.thumbnail)`` straight after writing (in a ``finally``, so a
failure between two writes still records the first).

Only names of files written inside the block belong in it: a file the block
merely links to (a revision sharing its live article's photos, an export
re-linking files already on disk) must never be recorded, or a rollback would
delete a file other rows still use.
"""

from __future__ import annotations

import contextvars
import logging
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Q

logger = logging.getLogger(__name__)

# restore_portal extracts media into a folder of this name inside MEDIA_ROOT before moving
# the files into place; what is in it belongs to a restore, not to cleanup_media.
RESTORE_STAGING_PREFIX = ".samma-restore-"

# The atomic_with_files() blocks open in this thread or task, innermost last.
_open_blocks: contextvars.ContextVar[tuple[StoredFiles, ...]] = contextvars.ContextVar(
    "samma_open_file_blocks", default=()
)


class StoredFiles:
    """The files written inside one atomic_with_files() block, to delete if it does not commit."""

    def __init__(self, *, storage: Storage, using: str) -> None:
        self.storage = storage
        self.using = using
        self.names: list[str] = []

    def add(self, *files) -> None:
        """Record files already written: storage names or FieldFiles (empty ones are ignored)."""
        for item in files:
            name = getattr(item, "name", item)
            if name and name not in self.names:
                self.names.append(name)

    def save(self, field_file, name: str, content) -> str:
        """``field_file.save(name, content, save=False)``, recording the name it was stored under."""
        field_file.save(name, content, save=False)
        self.add(field_file.name)
        return field_file.name

    def delete_all(self) -> None:
        """Remove every recorded file; a file that cannot be removed is logged for cleanup_media."""
        for name in self.names:
            try:
                self.storage.delete(name)
            except OSError:
                logger.exception("Could not remove %s after a rollback; cleanup_media will", name)
        self.names = []


@contextmanager
def atomic_with_files(using: str | None = None, storage: Storage | None = None) -> Iterator[StoredFiles]:
    """``transaction.atomic()`` that deletes the files recorded inside it unless its changes commit.

    - The block raises: its changes are rolled back and its files deleted.
    - The block is the outermost transaction and ends normally: committed, files kept.
    - The block is nested in another atomic_with_files() block: its files are
      handed to that block, which deletes them if it is rolled back in turn.
    - The block is nested in a plain ``transaction.atomic()`` that later rolls
      back: Django gives no hook for that, so the files stay until
      ``cleanup_media`` removes them as orphans. Make the outermost block of a
      unit of work that writes files an atomic_with_files() block.
    """
    using = using or DEFAULT_DB_ALIAS
    stored = StoredFiles(storage=storage or default_storage, using=using)
    token = _open_blocks.set(_open_blocks.get() + (stored,))
    try:
        with transaction.atomic(using=using):
            yield stored
    except BaseException:
        _open_blocks.reset(token)
        # The savepoint or transaction is already rolled back: no row names these files any more.
        stored.delete_all()
        raise
    _open_blocks.reset(token)
    if not connections[using].in_atomic_block:
        return  # committed
    enclosing = [block for block in _open_blocks.get() if block.using == using]
    if enclosing:
        enclosing[-1].add(*stored.names)


def record_stored_files(*files, using: str | None = None) -> bool:
    """Record files in the innermost open atomic_with_files() block; False when none is open.

    For helpers deep inside a service (``_store_image``) that should not need
    the block's StoredFiles passed down to them.
    """
    using = using or DEFAULT_DB_ALIAS
    open_blocks = [block for block in _open_blocks.get() if block.using == using]
    if not open_blocks:
        return False
    open_blocks[-1].add(*files)
    return True


# --- Files no row refers to -------------------------------------------------------


@dataclass(frozen=True)
class MediaFile:
    """A regular file under MEDIA_ROOT."""

    name: str  # storage name: the path relative to MEDIA_ROOT, with forward slashes
    path: Path
    size: int
    modified: float  # seconds since the epoch


def file_fields() -> list[tuple[type[models.Model], list[models.FileField]]]:
    """Every concrete model with FileFields (ImageFields included), with those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue  # its rows are its concrete model's rows
        fields = [field for field in model._meta.local_concrete_fields if isinstance(field, models.FileField)]
        if fields:
            found.append((model, fields))
    return found


def referenced_media_names(using: str | None = None) -> set[str]:
    """The storage names every row of every model's file fields refers to."""
    names: set[str] = set()
    for model, fields in file_fields():
        rows = model._base_manager.using(using or DEFAULT_DB_ALIAS).values_list(*[f.attname for f in fields])
        for values in rows.iterator(chunk_size=2000):
            names.update(value for value in values if value)
    return names


def still_referenced(names: Iterable[str], using: str | None = None) -> set[str]:
    """Which of these names some row refers to now (a last check just before deleting)."""
    wanted = sorted(set(names))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        for model, fields in file_fields():
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field.attname}__in": batch})
            rows = model._base_manager.using(using or DEFAULT_DB_ALIAS).filter(condition)
            for values in rows.values_list(*[f.attname for f in fields]):
                found.update(value for value in values if value in batch)
    return found


MEDIA_NOT_ON_DISK = (
    "ไฟล์สื่อเก็บในที่เก็บวัตถุ (MEDIA_STORAGE=s3) ไม่ได้อยู่ใน MEDIA_ROOT แต่คำสั่งนี้ทำงานกับไฟล์ใน MEDIA_ROOT เท่านั้น "
    "ให้สำรองฐานข้อมูลด้วย pg_dump และเปิดการเก็บหลายรุ่น (versioning) ของ bucket สำหรับไฟล์สื่อ"
)


def media_on_local_disk() -> bool:
    """Uploads are files under MEDIA_ROOT, what backups, restores and cleanup_media read and write.

    With MEDIA_STORAGE=s3 they are objects in a bucket, which those commands do not reach.
    """
    from django.core.files.storage import FileSystemStorage

    return isinstance(default_storage, FileSystemStorage)


def find_media_files(root: Path | str | None = None) -> list[MediaFile]:
    """Regular files under MEDIA_ROOT, sorted by name; symbolic links are neither listed nor followed."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    files = []
    for folder, subfolders, names in os.walk(root, followlinks=False):
        subfolders.sort()
        for name in names:
            path = Path(folder) / name
            try:
                status = path.lstat()
            except FileNotFoundError:
                continue  # removed while we walked
            if not path.is_symlink() and path.is_file():
                files.append(
                    MediaFile(
                        name=path.relative_to(root).as_posix(),
                        path=path,
                        size=status.st_size,
                        modified=status.st_mtime,
                    )
                )
    return sorted(files, key=lambda file: file.name)


@dataclass
class MediaAudit:
    """What cleanup_media found under MEDIA_ROOT."""

    orphans: list[MediaFile]  # unreferenced and older than the grace period
    young_orphans: list[MediaFile]  # unreferenced but maybe an upload whose row is not committed yet
    referenced_count: int
    missing: list[str]  # names rows refer to that are not on disk
    restore_folders: list[str]  # staging folders of a running (or interrupted) restore_portal


def audit_media(*, min_age_seconds: float, root: Path | str | None = None, now: float | None = None) -> MediaAudit:
    """Sort the files under MEDIA_ROOT into referenced files, orphans and young orphans.

    The files are listed before the rows are read, so a row committed while
    the files were being listed still protects its file.
    """
    files, restore_folders = [], set()
    for file in find_media_files(root):
        if file.name.startswith(RESTORE_STAGING_PREFIX):
            # Extracted files keep the backup's old times: age says nothing about them.
            restore_folders.add(file.name.split("/", 1)[0])
        else:
            files.append(file)
    referenced = referenced_media_names()
    now = time.time() if now is None else now
    orphans, young = [], []
    for file in files:
        if file.name in referenced:
            continue
        (young if now - file.modified < min_age_seconds else orphans).append(file)
    on_disk = {file.name for file in files}
    return MediaAudit(
        orphans=orphans,
        young_orphans=young,
        referenced_count=len(files) - len(orphans) - len(young),
        missing=sorted(referenced - on_disk),
        restore_folders=sorted(restore_folders),
    )


def remove_media_files(files: list[MediaFile], root: Path | str | None = None) -> list[MediaFile]:
    """Delete these files unless a row started referring to them meanwhile; the files removed.

    Emptied folders stay: an upload may be about to write into one.
    """
    root = Path(root or settings.MEDIA_ROOT).resolve()
    keep = still_referenced(file.name for file in files)
    removed = []
    for file in files:
        if file.name in keep:
            continue
        path = file.path
        # Never act outside MEDIA_ROOT, whatever a name looks like.
        if root not in path.resolve().parents or path.is_symlink():
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(file)
    return removed
