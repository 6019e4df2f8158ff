"""Write the screenshots of the article form and the moderation queue into docs/screenshots/.

    .venv/bin/python -m tests.browser.take_authoring_screenshots [--output DIR]

Serves the portal as `make run` does (DJANGO_DEBUG=1, migrate, load_demo) from a
throwaway SQLite database and media folder, adds the demo officers' work in progress
(an article returned with a moderator's note, with two photos; submissions and a
revision waiting in the Lampang queue), signs in as the demo officer and the demo
moderator in Chromium and photographs the two pages, full length, 1280 px and 375 px
wide: article-form.png, article-form-mobile.png, moderation-queue.png and
moderation-queue-mobile.png.
"""

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, SETTLE_SCRIPT, browser_context_options
from tests.browser.take_screenshots import manage, output_folder, prepare_demo_portal, report, serving

DEMO_PASSWORD = "samma-demo-2569"
OFFICER = "officer@samma.example"
MODERATOR = "moderator@samma.example"
SHOTS = [
    # (file name stem, who signs in, page)
    ("article-form", OFFICER, "{form_path}"),
    ("moderation-queue", MODERATOR, "/moderation/"),
]


def prepare_demo() -> None:
    """The officers' work in progress, through the same services the pages use. Prints the form's path."""
    from datetime import date, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import User
    from articles.images import clean_uploaded_image
    from articles.management.commands.load_demo import demo_picture
    from articles.models import Article, Category
    from articles.services import (
        ArticleContent,
        ImageUpload,
        SectionContent,
        article_publish,
        article_return_to_author,
        article_save_draft,
        article_start_revision,
        article_submit,
    )
    from provinces.models import District, OfficerProfile, Province, Role

    lampang = Province.objects.get(code=52)
    officer = User.objects.get(email=OFFICER)
    moderator = User.objects.get(email=MODERATOR)
    techniques = Category.objects.get(slug="techniques")
    record = Category.objects.get(slug="km-record")

    def colleague(email, name, district_name):
        user, _ = User.objects.get_or_create(email=email, defaults={"is_active": True})
        user.set_password(DEMO_PASSWORD)
        user.save()
        OfficerProfile.objects.update_or_create(
            user=user,
            defaults={
                "full_name": name, "position": "นักวิชาการพัฒนาชุมชนปฏิบัติการ", "province": lampang,
                "district": District.objects.get(province=lampang, name_th=district_name), "role": Role.OFFICER,
            },
        )
        return user

    def photo(seed, palette):
        return ImageUpload(clean=clean_uploaded_image(SimpleUploadedFile("p.jpg", demo_picture(palette, seed))), caption="")

    def content(title, category, author, district, sections, written):
        return ArticleContent(
            title=title, category=category, author_name=author.profile.full_name,
            author_position=author.profile.position, office=district.office_name, district=district,
            written_at=written, sections=tuple(SectionContent(key, heading, body) for key, heading, body in sections),
        )

    ko_kha = District.objects.get(province=lampang, name_th="เกาะคา")
    banana = content(
        "การแปรรูปกล้วยตากพลังงานแสงอาทิตย์ของกลุ่มแม่บ้านบ้านไหล่หิน", techniques, officer, ko_kha,
        [
            ("background", "", "<p>บ้านไหล่หินปลูกกล้วยน้ำว้าแทบทุกครัวเรือน ช่วงที่กล้วยออกพร้อมกันราคาตกเหลือหวีละ 5 บาท "
                               "กลุ่มแม่บ้านจึงรวมกันแปรรูปเป็นกล้วยตากเพื่อเพิ่มมูลค่า</p>"),
            ("objectives", "", "<ol><li>เพิ่มรายได้ให้ครัวเรือนสัมมาชีพอย่างน้อยเดือนละ 1,500 บาท</li>"
                               "<li>ลดกล้วยที่เหลือทิ้งในหมู่บ้าน</li></ol>"),
            ("materials", "", "<ul><li>กล้วยน้ำว้าสุกงอม 50 หวีต่อรอบ</li><li>น้ำผึ้งป่า (ถ้ามี)</li></ul>"),
            ("equipment", "", "<p>โรงอบพลังงานแสงอาทิตย์ขนาด 2×4 เมตร ตะแกรงสแตนเลส มีดปอก ถุงซิปล็อก</p>"),
            ("process", "", "<ol><li>คัดกล้วยที่สุกงอมผิวมีจุดดำ ปอกเปลือก</li>"
                            "<li>เรียงบนตะแกรง ตากในโรงอบ 3–4 วัน กลับด้านวันละครั้ง</li>"
                            "<li>ทับให้แบน แล้วตากต่ออีก 1 วัน</li></ol>"),
            ("cautions", "", "<p>อย่าเก็บกล้วยตากที่ยังชื้น จะขึ้นราภายในหนึ่งสัปดาห์</p>"),
            ("other", "ผลที่เกิดขึ้น", "<p>สมาชิก 18 ครัวเรือนมีรายได้เพิ่มเฉลี่ยเดือนละ 2,100 บาท</p>"),
        ],
        date(2024, 6, 14),
    )
    article = article_save_draft(
        article=None, by=officer, content=banana,
        image_uploads=[photo(11, ((236, 226, 198), (120, 94, 60))), photo(12, ((250, 238, 200), (170, 130, 60)))],
    )
    first, second = article.images.order_by("position")
    first.caption, second.caption = "โรงอบพลังงานแสงอาทิตย์ของกลุ่ม", "กล้วยตากพร้อมบรรจุถุง"
    first.save()
    second.save()
    article = article_submit(article=article, by=officer)
    article_return_to_author(
        article=article, by=moderator,
        note="เนื้อหาดีมากครับ ขอเพิ่มขั้นตอนการบรรจุและราคาขาย และคำบรรยายภาพที่สองให้บอกว่าถ่ายที่ไหน",
    )

    people = [
        colleague("somchai@samma.example", "นายสมชาย ใจงาม", "เมืองปาน"),
        colleague("ratchanee@samma.example", "นางรัชนี ทองดี", "แจ้ห่ม"),
        colleague("prasit@samma.example", "นายประสิทธิ์ คำแสน", "เถิน"),
    ]
    waiting = [
        (people[0], "การเลี้ยงปลาดุกในบ่อซีเมนต์แบบประหยัดน้ำ", techniques, 6),
        (people[1], "บันทึกองค์ความรู้: กลุ่มทอผ้าฝ้ายย้อมสีธรรมชาติบ้านแจ้ห่ม", record, 3),
        (people[2], "การทำปุ๋ยหมักจากเศษใบไม้ของครัวเรือนสัมมาชีพ", techniques, 1),
    ]
    now = timezone.now()
    for author, title, category, days in waiting:
        item = article_save_draft(
            article=None, by=author,
            content=content(
                title, category, author, author.profile.district,
                [("background", "", "<p>ที่มาของเรื่อง</p>"), ("objectives", "", "<p>วัตถุประสงค์</p>"),
                 ("process", "", "<p>ขั้นตอน</p>")],
                date(2024, 5, 1),
            ),
        )
        item = article_submit(article=item, by=author)
        Article.objects.filter(pk=item.pk).update(submitted_at=now - timedelta(days=days, hours=2))

    published = article_save_draft(
        article=None, by=people[0],
        content=content(
            "การเพาะเห็ดฟางในตะกร้าสำหรับครัวเรือน", techniques, people[0], people[0].profile.district,
            [("background", "", "<p>ที่มา</p>"), ("objectives", "", "<p>วัตถุประสงค์</p>"), ("process", "", "<p>ขั้นตอนเดิม</p>")],
            date(2023, 11, 2),
        ),
    )
    published = article_publish(article=article_submit(article=published, by=people[0]), by=moderator)
    revision = article_start_revision(article=published, by=people[0])
    revision = article_save_draft(
        article=revision, by=people[0], expected_version=revision.version,
        content=content(
            "การเพาะเห็ดฟางในตะกร้าสำหรับครัวเรือน (ปรับปรุง)", techniques, people[0], people[0].profile.district,
            [("background", "", "<p>ที่มา</p>"), ("objectives", "", "<p>วัตถุประสงค์</p>"),
             ("process", "", "<p>ขั้นตอนใหม่ที่ละเอียดขึ้น พร้อมต้นทุน</p>")],
            date(2023, 11, 2),
        ),
    )
    revision = article_submit(article=revision, by=people[0])
    Article.objects.filter(pk=revision.pk).update(submitted_at=now - timedelta(days=2))
    print(f"/my/articles/{article.pk}/edit/")


def log_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.acc-form button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not sign in as {email}")


def photograph(base_url: str, form_path: str, output: Path) -> list[Path]:
    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for width in (1280, 375):
            for stem, email, path in SHOTS:
                context = browser.new_context(**browser_context_options(width))
                page = context.new_page()
                log_in(page, base_url, email)
                response = page.goto(base_url + path.format(form_path=form_path), wait_until="networkidle")
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response.status if response else 'nothing'}")
                page.evaluate(SETTLE_SCRIPT)
                # A window as tall as the page: the form's sticky save bar then sits where it
                # belongs, at the end of the form, instead of across the middle of the picture.
                height = page.evaluate("document.documentElement.scrollHeight")
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(300)
                target = output / (f"{stem}.png" if width == 1280 else f"{stem}-mobile.png")
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
                context.close()
        browser.close()
    return written


def main() -> None:
    output = output_folder(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="samma-authoring-screenshots-") as scratch:
        # Mail goes nowhere: the demo addresses are not real.
        env = prepare_demo_portal(scratch, DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        printed = manage(
            env, "shell", "--verbosity", "0", "--command",
            "from tests.browser.take_authoring_screenshots import prepare_demo; prepare_demo()",
        ).split()
        form_path = printed[-1] if printed else ""
        if not form_path.startswith("/my/articles/"):
            raise SystemExit(f"preparing the demo articles printed {printed!r}")
        with serving(env, scratch) as base_url:
            written = photograph(base_url, form_path, output)
    report(written)


if __name__ == "__main__":
    main()
