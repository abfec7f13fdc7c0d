"""Every change of a post is a django-reversion revision: author, time, summary."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from reversion.models import Revision, Version

from qa import services
from qa.models import Post
from qa.revisions import post_revision_import
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory
from versioning.models import RevisionInfo, RevisionKind
from versioning.selectors import revision_entry, revision_get, revision_history
from versioning.services import SUMMARY_MAX, revision_record

pytestmark = pytest.mark.django_db

BODY = "Updated: the hub blinks orange three times after the firmware update."


def _ask(author) -> Post:
    TagFactory(name="hub")
    return services.question_ask(
        author=author,
        title="Why does my hub blink orange?",
        body="It started after last night's update and the app cannot find it.",
        tags="hub",
    )


def test_asking_and_answering_record_revision_one() -> None:
    author = UserFactory()
    question = _ask(author)
    answer = services.answer_post(author=author, question=question, body=BODY)
    for post in (question, answer):
        _, entries = revision_history(post)
        assert [(e.number, e.info.kind, e.author) for e in entries] == [
            (1, RevisionKind.CREATED, author)
        ]
    assert revision_get(question, 1).fields["title"] == "Why does my hub blink orange?"


def test_an_edit_is_a_revision_with_its_author_time_and_summary() -> None:
    question = _ask(UserFactory())
    editor = UserFactory(reputation=2000)
    services.post_edit(
        editor=editor,
        post=question,
        title="Hub blinks orange after the update",
        body=BODY,
        tags="hub",
        summary="  clearer   title ",
    )
    _, entries = revision_history(question)
    latest = entries[0]
    assert latest.number == 2 and latest.author == editor
    assert latest.summary == "clearer title"  # one line, spaces collapsed
    assert latest.fields["title"] == "Hub blinks orange after the update"
    assert latest.fields["body_source"] == BODY
    assert latest.created_at == Post.objects.get(pk=question.pk).edited_at
    assert entries[1].fields["title"] == "Why does my hub blink orange?"


def test_first_edit_of_a_post_without_history_records_where_it_started() -> None:
    answer = AnswerFactory()  # made without the services: no revision yet
    original = answer.body_source
    services.post_edit(editor=answer.author, post=answer, body=BODY)
    _, entries = revision_history(answer)
    assert [e.number for e in entries] == [2, 1]
    assert entries[1].fields["body_source"] == original
    assert entries[1].author == answer.author and entries[1].created_at == answer.created_at


def test_a_long_edit_summary_is_refused_not_cut() -> None:
    answer = AnswerFactory()
    with pytest.raises(ValidationError) as caught:
        services.post_edit(
            editor=answer.author, post=answer, body=BODY, summary="x" * (SUMMARY_MAX + 1)
        )
    assert "summary" in caught.value.message_dict
    assert not Version.objects.exists()


def test_two_revisions_cannot_share_a_number() -> None:
    answer = AnswerFactory()
    with transaction.atomic():
        info = revision_record(obj=answer, author=answer.author, kind=RevisionKind.CREATED)
    with pytest.raises(IntegrityError), transaction.atomic():
        RevisionInfo.objects.create(
            revision=Revision.objects.create(),
            content_type=info.content_type,
            object_id=answer.pk,
            number=1,
            kind=RevisionKind.EDITED,
        )


def test_importer_records_history_with_the_original_author_and_date() -> None:
    question = QuestionFactory(title="Current title of the question")
    past_editor = UserFactory()
    when = datetime(2019, 5, 1, 12, 30, tzinfo=UTC)
    with transaction.atomic():
        post_revision_import(
            post=question,
            author=None,
            created_at=datetime(2019, 4, 30, tzinfo=UTC),
            summary="",
            title="First title of the question",
            body_source="First body",
            tag_names="hub",
            kind=RevisionKind.CREATED,
        )
        post_revision_import(
            post=question,
            author=past_editor,
            created_at=when,
            summary="fixed the title",
            title="Current title of the question",
            body_source=question.body_source,
            tag_names="hub",
        )
    _, entries = revision_history(question)
    assert [(e.number, e.author, e.created_at) for e in entries] == [
        (2, past_editor, when),
        (1, None, datetime(2019, 4, 30, tzinfo=UTC)),
    ]
    assert entries[1].fields["title"] == "First title of the question"
    question.refresh_from_db()
    assert question.title == "Current title of the question"  # the row is untouched


def test_a_revision_of_another_post_is_refused() -> None:
    one, other = AnswerFactory(), AnswerFactory()
    with transaction.atomic():
        info = revision_record(obj=other, author=other.author, kind=RevisionKind.CREATED)
    with pytest.raises(ValidationError, match="belongs to something else"):
        revision_entry(one, info)


def test_edit_page_saves_the_summary_and_shows_a_long_one_next_to_the_field(client) -> None:
    answer = AnswerFactory()
    client.force_login(answer.author)
    url = f"/posts/{answer.pk}/edit/"
    response = client.post(url, {"body": BODY, "summary": "y" * (SUMMARY_MAX + 1)})
    assert response.status_code == 400
    assert b"keep it to 300" in response.content
    response = client.post(url, {"body": BODY, "summary": "added the firmware detail"})
    assert response.status_code == 302
    _, entries = revision_history(answer)
    assert entries[0].summary == "added the firmware detail"
