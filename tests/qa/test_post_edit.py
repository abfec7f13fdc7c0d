import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qa import services
from qa.models import Tag
from tests.factories import AnswerFactory, CategoryFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Updated: the hub blinks orange three times after the firmware update."


def test_author_edits_title_body_tags_and_category() -> None:
    question = QuestionFactory(tags=["router", "wifi"], author=UserFactory(reputation=1500))
    category = CategoryFactory()
    edited = services.post_edit(
        editor=question.author,
        post=question,
        title="Hub blinks orange after the update",
        body=BODY,
        tags="wifi firmware",
        category=category,
    )
    assert edited.slug == "hub-blinks-orange-after-the-update"
    assert edited.edited_at is not None and edited.last_editor == question.author
    assert "orange" in edited.body_html and edited.category == category
    counts = dict(Tag.objects.values_list("name", "usage_count"))
    assert counts == {"router": 0, "wifi": 1, "firmware": 1}


def test_editing_an_answer_bumps_its_question() -> None:
    answer = AnswerFactory()
    before = answer.parent.last_activity_at
    services.post_edit(editor=answer.author, post=answer, body=BODY)
    answer.parent.refresh_from_db()
    assert answer.parent.last_activity_at > before


def test_others_need_the_edit_any_post_privilege() -> None:
    answer = AnswerFactory()
    with pytest.raises(PermissionDenied, match="“edit any post” privilege"):
        services.post_edit(editor=UserFactory(reputation=1999), post=answer, body=BODY)
    services.post_edit(editor=UserFactory(reputation=2000), post=answer, body=BODY)
    answer.refresh_from_db()
    assert answer.body_source == BODY


def test_community_wiki_posts_need_only_the_edit_community_wiki_privilege() -> None:
    answer = AnswerFactory(is_community_wiki=True)
    with pytest.raises(PermissionDenied, match="“edit community wiki” privilege"):
        services.post_edit(editor=UserFactory(reputation=99), post=answer, body=BODY)
    services.post_edit(editor=UserFactory(reputation=100), post=answer, body=BODY)


def test_staff_can_edit_any_post() -> None:
    answer = AnswerFactory()
    services.post_edit(editor=UserFactory(is_staff=True), post=answer, body=BODY)
    answer.refresh_from_db()
    assert answer.body_source == BODY


def test_an_invalid_edit_changes_nothing() -> None:
    question = QuestionFactory()
    with pytest.raises(ValidationError):
        services.post_edit(editor=question.author, post=question, title="x", body=BODY, tags="a")
    question.refresh_from_db()
    assert question.edited_at is None and question.title.startswith("How do I reset")
