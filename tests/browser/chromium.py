"""How the tests and the screenshot script start Debian's Chromium and let a page settle.

Free of Django imports, so tests/browser/take_screenshots.py can use it before settings exist.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
# A phone (iPhone 12 mini class) and a common laptop; heights only matter for the first screen.
VIEWPORT_HEIGHTS = {375: 812, 1280: 800}

# Load every image (lazy ones included) and the web fonts, then scroll back to the top,
# so checks and full-page screenshots see the finished page.
SETTLE_SCRIPT = """async () => {
    for (const image of document.images) { image.loading = "eager"; }
    const step = Math.max(window.innerHeight, 400);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
        window.scrollTo(0, y);
        await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    window.scrollTo(0, 0);
    await document.fonts.ready;
    await Promise.all([...document.images].map((image) => image.complete
        ? Promise.resolve()
        : new Promise((resolve) => { image.onload = image.onerror = resolve; })));
}"""


def browser_context_options(width: int, **extra) -> dict:
    """Context options for a window of the given width; narrow windows behave like a phone."""
    phone = width < 600
    return {
        "viewport": {"width": width, "height": VIEWPORT_HEIGHTS.get(width, 900)},
        "is_mobile": phone,
        "has_touch": phone,
        "locale": "th-TH",
        "timezone_id": "Asia/Bangkok",
        **extra,
    }
