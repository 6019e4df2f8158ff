"""What the browser, accessibility and HTML-validity tests share: demo data, axe, screenshots."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from articles.images import clean_uploaded_image, make_display_sizes
from articles.management.commands.load_demo import demo_picture
from articles.models import Article, ArticleImage
from provinces.models import Province
from tests.browser.chromium import SETTLE_SCRIPT

PROJECT_ROOT = Path(settings.BASE_DIR)
SCREENSHOTS_DIR = PROJECT_ROOT / "test-artifacts" / "screenshots"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what Thai government web guidelines and the issue ask for.
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAMPANG_CODE = 52
SEARCH_TERM = "สัมมาชีพ"
GALLERY_PICTURES = [
    ("ทีมสัมมาชีพชุมชนประชุมวางแผนที่ศาลาหมู่บ้าน", ((196, 222, 240), (96, 128, 72))),
    ("ผลิตภัณฑ์ของครัวเรือนที่ผ่านการฝึกอาชีพ", ((238, 224, 196), (150, 104, 60))),
]


@dataclass(frozen=True)
class PublishedPortal:
    """The seed articles, published, with a Lampang article that has a photo gallery."""

    province: Province
    article: Article
    images: list[ArticleImage]
    search_term: str

    @property
    def pages(self) -> dict[str, str]:
        """The five public pages every check visits, by short name."""
        return {
            "national": "/",
            "province": f"/{self.province.slug}/",
            "article-list": f"/{self.province.slug}/articles/",
            "article": f"/{self.province.slug}/articles/{self.article.pk}/",
            "search": "/search/?" + urlencode({"q": self.search_term}),
        }


@functools.cache
def _picture(palette: tuple, seed: int) -> bytes:
    return demo_picture(palette, seed)


def publish_seed_articles(seeds_dir: Path) -> PublishedPortal:
    """Import the legacy seed documents (published) and give the Lampang one two real photos."""
    call_command("import_km", *map(str, sorted(seeds_dir.glob("*.txt"))), verbosity=0)
    province = Province.objects.get(code=LAMPANG_CODE)
    article = Article.objects.published().for_province(province).order_by("pk").first()
    assert article is not None, "the seed documents no longer include a Lampang article"
    images = []
    for position, (caption, palette) in enumerate(GALLERY_PICTURES, start=1):
        upload = SimpleUploadedFile("photo.jpg", _picture(palette, position), "image/jpeg")
        clean = clean_uploaded_image(upload)
        image = ArticleImage(article=article, caption=caption, position=position)
        image.image.save(clean.content.name, clean.content, save=False)
        make_display_sizes(image)
        image.save()
        images.append(image)
    return PublishedPortal(province=province, article=article, images=images, search_term=SEARCH_TERM)


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def run_axe(page) -> list[dict]:
    """Run axe-core's WCAG 2.1 A/AA rules on the page and return the violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so a strict Content-Security-Policy
        # on the page cannot block the injection.
        page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((violation) => ({
                id: violation.id,
                impact: violation.impact,
                help: violation.help,
                helpUrl: violation.helpUrl,
                nodes: violation.nodes.map((node) => ({
                    target: node.target.join(" "),
                    html: node.html,
                    summary: node.failureSummary,
                })),
            }));
        }""",
        WCAG_21_AA_TAGS,
    )


def describe_violations(violations: list[dict]) -> str:
    """axe's findings as a readable list: rule, impact, what to fix, and each element."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:200]}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"        {detail}")
    return "\n".join(lines)


def settle(page) -> None:
    """Wait until web fonts and every image (lazy ones included) have loaded, then scroll back up."""
    page.evaluate(SETTLE_SCRIPT)


def horizontal_overflow(page) -> dict:
    """How wide the document is against the window, and the elements that stick out past it."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const offenders = [];
            for (const element of document.body.querySelectorAll("*")) {
                const box = element.getBoundingClientRect();
                if (box.width > 0 && box.right > width + 1) {
                    const name = element.tagName.toLowerCase()
                        + (element.id ? "#" + element.id : "")
                        + (element.classList.length ? "." + [...element.classList].join(".") : "");
                    offenders.push(`${name} (right edge ${Math.round(box.right)} px)`);
                }
            }
            return {
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: width,
                offenders: offenders.slice(0, 15),
            };
        }"""
    )


def save_screenshot(page, name: str, *, folder: Path = SCREENSHOTS_DIR) -> Path:
    """A full-page PNG of the page as it looks now."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
