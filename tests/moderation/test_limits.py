"""Abuse limits: rate limits and links for new members, blocked terms, duplicates."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from moderation import services
from moderation.limits import RateLimited
from moderation.models import BlockedTerm
from qa import services as qa_services
from qa.models import Post
from tests.factories import QuestionFactory, TagFactory, UserFactory

from .helpers import staff

pytestmark = pytest.mark.django_db

BODY = "The lamp blinks twice and then nothing happens in the app."


@pytest.fixture(autouse=True)
def _tag() -> None:
    TagFactory(name="lamp")


def ask(author, n: int = 0, body: str = BODY) -> Post:
    return qa_services.question_ask(
        author=author, title=f"Why does my lamp blink, case {n}?", body=f"{body} ({n})", tags="lamp"
    )


def test_new_member_asks_once_per_twenty_minutes_and_is_told_when_to_come_back() -> None:
    newcomer = UserFactory(reputation=1)
    first = ask(newcomer)
    with pytest.raises(RateLimited) as error:
        ask(newcomer, 1)
    assert error.value.status_code == 429
    assert "one question every 20 minutes" in error.value.message
    assert "in 20 minute(s)" in error.value.message
    assert (first.created_at + timedelta(minutes=20)).strftime("%H:%M") in error.value.message
    Post.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=21))
    ask(newcomer, 2)


def test_members_with_reputation_are_not_rate_limited() -> None:
    member = UserFactory(reputation=10)
    ask(member)
    ask(member, 1)


def test_new_member_answers_a_few_times_an_hour(settings) -> None:
    newcomer = UserFactory(reputation=1)
    for n in range(3):
        qa_services.answer_post(author=newcomer, question=QuestionFactory(), body=f"{BODY} {n}")
    with pytest.raises(RateLimited, match="3 answers an hour"):
        qa_services.answer_post(author=newcomer, question=QuestionFactory(), body=f"{BODY} 4")
    settings.MODERATION = {**settings.MODERATION, "NEW_MEMBER_ANSWERS_PER_HOUR": 4}
    qa_services.answer_post(author=newcomer, question=QuestionFactory(), body=f"{BODY} 5")


def test_new_member_posts_at_most_two_links() -> None:
    newcomer = UserFactory(reputation=1)
    three = f"{BODY} See https://a.example/x, [docs](http://b.example/y) and www.c.example."
    with pytest.raises(ValidationError, match="at most 2 links"):
        ask(newcomer, body=three)
    ask(UserFactory(reputation=1), body=f"{BODY} See https://a.example/x and http://b.example/")
    ask(UserFactory(reputation=50), body=three)


def test_blocked_words_and_domains_are_refused_for_everyone_but_staff() -> None:
    moderator = staff()
    services.blocked_term_add(moderator=moderator, kind="word", value="Cheap Pills")
    services.blocked_term_add(moderator=moderator, kind="domain", value="https://spam.example/")
    assert set(BlockedTerm.objects.values_list("value", flat=True)) == {
        "cheap pills",
        "spam.example",
    }
    member = UserFactory(reputation=5000)
    with pytest.raises(ValidationError) as error:
        ask(member, body=f"{BODY} Buy CHEAP pills now.")
    assert "cheap pills" in error.value.message_dict["body"][0]
    with pytest.raises(ValidationError):
        ask(member, body=f"{BODY} Visit https://shop.spam.example/offer today.")
    with pytest.raises(ValidationError) as error:
        qa_services.question_ask(
            author=member, title="Cheap pills for my lamp?", body=BODY, tags="lamp"
        )
    assert "title" in error.value.message_dict
    question = QuestionFactory()
    with pytest.raises(ValidationError):
        qa_services.comment_add(author=member, post=question, body="Try cheap pills, friend.")
    with pytest.raises(ValidationError):
        qa_services.post_edit(
            editor=question.author,
            post=question,
            body=f"{BODY} notspam.example is fine? https://spam.example",
            title=question.title,
            tags="lamp",
        )
    # Not a word match: "cheap pillsbury" is another word; another domain is fine.
    ask(member, body=f"{BODY} cheap pillsbury dough, https://notspam.example/")
    ask(moderator, 1, body=f"{BODY} Staff may quote cheap pills when explaining a removal.")


def test_the_same_body_twice_in_a_short_time_is_refused() -> None:
    member = UserFactory()
    question = QuestionFactory()
    qa_services.answer_post(author=member, question=question, body=BODY)
    with pytest.raises(ValidationError, match="same text"):
        qa_services.answer_post(author=member, question=QuestionFactory(), body=BODY)
    Post.objects.filter(author=member).update(created_at=timezone.now() - timedelta(minutes=11))
    qa_services.answer_post(author=member, question=QuestionFactory(), body=BODY)


def test_blocked_terms_are_staff_only_and_logged() -> None:
    from django.core.exceptions import PermissionDenied

    from moderation.models import ModerationAction

    with pytest.raises(PermissionDenied):
        services.blocked_term_add(moderator=UserFactory(is_super_user=True), kind="word", value="x")
    moderator = staff()
    term = services.blocked_term_add(moderator=moderator, kind="word", value="casino")
    with pytest.raises(ValidationError):
        services.blocked_term_add(moderator=moderator, kind="domain", value="not a domain")
    services.blocked_term_remove(moderator=moderator, term=term)
    assert not BlockedTerm.objects.exists()
    assert list(ModerationAction.objects.values_list("action", flat=True)) == [
        "blocked_term_added",
        "blocked_term_removed",
    ]
