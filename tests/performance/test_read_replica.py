"""Anonymous public pages read from the replica; writes, signed-in people and the admin use
the primary (samma_portal/db_router.py).

The replica here is a second connection to the test database, as a replica set by
DATABASE_REPLICA_URL is a second server with the same data. Data must be committed for
the second connection to see it, so these tests are transactional.
"""

import pytest
from django.db import connections
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from samma_portal.db_router import public_reads
from tests.articles.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The "replica" alias settings make from DATABASE_REPLICA_URL, here on the test database.

    Module-wide, so that it exists before each test's database access is checked.
    """
    default = connections["default"].settings_dict
    connections.settings["replica"] = {**default, "TEST": {**default["TEST"], "MIRROR": "default"}}
    yield
    connections["replica"].close()
    del connections.settings["replica"]
    if hasattr(connections._connections, "replica"):
        delattr(connections._connections, "replica")


@pytest.fixture
def replica(settings):
    """The router, as settings add it with DATABASE_REPLICA_URL."""
    settings.DATABASE_ROUTERS = ["samma_portal.db_router.PublicReadReplicaRouter"]
    # With a replica, pages rendered just after a change are not cached; here that is every page.
    settings.DATABASE_REPLICA_LAG_SECONDS = 0
    return connections["replica"]


def queries_by_database(client: Client, path: str) -> tuple[int, int, int]:
    """(status, queries on default, queries on the replica) of one request."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as copy:
        response = client.get(path)
    return response.status_code, len(primary), len(copy)


def test_anonymous_public_pages_read_only_from_the_replica(replica, lampang):
    article = make_article(lampang, title="บทความอ่านจากสำเนา", photos=1)
    reader = Client()
    for path in ("/", "/lampang/", "/lampang/articles/", article.get_absolute_url(), "/search/?q=สำเนา", "/feed/"):
        status, on_default, on_replica = queries_by_database(reader, path)
        assert status == 200, path
        assert on_replica > 0 and on_default == 0, (path, on_default, on_replica)


def test_signed_in_people_and_the_admin_use_the_primary(replica, lampang, moderator):
    article = make_article(lampang, title="บทความของผู้ตรวจ")
    signed_in = Client()
    signed_in.force_login(moderator)
    for path in ("/lampang/", article.get_absolute_url(), reverse("admin:articles_article_changelist")):
        status, on_default, on_replica = queries_by_database(signed_in, path)
        assert status == 200, path
        assert on_default > 0 and on_replica == 0, (path, on_default, on_replica)


def test_writes_go_to_the_primary_and_later_reads_of_that_request_too(replica, lampang):
    article = make_article(lampang)
    with public_reads():
        assert Article.objects.all().db == "replica"
        with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as copy:
            Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
        assert len(primary) == 1 and len(copy) == 0
        # The replica may not have the write yet: the rest of the request reads the primary.
        assert Article.objects.all().db == "default"
    assert Article.objects.all().db == "default"


def test_view_counts_written_during_a_public_page_go_to_the_primary(replica, lampang, settings):
    settings.VIEW_COUNT_FLUSH_VIEWS = 1
    article = make_article(lampang)
    with CaptureQueriesContext(connections["default"]) as primary:
        assert Client().get(article.get_absolute_url()).status_code == 200
    assert [q["sql"] for q in primary.captured_queries if "UPDATE" in q["sql"].upper()]
    article.refresh_from_db()
    assert article.view_count == 1
