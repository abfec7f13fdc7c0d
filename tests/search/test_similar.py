"""Similar questions: BM25F over word stems, rare words and titles counting most."""

import pytest
from django.db import transaction

from search import sync
from search.outbox import enqueue_question
from search.selectors import SearchFilters
from search.similar import query_words, similar, suggestions
from search.stemming import document_stems
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
    # The rare words (in a title, then in a body) outweigh the common ones.
    assert ranked[:2] == [questions["rare"].pk, questions["body_only"].pk]
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


def test_another_form_of_a_word_finds_the_question(questions) -> None:
    # "thermostats"/"losing" against "thermostat"/"loses": the stems match.
    results = similar("Hubs losing thermostats", filters=SearchFilters(), limit=3)
    assert ids(results)[0] == questions["rare"].pk
    assert "<mark>Hubs</mark>" not in results.hits[0].title_html  # marks only what was typed


def test_documents_carry_title_stems_first_then_the_body_opening_in_their_language() -> None:
    assert document_stems("Networks failing", ["wifi"], "The router restarts.", "en") == (
        "network fail wifi router restart"
    )
    assert document_stems("Les factures arrivées", [], "Mes paiements", "fr") == (
        "factur arriv pai"
    )
    long_body = "word " * 250 + "hidden"  # past the first 1,000 characters
    assert "hidden" not in document_stems("Title here", [], long_body, "en")


def test_french_questions_are_matched_by_french_stems(search_index) -> None:
    facture = QuestionFactory(
        title="Je ne reçois plus mes factures par courriel",
        body_source="Depuis le mois dernier, les factures ne sont plus envoyées.",
    )
    QuestionFactory(title="Comment changer la langue de l'application ?")
    with transaction.atomic():
        enqueue_question(facture.pk)
    sync.drain()
    results = similar("Où est ma facture envoyée ?", filters=SearchFilters(), limit=3)
    assert ids(results) == [facture.pk]
