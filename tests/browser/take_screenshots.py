"""Write the README's screenshots of the public pages into docs/screenshots/.

    .venv/bin/python -m tests.browser.take_screenshots [--output DIR]

Serves the portal as `make run` does (DJANGO_DEBUG=1, migrate, load_demo), but from a
throwaway SQLite database and media folder, then photographs the national page, the
Lampang province page and a Lampang article with photos, full-page, 1280 px and 375 px
wide, with Debian's Chromium. Writes national-1280.png, national-375.png,
province-1280.png, province-375.png, article-1280.png and article-375.png.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, SETTLE_SCRIPT, browser_context_options

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WIDTHS = [1280, 375]
PROVINCE_SLUG = "lampang"
FIND_ARTICLE = (
    "from articles.models import Article;"
    "article = Article.objects.published().filter(province__slug='%s', images__isnull=False)"
    ".distinct().order_by('pk').first();"
    "print(article.get_absolute_url() if article else '')" % PROVINCE_SLUG
)


def manage(env: dict, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the development server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"the development server did not answer at {url}:\n{log.read_text()}")


def photograph(base_url: str, pages: dict[str, str], output: Path) -> list[Path]:
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for width in WIDTHS:
            context = browser.new_context(**browser_context_options(width))
            page = context.new_page()
            for name, path in pages.items():
                response = page.goto(base_url + path, wait_until="load")
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response.status if response else 'nothing'}")
                page.evaluate(SETTLE_SCRIPT)
                target = output / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            context.close()
        browser.close()
    return written


def prepare_demo_portal(scratch: str, **settings: str) -> dict:
    """The environment of a demo portal (as `make run` has it) in a throwaway folder, migrated and filled."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="samma_portal.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{scratch}/portal.sqlite3",
        MEDIA_ROOT=f"{scratch}/media",
        **settings,
    )
    print("Preparing a demo portal in", scratch)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_demo", "--verbosity", "0")
    return env


@contextmanager
def serving(env: dict, scratch: str) -> Iterator[str]:
    """The development server on a free loopback port for the block; yields its base URL."""
    port = free_port()
    log = Path(scratch) / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_serving(base_url + "/", server, log)
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=10)


def output_folder(description: str) -> Path:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    output = parser.parse_args().output
    output.mkdir(parents=True, exist_ok=True)
    return output


def report(written: list[Path]) -> None:
    for path in written:
        print("wrote", path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)


def main() -> None:
    output = output_folder(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="samma-screenshots-") as scratch:
        env = prepare_demo_portal(scratch)
        found = manage(env, "shell", "--verbosity", "0", "--command", FIND_ARTICLE).split()
        article_path = found[-1] if found else ""
        if not article_path:
            raise SystemExit(f"the demo content has no {PROVINCE_SLUG} article with photos")
        pages = {"national": "/", "province": f"/{PROVINCE_SLUG}/", "article": article_path}
        with serving(env, scratch) as base_url:
            written = photograph(base_url, pages, output)
    report(written)


if __name__ == "__main__":
    main()
