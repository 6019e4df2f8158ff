"""Officers write articles through the portal's form: drafts, sections, dates, preview, submission."""

import io
from datetime import date

import pytest
from django import forms
from django.core import mail
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.forms import parse_written_date
from articles.models import Article, ArticleTransition, Category, Section
from articles.services import (
    ArticleConflictError,
    ArticleContent,
    SectionContent,
    article_publish,
    article_save_draft,
    article_submit,
)
from provinces.models import District

BACKGROUND = "<p>ชาวบ้านบ้านทุ่งต้องการอาชีพเสริมหลังฤดูเก็บเกี่ยว</p>"
OBJECTIVES = "<ol><li>เพื่อเพิ่มรายได้ของครัวเรือน</li><li>เพื่อใช้วัตถุดิบในชุมชน</li></ol>"
PROCESS = "<p>รวมกลุ่ม เรียนรู้ ลงมือทำ และทบทวนทุกเดือน</p>"


# --- Helpers shared by the authoring, moderation, upload and permission tests ---


def form_values(form) -> dict:
    """What a browser sends back for one unchanged Django form: its fields' current values."""
    values = {}
    for bound in form:
        if isinstance(bound.field, forms.FileField):
            continue
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                values[bound.html_name] = "on"
            continue
        values[bound.html_name] = "" if value is None else str(value)
    return values


def page_post_data(response, **changes) -> dict:
    """The article form page's data as the browser would post it, with some fields changed."""
    context = response.context
    data = form_values(context["form"])
    for formset_name in ("sections_formset", "saved_images_formset", "new_images_formset"):
        formset = context[formset_name]
        data.update(form_values(formset.management_form))
        for form in formset.forms:
            data.update(form_values(form))
    data["action"] = "save"
    data.update({key: str(value) for key, value in changes.items()})
    return data


def category() -> Category:
    return Category.objects.get(slug="techniques")


def complete_content(**overrides) -> ArticleContent:
    values = {
        "title": "การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน",
        "category": category(),
        "author_name": "นางสาวทดสอบ ใจดี",
        "author_position": "นักวิชาการพัฒนาชุมชน",
        "office": "สำนักงานพัฒนาชุมชนอำเภอเกาะคา",
        "district": None,
        "written_at": date(2024, 6, 14),
        "sections": (
            SectionContent("background", "", BACKGROUND),
            SectionContent("objectives", "", OBJECTIVES),
            SectionContent("process", "", PROCESS),
        ),
    }
    values.update(overrides)
    return ArticleContent(**values)


def write_draft(officer, **overrides) -> Article:
    return article_save_draft(article=None, by=officer, content=complete_content(**overrides))


def submitted_article(officer, **overrides) -> Article:
    article = write_draft(officer, **overrides)
    return article_submit(article=article, by=officer)


def published_article(officer, moderator, **overrides) -> Article:
    return article_publish(article=submitted_article(officer, **overrides), by=moderator)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


# --- The form ---


def test_new_article_form_is_prefilled_with_the_officers_name_position_and_office(officer_client, officer):
    response = officer_client.get(reverse("articles:my-new"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["author_name"].value() == "นางสาวทดสอบ ใจดี"
    assert form["author_position"].value() == "นักวิชาการพัฒนาชุมชน"
    assert form["office"].value() == "สำนักงานพัฒนาชุมชนอำเภอเกาะคา"
    assert form["district"].value() == officer.profile.district_id


def test_form_shows_the_six_standard_sections_under_their_exact_headings_with_hints(officer_client):
    content = officer_client.get(reverse("articles:my-new")).content.decode()
    headings = [
        "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ", "วัตถุประสงค์", "วัตถุดิบ (ถ้ามี)", "อุปกรณ์",
        "กระบวนการ/ขั้นตอน", "ข้อพึงระวัง",
    ]
    positions = [content.index(f">{heading}</label>") for heading in headings]
    assert positions == sorted(positions)
    assert "ขั้นตอนการทำตามลำดับ" in content  # the hint under กระบวนการ/ขั้นตอน
    # Six sections, one empty extra-section slot, and the <template> the script copies for more.
    assert content.count('class="django_ckeditor_5"') == 8


def test_editor_uses_the_small_toolbar_and_never_points_at_an_upload_view(officer_client):
    content = officer_client.get(reverse("articles:my-new")).content.decode()
    assert '"toolbar": ["heading", "|", "bold", "italic"' in content
    assert 'data-upload-url=""' in content
    assert "ck_editor_5_upload_file" not in content and "/upload/" not in content


def test_officer_saves_a_draft_without_title_or_category(officer_client, officer):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="", category="")
    response = officer_client.post(reverse("articles:my-new"), data)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("articles:my-edit", args=[article.pk])
    assert article.status == Article.Status.DRAFT and article.title == "" and article.category is None
    assert article.author == officer and article.province == officer.profile.province
    assert list(article.transitions.values_list("from_status", "to_status")) == [("", "draft")]


def test_sections_are_stored_in_template_order_and_empty_ones_are_left_out(officer_client):
    data = page_post_data(
        officer_client.get(reverse("articles:my-new")),
        title="การทำปุ๋ยหมัก", category=category().pk,
        process=PROCESS, background=BACKGROUND, materials="<p>&nbsp;</p>", cautions="<p>ระวังความชื้น</p>",
    )
    officer_client.post(reverse("articles:my-new"), data)
    article = Article.objects.get()
    assert [(s.position, s.key) for s in article.sections.all()] == [
        (1, "background"), (2, "process"), (3, "cautions"),
    ]
    assert article.sections.get(key="cautions").display_heading == "ข้อพึงระวัง"


def test_extra_sections_keep_their_heading_and_follow_the_officers_order(officer_client):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="เรื่องทดสอบ", background=BACKGROUND)
    data.update({
        "sections-TOTAL_FORMS": "3",
        "sections-0-heading": "ผลที่เกิดขึ้น", "sections-0-body": "<p>รายได้เพิ่มขึ้น</p>", "sections-0-order": "2",
        "sections-1-heading": "ปัจจัยความสำเร็จ", "sections-1-body": "<p>ความร่วมมือ</p>", "sections-1-order": "1",
        "sections-2-heading": "หัวข้อที่ลบ", "sections-2-body": "<p>ลบทิ้ง</p>", "sections-2-order": "3",
        "sections-2-DELETE": "on",
    })
    officer_client.post(reverse("articles:my-new"), data)
    article = Article.objects.get()
    assert [(s.key, s.display_heading) for s in article.sections.all()] == [
        ("background", "ความเป็นมา / แรงบันดาลใจ / เหตุผลที่ทำ"),
        ("other", "ปัจจัยความสำเร็จ"),
        ("other", "ผลที่เกิดขึ้น"),
    ]
    # Reordering them later: the edit form opens in the saved order and saves a new one.
    response = officer_client.get(reverse("articles:my-edit", args=[article.pk]))
    data = page_post_data(response)
    assert data["sections-0-heading"] == "ปัจจัยความสำเร็จ"
    data.update({"sections-0-order": "5"})
    officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert [s.heading for s in Article.objects.get().sections.filter(key="other")] == ["ผลที่เกิดขึ้น", "ปัจจัยความสำเร็จ"]


def test_extra_section_with_text_needs_a_heading(officer_client):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="เรื่องทดสอบ")
    data.update({"sections-0-heading": "", "sections-0-body": "<p>เนื้อหาไม่มีหัวข้อ</p>"})
    response = officer_client.post(reverse("articles:my-new"), data)
    assert response.status_code == 400
    assert "กรุณาใส่ชื่อหัวข้อของเนื้อหาส่วนนี้" in response.content.decode()
    assert not Article.objects.exists()
    assert response.context["form"]["title"].value() == "เรื่องทดสอบ"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2024-06-14", date(2024, 6, 14)),
        ("14/06/2567", date(2024, 6, 14)),
        ("2567-06-14", date(2024, 6, 14)),
        ("14/6/2024", date(2024, 6, 14)),
        ("14-06-67", date(2024, 6, 14)),
        ("๑๔/๐๖/๒๕๖๗", date(2024, 6, 14)),
        ("14 มิถุนายน 2567", date(2024, 6, 14)),
        ("14 มิ.ย. 67", date(2024, 6, 14)),
        ("1 ม.ค. พ.ศ. 2560", date(2017, 1, 1)),
        ("", None),
    ],
)
def test_written_date_is_read_in_the_buddhist_era_or_gregorian(typed, expected):
    assert parse_written_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2567", "14/13/2567", "เมื่อวาน", "2300-01-01", "14 มิถุ 2567"])
def test_unreadable_written_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_written_date(typed)


def test_written_date_is_stored_as_a_date_and_shown_back_in_the_buddhist_era(officer_client):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="เรื่องทดสอบ", written_at="14/06/2567")
    officer_client.post(reverse("articles:my-new"), data)
    article = Article.objects.get()
    assert article.written_at == date(2024, 6, 14)
    response = officer_client.get(reverse("articles:my-edit", args=[article.pk]))
    assert response.context["form"]["written_at"].value() == "14/06/2567"


def test_bad_date_gets_a_thai_message_next_to_the_field_and_keeps_the_text(officer_client):
    data = page_post_data(
        officer_client.get(reverse("articles:my-new")), title="เรื่องที่พิมพ์ไว้", written_at="32/13/2567",
        background=BACKGROUND,
    )
    response = officer_client.post(reverse("articles:my-new"), data)
    assert response.status_code == 400
    assert not Article.objects.exists()
    form = response.context["form"]
    assert "อ่านวันที่ไม่ออก" in form.errors["written_at"][0]
    assert form["title"].value() == "เรื่องที่พิมพ์ไว้" and form["background"].value() == BACKGROUND


def test_future_written_date_is_refused(officer_client):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="เรื่อง", written_at="01/01/2600")
    response = officer_client.post(reverse("articles:my-new"), data)
    assert "ต้องไม่เลยวันนี้" in response.context["form"].errors["written_at"][0]


def test_district_must_be_in_the_officers_province(officer_client, maha_sarakham):
    elsewhere = District.objects.filter(province=maha_sarakham).first()
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="เรื่อง", district=elsewhere.pk)
    response = officer_client.post(reverse("articles:my-new"), data)
    assert response.status_code == 400 and "district" in response.context["form"].errors
    assert not Article.objects.exists()


# --- Submission ---


def test_submission_needs_title_category_background_objectives_and_process(officer_client, officer):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="", category="", action="submit")
    response = officer_client.post(reverse("articles:my-new"), data)
    # The draft is kept; what is missing is marked next to each field.
    article = Article.objects.get()
    assert response.status_code == 400
    assert article.status == Article.Status.DRAFT
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "category", "background", "objectives", "process"}
    assert "materials" not in errors and "cautions" not in errors
    assert "บันทึกฉบับร่างแล้ว แต่ยังส่งตรวจไม่ได้" in response.content.decode()
    assert not article.transitions.filter(to_status="submitted").exists()
    # The re-shown form now points at the saved draft and carries its new version.
    assert response.context["form_action"] == reverse("articles:my-edit", args=[article.pk])
    assert response.context["form"]["version"].value() == str(article.version)


def test_officer_submits_and_the_provinces_moderators_are_mailed(
    officer_client, officer, moderator, other_province_moderator, django_capture_on_commit_callbacks
):
    data = page_post_data(
        officer_client.get(reverse("articles:my-new")),
        title="การเพาะเห็ดนางฟ้า", category=category().pk, background=BACKGROUND, objectives=OBJECTIVES,
        process=PROCESS, action="submit",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("articles:my-new"), data)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("articles:my-detail", args=[article.pk])
    assert article.status == Article.Status.SUBMITTED and article.submitted_at is not None
    step = article.transitions.get(to_status="submitted")
    assert (step.from_status, step.by) == ("draft", officer)
    assert [message.to for message in mail.outbox] == [["moderator@example.com"]]
    message = mail.outbox[0]
    assert message.subject.startswith("[พอร์ทัลสัมมาชีพชุมชน] บทความใหม่รอตรวจสอบ: การเพาะเห็ดนางฟ้า")
    assert f"http://testserver/moderation/{article.pk}/" in message.body
    assert "<" not in message.body.replace("<p>", "")  # plain text


def test_submission_mail_goes_to_administrators_when_the_province_has_no_moderator(
    officer, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted_article(officer)
    assert [message.to for message in mail.outbox] == [["admin@example.com"]]


def test_submitted_article_cannot_be_edited_until_returned(officer_client, officer):
    article = submitted_article(officer)
    response = officer_client.get(reverse("articles:my-edit", args=[article.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("articles:my-detail", args=[article.pk])
    with pytest.raises(ArticleConflictError):
        article_save_draft(article=article, by=officer, content=complete_content(title="แก้ไม่ได้"))
    assert Article.objects.get().title == "การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน"


def test_returned_article_shows_the_note_and_is_sent_again_as_a_resubmission(
    officer_client, officer, moderator, django_capture_on_commit_callbacks
):
    from articles.services import article_return_to_author

    article = submitted_article(officer)
    article_return_to_author(article=article, by=moderator, note="กรุณาเพิ่มภาพกิจกรรมและขั้นตอนที่ 3")
    page = officer_client.get(reverse("articles:my-edit", args=[article.pk]))
    assert "กรุณาเพิ่มภาพกิจกรรมและขั้นตอนที่ 3" in page.content.decode()
    data = page_post_data(page, process="<p>ขั้นตอนที่ 1 2 และ 3</p>", action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    [message] = mail.outbox
    assert message.subject.startswith("[พอร์ทัลสัมมาชีพชุมชน] แก้ไขแล้ว รอตรวจสอบอีกครั้ง:")
    assert "แก้ไขบทความที่ส่งกลับไปแล้ว" in message.body
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED
    assert list(article.transitions.values_list("to_status", flat=True)) == ["draft", "submitted", "returned", "submitted"]


# --- Two tabs, one article ---


def test_saving_a_form_opened_before_someone_elses_save_is_refused_and_keeps_the_input(officer_client, officer):
    article = write_draft(officer)
    stale_page = officer_client.get(reverse("articles:my-edit", args=[article.pk]))
    # Meanwhile the same article is saved from another device.
    article_save_draft(
        article=article, by=officer, content=complete_content(title="ชื่อจากอีกเครื่อง"), expected_version=article.version
    )
    data = page_post_data(stale_page, title="ชื่อจากแท็บเก่า", cautions="<p>ข้อความที่พิมพ์ไว้นาน</p>")
    response = officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert response.status_code == 409
    assert "บทความนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่คุณเปิดฟอร์ม" in response.content.decode()
    form = response.context["form"]
    assert form["title"].value() == "ชื่อจากแท็บเก่า"
    assert form["cautions"].value() == "<p>ข้อความที่พิมพ์ไว้นาน</p>"
    saved = Article.objects.get()
    assert saved.title == "ชื่อจากอีกเครื่อง" and not saved.sections.filter(key="cautions").exists()


def test_stale_version_in_the_service_is_refused(officer):
    article = write_draft(officer)
    opened = article.version
    article_save_draft(article=article, by=officer, content=complete_content(title="ครั้งแรก"), expected_version=opened)
    with pytest.raises(ArticleConflictError, match="ถูกแก้ไขโดยผู้อื่น"):
        article_save_draft(article=article, by=officer, content=complete_content(title="ครั้งที่สอง"), expected_version=opened)
    assert Article.objects.get().title == "ครั้งแรก"


# --- Preview, detail, list ---


def test_preview_renders_the_public_article_template_with_a_preview_banner(officer_client, officer):
    article = write_draft(officer)
    response = officer_client.get(reverse("articles:my-preview", args=[article.pk]))
    assert response.status_code == 200
    names = [template.name for template in response.templates]
    assert "articles/my/article_preview.html" in names and "articles/article_detail.html" in names
    content = response.content.decode()
    assert "ตัวอย่างก่อนเผยแพร่" in content
    assert "การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน" in content and "ชาวบ้านบ้านทุ่งต้องการอาชีพเสริม" in content
    assert response.context["province"] == article.province
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # The public address itself still answers 404 until the article is published.
    assert officer_client.get(article.get_absolute_url()).status_code == 404


def test_preview_button_saves_then_opens_the_preview(officer_client):
    data = page_post_data(officer_client.get(reverse("articles:my-new")), title="ดูก่อนส่ง", action="preview")
    response = officer_client.post(reverse("articles:my-new"), data)
    article = Article.objects.get()
    assert response["Location"] == reverse("articles:my-preview", args=[article.pk])


def test_author_sees_history_and_the_moderators_note(officer_client, officer, moderator):
    from articles.services import article_return_to_author

    article = submitted_article(officer)
    article_return_to_author(article=article, by=moderator, note="ขอภาพประกอบเพิ่ม")
    content = officer_client.get(reverse("articles:my-detail", args=[article.pk])).content.decode()
    assert "สิ่งที่ผู้ตรวจสอบขอให้แก้ไข" in content and "ขอภาพประกอบเพิ่ม" in content
    assert "นายผู้ตรวจ ลำปาง" in content
    for label in ["ฉบับร่าง", "รอตรวจสอบ", "ส่งกลับแก้ไข"]:
        assert label in content


def test_list_shows_own_articles_and_the_offices_published_ones_read_only(
    officer_client, officer, same_province_officer, moderator, lampang
):
    mine = write_draft(officer, title="บทความของฉันเอง")
    write_draft(same_province_officer, title="ร่างของเพื่อนร่วมจังหวัด")
    office_colleague = same_province_officer
    office_colleague.profile.district = officer.profile.district
    office_colleague.profile.save()
    colleague_published = published_article(
        office_colleague, moderator, title="บทความของสำนักงานเดียวกัน", district=officer.profile.district
    )
    published_article(same_province_officer, moderator, title="บทความของสำนักงานจังหวัด")
    response = officer_client.get(reverse("articles:my-list"))
    assert [a.pk for a in response.context["articles"]] == [mine.pk]
    assert [a.pk for a in response.context["office_articles"]] == [colleague_published.pk]
    content = response.content.decode()
    assert "ร่างของเพื่อนร่วมจังหวัด" not in content
    assert reverse("articles:my-edit", args=[colleague_published.pk]) not in content


def test_list_makes_as_many_queries_for_eight_articles_as_for_two(officer_client, officer, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            officer_client.get(reverse("articles:my-list"))
        return len(captured)

    from articles.services import article_return_to_author, article_start_revision

    for number in range(2):
        write_draft(officer, title=f"บทความที่ {number}")
    few = queries()
    for number in range(3):
        article_return_to_author(article=submitted_article(officer), by=moderator, note=f"แก้ {number}")
    article_start_revision(article=published_article(officer, moderator), by=officer)
    assert queries() == few
    assert len(officer_client.get(reverse("articles:my-list")).context["articles"]) == 6


def test_officer_discards_a_draft_but_not_a_submitted_article(officer_client, officer):
    draft = write_draft(officer)
    response = officer_client.post(reverse("articles:my-discard", args=[draft.pk]))
    assert response.status_code == 302 and not Article.objects.filter(pk=draft.pk).exists()
    submitted = submitted_article(officer)
    assert officer_client.post(reverse("articles:my-discard", args=[submitted.pk])).status_code == 403
    assert Article.objects.filter(pk=submitted.pk).exists()


# --- Revisions of published articles ---


def test_editing_a_published_article_makes_a_revision_and_leaves_the_live_one_untouched(
    officer_client, officer, moderator, client
):
    live = published_article(officer, moderator)
    live_version = live.version
    confirm = officer_client.get(reverse("articles:my-edit", args=[live.pk]))
    assert confirm.status_code == 200 and "สร้างฉบับแก้ไข" in confirm.content.decode()
    response = officer_client.post(reverse("articles:my-revise", args=[live.pk]))
    revision = Article.objects.get(revision_of=live)
    assert response["Location"] == reverse("articles:my-edit", args=[revision.pk])
    page = officer_client.get(response["Location"])
    officer_client.post(response["Location"], page_post_data(page, title="ชื่อเรื่องใหม่", background="<p>ที่มาใหม่</p>"))
    live.refresh_from_db()
    revision.refresh_from_db()
    assert (live.title, live.status, live.version) == ("การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน", "published", live_version)
    assert live.sections.get(key="background").body == BACKGROUND
    assert revision.title == "ชื่อเรื่องใหม่" and revision.status == "draft"
    # The public page shows the published text; public lists never show the revision.
    public = client.get(live.get_absolute_url()).content.decode()
    assert "การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน" in public and "ชื่อเรื่องใหม่" not in public
    assert list(Article.objects.published()) == [live]
    # Editing again continues the same revision.
    again = officer_client.get(reverse("articles:my-edit", args=[live.pk]))
    assert again["Location"] == reverse("articles:my-edit", args=[revision.pk])
    officer_client.post(reverse("articles:my-revise", args=[live.pk]))
    assert Article.objects.filter(revision_of=live).count() == 1


def test_export_leaves_out_revisions(officer, moderator, tmp_path):
    import json

    from django.core.management import call_command

    from articles.services import article_start_revision

    live = published_article(officer, moderator)
    article_start_revision(article=live, by=officer)
    target = tmp_path / "export.json"
    call_command("export_km", output=str(target), verbosity=0)
    exported = json.loads(target.read_text(encoding="utf-8"))["articles"]
    assert [item["id"] for item in exported] == [live.pk]


# --- Hostile input ---

PAYLOADS = [
    '<script>alert("x")</script><p>ข้อความ</p>',
    '<p onclick="alert(1)" onmouseover="steal()">คลิก</p>',
    '<a href="javascript:alert(1)">ลิงก์</a>',
    '<a href="JaVaScRiPt:alert(1)" target="_blank">ลิงก์สอง</a>',
    '<img src=x onerror="alert(1)"><iframe src="https://evil.example"></iframe><p>ภาพ</p>',
    '<p style="background:url(javascript:alert(1))">สไตล์</p><svg onload="alert(1)"></svg>',
    '<a href="https://example.com">ลิงก์ดี</a>',
]


def _assert_inert(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "onclick", "onmouseover", "onerror", "onload", "javascript:", "<iframe", "<img", "<svg", "style="):
        assert bad not in lowered, (bad, html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_event_handler_and_javascript_payloads_in_every_rich_text_field_come_out_inert(officer_client, payload):
    page = officer_client.get(reverse("articles:my-new"))
    fields = {key: payload for key in ["background", "objectives", "materials", "equipment", "process", "cautions"]}
    data = page_post_data(page, title="เรื่องทดสอบความปลอดภัย", **fields)
    data.update({"sections-0-heading": "หัวข้ออื่น", "sections-0-body": payload})
    officer_client.post(reverse("articles:my-new"), data)
    article = Article.objects.get()
    bodies = list(article.sections.values_list("body", flat=True))
    assert len(bodies) == 7
    for body in bodies:
        _assert_inert(body)
        if "https://example.com" in payload:
            assert 'rel="noopener noreferrer"' in body
    preview = officer_client.get(reverse("articles:my-preview", args=[article.pk])).content.decode()
    article_part = preview.split('<article class="article">')[1].split("</article>")[0]
    _assert_inert(article_part)


def test_title_and_names_are_escaped_wherever_they_are_shown(officer_client, officer, moderator):
    article = submitted_article(officer, title='<script>alert("t")</script>', author_name='<b onclick="x()">ผู้เขียน</b>')
    moderator_client = Client()
    moderator_client.force_login(moderator)
    for response in (
        officer_client.get(reverse("articles:my-list")),
        officer_client.get(reverse("articles:my-detail", args=[article.pk])),
        officer_client.get(reverse("articles:my-preview", args=[article.pk])),
        moderator_client.get(reverse("moderation:queue")),
        moderator_client.get(reverse("moderation:review", args=[article.pk])),
    ):
        content = response.content.decode()
        assert '<script>alert("t")</script>' not in content
        assert '<b onclick="x()">' not in content


def test_post_without_csrf_token_is_refused_and_saves_nothing(officer):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    page = strict.get(reverse("articles:my-new"))
    data = page_post_data(page, title="ไม่มีโทเค็น")
    data.pop("csrfmiddlewaretoken", None)
    response = strict.post(reverse("articles:my-new"), data)
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_moderation_post_without_csrf_token_is_refused(officer, moderator):
    article = submitted_article(officer)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    response = strict.post(reverse("moderation:publish", args=[article.pk]), {"publish-version": article.version})
    assert response.status_code == 403
    assert Article.objects.get().status == Article.Status.SUBMITTED


def test_image_upload_without_csrf_token_is_refused(officer):
    article = write_draft(officer)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    buffer = io.BytesIO()
    Image.new("RGB", (50, 40), (10, 120, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    response = strict.post(
        reverse("articles:my-image-upload", args=[article.pk]), {"file": buffer},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 403
    assert not article.images.exists()


def test_imported_rich_text_is_sanitised_too(db, lampang):
    from articles.services import import_exported_article

    result = import_exported_article(
        data={
            "title": "นำเข้า", "province": {"code": 52}, "author": {"name": "ผู้เขียน"},
            "sections": [{"key": "background", "html": '<p onclick="x()">ก</p><script>alert(1)</script>'}],
        }
    )
    body = result.article.sections.get().body
    assert body == "<p>ก</p>"
    assert Section.objects.filter(body__icontains="script").count() == 0
    assert ArticleTransition.objects.filter(article=result.article).exists()


def test_edit_posted_without_the_version_it_was_opened_on_is_refused_as_stale(officer_client, officer):
    article = write_draft(officer)
    data = page_post_data(officer_client.get(reverse("articles:my-edit", args=[article.pk])), title="ไม่มีรุ่น")
    data.pop("version")
    response = officer_client.post(reverse("articles:my-edit", args=[article.pk]), data)
    assert response.status_code == 409
    assert Article.objects.get().title == "การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน"
