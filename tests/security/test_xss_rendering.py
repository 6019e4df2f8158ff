"""Hostile markup through every input the portal renders, checked on every page that shows it.

Each test is one input (a failure names it); the corpus in payloads.py goes through it,
batched into as few articles, accounts or saves as the field's length allows. The
pages are then read the way a browser tokenises them (html_safety.py): nothing may be
left that runs, and plain-text inputs must read exactly as they were typed.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from accounts.models import SignupRequest, User
from articles.models import STANDARD_SECTION_KEYS, Article, Category, SectionKey
from articles.services import article_publish, article_start_revision, article_submit
from articles.text import html_to_text
from provinces.models import District, Province
from tests.articles.test_authoring import page_post_data
from tests.conftest import empty_caches
from tests.security.html_safety import executable_markup, squeeze
from tests.security.pages import PageCheck, public_pages, signed_in
from tests.security.payloads import BROWSER_SAMPLE, XSS_PAYLOADS, all_payloads, chunks, fitting

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_check() -> PageCheck:
    return PageCheck()


# A word every test article carries, so lists and searches show all of them.
MARKER = "ผ้าทอมือบ้านนาสาธิต"
SAFE_BODY = f"<p>{MARKER} ชาวบ้านรวมกลุ่มกันทอผ้าหลังฤดูเก็บเกี่ยว</p>"
MAX_EXTRA_SECTIONS = 30
SIGNUP_PASSWORD = "Khao-Niao-Mamuang-2569"


def photo(seed: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (seed * 23 % 255, 120, 80)).save(buffer, "JPEG")
    return SimpleUploadedFile(f"photo{seed}.jpg", buffer.getvalue(), "image/jpeg")


def write_via_form(client: Client, *, extra_sections=(), captions=(), **changes) -> Article:
    """A new article saved through the officer's form, as a browser would post it."""
    values = {
        "title": f"{MARKER} การทอผ้าของกลุ่มแม่บ้าน",
        "category": str(Category.objects.get(slug="techniques").pk),
        "background": SAFE_BODY,
        "objectives": SAFE_BODY,
        "process": SAFE_BODY,
    }
    values.update(changes)
    if not hasattr(client, "blank_article_form"):
        # What the new-article page posts when untouched; read once per client.
        client.blank_article_form = page_post_data(client.get(reverse("articles:my-new")))
    data = {**client.blank_article_form, **values}
    data["sections-TOTAL_FORMS"] = str(len(extra_sections))
    for index, (heading, body) in enumerate(extra_sections):
        data.update({f"sections-{index}-heading": heading, f"sections-{index}-body": body,
                     f"sections-{index}-order": str(index + 1)})
    data["new_images-TOTAL_FORMS"] = str(len(captions))
    for index, caption in enumerate(captions):
        data.update({f"new_images-{index}-file": photo(index), f"new_images-{index}-caption": caption})
    before = set(Article.objects.values_list("pk", flat=True))
    response = client.post(reverse("articles:my-new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [created] = Article.objects.exclude(pk__in=before)
    return created


def first_and_last(items: list) -> list:
    """The admin renders every value through the same form widgets: two samples cover it."""
    return items[:1] + items[1:][-1:]


def author_and_review_pages(check, *, officer, moderator, administrator, articles: list[Article]) -> None:
    """The author's pages while the articles are drafts, the moderator's once submitted,
    everything public once published, and the admin's change pages."""
    author = signed_in(officer)
    for article in articles:
        check.html(f"edit form {article.pk}", author, reverse("articles:my-edit", args=[article.pk]))
        check.html(f"preview {article.pk}", author, reverse("articles:my-preview", args=[article.pk]))
    for article in articles:
        article_submit(article=article, by=officer)
    reviewer = signed_in(moderator)
    check.html("moderation queue", reviewer, reverse("moderation:queue"))
    for article in articles:
        check.html(f"review {article.pk}", reviewer, reverse("moderation:review", args=[article.pk]))
    published = [article_publish(article=article, by=moderator) for article in articles]
    for article in published:
        check.html(f"author's page {article.pk}", author, reverse("articles:my-detail", args=[article.pk]))
    check.html("my articles", author, reverse("articles:my-list"))
    admin = signed_in(administrator)
    for article in first_and_last(published):
        check.html(f"admin change {article.pk}", admin, reverse("admin:articles_article_change", args=[article.pk]))
    check.html("admin article list", admin, reverse("admin:articles_article_changelist") + f"?q={MARKER}")
    public_pages(check, published, search_for=MARKER)


# --- The corpus and the checker -----------------------------------------------------------

# Payloads that only do harm once they land inside an attribute or are decoded somewhere.
INERT_AS_MARKUP = {
    "img-slashes", "split-script-tag", "attribute-injection-double", "attribute-injection-single",
    "unclosed-attribute", "url-encoded-script", "entity-encoded-script", "double-entity-script",
    "js-unicode-escape-text", "fullwidth-brackets", "bare-javascript-url", "django-variable",
    "django-debug-tag", "django-settings", "jinja-config", "other-template-syntaxes",
}


def test_the_corpus_holds_at_least_fifty_distinct_payloads():
    assert len(set(XSS_PAYLOADS.values())) == len(XSS_PAYLOADS) >= 50


@pytest.mark.parametrize("name", sorted(set(XSS_PAYLOADS) - INERT_AS_MARKUP))
def test_the_checker_catches_each_live_payload_left_as_markup(name):
    assert executable_markup(f"<div><p>{XSS_PAYLOADS[name]}</p></div>"), name


@pytest.mark.parametrize("name", sorted(XSS_PAYLOADS))
def test_the_checker_passes_each_payload_once_escaped(name):
    assert executable_markup(f'<p title="{escape(XSS_PAYLOADS[name])}">{escape(XSS_PAYLOADS[name])}</p>') == []


# --- The officer's article form -------------------------------------------------------------


ARTICLE_TEXT_FIELDS = {"title": 500, "author_name": 200, "author_position": 200, "office": 300}


@pytest.mark.parametrize("field_name", sorted(ARTICLE_TEXT_FIELDS))
def test_article_text_field_reads_as_typed_and_runs_nowhere(
    field_name, officer, moderator, administrator, page_check
):
    limit = ARTICLE_TEXT_FIELDS[field_name]
    # The title also carries the word the lists and searches look for.
    prefix = f"{MARKER} " if field_name == "title" else ""
    typed = [prefix + chunk for chunk in chunks(fitting(limit - len(prefix)), limit - len(prefix))]
    author = signed_in(officer)
    articles = [write_via_form(author, **{field_name: text}) for text in typed]
    assert [getattr(article, field_name) for article in articles] == typed
    author_and_review_pages(
        page_check, officer=officer, moderator=moderator, administrator=administrator, articles=articles
    )
    page_check.assert_safe()
    for article, text in zip(articles, typed):
        page_check.assert_shown_as_text([text], pages=[f"public article {article.pk}", f"review {article.pk}"])
    if field_name in {"title", "author_name"}:
        # Feed readers render the feed's HTML-escaped text back into what was typed.
        page_check.assert_shown_as_text(typed, pages=["national feed", "province feed"])


def test_standard_sections_each_holding_one_payload_run_nowhere(officer, moderator, administrator, page_check):
    """Every payload alone in a rich-text section (standard ones first, then headed extras)."""
    author = signed_in(officer)
    payloads = all_payloads()
    per_article = len(STANDARD_SECTION_KEYS) + MAX_EXTRA_SECTIONS
    articles = []
    for start in range(0, len(payloads), per_article):
        batch = payloads[start : start + per_article]
        standard = dict(zip(STANDARD_SECTION_KEYS, (f"<p>{MARKER}</p>{payload}" for payload in batch)))
        extras = [(f"หัวข้อที่ {number}", payload) for number, payload in enumerate(batch[len(standard):], start=1)]
        articles.append(write_via_form(author, extra_sections=extras, **standard))
    assert sum(article.sections.count() for article in articles) >= len(payloads)
    author_and_review_pages(
        page_check, officer=officer, moderator=moderator, administrator=administrator, articles=articles
    )
    page_check.assert_safe()


def test_every_payload_pasted_into_one_section_runs_nowhere(officer, moderator, administrator, page_check):
    """All of them at once, as one messy paste: unclosed tags swallow what follows."""
    pasted = "\n".join(f"<p>ทดสอบ {payload} ภาษาไทย</p>" for payload in all_payloads())
    article = write_via_form(signed_in(officer), background=pasted, cautions="".join(all_payloads()))
    author_and_review_pages(
        page_check, officer=officer, moderator=moderator, administrator=administrator, articles=[article]
    )
    page_check.assert_safe()


def test_extra_section_headings_read_as_typed_and_run_nowhere(officer, moderator, administrator, page_check):
    headings = chunks(fitting(300), 300)
    extras = [(heading, SAFE_BODY) for heading in headings]
    author = signed_in(officer)
    articles = [
        write_via_form(author, extra_sections=extras[start : start + MAX_EXTRA_SECTIONS])
        for start in range(0, len(extras), MAX_EXTRA_SECTIONS)
    ]
    stored = [s.heading for a in articles for s in a.sections.filter(key=SectionKey.OTHER).order_by("position")]
    assert stored == headings
    author_and_review_pages(
        page_check, officer=officer, moderator=moderator, administrator=administrator, articles=articles
    )
    page_check.assert_safe()
    for start, article in zip(range(0, len(headings), MAX_EXTRA_SECTIONS), articles):
        page_check.assert_shown_as_text(
            headings[start : start + MAX_EXTRA_SECTIONS], pages=[f"public article {article.pk}"]
        )


def test_image_captions_read_as_typed_and_run_nowhere(officer, moderator, administrator, page_check):
    captions = chunks(fitting(300), 300)
    author = signed_in(officer)
    articles = [write_via_form(author, captions=captions[start : start + 10]) for start in range(0, len(captions), 10)]
    assert [i.caption for a in articles for i in a.images.order_by("position")] == captions
    author_and_review_pages(
        page_check, officer=officer, moderator=moderator, administrator=administrator, articles=articles
    )
    page_check.assert_safe()
    for start, article in zip(range(0, len(captions), 10), articles):
        page_check.assert_shown_as_text(captions[start : start + 10], pages=[f"public article {article.pk}"])


def test_a_revision_full_of_payloads_shows_a_safe_diff_to_the_moderator(officer, moderator, page_check):
    author = signed_in(officer)
    live = write_via_form(author)
    article_publish(article=article_submit(article=live, by=officer), by=moderator)
    revision = article_start_revision(article=live, by=officer)
    data = page_post_data(
        author.get(reverse("articles:my-edit", args=[revision.pk])),
        title=chunks(fitting(500), 500)[0],
        author_name=chunks(fitting(200), 200)[0],
        background="".join(f"<p>{payload}</p>" for payload in all_payloads()),
        process=SAFE_BODY + "".join(all_payloads()),
    )
    data.update({"sections-TOTAL_FORMS": "1", "sections-0-heading": chunks(fitting(300), 300)[0],
                 "sections-0-body": "".join(all_payloads()), "sections-0-order": "1"})
    assert author.post(reverse("articles:my-edit", args=[revision.pk]), data).status_code == 302
    revision.refresh_from_db()
    article_submit(article=revision, by=officer)
    html = page_check.html("revision review", signed_in(moderator), reverse("moderation:review", args=[revision.pk]))
    assert "revision-diff" in html
    page_check.assert_safe()
    page_check.assert_shown_as_text([revision.title, revision.author_name], pages=["revision review"])


# --- Legacy documents through import_km -----------------------------------------------------


def legacy_web_document(*, title: str, author: str, position: str, body: list[str]) -> str:
    """A document of the provincial sites' web template with the given header and body lines."""
    lines = "\n".join(body)
    return (
        "เทคนิคส่งเสริมสัมมาชีพ\n\n"
        f"{title}\n\n"
        f"โดย : {author} ตำแหน่ง : {position} วันที่ : 2019-06-14 10:22:05\n\n"
        "ที่อยู่ : สนง.พช.อ.เกาะคา จ.ลำปาง\n\n"
        f"ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ ->\n\n{MARKER}\n{lines}\n\n"
        f"วัตถุประสงค์ ->\n\n{lines}\n\n"
        f"กระบวนการ/ขั้นตอน->\n\n{lines}\n\n"
        f"ข้อพึงระวัง -> {lines}\n\n"
        "เว็บไซต์สัมมาชีพชุมชนจังหวัดลำปาง\nกรมการพัฒนาชุมชน กระทรวงมหาดไทย\n"
    )


def test_imported_legacy_documents_full_of_payloads_run_nowhere(tmp_path, moderator, administrator, page_check):
    # One line each: the legacy shape is line-based, and no payload spans lines. Every
    # payload is a body line of the first document; the headers spread them over the rest.
    titles = chunks(fitting(200), 200, separator=" ")
    people = chunks(fitting(180), 180, separator=" ")
    count = max(len(titles), len(people))
    paths = []
    for number in range(count):
        body = [f"ทดสอบ {payload} ภาษาไทย" for payload in all_payloads()] if number == 0 else ["ทดสอบภาษาไทย"]
        path = tmp_path / f"hostile-{number:02d}.txt"
        path.write_text(
            legacy_web_document(
                title=f"{MARKER} {titles[number % len(titles)]}",
                author=f"นางสาวทดสอบ {people[number % len(people)]}",
                position=f"นักวิชาการ {people[(number + 1) % len(people)]}",
                body=body,
            ),
            encoding="utf-8",
        )
        paths.append(str(path))
    call_command("import_km", *paths, "--province", "52", verbosity=0)
    articles = list(Article.objects.published().order_by("pk"))
    assert len(articles) == count
    assert {article.province.code for article in articles} == {52}
    reviewer, admin = signed_in(moderator), signed_in(administrator)
    for article in first_and_last(articles):
        page_check.html(f"review {article.pk}", reviewer, reverse("moderation:review", args=[article.pk]))
        page_check.html(
            f"admin change {article.pk}", admin, reverse("admin:articles_article_change", args=[article.pk])
        )
    public_pages(page_check, articles, search_for=MARKER)
    page_check.assert_safe()
    for article in articles:
        page_check.assert_shown_as_text(
            [article.title, article.author_name, article.author_position], pages=[f"public article {article.pk}"]
        )
    # Every body line came through as text: each payload is read, not dropped or run.
    body = squeeze(" ".join(html_to_text(section.body) for section in articles[0].sections.all()))
    assert [name for name, payload in XSS_PAYLOADS.items() if squeeze(payload) not in body] == []


# --- Sign-up -----------------------------------------------------------------------------------


SIGNUP_FIELDS = {"title_other": 60, "first_name": 80, "last_name": 80, "position": 200, "phone": 50}


def signup_data(*, number: int, **typed) -> dict:
    data = {
        "title": "other" if "title_other" in typed else "นาง",
        "title_other": "",
        "first_name": "สมศรี",
        "last_name": "ทดสอบ",
        "position": "นักวิชาการพัฒนาชุมชน",
        "phone": "",
        "province": "lampang",
        "district": str(District.objects.get(province__code=52, name_th="เกาะคา").pk),
        "email": f"applicant{number}@example.go.th",
        "password1": SIGNUP_PASSWORD,
        "password2": SIGNUP_PASSWORD,
    }
    data.update(typed)
    return data


def signup(client: Client, *, number: int, **typed) -> User:
    data = signup_data(number=number, **typed)
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return User.objects.get(email=data["email"])


@pytest.mark.parametrize("field_name", sorted(SIGNUP_FIELDS))
def test_signup_field_reads_as_typed_and_runs_nowhere(field_name, moderator, administrator, page_check, settings):
    settings.RATE_LIMITS = {"signup": (10_000, 3600), "password_reset": (10_000, 3600)}
    limit = SIGNUP_FIELDS[field_name]
    typed = chunks(fitting(limit), limit)
    visitor = Client()
    applicants = []
    for number, text in enumerate(typed):
        # Refused first (passwords differ): the form comes back holding what was typed.
        refused = signup_data(number=number, **{field_name: text}, password2="something-else-2569")
        page = visitor.post(reverse("accounts:signup"), refused)
        assert page.status_code == 200
        page_check.pages[f"refused sign-up {number}"] = page.content.decode()
        page_check.record(f"refused sign-up {number}", executable_markup(page_check.pages[f"refused sign-up {number}"]))
        applicants.append(signup(visitor, number=number, **{field_name: text}))
    reviewer, admin = signed_in(moderator), signed_in(administrator)
    # The pending list and the admin's lists show every applicant at once.
    page_check.html("approvals", reviewer, reverse("accounts:approvals"))
    page_check.html("admin users", admin, reverse("admin:accounts_user_changelist") + "?is_active__exact=0")
    profiles = reverse("admin:provinces_officerprofile_changelist")
    page_check.html("admin profiles", admin, f"{profiles}?province__id__exact={applicants[0].profile.province_id}")
    page_check.html("admin sign-up requests", admin, reverse("admin:accounts_signuprequest_changelist"))
    for applicant in first_and_last(applicants):
        page_check.html(f"admin user {applicant.pk}", admin, reverse("admin:accounts_user_change", args=[applicant.pk]))
        page_check.html(
            f"admin profile {applicant.pk}", admin,
            reverse("admin:provinces_officerprofile_change", args=[applicant.profile.pk]),
        )
    # Approved, they appear among the moderators' candidates and sign their own articles.
    for applicant in first_and_last(applicants):
        assert reviewer.post(reverse("accounts:approve", args=[applicant.signup_requests.get().pk])).status_code == 302
        page_check.html(f"new article form {applicant.pk}", signed_in(applicant), reverse("articles:my-new"))
    page_check.html("approvals decided", reviewer, reverse("accounts:approvals"))
    page_check.html("moderators search", admin, reverse("accounts:moderators") + "?province=lampang")
    page_check.assert_safe()
    # Names, positions and phone numbers read on the approvals page exactly as typed.
    page_check.assert_shown_as_text(typed[1:-1] or typed, pages=["approvals"])


# --- Province branding edited by its moderator ------------------------------------------------


def branding_data(province: Province, **changes) -> dict:
    data = {
        "site_title": province.site_title,
        "theme_colour": province.theme_colour,
        "contact_phone": province.contact_phone,
        "contact_email": province.contact_email,
        "contact_address": province.contact_address,
        "about": province.about,
    }
    data.update(changes)
    return data


BRANDING_FIELDS = {"site_title": 200, "contact_phone": 100, "contact_address": None, "about": None}
# The pages that show each field (the site title is in every province page's header and
# in its feed; the contacts are in every footer; the about text only on its page).
BRANDING_PAGES = {
    "site_title": ["home", "about", "list", "article", "feed"],
    "contact_phone": ["home", "about"],
    "contact_address": ["home", "about", "list", "article"],
    "about": ["about"],
}


@pytest.mark.parametrize("field_name", sorted(BRANDING_FIELDS))
def test_branding_field_reads_as_typed_and_runs_nowhere(
    field_name, lampang, officer, moderator, administrator, page_check
):
    limit = BRANDING_FIELDS[field_name]
    typed = chunks(fitting(limit), limit) if limit else ["\n".join(all_payloads())]
    editor, admin, author, anonymous = signed_in(moderator), signed_in(administrator), signed_in(officer), Client()
    article = article_publish(article=article_submit(article=write_via_form(author), by=officer), by=moderator)
    pages = {
        "home": reverse("provinces:home", args=["lampang"]),
        "about": reverse("provinces:about", args=["lampang"]),
        "list": reverse("articles:list", args=["lampang"]),
        "article": article.get_absolute_url(),
    }
    for number, text in enumerate(typed):
        response = editor.post(
            reverse("accounts:province-edit", args=["lampang"]), branding_data(lampang, **{field_name: text})
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        lampang.refresh_from_db()
        assert squeeze(getattr(lampang, field_name)) == squeeze(text)
        page_check.html(f"edit page {number}", editor, reverse("accounts:province-edit", args=["lampang"]))
        for page in BRANDING_PAGES[field_name]:
            if page == "feed":
                page_check.feed(f"feed {number}", anonymous, reverse("articles:province-feed", args=["lampang"]))
            else:
                page_check.html(f"{page} {number}", anonymous, pages[page])
        if number in (0, len(typed) - 1):
            admin_page = reverse("admin:provinces_province_change", args=[lampang.pk])
            page_check.html(f"admin province {number}", admin, admin_page)
            page_check.html(f"preview {number}", author, reverse("articles:my-preview", args=[article.pk]))
    page_check.assert_safe()
    for number, text in enumerate(typed):
        page_check.assert_shown_as_text(text.split("\n"), pages=[f"about {number}"])


@pytest.mark.parametrize(
    "field_name, value",
    [
        ("theme_colour", '#fff" onload="window.__xss=1'),
        ("theme_colour", "red;background:url(javascript:window.__xss=1)"),
        ("theme_colour", "#1b5e20;}</style><script>window.__xss=1</script>"),
        ("theme_colour", "expression(window.__xss=1)"),
        ("contact_email", '"><script>window.__xss=1</script>@example.com'),
        ("contact_email", "javascript:window.__xss=1//@example.com"),
    ],
)
def test_hostile_colour_or_email_is_refused_with_a_thai_message_and_not_saved(field_name, value, lampang, moderator):
    before = getattr(lampang, field_name)
    response = signed_in(moderator).post(
        reverse("accounts:province-edit", args=["lampang"]), branding_data(lampang, **{field_name: value})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field_name]
    assert any("กรุณา" in error or "ไม่ถูกต้อง" in error for error in errors), errors
    lampang.refresh_from_db()
    assert getattr(lampang, field_name) == before
    assert executable_markup(response.content.decode()) == []


# --- Moderators' notes to the author -------------------------------------------------------------


@pytest.mark.parametrize("action", ["return", "reject", "archive"])
def test_moderator_note_reads_as_typed_to_the_author_and_runs_nowhere(
    action, officer, moderator, administrator, page_check
):
    notes = chunks(all_payloads(), 5000, separator="\n")
    author, reviewer, admin = signed_in(officer), signed_in(moderator), signed_in(administrator)
    articles = []
    for note in notes:
        article = article_submit(article=write_via_form(author), by=officer)
        if action == "archive":
            article = article_publish(article=article, by=moderator)
        response = reviewer.post(
            reverse(f"moderation:{action}", args=[article.pk]),
            {f"{action}-note": note, f"{action}-version": str(article.version)},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        article.refresh_from_db()
        assert article.transitions.filter(note=note.strip()).exists()
        articles.append(article)
    for article in articles:
        page_check.html(f"author's page {article.pk}", author, reverse("articles:my-detail", args=[article.pk]))
        page_check.html(f"review {article.pk}", reviewer, reverse("moderation:review", args=[article.pk]))
        page_check.html(
            f"admin change {article.pk}", admin, reverse("admin:articles_article_change", args=[article.pk])
        )
        if action == "return":
            page_check.html(f"edit form {article.pk}", author, reverse("articles:my-edit", args=[article.pk]))
    page_check.html("my articles", author, reverse("articles:my-list"))
    page_check.assert_safe()
    for article, note in zip(articles, notes):
        page_check.assert_shown_as_text(note.split("\n"), pages=[f"author's page {article.pk}"])


def test_signup_rejection_reason_reads_as_typed_and_runs_nowhere(moderator, page_check, settings):
    settings.RATE_LIMITS = {"signup": (10_000, 3600), "password_reset": (10_000, 3600)}
    reasons = chunks(all_payloads(), 2000, separator="\n")
    reviewer = signed_in(moderator)
    for number, reason in enumerate(reasons):
        applicant = signup(Client(), number=number)
        pk = applicant.signup_requests.get().pk
        response = reviewer.post(reverse("accounts:reject", args=[pk]), {f"reject-{pk}-reason": reason})
        assert response.status_code == 302, response.content.decode()[:3000]
        assert SignupRequest.objects.get(pk=pk).status == SignupRequest.Status.REJECTED
    page_check.html("approvals decided", reviewer, reverse("accounts:approvals"))
    page_check.assert_safe()
    lines = [line for reason in reasons for line in reason.split("\n")]
    page_check.assert_shown_as_text(lines, pages=["approvals decided"])


# --- The search box ------------------------------------------------------------------------------


@pytest.fixture
def searchable(officer, moderator) -> Article:
    """A published article whose text holds every payload as text, so searches match and highlight."""
    body = "".join(f"<p>{escape(f'ทดสอบ {payload} ภาษาไทย')}</p>" for payload in all_payloads())
    article = write_via_form(
        signed_in(officer), title=f"{MARKER} " + chunks(fitting(450), 450)[0], background=body
    )
    return article_publish(article=article_submit(article=article, by=officer), by=moderator)


@pytest.mark.parametrize("page", ["national search", "province list"])
def test_search_box_with_each_payload_runs_nowhere_in_results_or_highlights(page, searchable, officer, page_check):
    url = reverse("articles:search") if page == "national search" else reverse("articles:list", args=["lampang"])
    highlighted = 0
    anonymous, signed = Client(), signed_in(officer)
    searches = [("anonymous", anonymous, name) for name in XSS_PAYLOADS]
    # Signed in, the page differs only around the results; a sample covers it.
    searches += [("officer", signed, name) for name in BROWSER_SAMPLE]
    for who, client, name in searches:
        empty_caches()
        response = client.get(url, {"q": XSS_PAYLOADS[name]})
        assert response.status_code == 200, f"{name}: {response.status_code}"
        html = response.content.decode()
        page_check.record(f"{page} ?q={name} as {who}", executable_markup(html))
        highlighted += "<mark>" in html
    page_check.assert_safe()
    # Most payloads are found in the article and highlighted, so the highlighting ran on them.
    assert highlighted >= len(XSS_PAYLOADS) // 2, highlighted
