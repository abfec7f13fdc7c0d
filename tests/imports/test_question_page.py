"""The question page shows what an import brings: linked questions (one query,
counted in tests/qa/test_pages.py) next to the moderation banners."""

import pytest
from django.utils import timezone

from qa.models import CloseReason, LockKind, PostLink
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_a_duplicate_links_to_its_original_and_shows_linked_questions(client) -> None:
    original = QuestionFactory(title="How do I reset my router to factory settings?")
    related = QuestionFactory(title="Where is the reset button on the Lumio hub?")
    duplicate = QuestionFactory(title="Router reset: how do I do it properly?")
    type(duplicate).objects.filter(pk=duplicate.pk).update(
        closed_at=timezone.now(), close_reason=CloseReason.DUPLICATE, duplicate_of=original
    )
    PostLink.objects.create(
        from_post=duplicate, to_post=original, link_type=PostLink.LinkType.DUPLICATE
    )
    PostLink.objects.create(from_post=related, to_post=duplicate, link_type="linked")
    page = client.get(duplicate.get_absolute_url()).content.decode()
    assert "This question already has an answer here:" in page
    assert f'href="{original.get_absolute_url()}">{original.title}</a>' in page
    assert "Linked questions" in page and related.title in page

    other = client.get(related.get_absolute_url()).content.decode()
    assert "Linked questions" in other and duplicate.title in other
    assert "Closed as" not in other


def test_closed_and_locked_questions_say_so(client) -> None:
    question = QuestionFactory()
    type(question).objects.filter(pk=question.pk).update(
        closed_at=timezone.now(),
        close_reason=CloseReason.OFF_TOPIC,
        locked_at=timezone.now(),
        lock_kind=LockKind.CONTENT_DISPUTE,
        lock_reason="Locked while we sort this out",
    )
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Off-topic for this community: closed by" in page
    assert "Locked while we sort this out" in page
    assert "Linked questions" not in page


def test_imported_posts_credit_their_site_author_and_licence(client, imported) -> None:
    from imports.models import ImportedPost

    question = ImportedPost.objects.get(source_id=10).post
    page = client.get(question.get_absolute_url()).content.decode()
    assert (
        'From <a href="https://fixture.example.com/questions/10" rel="nofollow noopener">'
        "fixture.example.com</a>, by "
        '<a href="https://fixture.example.com/users/3" rel="nofollow noopener">Chloé Curious</a>'
    ) in page
    assert 'href="https://fixture.example.com/a/11"' in page  # the accepted answer
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in page  # posted in 2020
    assert page.count('class="attribution muted"') == 3  # the question and its two answers


def test_native_posts_carry_no_attribution(client) -> None:
    page = client.get(QuestionFactory().get_absolute_url()).content.decode()
    assert "attribution" not in page


def test_a_tag_page_shows_the_imported_excerpt_and_wiki(client, imported) -> None:
    page = client.get("/questions/tagged/routers/").content.decode()
    assert "Questions about home routers and their set-up." in page
    assert "<summary>About this tag</summary>" in page
    assert "<strong>router</strong> forwards packets" in page


def test_a_profile_shows_the_imported_about_text_and_web_site(client, imported) -> None:
    from imports.models import ImportedUser

    ada = ImportedUser.objects.get(source_id=1).user
    page = client.get(ada.get_absolute_url()).content.decode()
    assert "I fix <strong>routers</strong>." in page
    assert (
        '<a href="https://ada.example.org" rel="nofollow ugc noopener">ada.example.org</a>' in page
    )
