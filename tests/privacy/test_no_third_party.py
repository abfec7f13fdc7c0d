"""Pages load nothing from other hosts: no fonts, scripts, images or frames."""

from html.parser import HTMLParser

import pytest

from qa import services as qa
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

# Elements whose src/href the browser loads by itself (plain links are fine).
LOADING = {"script", "img", "iframe", "frame", "source", "video", "audio", "embed", "object",
           "input", "track"}  # fmt: skip


class ResourceCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # <link rel=stylesheet/icon/preload…> loads; canonical/alternate/next/prev do not.
        rels = set((values.get("rel") or "").lower().split())
        if tag == "link" and rels - {"canonical", "alternate", "next", "prev"}:
            self.urls.append(values.get("href") or "")
        if tag in LOADING:
            for name in ("src", "data", "poster", "srcset"):
                if values.get(name):
                    self.urls.append(values[name] or "")
        if values.get("style") and "url(" in (values.get("style") or ""):
            self.urls.append(values["style"] or "")


def _external(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http:", "https:", "//")) or "url(http" in url or "url(//" in url


def test_main_pages_load_no_third_party_resource(client) -> None:
    member = UserFactory(website_url="https://elsewhere.example.org")
    TagFactory(name="lamp")
    question = qa.question_ask(
        author=member,
        title="Remote picture in a question body",
        body="See ![photo](https://images.example.com/lamp.png) and [docs](https://docs.example.com).",
        tags="lamp",
    )
    AnswerFactory(parent=QuestionFactory())
    pages = [
        "/", "/questions/", question.get_absolute_url(), "/tags/", "/categories/", "/users/",
        member.get_absolute_url(), "/leaderboard/", "/badges/", "/privileges/",
        "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
        "/terms/", "/privacy/",
    ]  # fmt: skip
    client.force_login(member)
    pages += ["/accounts/profile/", "/accounts/privacy/", "/accounts/email/", "/questions/ask/"]
    checked = 0
    for path in pages:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        collector = ResourceCollector()
        collector.feed(response.content.decode())
        assert collector.urls, path  # the page does load its stylesheet and script
        assert [url for url in collector.urls if _external(url)] == [], path
        checked += 1
    assert checked == len(pages)
