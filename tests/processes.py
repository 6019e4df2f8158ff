"""Start Django in a separate process with a chosen environment, to test what settings make of it."""

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

# Every environment variable the portal's settings read starts with one of these.
PORTAL_SETTING_PREFIXES = ("DJANGO_", "DATABASE_", "AWS_", "REDIS_URL", "MEDIA_STORAGE", "PAGE_CACHE_")


def portal_environment(**settings: str) -> dict:
    """This process's environment without any of the portal's settings, plus the given ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(PORTAL_SETTING_PREFIXES)}
    env.update(settings)
    return env


def run_python(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def run_manage(*args: str, **settings: str) -> subprocess.CompletedProcess:
    """``manage.py`` with only the given settings in the environment."""
    return run_python(["manage.py", *args], portal_environment(**settings))
