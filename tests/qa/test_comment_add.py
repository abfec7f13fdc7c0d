import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qa import services
from qa.models import Comment
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "Which firmware version does your hub run?"


def test_top_level_comments_each_own_a_tree_keyed_by_their_id() -> None:
    question = QuestionFactory()
    first = services.comment_add(author=UserFactory(), post=question, body=TEXT)
    second = services.comment_add(author=UserFactory(), post=question, body=TEXT)
    for comment in (first, second):
        comment.refresh_from_db()
        assert (comment.tree_id, comment.lft, comment.rght, comment.level) == (comment.pk, 1, 2, 0)
    question.refresh_from_db()
    assert question.comment_count == 2


def test_replies_nest_under_their_comment_in_thread_order() -> None:
    answer = AnswerFactory()
    root = services.comment_add(author=UserFactory(), post=answer, body=TEXT)
    reply = services.comment_add(author=UserFactory(), post=answer, body=TEXT, parent=root)
    nested = services.comment_add(author=UserFactory(), post=answer, body=TEXT, parent=reply)
    later = services.comment_add(author=UserFactory(), post=answer, body=TEXT, parent=root)
    ordered = list(Comment.objects.filter(post=answer).order_by("tree_id", "lft"))
    assert ordered == [root, reply, nested, later]
    assert [c.level for c in ordered] == [0, 1, 2, 1]
    root.refresh_from_db()
    assert root.get_descendant_count() == 3


def test_a_reply_deeper_than_the_cap_is_refused(settings) -> None:
    settings.QA = {**settings.QA, "COMMENT_MAX_DEPTH": 1}
    question = QuestionFactory()
    root = services.comment_add(author=UserFactory(), post=question, body=TEXT)
    reply = services.comment_add(author=UserFactory(), post=question, body=TEXT, parent=root)
    with pytest.raises(ValidationError, match="at most 1 levels deep"):
        services.comment_add(author=UserFactory(), post=question, body=TEXT, parent=reply)
    assert Comment.objects.count() == 2


def test_a_reply_must_be_on_the_same_post() -> None:
    root = services.comment_add(author=UserFactory(), post=QuestionFactory(), body=TEXT)
    with pytest.raises(ValidationError, match="on this post"):
        services.comment_add(author=UserFactory(), post=QuestionFactory(), body=TEXT, parent=root)


def test_comments_allow_inline_markdown_only() -> None:
    comment = services.comment_add(
        author=UserFactory(),
        post=QuestionFactory(),
        body="# Big **bold** <script>x</script> text here",
    )
    assert "<h1>" not in comment.body_html and "<script" not in comment.body_html
    assert "<strong>bold</strong>" in comment.body_html


def test_no_comments_on_deleted_posts() -> None:
    question = QuestionFactory()
    services.post_delete(user=question.author, post=question)
    with pytest.raises(PermissionDenied):
        services.comment_add(author=UserFactory(), post=question, body=TEXT)
