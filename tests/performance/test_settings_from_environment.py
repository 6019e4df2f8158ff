"""Caches, the read replica and media storage are chosen by environment variables
(samma_portal/settings.py). Each case starts Django in its own process; nothing is contacted."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from samma_portal.db_router import public_reads
from tests.processes import portal_environment, run_python

REPORT = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import router
print(json.dumps({
    "storages": settings.STORAGES,
    "serve_media": settings.SERVE_MEDIA,
    "caches": {alias: value["BACKEND"] for alias, value in settings.CACHES.items()},
    "cache_locations": {alias: value.get("LOCATION") for alias, value in settings.CACHES.items()},
    "databases": sorted(settings.DATABASES),
    "replica_test": settings.DATABASES.get("replica", {}).get("TEST"),
    "routers": settings.DATABASE_ROUTERS,
    "media_url": default_storage.url("articles/thumb/abc123.jpg"),
}))
"""


def clean_environment(**environment) -> dict:
    """The portal's settings only as given, with a production key and host unless overridden."""
    return portal_environment(**{"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "portal.example", **environment})


def settings_with(**environment) -> dict:
    env = clean_environment(DJANGO_SETTINGS_MODULE="samma_portal.settings", **environment)
    result = run_python(["-c", REPORT], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_media_on_disk_local_memory_caches_and_one_database():
    found = settings_with()
    assert found["storages"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["serve_media"] is True
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    assert {found["caches"][alias] for alias in ("default", "pages", "view_counts")} == {locmem}
    # Which content changed when is shared by every worker process of the server.
    assert found["caches"]["generations"] == "django.core.cache.backends.filebased.FileBasedCache"
    # Pages, request limits, view counts and generations never evict one another.
    assert len(set(found["cache_locations"].values())) == 4
    assert found["databases"] == ["default"] and found["routers"] == []
    assert found["media_url"] == "/media/articles/thumb/abc123.jpg"


def test_media_storage_s3_keeps_uploads_in_a_private_bucket_with_signed_addresses():
    found = settings_with(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="samma-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.go.th",
        AWS_S3_REGION_NAME="ap-southeast-7",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="example-secret",
    )
    storage = found["storages"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "samma-media"
    assert options["endpoint_url"] == "https://s3.example.go.th"
    assert options["region_name"] == "ap-southeast-7"
    assert options["access_key"] == "AKIAEXAMPLE" and options["secret_key"] == "example-secret"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    # The bucket serves the files, not the portal.
    assert found["serve_media"] is False
    url = found["media_url"]
    assert url.startswith("https://s3.example.go.th/samma-media/articles/thumb/abc123.jpg?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=604800" in url
    # Static files stay with whitenoise.
    assert found["storages"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_s3_behind_a_public_custom_domain_links_without_signatures():
    found = settings_with(
        MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="samma-media", AWS_S3_CUSTOM_DOMAIN="media.samma.example.go.th",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY="example-secret",
    )
    assert found["storages"]["default"]["OPTIONS"]["querystring_auth"] is False
    assert found["media_url"] == "https://media.samma.example.go.th/articles/thumb/abc123.jpg"


def test_an_unknown_media_storage_refuses_to_start():
    env = clean_environment(MEDIA_STORAGE="ftp")
    result = run_python(["manage.py", "check"], env)
    assert result.returncode != 0 and "MEDIA_STORAGE" in result.stderr


def test_redis_url_shares_every_cache_through_redis():
    found = settings_with(REDIS_URL="redis://127.0.0.1:6379/0")
    assert set(found["caches"]) == {"default", "pages", "view_counts", "generations"}
    assert set(found["caches"].values()) == {"django.core.cache.backends.redis.RedisCache"}


def test_a_replica_url_adds_the_replica_and_its_router():
    found = settings_with(
        DATABASE_URL="postgres://samma@primary.example:5432/samma",
        DATABASE_REPLICA_URL="postgres://samma@replica.example:5432/samma",
    )
    assert found["databases"] == ["default", "replica"]
    assert found["replica_test"]["MIRROR"] == "default"
    assert found["routers"] == ["samma_portal.db_router.PublicReadReplicaRouter"]


def test_without_a_replica_the_router_reads_from_default(db, settings):
    settings.DATABASE_ROUTERS = ["samma_portal.db_router.PublicReadReplicaRouter"]
    with public_reads():
        assert Article.objects.all().db == "default"


@pytest.mark.parametrize("command", [["cleanup_media", "--dry-run"], ["backup_portal", "/tmp/unused"], ["restore_portal", "x"]])
def test_commands_that_read_media_root_refuse_when_media_is_in_a_bucket(db, settings, command):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "samma-media", "access_key": "a", "secret_key": "b"},
        },
    }
    with pytest.raises(CommandError, match="MEDIA_STORAGE=s3"):
        call_command(*command)
