"""Image processing and legacy import speed; prints one JSON line for bench/run.py."""

import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samma_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from articles.images import clean_uploaded_image, make_display_sizes  # noqa: E402
from articles.legacy import parse_bytes  # noqa: E402
from articles.management.commands.load_demo import DEMO_DIR  # noqa: E402
from articles.models import ArticleImage  # noqa: E402

DOCUMENTS = 1000


def twelve_megapixel_jpeg() -> bytes:
    """A 4000×3000 photo-like JPEG (noise and shapes, so it compresses like a photo)."""
    rng = random.Random(12)
    picture = Image.effect_noise((4000, 3000), 40).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for _ in range(300):
        x, y, r = rng.randint(0, 4000), rng.randint(0, 3000), rng.randint(20, 300)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(0, 255) for _ in range(3)))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def image_seconds() -> float:
    """Median time of the whole upload path: verify, re-encode, store, thumbnail and large size."""
    data = twelve_megapixel_jpeg()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        clean = clean_uploaded_image(SimpleUploadedFile("photo.jpg", data, "image/jpeg"))
        image = ArticleImage()
        image.image.save(clean.content.name, clean.content, save=False)
        make_display_sizes(image)
        timings.append(time.perf_counter() - started)
    return sorted(timings)[len(timings) // 2]


def import_rate() -> float:
    """Documents per second for import_km over 1,000 distinct legacy documents."""
    templates = []
    for path in sorted(DEMO_DIR.glob("*.txt")):
        data = path.read_bytes()
        templates.append((data.decode("utf-8"), parse_bytes(data).title))
    with tempfile.TemporaryDirectory() as folder:
        for number in range(DOCUMENTS):
            text, title = templates[number % len(templates)]
            # A distinct title per document, so each one is a new article.
            distinct = text.replace(title, f"{title} ชุดที่ {number}", 1)
            Path(folder, f"doc{number:04}.txt").write_text(distinct, encoding="utf-8")
        started = time.perf_counter()
        call_command("import_km", folder, verbosity=0)
        return DOCUMENTS / (time.perf_counter() - started)


if __name__ == "__main__":
    print(json.dumps({"image_seconds": round(image_seconds(), 3), "import_per_second": round(import_rate(), 1)}))
