"""The French interface: the main pages render with no English left.

Each page is rendered in English and in French; any visible text (or
title, aria-label, placeholder, alt) that comes out the same in both is
untranslated, unless it is data (question titles, names, tags) or a word
French shares with English.
"""

import re
from html.parser import HTMLParser

import pytest

from qa import services as qa
from tests.factories import CategoryFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

# Words spelled alike in both languages, and the brand.
SAME_IN_BOTH = {
    "Entraide", "English", "Français", "Questions", "Session", "E-mail", "Version", "Message",
    "Novice", "score", "Email", "URL", "Pages", "Page", "FAQ", "Wiki",
}  # fmt: skip
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class TextCollector(HTMLParser):
    """Visible texts and labelling attributes, outside scripts and form values."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "textarea", "title", "option", "svg"}:
            self._skip += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.add(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "textarea", "title", "option", "svg"}:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.add(text)


def _texts(html: str) -> set[str]:
    collector = TextCollector()
    collector.feed(html.split("<body", 1)[-1])
    return collector.texts


def _is_data(text: str, data: list[str]) -> bool:
    if not re.search(r"[A-Za-z]{2}", text):  # numbers, punctuation, symbols
        return True
    # "1 question", "Version 2026-11-01", "· Active": the same words in French.
    if re.fullmatch(r"[\d\s]+questions?|Version [\d-]+|· Active", text):
        return True
    return text in SAME_IN_BOTH or any(text in item or item in text for item in data)


@pytest.fixture
def community():
    category = CategoryFactory(name="Zlamps", slug="zlamps")
    TagFactory(name="zbulb")
    asker = UserFactory(username="zasker", display_name="Zoé Asker")
    helper = UserFactory(username="zhelper", display_name="Zed Helper")
    question = qa.question_ask(
        author=asker,
        title="Zquestion about the blinking bulb",
        body="Zbody: the bulb blinks twice and then stops working entirely.",
        tags="zbulb",
        category=category,
    )
    answer = qa.answer_post(
        author=helper, question=question, body="Zanswer: hold the switch for ten seconds."
    )
    qa.comment_add(author=asker, post=answer, body="Zcomment: that worked, thank you!")
    qa.vote_cast(voter=asker, post=answer, value=1)
    data = ["Zquestion about the blinking bulb", "Zbody", "Zanswer", "Zcomment", "zbulb",
            "Zlamps", "Zoé Asker", "Zed Helper", "zasker", "zhelper", "Member"]  # fmt: skip
    return {"question": question, "asker": asker, "data": data}


VISITOR_PAGES = ["/", "/questions/?sort=newest", "/tags/", "/categories/", "/users/",
                 "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                 "/terms/", "/privacy/"]  # fmt: skip
MEMBER_PAGES = ["/questions/ask/", "/accounts/profile/", "/accounts/privacy/"]


def test_main_pages_have_no_untranslated_text(client, community) -> None:
    pages = [*VISITOR_PAGES, community["question"].get_absolute_url()]
    untranslated: dict[str, set[str]] = {}

    def compare(path: str, english: str, french: str) -> None:
        assert 'lang="fr"' in french, path
        same = {t for t in _texts(english) & _texts(french) if not _is_data(t, community["data"])}
        if same:
            untranslated[path] = same

    for path in pages:
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        french = client.get(path, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
        compare(path, english, french)
    member = community["asker"]
    client.force_login(member)
    for path in MEMBER_PAGES + pages[:2]:
        member.preferred_language = "en"
        member.save(update_fields=["preferred_language"])
        english = client.get(path).content.decode()
        member.preferred_language = "fr"
        member.save(update_fields=["preferred_language"])
        french = client.get(path).content.decode()
        compare(path, english, french)
    assert untranslated == {}


def test_the_members_language_beats_the_browsers(client) -> None:
    member = UserFactory(preferred_language="fr")
    client.force_login(member)
    page = client.get("/questions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fr"' in page and "Poser une question" in page


def test_dates_and_numbers_are_localised(client, community) -> None:
    from datetime import UTC, datetime

    from django.utils import translation

    from qa.templatetags.qa_tags import ago

    with translation.override("fr"):
        # Day first, the month abbreviated by Django's French catalogue.
        assert ago(datetime(2024, 3, 5, tzinfo=UTC)) == "5 Mar 2024"
    with translation.override("en"):
        assert ago(datetime(2024, 3, 5, tzinfo=UTC)) == "Mar 5, 2024"
