"""Search engines: canonical URLs, robots.txt, sitemap.xml, Open Graph,
schema.org JSON-LD (validated), noindex for deleted, duplicate and low-quality pages."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from qa import services
from qa.models import CloseReason, Post
from seo.rules import faq_page
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://help.example.com"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = SITE


def _json_ld(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SITE + "/")


def _check_person(person: Any) -> None:
    assert person["@type"] == "Person" and person["name"] and _is_url(person["url"])


def _check_answer(answer: Any) -> None:
    """Google's Answer: text required; author, url, upvoteCount, datePublished recommended."""
    assert answer["@type"] == "Answer" and answer["text"].strip()
    assert isinstance(answer["upvoteCount"], int) and _is_url(answer["url"])
    datetime.fromisoformat(answer["datePublished"])
    _check_person(answer["author"])


def validate_qa_page(data: dict[str, Any]) -> None:
    """The rules of schema.org QAPage as Google's rich results read them."""
    assert data["@context"] == "https://schema.org" and data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question["@type"] == "Question" and question["name"].strip()
    assert isinstance(question["answerCount"], int) and question["answerCount"] >= 1
    assert "acceptedAnswer" in question or question.get("suggestedAnswer")
    datetime.fromisoformat(question["datePublished"])
    _check_person(question["author"])
    if "acceptedAnswer" in question:
        _check_answer(question["acceptedAnswer"])
    for answer in question.get("suggestedAnswer", []):
        _check_answer(answer)


def validate_faq_page(data: dict[str, Any]) -> None:
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    assert data["mainEntity"]
    for item in data["mainEntity"]:
        assert item["@type"] == "Question" and item["name"].strip()
        assert item["acceptedAnswer"]["@type"] == "Answer"
        assert item["acceptedAnswer"]["text"].strip()


# JSON-LD ------------------------------------------------------------------------


def test_a_question_with_an_accepted_answer_is_a_valid_qa_page(client) -> None:
    answer = AnswerFactory(body_html="<p>Hold the <b>reset</b> button.</p>")
    services.answer_accept(user=answer.parent.author, answer=answer)
    (data,) = _json_ld(client.get(answer.parent.get_absolute_url()).content.decode())
    validate_qa_page(data)
    accepted = data["mainEntity"]["acceptedAnswer"]
    assert accepted["url"] == f"{SITE}{answer.parent.get_absolute_url()}#answer-{answer.pk}"
    assert data["mainEntity"]["name"] == answer.parent.title


def test_a_top_answer_makes_a_qa_page_with_a_suggested_answer(client) -> None:
    answer = AnswerFactory()
    Post.objects.filter(pk=answer.pk).update(score=3)
    (data,) = _json_ld(client.get(answer.parent.get_absolute_url()).content.decode())
    validate_qa_page(data)
    assert "acceptedAnswer" not in data["mainEntity"]
    assert len(data["mainEntity"]["suggestedAnswer"]) == 1


def test_no_qa_page_without_an_accepted_or_upvoted_answer(client) -> None:
    answer = AnswerFactory()
    assert _json_ld(client.get(answer.parent.get_absolute_url()).content.decode()) == []


def test_json_ld_cannot_close_its_script_element(client) -> None:
    question = QuestionFactory(title="Why does </script><b>this</b> break?")
    answer = AnswerFactory(parent=question)
    services.answer_accept(user=question.author, answer=answer)
    html = client.get(question.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None and "</script>" not in block.group(1) and "<b>" not in block.group(1)
    assert _json_ld(html)[0]["mainEntity"]["name"] == question.title


def test_the_faq_page_structure_is_valid() -> None:
    data = faq_page([("How do I pair a bulb?", "<p>Hold the switch.</p>")])
    assert data is not None
    validate_faq_page(data)
    assert faq_page([]) is None


# noindex ------------------------------------------------------------------------


def _robots(client, url: str) -> str:
    match = re.search(r'<meta name="robots" content="([^"]+)">', client.get(url).content.decode())
    return match.group(1) if match else ""


def test_deleted_questions_are_noindex_for_those_who_can_still_see_them(client) -> None:
    question = QuestionFactory()
    services.post_delete(user=question.author, post=question)
    client.force_login(question.author)
    assert "noindex" in _robots(client, question.get_absolute_url())


def test_duplicates_are_noindex_and_name_their_original(client) -> None:
    original = QuestionFactory()
    duplicate = QuestionFactory()
    Post.objects.filter(pk=duplicate.pk).update(
        closed_at=timezone.now(), close_reason=CloseReason.DUPLICATE, duplicate_of=original
    )
    html = client.get(duplicate.get_absolute_url()).content.decode()
    assert "noindex" in _robots(client, duplicate.get_absolute_url())
    assert f'<link rel="canonical" href="{SITE}{original.get_absolute_url()}">' in html
    assert _robots(client, original.get_absolute_url()) == ""


def test_low_quality_questions_are_noindex(client) -> None:
    question = QuestionFactory()
    Post.objects.filter(pk=question.pk).update(score=-2)
    assert "noindex" in _robots(client, question.get_absolute_url())
    AnswerFactory(parent=question)  # an answer makes it worth reading
    assert _robots(client, question.get_absolute_url()) == ""


# Canonical URLs and Open Graph ---------------------------------------------------


def test_pages_name_their_absolute_canonical_url(client) -> None:
    question = QuestionFactory(tags=["wifi"])
    html = client.get(question.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{SITE}{question.get_absolute_url()}">' in html
    html = client.get("/questions/tagged/wifi/?sort=votes&page=1").content.decode()
    assert f'<link rel="canonical" href="{SITE}/questions/tagged/wifi/">' in html
    for _ in range(20):
        QuestionFactory()
    html = client.get("/questions/?sort=newest&page=2").content.decode()
    assert f'<link rel="canonical" href="{SITE}/questions/?page=2">' in html


def test_open_graph_tags_describe_a_question(client) -> None:
    question = QuestionFactory(title="Router & bulbs: pairing fails")
    Post.objects.filter(pk=question.pk).update(excerpt="My router stopped working.")
    html = client.get(question.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Router &amp; bulbs: pairing fails">' in html
    assert f'<meta property="og:url" content="{SITE}{question.get_absolute_url()}">' in html
    assert '<meta property="og:description" content="My router stopped' in html
    assert '<meta property="og:site_name" content="Entraide">' in html
    assert '<meta name="twitter:card" content="summary">' in html


# robots.txt and sitemap.xml -----------------------------------------------------


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client) -> None:
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text and "Disallow: /notifications/" in text
    assert "Disallow: /staff/" in text and f"Sitemap: {SITE}/sitemap.xml" in text


def _locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_indexable_questions_and_tags(client) -> None:
    good = QuestionFactory(tags=["wifi"])
    deleted = QuestionFactory()
    services.post_delete(user=deleted.author, post=deleted)
    low = QuestionFactory()
    Post.objects.filter(pk=low.pk).update(score=-1)
    duplicate = QuestionFactory()
    Post.objects.filter(pk=duplicate.pk).update(
        closed_at=timezone.now(), close_reason=CloseReason.DUPLICATE, duplicate_of=good
    )
    sections = _locations(client, "/sitemap.xml")
    assert any(url.endswith("/sitemap-questions.xml") for url in sections)
    assert any(url.endswith("/sitemap-tags.xml") for url in sections)
    questions = _locations(client, "/sitemap-questions.xml")
    assert [url.split("testserver")[1] for url in questions] == [good.get_absolute_url()]
    tags = _locations(client, "/sitemap-tags.xml")
    assert any(url.endswith("/questions/tagged/wifi/") for url in tags)


def test_the_sitemap_query_count_does_not_grow_with_questions(
    client, django_assert_max_num_queries
) -> None:
    for _ in range(30):
        QuestionFactory()
    with django_assert_max_num_queries(2):  # count + rows
        client.get("/sitemap-questions.xml")
    assert UserFactory()


# FAQ and wiki -------------------------------------------------------------------


def _faq_entry(question: str, *, publish: bool = True):
    from wiki import services as wiki_services
    from wiki.models import FaqEntry, FaqStatus

    entry = wiki_services.faq_entry_create(
        author=UserFactory(is_staff=True),
        question=question,
        answer="Hold the switch for **five seconds** until the bulb blinks <twice>.",
    )
    if publish:
        FaqEntry.objects.filter(pk=entry.pk).update(
            status=FaqStatus.PUBLISHED, published_at=timezone.now()
        )
    return entry


def _wiki_page(slug: str, body: str):
    from wiki import services as wiki_services

    return wiki_services.wiki_page_create(
        author=UserFactory(reputation=1000),
        parent=wiki_services.wiki_root(),
        slug=slug,
        title=slug.title(),
        body=body,
    )


def test_the_faq_page_carries_valid_faq_page_json_ld(client) -> None:
    assert _json_ld(client.get("/faq/").content.decode()) == []  # nothing published yet
    _faq_entry("How do I pair a bulb?")
    _faq_entry("Where is my invoice?")
    _faq_entry("A draft nobody may see?", publish=False)
    (data,) = _json_ld(client.get("/faq/").content.decode())
    validate_faq_page(data)
    assert data["url"] == f"{SITE}/faq/"
    assert sorted(item["name"] for item in data["mainEntity"]) == [
        "How do I pair a bulb?",
        "Where is my invoice?",
    ]
    text = data["mainEntity"][0]["acceptedAnswer"]["text"]
    assert "<strong>five seconds</strong>" in text and "<twice>" not in text


def test_faq_entries_and_wiki_pages_name_one_absolute_canonical(client) -> None:
    entry = _faq_entry("How do I pair a bulb?")
    page = _wiki_page("setup", "Plug the hub in, then open the app.")
    for url in (entry.get_absolute_url(), page.get_absolute_url()):
        html = client.get(url).content.decode()
        assert re.findall(r'<link rel="canonical" href="([^"]+)">', html) == [f"{SITE}{url}"]
        assert _robots(client, url) == ""


def test_drafts_and_empty_wiki_pages_are_noindex(client) -> None:
    draft = _faq_entry("A draft only staff see?", publish=False)
    client.force_login(UserFactory(is_staff=True))
    assert "noindex" in _robots(client, draft.get_absolute_url())
    empty = _wiki_page("placeholder", "")
    assert _robots(client, empty.get_absolute_url()) == "noindex, follow"
    assert _robots(client, "/wiki/") == ""  # the home page lists the others


def test_the_sitemap_lists_the_faq_and_wiki_pages_worth_indexing(client) -> None:
    entry = _faq_entry("How do I pair a bulb?")
    draft = _faq_entry("A draft for later?", publish=False)
    page = _wiki_page("setup", "Plug the hub in, then open the app.")
    empty = _wiki_page("placeholder", "")
    sections = _locations(client, "/sitemap.xml")
    assert any(url.endswith("/sitemap-faq.xml") for url in sections)
    assert any(url.endswith("/sitemap-wiki.xml") for url in sections)
    faq = [url.split("testserver")[1] for url in _locations(client, "/sitemap-faq.xml")]
    assert faq == ["/faq/", entry.get_absolute_url()] and draft.get_absolute_url() not in faq
    wiki = [url.split("testserver")[1] for url in _locations(client, "/sitemap-wiki.xml")]
    assert wiki == ["/wiki/", page.get_absolute_url()] and empty.get_absolute_url() not in wiki


def test_robots_txt_keeps_crawlers_out_of_faq_and_wiki_tools(client) -> None:
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /faq/desk/" in text and "Disallow: /wiki/*/_" in text
    assert "Disallow: /faq/\n" not in text and "Disallow: /wiki/\n" not in text
