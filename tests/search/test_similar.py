"""Similar questions: words weighted by rarity, the title counting most."""

import pytest
from django.db import transaction

from search import sync
from search.outbox import enqueue_question
from search.selectors import SearchFilters
from search.similar import query_words, similar, suggestions
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(search_index):
    made = {
        "rare": QuestionFactory(
            title="Zigbee hub loses the thermostat overnight",
            body_source="Every morning the thermostat is gone from the hub list.",
        ),
        "common": QuestionFactory(
            title="How do I use the app on my phone?",
            body_source="I want to use the app on my phone and the app does not open.",
        ),
        "body_only": QuestionFactory(
            title="Heating schedule question",
            body_source="My zigbee thermostat ignores the schedule.",
        ),
    }
    for n in range(8):  # make "app" and "phone" common words
        made[f"filler{n}"] = QuestionFactory(
            title=f"App crashes on phone model {n}", body_source=f"The app closes on phone {n}."
        )
    with transaction.atomic():
        for question in made.values():
            enqueue_question(question.pk)
    sync.drain()
    return made


def ids(results) -> list[int]:
    return [hit.object_id for hit in results.hits]


def test_rare_words_in_the_title_rank_first(questions) -> None:
    results = similar("My phone app lost the zigbee thermostat", filters=SearchFilters(), limit=5)
    ranked = ids(results)
    assert ranked[0] == questions["rare"].pk
    assert ranked.index(questions["body_only"].pk) < ranked.index(questions["common"].pk)
    assert "<mark>zigbee</mark>" in results.hits[0].title_html.lower()


def test_a_word_still_being_typed_finds_by_prefix(questions) -> None:
    assert ids(similar("thermos", filters=SearchFilters(), limit=3))[0] in {
        questions["rare"].pk,
        questions["body_only"].pk,
    }


def test_stop_words_carry_no_weight() -> None:
    assert query_words("How do I reset the lamp? Comment réinitialiser la lampe") == [
        "reset", "lamp", "comment", "réinitialiser", "lampe",
    ]  # fmt: skip


def test_engine_down_falls_back_to_the_database(settings, questions) -> None:
    settings.SEARCH = {**settings.SEARCH, "URL": "http://127.0.0.1:9"}
    results = suggestions("zigbee thermostat", filters=SearchFilters(), limit=5)
    assert results.is_degraded and questions["rare"].pk in ids(results)
