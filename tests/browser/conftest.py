"""Real-browser fixtures: one Chromium for the whole run, a fresh browser context per test.

- ``browser``: Debian's Chromium (/usr/bin/chromium) driven by Playwright, launched once.
  Playwright never downloads a browser here; a machine without Chromium fails the run.
- ``page``: a tab in a new context, ``viewport_width`` (default 1280) and
  ``javascript_enabled`` (default True) wide/enabled; parametrize those names to change
  them. Console errors and uncaught script errors land in ``page.console_errors``
  (the same list as the ``console_errors`` fixture).
- ``new_page(width, javascript_enabled=True)``: more tabs, each in its own context,
  for tests that compare widths.
- ``live_server`` is pytest-django's. It answers from another thread, so data must be
  committed: these tests run on ``transactional_db`` with serialized rollback.
- ``published_portal``: the seed documents imported and published, one with photos.
- ``screenshot(page, name)``: a full-page PNG in test-artifacts/screenshots/.
"""

import os

import pytest
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, browser_context_options
from tests.browser.support import SCREENSHOTS_DIR, PublishedPortal, publish_seed_articles, save_screenshot

DEFAULT_TIMEOUT_MS = 10_000
_saved_screenshots: list = []


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once for the session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's "
            "'chromium' package (apt-get install chromium, or run .ci/run / make system-deps as root).",
            pytrace=False,
        )
    # Playwright's synchronous API keeps an asyncio loop marked as running in this
    # thread. Django then (1) refuses ORM calls, and (2) looks database connections
    # up in per-task storage, i.e. fresh connection objects that know nothing of the
    # test database set-up (serialized rollback, shared in-memory SQLite). The tests
    # are plain synchronous code, so the guard is lifted while Playwright is up and
    # the existing connections are handed over to that storage.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    existing_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in existing_connections.items():
        connections[alias] = connection
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}", pytrace=False)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _reference_data_restored(django_db_serialized_rollback):
    """A transactional test ends by emptying the database; serialized rollback puts back
    what migrations loaded (provinces, districts, categories) before each browser test."""


def _watched(tab, errors: list[str]):
    """Record the tab's console errors and uncaught script errors in ``errors``."""

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            errors.append(
                f"console error: {message.text} (at {location.get('url', '?')}:{location.get('lineNumber', '?')})"
            )

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    tab.console_errors = errors
    return tab


def _new_context(browser, width: int, javascript_enabled: bool):
    context = browser.new_context(**browser_context_options(width, java_script_enabled=javascript_enabled))
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def viewport_width() -> int:
    """Window width in CSS pixels; parametrize ``viewport_width`` to test other widths."""
    return 1280


@pytest.fixture
def javascript_enabled() -> bool:
    """Parametrize ``javascript_enabled`` with False to browse as a script-less client."""
    return True


@pytest.fixture
def browser_context(browser, viewport_width, javascript_enabled):
    """A fresh, isolated browser profile (cookies, storage) for one test."""
    context = _new_context(browser, viewport_width, javascript_enabled)
    yield context
    context.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught script errors seen by ``page`` during the test."""
    return []


@pytest.fixture
def page(browser_context, console_errors):
    """A new tab that records console and script errors in ``page.console_errors``."""
    tab = _watched(browser_context.new_page(), console_errors)
    yield tab
    tab.close()


@pytest.fixture
def new_page(browser):
    """Open tabs of any width, each in its own fresh context: ``new_page(375)``."""
    contexts = []

    def open_tab(width: int = 1280, *, javascript_enabled: bool = True):
        context = _new_context(browser, width, javascript_enabled)
        contexts.append(context)
        return _watched(context.new_page(), [])

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def published_portal(transactional_db, seeds_dir) -> PublishedPortal:
    """The seed documents imported and published, committed so the live server sees them,
    with two real photos on the Lampang article so its page has a gallery."""
    return publish_seed_articles(seeds_dir)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png and return its path."""

    def take(page, name: str):
        path = save_screenshot(page, name)
        _saved_screenshots.append(path)
        print(f"screenshot: {path}")
        return path

    return take


def pytest_terminal_summary(terminalreporter):
    if _saved_screenshots:
        terminalreporter.write_line(f"Browser screenshots ({len(_saved_screenshots)}) saved in {SCREENSHOTS_DIR}")
