"""Atom feeds for the site, a tag, a category and a question."""

import xml.etree.ElementTree as ET

import pytest

from qa import services
from qa.models import Category
from tests.factories import AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # well-formed XML
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}title")
    for entry in feed.iter(f"{ATOM}entry"):
        for child in ("id", "title", "updated", "link", "author"):
            assert entry.find(f"{ATOM}{child}") is not None, child
    return [entry.findtext(f"{ATOM}title", "") for entry in feed.iter(f"{ATOM}entry")]


def test_the_site_feed_lists_the_newest_visible_questions(client) -> None:
    old = QuestionFactory(title="An older question about routers")
    new = QuestionFactory(title="A newer question about bulbs")
    gone = QuestionFactory(title="A deleted question about hubs")
    services.post_delete(user=gone.author, post=gone)
    assert _entries(client, "/feeds/questions/") == [new.title, old.title]


def test_a_tag_feed(client) -> None:
    tagged = QuestionFactory(tags=["wifi"])
    QuestionFactory(tags=["billing"])
    assert _entries(client, "/feeds/tags/wifi/") == [tagged.title]
    assert client.get("/feeds/tags/nope/").status_code == 404


def test_a_category_feed_includes_its_subcategories(client) -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    bulbs = Category.objects.create(name="Bulbs", slug="bulbs", parent=devices)
    devices.refresh_from_db()
    inside = QuestionFactory(category=bulbs)
    QuestionFactory()
    assert _entries(client, "/feeds/categories/devices/") == [inside.title]


def test_a_question_feed_has_its_answers(client) -> None:
    answer = AnswerFactory()
    gone = AnswerFactory(parent=answer.parent)
    services.post_delete(user=gone.author, post=gone)
    titles = _entries(client, f"/feeds/questions/{answer.parent_id}/")
    assert titles == [f"Answer by {answer.author.public_name}", answer.parent.title]
    services.post_delete(user=answer.parent.author, post=answer.parent)
    assert client.get(f"/feeds/questions/{answer.parent_id}/").status_code == 404


def test_pages_announce_their_feeds(client) -> None:
    question = QuestionFactory(tags=["wifi"])
    for page, feed in [
        ("/questions/", "/feeds/questions/"),
        ("/questions/tagged/wifi/", "/feeds/tags/wifi/"),
        (question.get_absolute_url(), f"/feeds/questions/{question.pk}/"),
    ]:
        assert (
            'type="application/atom+xml"' in (content := client.get(page).content.decode())
            and f'href="{feed}"' in content
        )
