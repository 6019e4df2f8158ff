"""The whole path of an article, in Chromium: sign-up, approval, writing, review, publication.

Each person has their own browser profile (cookies); the live server runs in this
process, so every e-mail the portal sends lands in ``mail.outbox``.
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.management.commands.load_demo import demo_picture
from articles.models import Article, ArticleImage
from tests.browser.support import describe_violations, horizontal_overflow, run_axe, settle
from tests.conftest import PASSWORD

APPLICANT_EMAIL = "kanokporn.s@example.com"
APPLICANT_PASSWORD = "Samma-2569-kanok-phrase"
TITLE = "การแปรรูปกล้วยตากพลังงานแสงอาทิตย์ของกลุ่มแม่บ้านเกาะคา"
SEARCH_WORD = "กล้วยตาก"


@pytest.fixture
def photos(tmp_path) -> list[Path]:
    """Two real photographs (JPEG, 1600×1066) as a phone would hand them over."""
    paths = []
    for number, palette in enumerate((((236, 226, 198), (120, 94, 60)), ((190, 210, 170), (80, 110, 60))), start=1):
        path = tmp_path / f"IMG_00{number}.jpg"
        path.write_bytes(demo_picture(palette, number))
        paths.append(path)
    return paths


def new_person(browser, width: int = 1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="th-TH", timezone_id="Asia/Bangkok",
        is_mobile=width < 600, has_touch=width < 600,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.page_errors = errors
    return context, page


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("form.acc-form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def type_into_editor(page, section_key: str, text: str) -> None:
    """Type into the CKEditor of a section as a person would: click, then keys."""
    editable = page.locator(f"#field-{section_key} .ck-editor__editable")
    editable.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)
    # CKEditor copies its content into the form's textarea as it changes.
    expect(page.locator(f"#id_{section_key}")).to_have_value(re.compile(re.escape(text.split("\n")[-1])))


def mails() -> list[tuple[str, str]]:
    return [(message.to[0], message.subject) for message in mail.outbox]


def test_article_goes_from_signup_to_publication_in_a_real_browser(
    live_server, browser, page, console_errors, moderator, photos
):
    base = live_server.url

    # 1. An officer of Ko Kha district office signs up.
    page.goto(f"{base}/accounts/signup/")
    page.check("input[name=title][value=นางสาว]")
    page.fill("#id_first_name", "กนกพร")
    page.fill("#id_last_name", "แสนคำ")
    page.fill("#id_position", "นักวิชาการพัฒนาชุมชนชำนาญการ")
    page.select_option("#id_province", "lampang")
    page.wait_for_selector("#id_district option >> text=สำนักงานพัฒนาชุมชนอำเภอเกาะคา", state="attached")
    page.select_option("#id_district", label="สำนักงานพัฒนาชุมชนอำเภอเกาะคา")
    page.fill("#id_email", APPLICANT_EMAIL)
    page.fill("#id_password1", APPLICANT_PASSWORD)
    page.fill("#id_password2", APPLICANT_PASSWORD)
    page.click("#signup-form .acc-actions button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/signup/done/"))
    assert (APPLICANT_EMAIL, mail.outbox[0].subject) in mails()
    assert any(to == moderator.email for to, _subject in mails()), mails()

    # 2. The province's moderator approves the account.
    moderator_context, moderator_page = new_person(browser)
    log_in(moderator_page, base, moderator.email, PASSWORD)
    moderator_page.goto(f"{base}/accounts/approvals/")
    moderator_page.locator("article.acc-request", has_text="นางสาวกนกพร แสนคำ").locator(
        "form[action*='/approve/'] button"
    ).click()
    moderator_page.wait_for_load_state()
    assert any(to == APPLICANT_EMAIL and "อนุมัติ" in subject for to, subject in mails()), mails()

    # 3. The officer logs in and writes the article in CKEditor, with two photos.
    log_in(page, base, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    page.goto(f"{base}/my/articles/new/")
    expect(page.locator("#id_author_name")).to_have_value("นางสาวกนกพร แสนคำ")
    expect(page.locator("#id_office")).to_have_value("สำนักงานพัฒนาชุมชนอำเภอเกาะคา")
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", label="เทคนิคส่งเสริมสัมมาชีพ")
    page.fill("#id_written_at", "14/06/2567")
    type_into_editor(page, "background", "ชาวบ้านมีกล้วยน้ำว้าเหลือจากการขายทุกสัปดาห์")
    type_into_editor(page, "objectives", "เพิ่มมูลค่ากล้วยน้ำว้าด้วยการทำกล้วยตาก")
    page.locator("#field-process .ck-editor__editable").click()
    page.keyboard.type("1. ปอกกล้วยที่สุกงอม")
    page.keyboard.press("Enter")
    page.keyboard.type("ตากในโรงอบพลังงานแสงอาทิตย์สามวัน")
    expect(page.locator("#id_process")).to_have_value(re.compile(r"<ol>.*ตากในโรงอบ"))
    page.set_input_files("#id_new_images-0-file", str(photos[0]))
    expect(page.locator("[data-saved-image]")).to_have_count(1)
    # The first photo saved the new article as a draft; the address is now its edit page.
    assert re.search(r"/my/articles/\d+/edit/$", page.url)
    # The photo box is ready again for the next one; the spare boxes stay folded away.
    expect(page.locator("#id_new_images-1-file")).to_be_hidden()
    page.fill("#id_new_images-0-caption", "กล้วยตากพร้อมบรรจุถุง")
    page.set_input_files("#id_new_images-0-file", str(photos[1]))
    expect(page.locator("[data-saved-image]")).to_have_count(2)
    expect(page.locator("[data-saved-image] img").nth(1)).to_have_attribute("src", re.compile(r"^/media/articles/thumb/"))
    page.click("button[value=save]")
    expect(page.locator(".message-success")).to_contain_text("บันทึกฉบับร่างแล้ว")
    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.DRAFT
    assert list(article.images.order_by("position").values_list("caption", flat=True)) == ["", "กล้วยตากพร้อมบรรจุถุง"]
    assert "<ol><li>ปอกกล้วยที่สุกงอม</li><li>ตากในโรงอบ" in article.sections.get(key="process").body

    # 4. Preview, exactly as the public will see it, then submit.
    page.click("button[value=preview]")
    page.wait_for_url(re.compile(r"/preview/$"))
    expect(page.locator(".preview-banner")).to_contain_text("ตัวอย่างก่อนเผยแพร่")
    expect(page.locator("article.article h1")).to_have_text(TITLE)
    expect(page.locator("article.article .gallery img")).to_have_count(2)
    mail.outbox.clear()
    page.locator(".preview-banner").get_by_role("button", name="ส่งตรวจ").click()
    page.wait_for_url(re.compile(rf"/my/articles/{article.pk}/$"))
    expect(page.locator(".status-line .status")).to_have_text("รอตรวจสอบ")
    assert mails() == [(moderator.email, f"[พอร์ทัลสัมมาชีพชุมชน] บทความใหม่รอตรวจสอบ: {TITLE} (จังหวัดลำปาง)")]

    # 5. The moderator returns it with a note.
    moderator_page.goto(f"{base}/moderation/")
    moderator_page.get_by_role("link", name=TITLE).click()
    expect(moderator_page.locator("article.article h1")).to_have_text(TITLE)
    mail.outbox.clear()
    moderator_page.fill("#id_return-note", "กรุณาเพิ่มขั้นตอนการบรรจุและราคาขาย")
    moderator_page.get_by_role("button", name="ส่งกลับแก้ไข").click()
    expect(moderator_page.locator(".message-success")).to_contain_text("ส่งกลับ")
    assert mails() == [(APPLICANT_EMAIL, f"[พอร์ทัลสัมมาชีพชุมชน] บทความของคุณถูกส่งกลับแก้ไข: {TITLE}")]
    assert "กรุณาเพิ่มขั้นตอนการบรรจุและราคาขาย" in mail.outbox[0].body

    # 6. The officer reads the note, fixes the article and sends it again.
    page.goto(f"{base}/my/articles/")
    expect(page.locator(".note-excerpt")).to_contain_text("กรุณาเพิ่มขั้นตอนการบรรจุและราคาขาย")
    page.get_by_role("link", name="แก้ไข", exact=True).click()
    expect(page.locator(".moderator-note")).to_contain_text("กรุณาเพิ่มขั้นตอนการบรรจุและราคาขาย")
    page.locator("#field-process .ck-editor__editable").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("บรรจุถุงละ 200 กรัม ขายถุงละ 35 บาท")
    expect(page.locator("#id_process")).to_have_value(re.compile("ขายถุงละ 35 บาท"))
    mail.outbox.clear()
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(rf"/my/articles/{article.pk}/$"))
    expect(page.locator(".status-line .status")).to_have_text("รอตรวจสอบ")
    assert mails() == [(moderator.email, f"[พอร์ทัลสัมมาชีพชุมชน] แก้ไขแล้ว รอตรวจสอบอีกครั้ง: {TITLE} (จังหวัดลำปาง)")]

    # 7. The moderator publishes it.
    moderator_page.goto(f"{base}/moderation/{article.pk}/")
    expect(moderator_page.locator("article.article")).to_contain_text("ขายถุงละ 35 บาท")
    mail.outbox.clear()
    moderator_page.locator("form.decision-publish").get_by_role("button", name="เผยแพร่").click()
    expect(moderator_page.locator(".message-success")).to_contain_text("เผยแพร่")
    assert mails() == [(APPLICANT_EMAIL, f"[พอร์ทัลสัมมาชีพชุมชน] บทความของคุณเผยแพร่แล้ว: {TITLE}")]

    # 8. The public finds it on the province's page and in search, with its photos.
    visitor_context, visitor = new_person(browser)
    visitor.goto(f"{base}/lampang/")
    visitor.get_by_role("link", name=TITLE).first.click()
    expect(visitor.locator("article.article h1")).to_have_text(TITLE)
    gallery = visitor.locator("article.article .gallery img")
    expect(gallery).to_have_count(2)
    settle(visitor)
    assert all(width > 0 for width in gallery.evaluate_all("images => images.map(image => image.naturalWidth)"))
    visitor.goto(f"{base}/search/?q={SEARCH_WORD}")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert list(article.transitions.values_list("from_status", "to_status")) == [
        ("", "draft"), ("draft", "submitted"), ("submitted", "returned"),
        ("returned", "submitted"), ("submitted", "published"),
    ]
    assert ArticleImage.objects.filter(article=article).count() == 2
    assert console_errors == []
    assert moderator_page.page_errors == [] and visitor.page_errors == []
    for context in (moderator_context, visitor_context):
        context.close()


@pytest.mark.parametrize("javascript_enabled", [False])
def test_officer_writes_and_adds_a_photo_without_javascript(live_server, page, officer, photos):
    """A plain form post carries the text, a photo and its caption; a bad file is refused in place."""
    base = live_server.url
    log_in(page, base, officer.email, PASSWORD)
    page.goto(f"{base}/my/articles/new/")
    page.fill("#id_title", "บทความจากโทรศัพท์ที่ปิดสคริปต์")
    page.fill("#id_background", "<p>เขียนในกล่องข้อความธรรมดา</p>")
    page.set_input_files("#id_new_images-0-file", str(photos[0]))
    page.fill("#id_new_images-0-caption", "ภาพจากโทรศัพท์")
    bad = photos[0].with_name("document.jpg")
    bad.write_bytes(b"%PDF-1.4 this is not a photo")
    page.set_input_files("#id_new_images-1-file", str(bad))
    page.click("button[value=save]")
    expect(page.locator("#field-new_images-1-file, [data-new-image]").filter(has_text="ไม่ใช่ภาพที่รองรับ")).to_have_count(1)
    expect(page.locator("#id_title")).to_have_value("บทความจากโทรศัพท์ที่ปิดสคริปต์")
    article = Article.objects.get(title="บทความจากโทรศัพท์ที่ปิดสคริปต์")
    assert list(article.images.values_list("caption", flat=True)) == ["ภาพจากโทรศัพท์"]
    expect(page.locator("[data-saved-image]")).to_have_count(1)


@pytest.mark.parametrize("viewport_width", [375, 1280])
def test_authoring_and_moderation_pages_fit_the_screen_and_pass_wcag_checks(
    live_server, browser, page, officer, moderator, viewport_width
):
    from tests.articles.test_authoring import submitted_article, write_draft

    draft = write_draft(officer, title="ร่างสำหรับตรวจการเข้าถึง")
    submitted = submitted_article(officer, title="บทความรอตรวจสำหรับตรวจการเข้าถึง")
    base = live_server.url
    log_in(page, base, officer.email, PASSWORD)
    moderator_context, moderator_page = new_person(browser, viewport_width)
    log_in(moderator_page, base, moderator.email, PASSWORD)
    pages = [
        (page, "/my/articles/"),
        (page, f"/my/articles/{draft.pk}/edit/"),
        (page, f"/my/articles/{submitted.pk}/"),
        (page, f"/my/articles/{draft.pk}/preview/"),
        (moderator_page, "/moderation/"),
        (moderator_page, f"/moderation/{submitted.pk}/"),
    ]
    problems = []
    for tab, path in pages:
        tab.goto(base + path)
        tab.wait_for_load_state("networkidle")
        overflow = horizontal_overflow(tab)
        if overflow["scrollWidth"] > overflow["innerWidth"]:
            problems.append(f"{path} is wider than the window: {overflow}")
        violations = run_axe(tab)
        if violations:
            problems.append(f"{path}:\n{describe_violations(violations)}")
    moderator_context.close()
    assert not problems, "\n".join(problems)
