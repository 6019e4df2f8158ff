"""The server-rendered HTML of the public pages passes the W3C Nu HTML checker without errors.

The checker is vnu-jar from npm (pinned in package.json, installed by `make test` with
`npm ci`), run with the machine's Java in one JVM for all pages, since starting Java is slow.
"""

import json
import shutil
import subprocess

import pytest

from tests.browser.support import PROJECT_ROOT, publish_seed_articles

VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def run_nu_checker(files) -> dict:
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is not installed: the HTML check needs Debian's 'default-jre-headless' package.", pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(
            f"The Nu HTML checker is missing at {VNU_JAR}: run `make {VNU_JAR.relative_to(PROJECT_ROOT)}` "
            "(npm ci --ignore-scripts with the pinned package-lock.json).",
            pytrace=False,
        )
    completed = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the Nu checker gave no report (exit {completed.returncode}):\n{completed.stderr}", pytrace=False)


def test_public_pages_have_no_html_errors(client, db, seeds_dir, tmp_path):
    portal = publish_seed_articles(seeds_dir)
    pages = dict(portal.pages)
    # Pages visitors also meet: a search without results and the "not found" page.
    pages["search-no-results"] = "/search/?q=คำที่ไม่มีในบทความใดเลย"
    pages["not-found"] = f"/{portal.province.slug}/articles/999999/"
    files = {}
    for name, path in pages.items():
        response = client.get(path)
        expected_status = 404 if name == "not-found" else 200
        assert response.status_code == expected_status, f"{path} answered {response.status_code}"
        assert response["Content-Type"].startswith("text/html")
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)

    report = run_nu_checker(files.values())

    errors = [message for message in report["messages"] if message["type"] in {"error", "non-document-error"}]
    described = []
    for message in errors:
        # The checker reports files as file:/tmp/…/<page name>.html.
        name = message.get("url", "").rsplit("/", 1)[-1].removesuffix(".html")
        described.append(
            f"{pages.get(name, name)} line {message.get('lastLine', '?')}: {message['message']}\n"
            f"    {message.get('extract', '').strip()}"
        )
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(described)
