"""The demo FAQ and wiki, loaded with the community by ``manage.py seed_demo``."""

from io import StringIO

import pytest
from django.core.management import call_command

from qa.demo import demo_seed
from qa.models import SuggestedEdit
from tests.factories import UserFactory
from wiki import selectors
from wiki.demo import FAQ, wiki_demo_seed
from wiki.models import FaqEntry, FaqStatus, WikiPage, WikiRedirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_loads_a_published_faq_and_a_wiki(demo: str, client) -> None:
    assert "Loaded the demo FAQ" in demo
    published = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED)
    assert published.count() == sum(spec.is_published for spec in FAQ)
    assert published.filter(source_answer__isnull=False).count() == 2
    assert FaqEntry.objects.filter(status=FaqStatus.IN_REVIEW).count() == 1
    assert WikiPage.objects.filter(path="troubleshooting/blink-patterns").exists()
    assert not WikiRedirect.objects.exists()
    # Something waits for staff everywhere.
    assert len(selectors.faq_desk().source_changed) == 1
    assert SuggestedEdit.objects.filter(status="pending").count() == 1
    assert len(selectors.reverify_list().answers) == 1
    for url in ["/faq/", "/wiki/", "/wiki/getting-started/hub-setup/", "/wiki/local-api/"]:
        assert client.get(url).status_code == 200
    for entry in published:
        assert client.get(entry.get_absolute_url()).status_code == 200
    history = client.get("/wiki/getting-started/hub-setup/_history/").content
    assert b"Say how long the first update takes" in history


def test_a_community_seeded_before_the_wiki_gets_it_on_the_next_run() -> None:
    demo_seed()  # the community alone, as before the wiki existed
    assert not FaqEntry.objects.exists()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Loaded the demo FAQ" in out.getvalue() and "already loaded" in out.getvalue()
    assert wiki_demo_seed() is None  # and only once


def test_nothing_is_loaded_without_the_community() -> None:
    UserFactory()
    assert wiki_demo_seed() is None
    assert not FaqEntry.objects.exists()
