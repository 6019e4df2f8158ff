"""The portal's load test: readers and officers at once, then a check that nothing was lost.

    make loadtest                                    # 2 minutes, starting its own PostgreSQL
    LOADTEST_SECONDS=30 make loadtest                # a short run
    .venv/bin/python bench/loadtest.py --seconds 30  # when DATABASE_URL already points at an empty database

It seeds the database (load_demo's content, generated published articles and
approved officers of Lampang), serves the portal with gunicorn as in production
(bench/run.py's Gunicorn: DJANGO_DEBUG=0, whitenoise, collectstatic into a
temporary STATIC_ROOT, a temporary MEDIA_ROOT) on 127.0.0.1 only, and for the
given time runs:

- readers fetching the front page, province pages, article lists, articles
  with a photo, and Thai searches;
- officers who sign in through the login form, then over and over write an
  article through the article form as a phone without JavaScript sends it (six
  sections of Thai text and 1–3 JPEG photos in one POST), save the draft, edit
  it and submit it for review.

Afterwards it checks in the database that every submission the server accepted
is there, submitted, with the text of its six sections and its photos (rows, and
files on disk in their three sizes), and that MEDIA_ROOT holds no file without a
row. It prints requests, req/s, p50/p95 per kind of request and the responses by
status, and exits non-zero on any 5xx, unexpected response, failed connection,
lost or incomplete submission, or orphaned file.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from bench.run import Gunicorn, bench_environment, generate, log, manage  # noqa: E402

SEARCH_TERMS = ["ชุมชน", "เห็ด", "ผ้าไหม", "สบู่สมุนไพร", "กลุ่มออมทรัพย์", "ไก่ไข่", "ข้าวอินทรีย์", "จักสาน"]
SECTION_KEYS = ["background", "objectives", "materials", "equipment", "process", "cautions"]
# What each kind of request must answer; anything else is counted as unexpected.
EXPECTED_STATUS = {
    "home": 200, "province": 200, "list": 200, "article": 200, "photo": 200, "search": 200,
    "login-form": 200, "login": 302, "new-form": 200, "save-new": 302, "edit-form": 200,
    "save-edit": 302, "submit": 302, "detail": 200,
}


# --- A small HTTP client: one connection per request, cookies, forms, multipart ---------


@dataclass
class Sample:
    kind: str
    status: int  # 0: the connection failed
    seconds: float


class Browser:
    """One person's cookies, talking to the portal on loopback."""

    def __init__(self, port: int, samples: list[Sample]):
        self.port = port
        self.samples = samples
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, body: bytes | None = None, content_type: str = ""):
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "samma-loadtest", "Accept-Language": "th"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            headers.update({"Origin": f"http://127.0.0.1:{self.port}", "Content-Type": content_type})
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.samples.append(Sample(kind, 0, time.monotonic() - started))
            log(f"  {kind} {path}: connection failed: {error!r}")
            return 0, {}, ""
        finally:
            connection.close()
        self.samples.append(Sample(kind, response.status, time.monotonic() - started))
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in rest.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.status >= 500:
            log(f"  {kind} {path}: {response.status}")
        return response.status, dict(response.headers), data.decode("utf-8", "replace")

    def get(self, kind: str, path: str):
        return self.request(kind, "GET", path)

    def post(self, kind: str, path: str, fields: dict[str, str], files=()):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                         + value.encode() + b"\r\n")
        for name, filename, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(kind, "POST", path, body, f"multipart/form-data; boundary={boundary}")


class FormParser(HTMLParser):
    """What a browser would send for each form of a page: {form id: {field: value}}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, dict[str, str]]] = []
        self.in_template = 0
        self.textarea = self.select = None
        self.text: list[str] = []
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.in_template += 1  # the script's copies, never sent
        if self.in_template:
            return
        if tag == "form":
            self.forms.append((attrs, {}))
        elif not self.forms:
            return
        fields = self.forms[-1][1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "on")
            elif kind not in ("file", "submit", "button", "image", "reset"):
                fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        elif tag == "textarea" and self.textarea:
            text = "".join(self.text)
            self.forms[-1][1][self.textarea] = text[1:] if text.startswith("\n") else text
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [v for v, _ in self.options[:1]]
            if chosen:
                self.forms[-1][1][self.select] = chosen[0]
            self.select = None

    def handle_data(self, data):
        if self.textarea and not self.in_template:
            self.text.append(data)


def form_fields(page: str, *, having: str) -> dict[str, str]:
    """The fields of the page's form that has a field named `having`; {} when there is none."""
    parser = FormParser()
    parser.feed(page)
    return next((dict(fields) for _attrs, fields in parser.forms if having in fields), {})


def category_choice(page: str) -> str:
    values = re.findall(r'<option value="(\d+)"', page.split('name="category"', 1)[-1].split("</select>", 1)[0])
    return values[0] if values else ""


# --- The people ---------------------------------------------------------------------------


@dataclass
class Accepted:
    """A submission the server confirmed, with the text and captions the officer last typed."""

    article_id: int
    officer: str
    title: str
    sections: dict[str, str]
    captions: list[str]


@dataclass
class Outcome:
    created: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    accepted: list[Accepted] = field(default_factory=list)


def think(rng: random.Random, mean: float) -> None:
    if mean > 0:
        time.sleep(rng.uniform(0, 2 * mean))


def reader(browser: Browser, stop: float, paths: dict, rng: random.Random, mean_think: float) -> None:
    while time.monotonic() < stop:
        kind = rng.choices(["home", "province", "list", "article", "search"], weights=[10, 15, 20, 35, 20])[0]
        if kind == "home":
            path = "/"
        elif kind == "province":
            path = f"/{rng.choice(paths['provinces'])}/"
        elif kind == "list":
            path = rng.choice(paths["lists"])
        elif kind == "article":
            path = rng.choice(paths["articles"])
        else:
            path = f"/search/?q={quote(rng.choice(SEARCH_TERMS))}"
        status, _headers, page = browser.get(kind, path)
        if kind == "article" and status == 200:
            photo = re.search(r'src="(/media/[^"]+)"', page)
            if photo:
                browser.get("photo", photo.group(1))
        think(rng, mean_think)


def section_html(key: str, marker: str, rng: random.Random) -> str:
    """Thai text for one section; the marker makes each article's text its own."""
    lines = {
        "background": ["ชาวบ้านบ้านหนองบัวว่างงานหลังฤดูเก็บเกี่ยว", "จึงรวมกลุ่มกันเรียนรู้การแปรรูปผลผลิตในชุมชน"],
        "objectives": ["เพื่อเพิ่มรายได้ให้ครัวเรือนสัมมาชีพ", "เพื่อใช้วัตถุดิบที่มีในท้องถิ่นให้เกิดประโยชน์"],
        "materials": ["พริกแห้ง ๒ กิโลกรัม หอมแดง ๑ กิโลกรัม", "กระเทียม ๑ กิโลกรัม เกลือ ๑๐๐ กรัม"],
        "equipment": ["กระทะเหล็กขนาดใหญ่ ครกหิน", "ขวดแก้วพร้อมฝาปิดที่ผ่านการฆ่าเชื้อแล้ว"],
        "process": ["คั่วพริกและเครื่องแกงด้วยไฟอ่อนจนหอม", "ตำให้ละเอียด บรรจุขวดขณะยังร้อน แล้วติดฉลาก"],
        "cautions": ["ล้างมือและภาชนะให้สะอาดทุกครั้ง", "เก็บในที่แห้ง ไม่โดนแสงแดด ใช้ให้หมดภายในสามเดือน"],
    }[key]
    paragraphs = [f"<p>{line}</p>" for line in rng.sample(lines, len(lines))]
    if key == "objectives":
        paragraphs = ["<ol>" + "".join(f"<li>{line}</li>" for line in lines) + "</ol>"]
    return "".join(paragraphs) + f"<p>รหัสบันทึก {marker}</p>"


def sign_in(browser: Browser, email: str, password: str) -> None:
    """Through the login form, with its CSRF token, as a browser does."""
    _status, _, page = browser.get("login-form", "/accounts/login/")
    fields = form_fields(page, having="password")
    fields.update(username=email, password=password)
    browser.post("login", "/accounts/login/", fields)


def officer(browser: Browser, email: str, stop: float, photos: list[bytes],
            rng: random.Random, mean_think: float, outcome: Outcome) -> None:
    if "sessionid" not in browser.cookies:
        return  # not signed in: the report counts the failed login
    number = 0
    while time.monotonic() < stop:
        number += 1
        write_article(browser, email, f"{email.split('@')[0]}-{number}", photos, rng, mean_think, outcome)


def write_article(browser: Browser, email: str, marker: str, photos: list[bytes], rng: random.Random,
                  mean_think: float, outcome: Outcome) -> None:
    """Draft with photos, an edit, and the submission, the way the form sends them without JavaScript."""
    status, _, page = browser.get("new-form", "/my/articles/new/")
    if status != 200:
        return
    fields = form_fields(page, having="title")
    fields.update(title=f"การทำน้ำพริกแกงของกลุ่มอาชีพ {marker}", category=category_choice(page), action="save")
    fields.update({key: section_html(key, marker, rng) for key in SECTION_KEYS})
    files = []
    for index in range(rng.randint(1, 3)):
        files.append((f"new_images-{index}-file", f"ภาพกิจกรรม-{index + 1}.jpg", rng.choice(photos)))
        fields[f"new_images-{index}-caption"] = f"ภาพกิจกรรมที่ {index + 1} ({marker})"
    think(rng, mean_think)
    status, headers, _ = browser.post("save-new", "/my/articles/new/", fields, files)
    found = re.fullmatch(r"/my/articles/(\d+)/edit/", headers.get("Location", ""))
    if status != 302 or not found:
        return
    article_id = int(found.group(1))
    outcome.created[email].append(article_id)
    edit_url = f"/my/articles/{article_id}/edit/"

    # The officer comes back to the draft, corrects the text and a caption, and saves.
    status, _, page = browser.get("edit-form", edit_url)
    fields = form_fields(page, having="title")
    if status != 200 or not fields:
        return
    fields["title"] += " (ปรับปรุง)"
    fields["process"] += f"<p>แก้ไขแล้ว: เพิ่มขั้นตอนตรวจคุณภาพก่อนจำหน่าย {marker}</p>"
    fields["images-0-caption"] = f"ภาพปกที่แก้คำบรรยายแล้ว ({marker})"
    fields["action"] = "save"
    saved = int(fields.get("images-TOTAL_FORMS") or 0)
    in_order = sorted(range(saved), key=lambda i: (int(fields[f"images-{i}-position"]), i))
    # What the database must hold in the end: the edit, which the submission must not undo.
    expected = Accepted(
        article_id=article_id,
        officer=email,
        title=fields["title"],
        sections={key: fields[key] for key in SECTION_KEYS},
        captions=[fields[f"images-{i}-caption"] for i in in_order],
    )
    think(rng, mean_think)
    status, headers, _ = browser.post("save-edit", edit_url, fields)
    if status != 302 or headers.get("Location") != edit_url:
        return

    # And sends it for review from the form as it now stands.
    status, _, page = browser.get("edit-form", edit_url)
    fields = form_fields(page, having="title")
    if status != 200 or not fields:
        return
    fields["action"] = "submit"
    think(rng, mean_think)
    status, headers, _ = browser.post("submit", edit_url, fields)
    detail_url = f"/my/articles/{article_id}/"
    if status == 302 and headers.get("Location") == detail_url:
        outcome.accepted.append(expected)
        browser.get("detail", detail_url)


# --- Before and after: seeding and checking, inside Django ---------------------------------


def seed(env: dict, officers: int, articles: int, password: str) -> dict:
    """Demo content, generated articles and approved officers; the paths readers will visit."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage({**env, "DJANGO_DEBUG": "1"}, "load_demo")  # refuses to run with debug off, on purpose
    generate(env, articles)

    from django.contrib.auth.hashers import make_password
    from django.db import connections

    from accounts.models import User
    from articles.models import Article
    from provinces.models import OfficerProfile, Province, Role

    lampang = Province.objects.get(code=52)
    districts = list(lampang.districts.order_by("code"))
    password_hash = make_password(password)  # hashed once: twenty hashes would take seconds
    emails = []
    for number in range(1, officers + 1):
        user = User.objects.create(email=f"officer{number:02d}@loadtest.example", password=password_hash)
        OfficerProfile.objects.create(
            user=user, full_name=f"นางสาวทดสอบ ภาระงาน{number:02d}", position="นักวิชาการพัฒนาชุมชน",
            province=lampang, district=districts[number % len(districts)], role=Role.OFFICER,
        )
        emails.append(user.email)
    published = Article.objects.published()
    provinces = list(published.order_by().values_list("province__slug", flat=True).distinct())
    lists = [f"/{slug}/articles/" for slug in provinces]
    lists += [f"/lampang/articles/?page={page}" for page in range(2, 2 + published.for_province(lampang).count() // 20)]
    paths = {
        "provinces": provinces,
        "lists": lists,
        "articles": [a.get_absolute_url() for a in published.select_related("province").order_by("?")[:400]],
    }
    connections.close_all()
    return {"emails": emails, "paths": paths}


def verify(outcome: Outcome, emails: list[str]) -> tuple[list[str], set[int]]:
    """Every accepted submission whole in the database and on disk; every draft accounted for.

    Returns what is wrong, and the accepted submissions it concerns.
    """
    from django.core.files.storage import default_storage
    from PIL import Image

    from articles.images import LARGE_MAX_SIDE, STORED_MAX_SIDE, THUMBNAIL_MAX_SIDE
    from articles.models import Article
    from articles.sanitize import sanitize_html
    from articles.storage_safety import audit_media

    problems, incomplete = [], set()
    articles = Article.objects.prefetch_related("sections", "images").in_bulk(
        [item.article_id for item in outcome.accepted]
    )
    for item in outcome.accepted:
        article = articles.get(item.article_id)
        where = f"article {item.article_id} ({item.officer})"
        found_before = len(problems)
        if article is None:
            problems.append(f"{where}: accepted, but not in the database")
            incomplete.add(item.article_id)
            continue
        if article.status != Article.Status.SUBMITTED or article.title != item.title.strip():
            problems.append(f"{where}: status {article.status}, title {article.title!r}")
        bodies = {section.key: section.body for section in article.sections.all()}
        for key in SECTION_KEYS:
            if bodies.get(key) != sanitize_html(item.sections[key]):
                problems.append(f"{where}: section {key} is not the text sent")
        if len(bodies) != len(article.sections.all()) or set(bodies) != set(SECTION_KEYS):
            problems.append(f"{where}: sections {sorted(bodies)}")
        images = sorted(article.images.all(), key=lambda image: (image.position, image.pk))
        if [image.caption for image in images] != item.captions or not images:
            problems.append(f"{where}: photos {[image.caption for image in images]} instead of {item.captions}")
        for image in images:
            for file, limit in ((image.image, STORED_MAX_SIDE), (image.large, LARGE_MAX_SIDE),
                                (image.thumbnail, THUMBNAIL_MAX_SIDE)):
                if not file.name or not default_storage.exists(file.name):
                    problems.append(f"{where}: photo file {file.name!r} is missing")
                    continue
                with Image.open(default_storage.path(file.name)) as picture:
                    if max(picture.size) > limit:
                        problems.append(f"{where}: {file.name} is {picture.size}, over {limit} px")
        if len(problems) > found_before:
            incomplete.add(item.article_id)
    for email in emails:
        expected = sorted(outcome.created.get(email, []))
        stored = sorted(Article.objects.filter(author__email=email).values_list("pk", flat=True))
        if stored != expected:
            problems.append(f"{email}: the server confirmed drafts {expected}, the database holds {stored}")
    orphans = audit_media(min_age_seconds=0).orphans
    if orphans:
        problems.append(f"{len(orphans)} files in MEDIA_ROOT that no row refers to, e.g. {orphans[0].name}")
    return problems, incomplete


# --- Report -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def report(samples: list[Sample], timed: list[Sample], seconds: float) -> tuple[str, int, int]:
    """The table of requests per kind; and the counts of 5xx/failed connections and unexpected answers.

    req/s counts the timed phase only (`timed`), not the officers' sign-in before it.
    """
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    lines = [f"{'kind':<11} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses",
             "-" * 72]
    unexpected = 0
    for kind in EXPECTED_STATUS:
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        times = sorted(row.seconds * 1000 for row in rows)
        statuses = Counter(row.status for row in rows)
        unexpected += sum(n for status, n in statuses.items() if status != EXPECTED_STATUS[kind])
        shown = " ".join(f"{status or 'failed'}×{n}" for status, n in sorted(statuses.items()))
        lines.append(f"{kind:<11} {len(rows):>8} {percentile(times, .5):>8.0f} {percentile(times, .95):>8.0f} "
                     f"{times[-1]:>8.0f}  {shown}")
    statuses = Counter(sample.status for sample in samples)
    errors = sum(n for status, n in statuses.items() if status == 0 or status >= 500)
    lines += ["-" * 72,
              f"timed phase: {len(timed)} requests in {seconds:.0f} s, {len(timed) / seconds:.1f} req/s; "
              f"all responses by status: "
              + ", ".join(f"{status or 'failed'}: {n}" for status, n in sorted(statuses.items()))]
    return "\n".join(lines), errors, unexpected


def run_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Samma Portal load test")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", 120)),
                        help="how long readers and officers keep going (default 120, or LOADTEST_SECONDS)")
    parser.add_argument("--readers", type=int, default=30)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean pause between one person's requests, seconds (uniform 0–2× this)")
    parser.add_argument("--articles", type=int, default=2000, help="generated published articles to read")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4 threads each)")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        log("bench/loadtest.py needs DATABASE_URL=postgres://… (make loadtest starts a server itself)")
        return 2
    work = Path(tempfile.mkdtemp(prefix="samma-loadtest-"))
    env = bench_environment(work / "media")
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    # Submissions mail the moderators; there is no mail server on a test machine.
    env["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.update(env)
    import django

    django.setup()
    try:
        password = secrets.token_urlsafe(16)
        log(f"seeding: demo content, {args.articles:,} published articles, {args.officers} officers …")
        seeded = seed(env, args.officers, args.articles, password)
        from articles.management.commands.load_demo import demo_picture

        photos = [demo_picture(((200 - n * 9, 210, 170 + n * 5), (90 + n * 8, 120, 60)), n) for n in range(12)]
        sign_in_samples: list[Sample] = []
        samples: list[Sample] = []
        outcome = Outcome()
        with Gunicorn(env, workers=args.workers) as server:
            # The working day starts: every officer signs in at once (password hashing is meant to be slow).
            officers = {email: Browser(server.port, sign_in_samples) for email in seeded["emails"]}
            started = time.monotonic()
            run_all([threading.Thread(target=sign_in, args=(officers[email], email, password)) for email in officers])
            log(f"{len(officers)} officers signed in through the login form in {time.monotonic() - started:.1f} s")
            for browser in officers.values():
                browser.samples = samples
            log(f"load: {args.readers} readers and {args.officers} officers for {args.seconds} s against "
                f"gunicorn ({args.workers} workers × 4 threads) on 127.0.0.1:{server.port} …")
            started = time.monotonic()
            stop = started + args.seconds
            # An officer finishes the article in hand after the time is up, then stops.
            run_all([
                threading.Thread(target=reader, args=(Browser(server.port, samples), stop, seeded["paths"],
                                                      random.Random(n), args.think))
                for n in range(args.readers)
            ] + [
                threading.Thread(target=officer, args=(browser, email, stop, photos, random.Random(1000 + n),
                                                       args.think, outcome))
                for n, (email, browser) in enumerate(officers.items())
            ])
            elapsed = time.monotonic() - started
        table, errors, unexpected = report(sign_in_samples + samples, samples, elapsed)
        log("\n" + table)
        problems, incomplete = verify(outcome, seeded["emails"])
        signed_in = sum(1 for sample in sign_in_samples if sample.kind == "login" and sample.status == 302)
        drafts = sum(len(ids) for ids in outcome.created.values())
        log(f"officers signed in: {signed_in}/{args.officers}; articles saved as drafts: {drafts}; "
            f"submissions accepted: {len(outcome.accepted)}, verified whole in the database and on disk: "
            f"{len(outcome.accepted) - len(incomplete)}")
        for problem in problems[:50]:
            log(f"  LOST OR INCOMPLETE: {problem}")
        failed = bool(errors or unexpected or problems or not outcome.accepted or signed_in != args.officers)
        log(f"5xx and failed connections: {errors}; unexpected responses: {unexpected}; problems: {len(problems)}")
        log("FAILED" if failed else "OK")
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
