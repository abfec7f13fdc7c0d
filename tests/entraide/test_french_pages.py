"""The French interface: the main pages render with no English left.

Each page is rendered in English and in French; any visible text (or
title, aria-label, placeholder, alt) that comes out the same in both is
untranslated, unless it is data (question titles, names, tags) or a word
French shares with English.
"""

import html
import json
import re
from html.parser import HTMLParser

import pytest

from qa import services as qa
from tests.factories import CategoryFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

# Words spelled alike in both languages, and the brand.
SAME_IN_BOTH = {
    "Entraide", "English", "Français", "Questions", "Session", "E-mail", "Version", "Message",
    "Novice", "score", "Email", "URL", "Pages", "Page", "FAQ", "Wiki", "Notification", "Type",
    "Action", "Date", "Badges", "Suspension", "Client", "Score", "Webhooks", "CSV", "Spam",
    "Bronze", "Engagement", "Code", "Normal", "Total", "Question", "Mode", "Simple", "Note",
}  # fmt: skip
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class TextCollector(HTMLParser):
    """Visible texts and labelling attributes, outside scripts and form values."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "textarea", "title", "option", "svg", "code", "pre"}:
            self._skip += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.add(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "textarea", "title", "option", "svg", "code", "pre"}:
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
    # "1 question", "Version 2026-11-01", "· Active", "HTTP 200": the same words in French.
    # Short dates: Django's French month abbreviations are the English ones ("26 Nov 2026").
    if re.fullmatch(r"[\d\s]+questions?|Version [\d-]+|· Active|[\d\s.,:]+(h|ms|UTC)|"
                    r"\d{1,2} [A-Z][a-z]{2}( \d{4})?( \d\d:\d\d)?( UTC)?", text):  # fmt: skip
        return True
    word = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text)  # "› Bronze", "2 bronze"
    same = word.lower() in {w.lower() for w in SAME_IN_BOTH}
    return same or any(text in item or item in text for item in data)


@pytest.fixture
def community(settings):
    from ideas.services import idea_propose
    from moderation.services.flags import flag_create
    from moderation.services.members import moderator_message_send
    from reputation.badges import badge_award
    from wiki.services.faq import faq_entry_approve, faq_entry_create
    from wiki.services.pages import wiki_page_create, wiki_root

    settings.FAQ = {**settings.FAQ, "REQUIRE_SECOND_APPROVAL": False}
    category = CategoryFactory(name="Zlamps", slug="zlamps")
    TagFactory(name="zbulb")
    asker = UserFactory(username="zasker", display_name="Zoé Asker")
    helper = UserFactory(username="zhelper", display_name="Zed Helper", reputation=12345)
    staff = UserFactory(username="zstaff", display_name="Zara Staff", is_staff=True)
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
    flag_create(flagger=helper, post=question, reason="needs_attention", text="Zflag text here")
    moderator_message_send(
        moderator=staff, recipient=asker, subject="Zsubject", body="Zmessage body for you."
    )
    badge_award(asker, "student", post=question)
    idea = idea_propose(
        author=asker,
        title="Zidea: dim the bulb at sunset",
        body="Zidea body: a schedule that follows the sunset every day.",
    )
    wiki = wiki_page_create(
        author=staff, parent=wiki_root(), slug="zguide", title="Zguide", body="Zguide body text."
    )
    entry = faq_entry_create(
        author=staff,
        question="Zfaq: how do I reset the bulb?",
        answer="Zfaq answer: unplug it for ten seconds, then plug it in.",
    )
    faq_entry_approve(user=staff, entry=entry)
    data = ["Zquestion about the blinking bulb", "Zbody", "Zanswer", "Zcomment", "zbulb",
            "Zlamps", "Zoé Asker", "Zed Helper", "Zara Staff", "zasker", "zhelper", "zstaff",
            "Member", "Zflag text here", "Zsubject", "Zmessage body", "Zidea", "Zguide", "Zfaq",
            "Student"]  # fmt: skip
    return {"question": question, "answer": answer, "asker": asker, "helper": helper,
            "staff": staff, "idea": idea, "wiki": wiki, "entry": entry, "data": data}  # fmt: skip


VISITOR_PAGES = ["/", "/questions/?sort=newest", "/tags/", "/categories/", "/users/",
                 "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                 "/terms/", "/privacy/", "/privileges/", "/badges/", "/badges/student/",
                 "/leaderboard/", "/ideas/", "/wiki/", "/faq/", "/search/?q=zbulb",
                 "/support/contact/", "/community/"]  # fmt: skip


def _member_pages(c: dict) -> list[str]:
    question, asker = c["question"], c["asker"]
    return [
        "/questions/ask/", "/accounts/profile/", "/accounts/privacy/", "/notifications/",
        "/notifications/settings/", "/settings/tokens/", "/messages/", "/ideas/new/",
        asker.get_absolute_url(), asker.get_absolute_url() + "?tab=reputation",
        question.get_absolute_url(), f"/posts/{question.pk}/revisions/",
        f"/posts/{c['answer'].pk}/flag/", f"/posts/{c['answer'].pk}/suggest-edit/",
        c["idea"].get_absolute_url(), c["wiki"].get_absolute_url(),
        c["entry"].get_absolute_url(), "/privileges/", "/badges/student/", "/leaderboard/",
    ]  # fmt: skip


def _staff_pages(c: dict) -> list[str]:
    question, asker = c["question"], c["asker"]
    return [
        "/moderation/", "/moderation/flags/", "/moderation/log/", f"/moderation/users/{asker.pk}/",
        "/moderation/blocked-terms/", "/review/", "/review/suggested-edits/",
        "/staff/dashboard/", "/staff/api-keys/", "/staff/webhooks/", "/faq/desk/",
        "/faq/reverify/", "/faq/new/", "/community/spotlight/", "/staff/community/",
        f"/users/{asker.pk}/erase/", question.get_absolute_url(),
        f"/questions/{question.pk}/close/", f"/posts/{question.pk}/lock/",
        c["wiki"].get_absolute_url(), c["entry"].get_absolute_url(),
        c["helper"].get_absolute_url(),
    ]  # fmt: skip


def test_main_pages_have_no_untranslated_text(client, community, search_index) -> None:
    pages = [*VISITOR_PAGES, community["question"].get_absolute_url()]
    untranslated: dict[str, set[str]] = {}

    def compare(who: str, path: str, english: str, french: str) -> None:
        assert 'lang="fr"' in french, path
        same = {t for t in _texts(english) & _texts(french) if not _is_data(t, community["data"])}
        if same:
            untranslated[f"{who} {path}"] = same

    for path in pages:
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        french = client.get(path, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        assert english.status_code == french.status_code == 200, path
        compare("visitor", path, english.content.decode(), french.content.decode())
    for who, member, paths in (
        ("member", community["asker"], _member_pages(community)),
        ("staff", community["staff"], _staff_pages(community)),
    ):
        client.force_login(member)
        for path in paths:
            member.preferred_language = "en"
            member.save(update_fields=["preferred_language"])
            english = client.get(path)
            member.preferred_language = "fr"
            member.save(update_fields=["preferred_language"])
            french = client.get(path)
            assert english.status_code == french.status_code == 200, (who, path)
            compare(who, path, english.content.decode(), french.content.decode())
    assert untranslated == {}, "\n".join(f"{k}: {sorted(v)}" for k, v in untranslated.items())


def test_the_scripts_words_come_in_the_pages_language(client, community) -> None:
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    strings = re.search(r'<body data-strings="([^"]*)">', page)
    assert strings and json.loads(html.unescape(strings.group(1)))["reply"] == "Répondre"


def test_notification_mail_is_in_the_recipients_language(community, mailoutbox) -> None:
    from notifications.mail import mail_send_immediate
    from notifications.models import Frequency, MailPreference

    asker = community["asker"]
    asker.preferred_language = "fr"
    asker.save(update_fields=["preferred_language"])
    MailPreference.objects.update_or_create(
        user=asker, kind="answer", defaults={"frequency": Frequency.IMMEDIATELY}
    )
    qa.answer_post(
        author=community["helper"],
        question=community["question"],
        body="Zsecond answer: replace the bulb entirely.",
    )
    mail_send_immediate()
    messages = [m for m in mailoutbox if asker.email in m.to]
    assert len(messages) == 2  # the fixture's answer and this one
    for message in messages:
        assert message.subject == (
            "[Entraide] Zed Helper a répondu à « Zquestion about the blinking bulb »"
        )
        assert "Ouvrir :" in message.body and "Ne plus recevoir ces e-mails" in message.body
        assert "Open it" not in message.body and "Stop these" not in message.body
        body_html = message.alternatives[0][0]
        assert 'lang="fr"' in body_html and "Réglages des e-mails" in body_html


def test_numbers_and_dates_follow_the_language(client, community) -> None:
    helper = community["helper"]
    helper.refresh_from_db()
    english = client.get(helper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(helper.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    from django.utils import formats, translation

    assert f"{helper.reputation:,}" in english  # 12,355
    with translation.override("fr"):
        assert formats.number_format(helper.reputation, force_grouping=True) in french  # 12 355
    assert f"{helper.reputation:,}" not in french
    month = helper.date_joined
    with translation.override("fr"):
        assert formats.date_format(month, "F Y") in french  # "novembre 2026"
    with translation.override("en"):
        assert formats.date_format(month, "F Y") in english


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
