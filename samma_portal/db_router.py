"""Reads of anonymous public pages go to the read replica, everything else to the primary.

With DATABASE_REPLICA_URL set, settings add a "replica" database and this router.
Only what runs inside ``public_reads()`` reads from the replica: the public page
cache middleware wraps anonymous GETs of public pages in it (articles/page_cache.py).
Signed-in people, the admin, every form and every write stay on "default", and a
request that writes anything reads its own writes from "default" from then on.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"

_public_read = ContextVar("public_read", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def public_reads() -> Iterator[None]:
    """Reads inside this block may come from the replica, if one is configured."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


class PublicReadReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        # Whatever this request reads after a write must see it: the replica may lag.
        _public_read.set(False)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the same database.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary; it is never migrated itself.
        return db != REPLICA
