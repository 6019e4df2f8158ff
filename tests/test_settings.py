"""Settings come from the environment, and refuse unsafe production start-up."""

from django.conf import settings

from tests.processes import run_manage


def _check(env_overrides: dict):
    return run_manage("check", **env_overrides)


def test_debug_off_without_secret_key_refuses_to_start_and_says_what_to_set():
    result = _check({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_off_with_the_development_placeholder_key_refuses_to_start():
    result = _check({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "django-insecure-samma-portal-development-only"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_by_default_and_a_real_key_starts():
    result = _check({"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "portal.example"})
    assert result.returncode == 0, result.stderr


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "th"
    assert settings.TIME_ZONE == "Asia/Bangkok"
