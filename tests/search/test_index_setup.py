"""Settings, keys, synonyms and the atomic rebuild, against the real engine."""

import meilisearch
import pytest
from django.core.management import call_command
from meilisearch.errors import MeilisearchApiError

from qa import services as qa_services
from search import services, sync
from search.client import admin_client, admin_index, search_client
from search.indexing import index_setup, rebuild_name, reindex
from search.models import Synonym
from search.schema import RANKING_RULES, SEARCHABLE_ATTRIBUTES
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory
from tests.search.helpers import expected, indexed

pytestmark = pytest.mark.django_db


def test_setup_applies_the_declared_settings_once(settings) -> None:
    first = index_setup()
    second = index_setup()

    assert first.created and "rankingRules" in first.changed
    assert not second.created and second.changed == []
    applied = admin_index().get_settings()
    assert applied["searchableAttributes"][:2] == SEARCHABLE_ATTRIBUTES[:2] == ["title", "tags"]
    assert applied["rankingRules"] == RANKING_RULES and RANKING_RULES[-1] == "score:desc"
    assert {"type", "tags", "category", "is_answered", "status", "language"} <= set(
        applied["filterableAttributes"]
    )
    assert {"score", "created_at"} <= set(applied["sortableAttributes"])
    assert "the" in applied["stopWords"] and "les" in applied["stopWords"]
    assert "mot de passe" in applied["synonyms"]["password"]


def test_search_setup_command_reports_what_changed(search_index, capsys) -> None:
    call_command("search_setup")
    assert "settings changed: none (already up to date)" in capsys.readouterr().out


def test_the_search_key_can_search_but_never_write(search_index) -> None:
    searcher = search_client()
    assert searcher.config.api_key != admin_client().config.api_key
    searcher.index(search_index).search("lamp")
    with pytest.raises(MeilisearchApiError) as refused:
        searcher.index(search_index).add_documents([{"id": "question-1", "title": "x"}])
    assert refused.value.code == "invalid_api_key"
    with pytest.raises(MeilisearchApiError):
        searcher.get_keys()


def test_staff_synonyms_reach_the_engine_through_the_outbox(search_index) -> None:
    staff = UserFactory(is_staff=True)
    synonym = services.synonym_save(actor=staff, terms="Bulb, lightbulb , ampoule, bulb")
    assert synonym.terms == "bulb, lightbulb, ampoule"
    sync.drain()
    assert admin_index().get_synonyms()["lightbulb"] == ["ampoule", "bulb"]

    services.synonym_delete(actor=staff, synonym=synonym)
    sync.drain()
    assert "lightbulb" not in admin_index().get_synonyms()


def test_only_staff_manage_synonyms_and_groups_need_two_terms() -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.synonym_save(actor=UserFactory(), terms="bulb, lamp")
    with pytest.raises(ValidationError) as error:
        services.synonym_save(actor=UserFactory(is_staff=True), terms="bulb, Bulb")
    assert "at least two different terms" in str(error.value)
    assert not Synonym.objects.exists()


def test_synonym_admin_shows_the_error_next_to_the_field(admin_client_logged_in) -> None:
    response = admin_client_logged_in.post("/admin/search/synonym/add/", {"terms": "bulb"})
    assert response.status_code == 200
    assert "at least two different terms" in response.content.decode()
    response = admin_client_logged_in.post("/admin/search/synonym/add/", {"terms": "bulb, lamp"})
    assert response.status_code == 302
    assert Synonym.objects.get().terms == "bulb, lamp"


@pytest.fixture
def admin_client_logged_in(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


def test_reindex_swaps_in_a_complete_index_and_search_never_goes_empty(search_index) -> None:
    questions = QuestionFactory.create_batch(12)
    AnswerFactory(parent=questions[0])
    live = admin_index()
    # The live index holds an old state, as before a rebuild.
    live_seen: list[int] = []

    def progress(kind: str, done: int, total: int) -> None:
        live_seen.append(live.get_stats().number_of_documents)

    count = reindex(batch=5, progress=progress)

    assert count == 12
    assert live_seen == [0, 0, 0], "the live index is untouched until the swap"
    assert indexed() == expected([q.pk for q in questions])
    client = admin_client()
    with pytest.raises(MeilisearchApiError):
        client.get_raw_index(rebuild_name(search_index))
    assert admin_index().get_settings()["rankingRules"] == RANKING_RULES


def test_reindex_command_shows_progress(search_index, capsys) -> None:
    QuestionFactory.create_batch(3)
    call_command("search_reindex", "--batch", "2")
    out = capsys.readouterr().out
    assert "question: 2/3 (66%)" in out and "indexed 3 documents and swapped in" in out


def test_the_worker_also_feeds_an_index_being_rebuilt(search_index) -> None:
    client = admin_client()
    index_setup(rebuild_name(search_index))
    TagFactory(name="lamp")
    question = qa_services.question_ask(
        author=UserFactory(),
        title="Lamp flickers after the update",
        body="Since last night's update the lamp flickers every few seconds.",
        tags="lamp",
    )
    sync.drain()
    building = client.index(rebuild_name(search_index))
    assert building.get_document(f"question-{question.pk}").title == question.title
    client.delete_index(rebuild_name(search_index))


def test_clients_are_the_official_ones() -> None:
    assert isinstance(admin_client(), meilisearch.Client)
