"""Hidden and deleted content never appears in pages, and search is told."""

import pytest

from moderation import services
from qa import services as qa_services
from search.models import IndexOperation
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .helpers import flaggers, fresh, queued_questions, staff

pytestmark = pytest.mark.django_db

SECRET = "SPAMMY-PHRASE-42"


def _hide(post) -> None:
    for flagger in flaggers(6):
        services.flag_create(flagger=flagger, post=post, reason="spam")


def _pages(question) -> list[str]:
    return [
        "/",
        "/questions/?sort=newest",
        "/questions/?sort=unanswered",
        "/questions/tagged/router/",
        question.author.get_absolute_url(),
    ]


def test_a_hidden_question_leaves_every_list_and_404s_for_others(client) -> None:
    question = QuestionFactory(title=f"Cheap watches {SECRET} here", tags=["router"])
    visible = QuestionFactory(title="A visible question about routers", tags=["router"])
    _hide(question)
    client.force_login(UserFactory())
    for url in _pages(question):
        page = client.get(url).content.decode()
        assert SECRET not in page, url
    assert visible.title in client.get("/").content.decode()
    assert client.get(question.get_absolute_url()).status_code == 404
    assert question.pk in queued_questions()
    # Its author still sees it, with the reason; so does staff.
    client.force_login(question.author)
    page = client.get(question.get_absolute_url()).content.decode()
    assert SECRET in page and "This post is deleted" in page and "6 members" in page
    client.force_login(staff())
    assert client.get(question.get_absolute_url()).status_code == 200


def test_a_hidden_answer_disappears_from_the_thread_and_its_question_is_reindexed(client):
    answer = AnswerFactory(body_source=SECRET, body_html=f"<p>{SECRET}</p>")
    IndexOperation.objects.all().delete()
    _hide(answer)
    assert queued_questions() == [answer.parent_id]
    client.force_login(UserFactory())
    page = client.get(answer.parent.get_absolute_url()).content.decode()
    assert SECRET not in page and "0 answers" in page


def test_a_hidden_comment_shows_no_text(client) -> None:
    question = QuestionFactory()
    comment = qa_services.comment_add(
        author=UserFactory(), post=question, body=f"Visit {SECRET} for deals"
    )
    for flagger in flaggers(3):
        services.flag_create(flagger=flagger, comment=comment, reason="spam")
    page = client.get(question.get_absolute_url()).content.decode()
    assert SECRET not in page and "Comment deleted." in page


def test_undelete_brings_it_back_everywhere_and_reindexes(client) -> None:
    question = QuestionFactory(title=f"Router {SECRET} question", tags=["router"])
    moderator = staff()
    qa_services.post_delete(user=moderator, post=question)
    IndexOperation.objects.all().delete()
    qa_services.post_undelete(user=moderator, post=question)
    assert queued_questions() == [question.pk]
    assert not fresh(question).is_deleted
    assert SECRET in client.get("/questions/tagged/router/").content.decode()
    assert fresh(question).tags.get().usage_count == 1


def test_only_staff_undelete() -> None:
    question = QuestionFactory()
    qa_services.post_delete(user=question.author, post=question)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Only staff"):
        qa_services.post_undelete(user=question.author, post=question)


def test_every_moderation_state_change_queues_the_question() -> None:
    question = QuestionFactory()
    moderator = staff()
    IndexOperation.objects.all().delete()
    services.close_vote_cast(voter=moderator, question=question, reason="off_topic")
    services.reopen_vote_cast(voter=moderator, question=question)
    services.post_lock(moderator=moderator, post=question, kind="historical", reason="Old")
    services.post_unlock(moderator=moderator, post=question)
    qa_services.post_delete(user=moderator, post=question)
    qa_services.post_undelete(user=moderator, post=question)
    assert queued_questions() == [question.pk] * 6
