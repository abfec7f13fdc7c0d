"""History pages, diffs and rollback of posts; the community-wiki switch."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entraide.errors import ApplicationError
from qa import editing, services
from qa.models import Tag
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory
from versioning.models import RevisionKind
from versioning.selectors import revision_get, revision_history

pytestmark = pytest.mark.django_db

BODY_2 = "Hold the reset button for twenty seconds, then log in again with admin."
BODY_3 = "Unplug the hub, wait a minute, plug it back in and pair it again from the app."


def _edited_answer():
    answer = AnswerFactory()
    services.post_edit(editor=answer.author, post=answer, body=BODY_2, summary="longer")
    services.post_edit(editor=answer.author, post=answer, body=BODY_3, summary="other way")
    return answer


def test_rollback_is_a_new_revision_and_destroys_nothing() -> None:
    answer = _edited_answer()
    editor = UserFactory(reputation=2000)
    editing.post_rollback(user=editor, post=answer, revision=revision_get(answer, 2).info)
    answer.refresh_from_db()
    assert answer.body_source == BODY_2 and "twenty" in answer.body_html
    _, entries = revision_history(answer)
    assert [e.number for e in entries] == [4, 3, 2, 1]
    assert entries[0].info.kind == RevisionKind.ROLLED_BACK
    assert entries[0].info.restored_number == 2 and entries[0].author == editor
    assert entries[0].summary == "Rolled back to revision 2"
    assert entries[1].fields["body_source"] == BODY_3  # still there


def test_rollback_needs_the_edit_privilege() -> None:
    answer = _edited_answer()
    with pytest.raises(PermissionDenied, match="edit any post"):
        editing.post_rollback(
            user=UserFactory(reputation=1999), post=answer, revision=revision_get(answer, 1).info
        )


def test_rollback_to_another_posts_revision_is_refused() -> None:
    answer, other = _edited_answer(), _edited_answer()
    with pytest.raises(ValidationError, match="belongs to something else"):
        editing.post_rollback(user=answer.author, post=answer, revision=revision_get(other, 1).info)
    answer.refresh_from_db()
    assert answer.body_source == BODY_3


def test_rollback_to_the_current_revision_is_refused() -> None:
    answer = _edited_answer()
    with pytest.raises(ApplicationError, match="current one"):
        editing.post_rollback(
            user=answer.author, post=answer, revision=revision_get(answer, 3).info
        )


def test_rolling_back_a_question_restores_its_title_and_tags() -> None:
    TagFactory(name="wifi")
    question = QuestionFactory(tags=["router"])
    author = question.author
    services.post_edit(
        editor=author, post=question, title="A different title for it", body=BODY_2, tags="wifi"
    )
    editing.post_rollback(user=author, post=question, revision=revision_get(question, 1).info)
    question.refresh_from_db()
    assert question.title.startswith("How do I reset my router")
    assert question.tag_names == "router"
    assert dict(Tag.objects.values_list("name", "usage_count")) == {"router": 1, "wifi": 0}


def test_history_page_lists_revisions_and_diff_page_shows_word_changes(client) -> None:
    answer = _edited_answer()
    response = client.get(f"/posts/{answer.pk}/revisions/")
    assert response.status_code == 200
    assert b"other way" in response.content and b"longer" in response.content
    response = client.get(f"/posts/{answer.pk}/revisions/diff/?from=1&to=2")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<del>ten</del>" in content and "<ins>twenty</ins>" in content
    inline = client.get(f"/posts/{answer.pk}/revisions/diff/?from=1&to=2&view=inline")
    assert b"diff-inline" in inline.content
    assert client.get(f"/posts/{answer.pk}/revisions/diff/?from=1&to=99").status_code == 404
    assert client.get(f"/posts/{answer.pk}/revisions/diff/?from=x").status_code == 404


def test_history_of_a_deleted_post_is_hidden_from_others(client) -> None:
    answer = _edited_answer()
    services.post_delete(user=answer.author, post=answer)
    assert client.get(f"/posts/{answer.pk}/revisions/").status_code == 404


def test_rollback_through_the_page(client) -> None:
    answer = _edited_answer()
    client.force_login(answer.author)
    response = client.post(f"/posts/{answer.pk}/revisions/rollback/", {"number": 1})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.body_source == AnswerFactory._meta.declarations["body_source"]
    client.force_login(UserFactory(reputation=10))
    rollback = client.post(f"/posts/{answer.pk}/revisions/rollback/", {"number": 2})
    assert rollback.status_code == 403


def test_author_makes_a_post_community_wiki_and_low_reputation_members_can_edit_it() -> None:
    answer = AnswerFactory()
    newcomer = UserFactory(reputation=100)
    with pytest.raises(PermissionDenied):
        services.post_edit(editor=newcomer, post=answer, body=BODY_2)
    with pytest.raises(PermissionDenied, match="Only the author or staff"):
        editing.post_set_community_wiki(user=newcomer, post=answer, is_community_wiki=True)
    editing.post_set_community_wiki(user=answer.author, post=answer, is_community_wiki=True)
    services.post_edit(editor=newcomer, post=answer, body=BODY_2)
    _, entries = revision_history(answer)
    assert [e.info.kind for e in entries] == [
        RevisionKind.EDITED,
        RevisionKind.COMMUNITY_WIKI,
        RevisionKind.CREATED,
    ]
    with pytest.raises(PermissionDenied, match="Only staff"):
        editing.post_set_community_wiki(user=answer.author, post=answer, is_community_wiki=False)
    editing.post_set_community_wiki(
        user=UserFactory(is_staff=True), post=answer, is_community_wiki=False
    )
    answer.refresh_from_db()
    assert not answer.is_community_wiki


def test_rollback_to_a_revision_that_does_not_exist_is_404(client) -> None:
    answer = _edited_answer()
    client.force_login(answer.author)
    for number in ("99", "x", ""):
        url = f"/posts/{answer.pk}/revisions/rollback/"
        assert client.post(url, {"number": number}).status_code == 404
    answer.refresh_from_db()
    assert answer.body_source == BODY_3
