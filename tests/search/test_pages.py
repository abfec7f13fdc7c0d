"""The search page, suggestions and the fallback, through the client against the real engine."""

import re

import pytest
from django.db import transaction
from django.test import Client

from qa.models import Category
from search import sync
from search.models import SearchLog
from search.outbox import enqueue_question
from tests.factories import AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def index(*questions) -> None:
    with transaction.atomic():
        for question in questions:
            enqueue_question(question.pk)
    sync.drain()


@pytest.fixture
def lamp_threads(search_index):
    lighting = Category.objects.create(name="Lighting", slug="lighting")
    blinking = QuestionFactory(
        title="The lamp blinks red <b>after</b> the firmware update",
        body_source="Since the update the lamp blinks red three times.",
        tags=["lamp", "firmware"],
        category=lighting,
    )
    AnswerFactory(parent=blinking, body_source="Unplug the lamp for ten seconds to reset it.")
    pairing = QuestionFactory(
        title="Pairing the lamp with a new phone", tags=["lamp", "app"], category=lighting
    )
    unrelated = QuestionFactory(title="Where is my invoice for last month?", tags=["billing"])
    index(blinking, pairing, unrelated)
    return blinking, pairing, unrelated


def test_search_finds_highlights_and_escapes(client, lamp_threads) -> None:
    _blinking, _pairing, _unrelated = lamp_threads
    response = client.get("/search/", {"q": "lamp blinks"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The <mark>lamp</mark> <mark>blinks</mark> red &lt;b&gt;after&lt;/b&gt; the" in html
    assert "<b>after</b>" not in html
    assert "the <mark>lamp</mark> <mark>blinks</mark> red three times" in html  # the snippet
    assert "invoice" not in html.lower().split("search-hits")[1]


def test_typos_are_forgiven(client, lamp_threads) -> None:
    html = client.get("/search/", {"q": "pairng phnoe"}).content.decode()
    assert "Pairing the <mark>lamp</mark>" not in html  # the word lamp was not searched
    assert "<mark>Pairing</mark>" in html


def test_facets_filter_and_show_counts(client, lamp_threads) -> None:
    html = client.get("/search/", {"q": "lamp"}).content.decode()
    assert re.search(r'href="\?q=lamp&amp;tag=firmware">firmware</a> <span class="muted">1', html)
    assert re.search(r'>Lighting</a> <span class="muted">2', html)
    filtered = client.get("/search/", {"q": "lamp", "tag": "firmware"}).content.decode()
    assert "2 results" not in filtered and "1 result for" in filtered
    assert 'class="selected" aria-current="true">firmware' in filtered
    unanswered = client.get("/search/", {"q": "lamp", "answered": "no"}).content.decode()
    assert "Pairing the" in unanswered and "blinks red" not in unanswered


def test_results_are_paginated(client, search_index) -> None:
    questions = [QuestionFactory(title=f"Router question number {n} about wifi") for n in range(13)]
    index(*questions)
    first = client.get("/search/", {"q": "router wifi"}).content.decode()
    assert "13 results" in first and "Page 1 of 2" in first
    second = client.get("/search/", {"q": "router wifi", "page": "2"}).content.decode()
    assert second.count('class="hit"') == 3 and 'start="11"' in second


def test_every_search_is_logged_with_a_pseudonymous_session_and_its_click(
    client, lamp_threads
) -> None:
    blinking = lamp_threads[0]
    client.get("/search/", {"q": "lamp", "tag": "firmware"})
    client.get("/search/", {"q": "dishwasher"})
    found, empty = SearchLog.objects.order_by("id")
    assert (found.query, found.filters, found.result_count) == ("lamp", {"tag": ["firmware"]}, 1)
    assert empty.result_count == 0 and empty.is_engine
    assert found.session == empty.session and re.fullmatch(r"[0-9a-f]{32}", found.session)
    assert found.session != client.session.session_key

    response = client.get(
        "/search/go/", {"doc": f"question-{blinking.pk}", "log": found.pk, "pos": 1}
    )
    assert response.status_code == 302 and response["Location"] == blinking.get_absolute_url()
    found.refresh_from_db()
    assert (found.clicked_document, found.clicked_position) == (f"question-{blinking.pk}", 1)


def test_a_removed_result_says_so(client, search_index) -> None:
    response = client.get("/search/go/", {"doc": "question-999999"})
    assert response.status_code == 404 and "removed since the search" in response.content.decode()


def test_search_as_you_type_returns_the_results_fragment(client, lamp_threads) -> None:
    html = client.get("/search/", {"q": "pairing", "partial": "1"}).content.decode()
    assert "<html" not in html and "Pairing the <mark>lamp</mark>" not in html
    assert "<mark>Pairing</mark>" in html


def test_suggestions_list_similar_questions(client, lamp_threads) -> None:
    html = client.get("/search/suggest/", {"q": "lamp blinking red", "flow": "ask"}).content
    assert b"These questions may already answer yours" in html
    assert client.get("/search/suggest/", {"q": "la"}).content == b""


@pytest.fixture
def engine_down(settings):
    settings.SEARCH = {**settings.SEARCH, "URL": "http://127.0.0.1:9"}


def test_the_database_answers_when_the_engine_is_down(client, engine_down) -> None:
    QuestionFactory(title="The lamp blinks red after the update")
    QuestionFactory(title="Where is my invoice for last month?")
    response = client.get("/search/", {"q": "lamp blinks"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "results may be incomplete" in html
    assert "The <mark>lamp</mark> <mark>blinks</mark> red" in html and "invoice" not in html
    assert SearchLog.objects.get().is_engine is False
    suggestions = client.get("/search/suggest/", {"q": "lamp blinks", "flow": "ask"})
    assert (
        suggestions.status_code == 200 and b"suggestions may be incomplete" in suggestions.content
    )


def test_odd_input_never_fails(client, search_index) -> None:
    for params in (
        {"q": "x" * 5000},
        {"q": '"unbalanced \\ quote', "tag": '"; DROP'},
        {"q": "lamp", "page": "-3"},
        {"q": "lamp", "page": "99999999999"},
        {"q": "lamp", "type": "nonsense", "answered": "maybe"},
        {"q": "\x00"},
    ):
        assert client.get("/search/", params).status_code == 200
    assert SearchLog.objects.filter(query="x" * 200).exists()
    for params in (
        {"doc": "question-1\x00", "log": "1", "pos": "1"},
        {"doc": "question-99999999999999999999999", "log": "9" * 30, "pos": "70000"},
        {"doc": "question-1", "item": "answer-\x00", "flow": "contact"},
    ):
        assert client.get("/search/go/", params).status_code == 404


def test_search_as_you_type_logs_one_search_not_one_per_keystroke(client, lamp_threads) -> None:
    for typed in ("lam", "lamp", "lamp bli", "lamp blinks"):
        client.get("/search/", {"q": typed, "partial": "1"})
    client.get("/search/", {"q": "invoice"})
    assert list(SearchLog.objects.order_by("id").values_list("query", flat=True)) == [
        "lamp blinks",
        "invoice",
    ]


def _log_ids(html: bytes) -> set[str]:
    return set(re.findall(rb"log=(\d+)", html))


def test_a_visitors_cached_results_are_still_logged_each_with_its_own_id(
    client, lamp_threads, settings
) -> None:
    settings.LIST_CACHE_SECONDS = 60
    first = client.get("/search/", {"q": "lamp"})
    second = Client().get("/search/", {"q": "lamp"})
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    # Served early (qa.page_cache.VisitorPageMiddleware): the messages
    # middleware did not run on it, and the search was logged all the same.
    assert not hasattr(second.wsgi_request, "_messages")
    logs = list(SearchLog.objects.order_by("id"))
    assert [(log.query, log.result_count) for log in logs] == [("lamp", 2), ("lamp", 2)]
    assert logs[0].session != logs[1].session
    assert _log_ids(first.content) == {str(logs[0].pk).encode()}
    assert _log_ids(second.content) == {str(logs[1].pk).encode()}
    assert b"\x00" not in second.content


def test_the_databases_stand_in_results_are_not_kept(client, engine_down, settings) -> None:
    settings.LIST_CACHE_SECONDS = 60
    QuestionFactory(title="The lamp blinks red after the update")
    client.get("/search/", {"q": "lamp blinks"})
    again = Client().get("/search/", {"q": "lamp blinks"})
    assert again["X-Page-Cache"] == "miss" and SearchLog.objects.count() == 2
