"""Province moderators decide what is published: the queue, the decisions, revisions, the admin."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleImage, ArticleTransition, Category
from articles.services import (
    ArticleConflictError,
    SectionContent,
    article_archive,
    article_publish,
    article_return_to_author,
    article_save_draft,
    article_start_revision,
    article_submit,
)
from provinces.models import District
from tests.articles.factories import attach_photo
from tests.articles.test_authoring import (
    complete_content,
    published_article,
    submitted_article,
    write_draft,
)


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def decide(client, article, action, note="", version=None):
    return client.post(
        reverse(f"moderation:{action}", args=[article.pk]),
        {f"{action}-note": note, f"{action}-version": version if version is not None else article.version},
    )


# --- The queue ---


def test_queue_lists_the_provinces_submissions_and_revisions_oldest_first(
    moderator_client, officer, same_province_officer, other_province_officer, moderator
):
    older = submitted_article(officer, title="ส่งก่อน")
    newer = submitted_article(same_province_officer, title="ส่งทีหลัง")
    Article.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    live = published_article(officer, moderator, title="เผยแพร่แล้ว")
    revision = article_start_revision(article=live, by=officer)
    revision = article_submit(article=revision, by=officer)
    Article.objects.filter(pk=revision.pk).update(submitted_at=timezone.now() - timedelta(days=1))
    submitted_article(other_province_officer, title="ของมหาสารคาม")
    write_draft(officer, title="ยังเป็นร่าง")
    response = moderator_client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["articles"]] == [older.pk, revision.pk, newer.pk]
    content = response.content.decode()
    assert "ของมหาสารคาม" not in content and "ยังเป็นร่าง" not in content
    assert "ฉบับแก้ไข" in content and "บทความใหม่" in content


def test_queue_filters_by_kind_district_category_and_words(moderator_client, officer, same_province_officer, moderator):
    ko_kha = officer.profile.district
    other_category = Category.objects.exclude(slug="techniques").first()
    in_ko_kha = submitted_article(officer, title="เห็ดนางฟ้า", district=ko_kha)
    elsewhere = submitted_article(same_province_officer, title="ผ้าทอ", category=other_category)
    live = published_article(officer, moderator, title="ไก่ไข่")
    revision = article_submit(article=article_start_revision(article=live, by=officer), by=officer)
    url = reverse("moderation:queue")

    def listed(**params):
        return {a.pk for a in moderator_client.get(url, params).context["articles"]}

    assert listed() == {in_ko_kha.pk, elsewhere.pk, revision.pk}
    assert listed(kind="new") == {in_ko_kha.pk, elsewhere.pk}
    assert listed(kind="revision") == {revision.pk}
    assert listed(district=ko_kha.pk) == {in_ko_kha.pk}
    assert listed(category=other_category.pk) == {elsewhere.pk}
    assert listed(q="ผ้า") == {elsewhere.pk}
    assert listed(status="published") == {live.pk}


def test_other_provinces_moderator_neither_lists_nor_opens_lampang_articles(client, officer, other_province_moderator):
    article = submitted_article(officer)
    client.force_login(other_province_moderator)
    assert list(client.get(reverse("moderation:queue")).context["articles"]) == []
    assert client.get(reverse("moderation:review", args=[article.pk])).status_code == 404
    assert decide(client, article, "publish").status_code == 404
    assert Article.objects.get().status == Article.Status.SUBMITTED


def test_administrator_sees_every_province_and_filters_by_province(
    client, officer, other_province_officer, administrator, lampang
):
    lampang_article = submitted_article(officer)
    other = submitted_article(other_province_officer)
    client.force_login(administrator)
    url = reverse("moderation:queue")
    assert {a.pk for a in client.get(url).context["articles"]} == {lampang_article.pk, other.pk}
    assert [a.pk for a in client.get(url, {"province": lampang.pk}).context["articles"]] == [lampang_article.pk]


def test_queue_makes_as_many_queries_for_seven_rows_as_for_one(moderator_client, officer, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            moderator_client.get(reverse("moderation:queue"))
        return len(captured)

    submitted_article(officer, title="เรื่องแรก")
    few = queries()
    for number in range(5):
        submitted_article(officer, title=f"เรื่องที่ {number}")
    article_submit(article=article_start_revision(article=published_article(officer, moderator), by=officer), by=officer)
    assert queries() == few
    assert len(moderator_client.get(reverse("moderation:queue")).context["articles"]) == 7


# --- Reviewing and deciding ---


def test_review_shows_the_article_through_the_public_template_with_the_decisions(moderator_client, officer):
    article = submitted_article(officer)
    response = moderator_client.get(reverse("moderation:review", args=[article.pk]))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert "การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน" in content and "ชาวบ้านบ้านทุ่งต้องการอาชีพเสริม" in content
    assert [action for action, _form in response.context["decision_forms"]] == ["publish", "return", "reject"]


def test_moderator_publishes_and_the_article_appears_on_the_province_page_and_in_search(
    moderator_client, officer, moderator, lampang, django_capture_on_commit_callbacks
):
    article = submitted_article(officer)
    attach_photo(article, caption="โรงเรือนเพาะเห็ด", seed=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(moderator_client, article, "publish", note="ขอบคุณสำหรับบทความดี ๆ")
    assert response.status_code == 302 and response["Location"] == reverse("moderation:queue")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None
    step = article.transitions.get(to_status="published")
    assert (step.from_status, step.by, step.note) == ("submitted", moderator, "ขอบคุณสำหรับบทความดี ๆ")
    public = Client()
    assert public.get(article.get_absolute_url()).status_code == 200
    listing = public.get(reverse("articles:list", args=[lampang.slug])).content.decode()
    assert "การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน" in listing
    found = public.get(reverse("articles:search"), {"q": "เห็ดนางฟ้า"}).content.decode()
    assert article.get_absolute_url() in found
    [message] = mail.outbox
    assert message.to == ["officer@example.com"]
    assert message.subject == "[พอร์ทัลสัมมาชีพชุมชน] บทความของคุณเผยแพร่แล้ว: การเพาะเห็ดนางฟ้าในโรงเรือนชุมชน"
    assert "ขอบคุณสำหรับบทความดี ๆ" in message.body and f"http://testserver{article.get_absolute_url()}" in message.body


@pytest.mark.parametrize("action, status", [("return", "returned"), ("reject", "rejected")])
def test_return_and_reject_need_a_note(moderator_client, officer, action, status):
    article = submitted_article(officer)
    response = decide(moderator_client, article, action, note="   ")
    assert response.status_code == 400
    forms = dict(response.context["decision_forms"])
    assert forms[action].errors["note"]
    assert Article.objects.get().status == Article.Status.SUBMITTED
    assert not ArticleTransition.objects.filter(to_status=status).exists()


def test_moderator_returns_with_a_note_and_the_author_reads_it_in_the_mail_and_on_the_article(
    moderator_client, officer, moderator, django_capture_on_commit_callbacks
):
    article = submitted_article(officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, article, "return", note="กรุณาเพิ่มขั้นตอนการบรรจุหีบห่อ")
    article.refresh_from_db()
    assert article.status == Article.Status.RETURNED
    step = article.transitions.latest("at")
    assert (step.from_status, step.to_status, step.by, step.note) == (
        "submitted", "returned", moderator, "กรุณาเพิ่มขั้นตอนการบรรจุหีบห่อ",
    )
    [message] = mail.outbox
    assert message.subject.startswith("[พอร์ทัลสัมมาชีพชุมชน] บทความของคุณถูกส่งกลับแก้ไข")
    assert "กรุณาเพิ่มขั้นตอนการบรรจุหีบห่อ" in message.body
    assert f"http://testserver/my/articles/{article.pk}/" in message.body
    author = Client()
    author.force_login(officer)
    assert "กรุณาเพิ่มขั้นตอนการบรรจุหีบห่อ" in author.get(reverse("articles:my-detail", args=[article.pk])).content.decode()


def test_rejected_article_is_closed_for_the_author(moderator_client, officer, django_capture_on_commit_callbacks):
    article = submitted_article(officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, article, "reject", note="ซ้ำกับบทความที่มีอยู่แล้ว")
    article.refresh_from_db()
    assert article.status == Article.Status.REJECTED
    assert "ซ้ำกับบทความที่มีอยู่แล้ว" in mail.outbox[0].body
    author = Client()
    author.force_login(officer)
    assert author.get(reverse("articles:my-edit", args=[article.pk])).status_code == 302
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_archive_needs_a_reason_and_takes_the_article_off_the_public_pages(
    moderator_client, officer, moderator, django_capture_on_commit_callbacks
):
    article = published_article(officer, moderator)
    assert decide(moderator_client, article, "archive").status_code == 400
    assert Article.objects.get().status == Article.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, article, "archive", note="ข้อมูลล้าสมัย")
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED
    assert Client().get(article.get_absolute_url()).status_code == 404
    assert mail.outbox[-1].subject.startswith("[พอร์ทัลสัมมาชีพชุมชน] บทความของคุณถูกนำออกจากการเผยแพร่")
    # An archived article can be put back.
    decide(moderator_client, article, "publish")
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_every_transition_records_who_when_from_to_and_note(officer, moderator):
    article = submitted_article(officer)
    article_return_to_author(article=article, by=moderator, note="แก้ชื่อเรื่อง")
    article = article_save_draft(
        article=article, by=officer, content=complete_content(title="ชื่อใหม่"), expected_version=Article.objects.get().version
    )
    article_submit(article=article, by=officer)
    article_publish(article=article, by=moderator)
    article_archive(article=Article.objects.get(), by=moderator, reason="ซ้ำ")
    steps = list(Article.objects.get().transitions.values_list("from_status", "to_status", "by__email", "note"))
    assert steps == [
        ("", "draft", "officer@example.com", ""),
        ("draft", "submitted", "officer@example.com", ""),
        ("submitted", "returned", "moderator@example.com", "แก้ชื่อเรื่อง"),
        ("returned", "submitted", "officer@example.com", ""),
        ("submitted", "published", "moderator@example.com", ""),
        ("published", "archived", "moderator@example.com", "ซ้ำ"),
    ]
    assert all(step.at is not None for step in ArticleTransition.objects.all())


# --- Two people at once ---


def test_second_moderator_acting_on_a_stale_page_is_refused_with_a_message(client, officer, moderator, administrator):
    article = submitted_article(officer)
    opened_version = article.version
    first, second = Client(), Client()
    first.force_login(moderator)
    second.force_login(administrator)
    assert decide(first, article, "publish", version=opened_version).status_code == 302
    response = decide(second, article, "return", note="ขอแก้", version=opened_version)
    assert response.status_code == 409
    content = response.content.decode()
    assert "บทความนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่คุณเปิดฟอร์ม" in content
    assert Article.objects.get().status == Article.Status.PUBLISHED
    assert ArticleTransition.objects.filter(to_status__in=["published", "returned"]).count() == 1


def test_two_publishes_of_the_same_article_make_one_transition(officer, moderator, administrator):
    article = submitted_article(officer)
    stale_copy = Article.objects.get(pk=article.pk)
    article_publish(article=article, by=moderator, expected_version=article.version)
    with pytest.raises(ArticleConflictError):
        article_publish(article=stale_copy, by=administrator, expected_version=stale_copy.version)
    with pytest.raises(ArticleConflictError, match="มีผู้ดำเนินการไปแล้ว"):
        article_publish(article=stale_copy, by=administrator)
    assert ArticleTransition.objects.filter(to_status="published").count() == 1


# Threads need committed data; serialized rollback puts the migrations' reference data
# (provinces, categories) back for the transactional tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_moderators_publishing_in_parallel_threads_make_one_transition(officer, moderator, administrator):
    """Real concurrency: both requests start together; the row lock lets exactly one through.

    PostgreSQL makes the second wait for the first and then refuses it as already
    published; SQLite has no row locks and refuses the second writer at the database.
    """
    article = submitted_article(officer)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def publish(by):
        try:
            barrier.wait(timeout=10)
            article_publish(article=Article.objects.get(pk=article.pk), by=by)
            outcomes.append("published")
        except (ArticleConflictError, OperationalError) as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(person,)) for person in (moderator, administrator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)).count("published") == 1, outcomes
    refused = next(outcome for outcome in outcomes if outcome != "published")
    if connection.vendor == "postgresql":
        assert isinstance(refused, ArticleConflictError)
    assert ArticleTransition.objects.filter(article=article, to_status="published").count() == 1
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


# --- Revisions ---


@pytest.fixture
def live_with_revision(officer, moderator):
    """A published article with one photo, and a submitted revision that changes its text and photos."""
    live = published_article(officer, moderator, title="ชื่อเดิม")
    old_photo = attach_photo(live, caption="ภาพเดิม", seed=1)
    revision = article_start_revision(article=live, by=officer)
    content = complete_content(
        title="ชื่อใหม่",
        sections=complete_content().sections[:2] + (
            SectionContent("process", "", "<p>ขั้นตอนใหม่ที่ละเอียดขึ้น</p>"),
            SectionContent("other", "ผลที่เกิดขึ้น", "<p>รายได้เพิ่ม 20%</p>"),
        ),
    )
    revision_photo = revision.images.get()
    revision = article_save_draft(
        article=revision, by=officer, content=content, expected_version=revision.version,
        image_changes=[],
    )
    ArticleImage.objects.filter(pk=revision_photo.pk).update(caption="ภาพเดิมคำบรรยายใหม่")
    attach_photo(revision, caption="ภาพใหม่", position=2, seed=2)
    revision = article_submit(article=revision, by=officer)
    return live, revision, old_photo


def test_review_of_a_revision_shows_what_it_changes(moderator_client, live_with_revision):
    live, revision, _photo = live_with_revision
    response = moderator_client.get(reverse("moderation:review", args=[revision.pk]))
    diff = response.context["diff"]
    assert [(change.label, change.old, change.new) for change in diff.fields] == [("ชื่อเรื่อง", "ชื่อเดิม", "ชื่อใหม่")]
    kinds = {section.heading: section.kind for section in diff.sections}
    assert kinds["กระบวนการ/ขั้นตอน"] == "changed"
    assert kinds["ผลที่เกิดขึ้น"] == "added"
    assert kinds["วัตถุประสงค์"] == "same"
    assert (diff.images.before, diff.images.after, diff.images.added, diff.images.captions_changed) == (1, 2, 1, 1)
    content = response.content.decode()
    assert "<ins>" in content and "<del>" in content
    assert "สิ่งที่เปลี่ยนจากฉบับที่เผยแพร่อยู่" in content


def test_published_article_stays_online_unchanged_while_its_revision_is_reviewed(live_with_revision):
    live, revision, _photo = live_with_revision
    page = Client().get(live.get_absolute_url()).content.decode()
    assert "ชื่อเดิม" in page and "ขั้นตอนใหม่ที่ละเอียดขึ้น" not in page
    assert list(Article.objects.published()) == [live]
    assert Client().get(reverse("articles:search"), {"q": "ขั้นตอนใหม่"}).content.decode().count(
        f"/articles/{revision.pk}/"
    ) == 0


def test_publishing_a_revision_copies_it_into_the_live_article_and_closes_it(
    moderator_client, live_with_revision, officer, moderator, django_capture_on_commit_callbacks
):
    live, revision, old_photo = live_with_revision
    first_published_at = live.published_at
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(moderator_client, revision, "publish")
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "ชื่อใหม่" and live.status == "published" and live.published_at == first_published_at
    assert [(s.key, s.display_heading) for s in live.sections.all()][-1] == ("other", "ผลที่เกิดขึ้น")
    assert live.sections.get(key="process").body == "<p>ขั้นตอนใหม่ที่ละเอียดขึ้น</p>"
    assert [(i.caption, i.position) for i in live.images.order_by("position")] == [
        ("ภาพเดิมคำบรรยายใหม่", 1), ("ภาพใหม่", 2),
    ]
    assert live.images.first().image.name == old_photo.image.name
    assert not Article.objects.filter(pk=revision.pk).exists()
    # The revision's own steps join the live article's trail, marked as the revision's.
    assert list(live.transitions.values_list("from_status", "to_status", "is_revision")) == [
        ("", "draft", False), ("draft", "submitted", False), ("submitted", "published", False),
        ("", "draft", True), ("draft", "submitted", True), ("submitted", "published", True),
    ]
    assert "ขั้นตอนใหม่ที่ละเอียดขึ้น" in live.search_text
    page = Client().get(live.get_absolute_url()).content.decode()
    assert "ชื่อใหม่" in page and "ขั้นตอนใหม่ที่ละเอียดขึ้น" in page
    [message] = mail.outbox
    assert "ฉบับแก้ไขของบทความ" in message.body and message.to == ["officer@example.com"]


def test_rejecting_a_revision_leaves_the_live_article_as_it_was(moderator_client, live_with_revision, officer):
    live, revision, _photo = live_with_revision
    decide(moderator_client, revision, "reject", note="ไม่จำเป็นต้องแก้")
    live.refresh_from_db()
    revision.refresh_from_db()
    assert live.status == "published" and live.title == "ชื่อเดิม"
    assert revision.status == "rejected"
    # The author may start a fresh revision; their page shows the reason.
    author = Client()
    author.force_login(officer)
    assert "ไม่จำเป็นต้องแก้" in author.get(reverse("articles:my-detail", args=[revision.pk])).content.decode()
    new_revision = article_start_revision(article=live, by=officer)
    assert new_revision.pk != revision.pk


# --- The admin ---


@pytest.fixture
def admin_as_moderator(client, moderator):
    client.force_login(moderator)
    return client


def test_admin_lists_only_the_moderators_province(admin_as_moderator, officer, other_province_officer):
    mine = submitted_article(officer)
    other = submitted_article(other_province_officer)
    response = admin_as_moderator.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [mine.pk]
    assert admin_as_moderator.get(reverse("admin:articles_article_change", args=[other.pk])).status_code == 404
    assert admin_as_moderator.get(reverse("admin:articles_article_change", args=[mine.pk])).status_code == 200
    assert admin_as_moderator.get(reverse("admin:articles_article_delete", args=[mine.pk])).status_code == 403


def test_admin_bulk_publish_goes_through_the_workflow(
    admin_as_moderator, officer, same_province_officer, moderator, django_capture_on_commit_callbacks
):
    first = submitted_article(officer, title="หนึ่ง")
    second = submitted_article(same_province_officer, title="สอง")
    draft = write_draft(officer, title="ร่าง")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_as_moderator.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_selected", "_selected_action": [first.pk, second.pk, draft.pk]},
            follow=True,
        )
    assert response.status_code == 200
    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses == {"หนึ่ง": "published", "สอง": "published", "ร่าง": "draft"}
    assert ArticleTransition.objects.filter(to_status="published", by=moderator).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["colleague@example.com", "officer@example.com"]
    content = response.content.decode()
    assert "เผยแพร่ 2 บทความแล้ว" in content and "ข้ามไป 1 บทความ" in content


def test_admin_shows_transitions_read_only_and_refuses_a_stale_save(admin_as_moderator, officer, moderator):
    article = submitted_article(officer)
    response = admin_as_moderator.get(reverse("admin:articles_article_change", args=[article.pk]))
    inline = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is ArticleTransition)
    assert not inline.has_add_permission and not inline.has_change_permission and not inline.has_delete_permission
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert form["opened_version"].value() == article.version
    # Someone else acts on the article after the admin page was opened.
    article_return_to_author(article=article, by=moderator, note="ขอแก้")
    data = {
        "title": "แก้ในหน้าผู้ดูแล", "category": article.category_id, "author": officer.pk,
        "author_name": article.author_name, "author_position": "", "province": article.province_id,
        "district": "", "office": "", "written_at": "", "opened_version": response.context["adminform"].form["opened_version"].value(),
        "sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
    }
    response = admin_as_moderator.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "บทความนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่คุณเปิดฟอร์ม" in response.content.decode()
    assert Article.objects.get().title != "แก้ในหน้าผู้ดูแล"


def test_officer_cannot_use_the_admin_for_articles(client, officer):
    write_draft(officer)
    client.force_login(officer)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code in (302, 403)


def test_districts_filter_of_the_queue_lists_the_provinces_districts(moderator_client, lampang):
    form = moderator_client.get(reverse("moderation:queue")).context["form"]
    assert set(form.fields["district"].queryset) == set(District.objects.filter(province=lampang))
    assert "province" not in form.fields


def test_revision_diff_marks_whole_changed_runs_and_keeps_thai_marks_on_their_letters():
    from articles.revision_diff import diff_text

    [line] = diff_text("ปอกกล้วยที่สุกงอม แล้วตากสามวัน", "ปอกกล้วยที่สุกงอม แล้วตากในโรงอบสี่วัน")
    assert line.kind == "changed"
    assert [(segment.kind, segment.text) for segment in line.segments] == [
        ("same", "ปอกกล้วยที่สุกงอม แล้วตาก"), ("removed", "สาม"), ("added", "ในโรงอบสี่"), ("same", "วัน"),
    ]
    [line] = diff_text("ขั้นตอนเดิม", "ขั้นตอนใหม่ที่ละเอียดขึ้น")
    assert [(segment.kind, segment.text) for segment in line.segments] == [
        ("same", "ขั้นตอน"), ("removed", "เดิม"), ("added", "ใหม่ที่ละเอียดขึ้น"),
    ]
    lines = diff_text("ย่อหน้าแรก\nย่อหน้าที่ลบ\nย่อหน้าท้าย", "ย่อหน้าแรก\nย่อหน้าท้าย\nAAAAAAAAAAAA")
    assert [line.kind for line in lines] == ["same", "removed", "same", "added"]
