"""With the default local-memory page cache every gunicorn worker keeps its own pages, so a
change made through one worker must still reach pages cached by another: the generations
live in a store all processes on the server share (articles/page_cache.py)."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import PROJECT_ROOT


def _change_in_another_process():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samma_portal.settings_test"}
    code = "from articles.page_cache import content_changed; content_changed(province_slugs=['lampang'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


def _queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_generations_are_shared_between_processes_when_pages_are_per_process(client, lampang):
    assert settings.CACHES[settings.PAGE_CACHE_ALIAS]["BACKEND"].endswith("LocMemCache")
    assert settings.CACHES[settings.PAGE_CACHE_GENERATION_ALIAS]["BACKEND"].endswith("FileBasedCache")
    _queries_for(client, "/lampang/")
    assert _queries_for(client, "/lampang/") == 0, "served from this process's cache"

    _change_in_another_process()

    assert _queries_for(client, "/lampang/") > 0, "a change made elsewhere is seen here"
    assert _queries_for(client, "/lampang/") == 0
    assert caches[settings.PAGE_CACHE_GENERATION_ALIAS].get("generation:province:lampang") is not None
