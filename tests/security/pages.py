"""What the hostile-input tests share: signed-in clients, a page checker, the public pages of articles."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.conftest import empty_caches
from tests.security.html_safety import executable_markup, squeeze, visible_text

DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class PageCheck:
    """Fetches pages as given people and collects what executable markup any of them holds."""

    findings: dict[str, list[str]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)

    def html(self, name: str, client: Client, url: str, *, status: int = 200) -> str:
        """The page at ``url``; its executable markup, if any, is recorded under ``name``."""
        empty_caches()
        response = client.get(url)
        assert response.status_code == status, f"{name} ({url}) answered {response.status_code}"
        html = response.content.decode("utf-8")
        self.record(name, executable_markup(html))
        self.pages[name] = html
        return html

    def feed(self, name: str, client: Client, url: str) -> ET.Element:
        """An RSS feed: well-formed XML whose text fields, read as HTML by feed readers, are safe."""
        empty_caches()
        response = client.get(url)
        assert response.status_code == 200, f"{name} ({url}) answered {response.status_code}"
        root = ET.fromstring(response.content)
        channel = root.find("channel")
        fields = [channel.find("title"), channel.find("description")]
        for item in channel.findall("item"):
            fields += [item.find("title"), item.find("description"), item.find(DC_CREATOR)]
        problems = []
        for element in fields:
            if element is not None and element.text:
                problems += [f"<{element.tag}>: {finding}" for finding in executable_markup(element.text)]
        self.record(name, problems)
        # Kept as the HTML a feed reader renders, so it reads like any page.
        self.pages[name] = "\n".join(element.text or "" for element in fields if element is not None)
        return root

    def record(self, name: str, problems: list[str]) -> None:
        if problems:
            self.findings[name] = problems

    def assert_safe(self) -> None:
        assert not self.findings, "executable markup survived:\n" + "\n".join(
            f"{page}:\n  " + "\n  ".join(problems[:10]) for page, problems in self.findings.items()
        )

    def assert_shown_as_text(self, texts: list[str], *, pages: list[str]) -> None:
        """Each text reads on each page exactly as typed: escaped, neither run nor dropped."""
        missing = []
        for name in pages:
            shown = visible_text(self.pages[name])
            missing += [f"{name}: {text!r}" for text in texts if squeeze(text) not in shown]
        assert not missing, "not shown as typed:\n" + "\n".join(missing[:20])


def public_pages(check: PageCheck, articles: list[Article], *, search_for: str) -> None:
    """Every public page that shows these published articles of one province."""
    anonymous = Client()
    province = articles[0].province
    for article in articles:
        check.html(f"public article {article.pk}", anonymous, article.get_absolute_url())
    check.html("province home", anonymous, reverse("provinces:home", args=[province.slug]))
    check.html("province about", anonymous, reverse("provinces:about", args=[province.slug]))
    check.html("national home", anonymous, reverse("provinces:index"))
    check.html("province list", anonymous, reverse("articles:list", args=[province.slug]))
    query = "?" + urlencode({"q": search_for})
    check.html("province list searched", anonymous, reverse("articles:list", args=[province.slug]) + query)
    check.html("national search", anonymous, reverse("articles:search") + query)
    check.feed("national feed", anonymous, reverse("articles:feed"))
    check.feed("province feed", anonymous, reverse("articles:province-feed", args=[province.slug]))
