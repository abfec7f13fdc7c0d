"""The badge rules, each through the Q&A service whose event can earn it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from qa import services
from qa.models import Post, PostType, Vote
from reputation import badges
from reputation.badges import badge_award, badges_backfill
from reputation.models import Badge, BadgeAward
from tests.concurrency import run_at_once
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Updated: the hub blinks orange three times after the firmware update."
COMMENT = "Which firmware version are you on?"


def newcomer() -> User:
    return UserFactory(reputation=1)


def held(user: User) -> set[str]:
    """The slugs of the badges ``user`` holds (tag badges as "tag:<name>:<tier>")."""
    return {
        f"tag:{key}:{tier}" if tag_id else slug
        for slug, tag_id, key, tier in BadgeAward.objects.filter(user=user).values_list(
            "badge__slug", "badge__tag_id", "key", "badge__tier"
        )
    }


def awards(slug: str) -> list[tuple[int, str, int | None]]:
    return sorted(
        BadgeAward.objects.filter(badge__slug=slug).values_list("user_id", "key", "post_id")
    )


def award_count(slug: str) -> int:
    return Badge.objects.values_list("award_count", flat=True).get(slug=slug)


def set_score(post: Post, score: int) -> None:
    Post.objects.filter(pk=post.pk).update(score=score)


def upvote(post: Post) -> None:
    services.vote_cast(voter=UserFactory(), post=post, value=1)


# Once-only badges ---------------------------------------------------------------


def test_first_question_with_score_one_earns_student_linked_to_it() -> None:
    question = QuestionFactory(author=newcomer())
    assert "student" not in held(question.author)
    upvote(question)
    assert awards("student") == [(question.author_id, "", question.pk)]


def test_downvoted_question_does_not_earn_student() -> None:
    question = QuestionFactory(author=newcomer())
    services.vote_cast(voter=UserFactory(), post=question, value=-1)
    assert "student" not in held(question.author)


def test_first_answer_with_score_one_earns_teacher_once() -> None:
    author = newcomer()
    first, second = AnswerFactory(author=author), AnswerFactory(author=author)
    upvote(first)
    upvote(second)
    assert awards("teacher") == [(author.pk, "", first.pk)]
    assert award_count("teacher") == 1


def test_asker_accepting_an_answer_earns_scholar() -> None:
    asker = newcomer()
    answer = AnswerFactory(parent=QuestionFactory(author=asker))
    services.answer_accept(user=asker, answer=answer)
    assert awards("scholar") == [(asker.pk, "", answer.parent_id)]


def test_staff_accepting_for_the_asker_earns_nobody_scholar() -> None:
    staff = UserFactory(is_staff=True)
    answer = AnswerFactory()
    services.answer_accept(user=staff, answer=answer)
    assert awards("scholar") == []


def test_first_upvote_earns_supporter_and_first_downvote_earns_critic() -> None:
    voter = UserFactory()
    services.vote_cast(voter=voter, post=QuestionFactory(), value=1)
    assert held(voter) == {"supporter"}
    services.vote_cast(voter=voter, post=QuestionFactory(), value=1)
    services.vote_cast(voter=voter, post=AnswerFactory(), value=-1)
    assert held(voter) == {"supporter", "critic"}
    assert award_count("supporter") == award_count("critic") == 1


def test_three_hundredth_vote_earns_civic_duty() -> None:
    voter = UserFactory()
    question = QuestionFactory()
    answers = Post.objects.bulk_create(
        Post(post_type=PostType.ANSWER, parent=question, author=question.author, body_html="x")
        for _ in range(badges.CIVIC_DUTY_VOTES)
    )
    yesterday = timezone.now() - timedelta(days=1)  # outside today's vote limit
    Vote.objects.bulk_create(
        Vote(user=voter, post=answer, value=1, created_at=yesterday) for answer in answers[:-2]
    )
    services.vote_cast(voter=voter, post=answers[-2], value=1)  # the 299th
    assert "civic-duty" not in held(voter)
    services.vote_cast(voter=voter, post=answers[-1], value=-1)  # the 300th
    assert "civic-duty" in held(voter)


def test_first_edit_earns_editor_even_on_ones_own_post() -> None:
    answer = AnswerFactory(author=newcomer())
    services.post_edit(editor=answer.author, post=answer, body=BODY)
    services.post_edit(editor=answer.author, post=answer, body=BODY + " Again.")
    assert awards("editor") == [(answer.author_id, "", answer.pk)]


def test_tenth_visible_comment_earns_commentator() -> None:
    author = UserFactory()
    CommentFactory.create_batch(8, author=author)
    CommentFactory(author=author, deleted_at=timezone.now())  # deleted: does not count
    services.comment_add(author=author, post=QuestionFactory(), body=COMMENT)  # the 9th visible
    assert "commentator" not in held(author)
    services.comment_add(author=author, post=QuestionFactory(), body=COMMENT)
    assert "commentator" in held(author)


# Per-post score badges ----------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "earned"),
    [
        (9, set()),
        (10, {"nice-question"}),
        (25, {"nice-question", "good-question"}),
        (100, {"nice-question", "good-question", "great-question"}),
    ],
)
def test_question_reaching_10_25_100_earns_nice_good_great_question(score, earned) -> None:
    question = QuestionFactory(author=newcomer())
    set_score(question, score - 1)
    upvote(question)
    assert held(question.author) == {"student", *earned}
    for slug in earned:
        assert awards(slug) == [(question.author_id, str(question.pk), question.pk)]


@pytest.mark.parametrize(
    ("score", "earned"),
    [
        (9, set()),
        (10, {"nice-answer"}),
        (25, {"nice-answer", "good-answer"}),
        (100, {"nice-answer", "good-answer", "great-answer"}),
    ],
)
def test_answer_reaching_10_25_100_earns_nice_good_great_answer(score, earned) -> None:
    answer = AnswerFactory(author=newcomer())
    set_score(answer, score - 1)
    upvote(answer)
    assert held(answer.author) == {"teacher", *earned}


def test_score_badges_are_earned_once_per_post() -> None:
    author = newcomer()
    first, second = AnswerFactory(author=author), AnswerFactory(author=author)
    for answer in (first, second):
        set_score(answer, 9)
        upvote(answer)
    set_score(first, 20)
    upvote(first)
    assert awards("nice-answer") == [
        (author.pk, str(first.pk), first.pk),
        (author.pk, str(second.pk), second.pk),
    ]
    assert award_count("nice-answer") == 2


def test_changing_a_downvote_to_an_upvote_counts_both_steps() -> None:
    answer = AnswerFactory(author=newcomer())
    for _ in range(9):
        upvote(answer)
    critic = UserFactory()
    services.vote_cast(voter=critic, post=answer, value=-1)  # 8
    assert "nice-answer" not in held(answer.author)
    services.vote_cast(voter=critic, post=answer, value=1)  # 10: from -1 to +1
    assert "nice-answer" in held(answer.author)


def test_downvotes_never_earn_score_badges() -> None:
    answer = AnswerFactory(author=newcomer())
    set_score(answer, 11)
    services.vote_cast(voter=UserFactory(), post=answer, value=-1)
    assert held(answer.author) == set()


# Accepted and late answers ------------------------------------------------------


def test_accepted_answer_with_score_ten_earns_enlightened_on_accept_or_on_vote() -> None:
    asker = newcomer()
    scored_then_accepted = AnswerFactory(parent=QuestionFactory(author=asker))
    set_score(scored_then_accepted, 10)
    services.answer_accept(user=asker, answer=scored_then_accepted)
    accepted_then_scored = AnswerFactory(parent=QuestionFactory(author=asker))
    services.answer_accept(user=asker, answer=accepted_then_scored)
    assert "enlightened" not in held(accepted_then_scored.author)
    set_score(accepted_then_scored, 9)
    upvote(accepted_then_scored)
    assert "enlightened" in held(scored_then_accepted.author)
    assert "enlightened" in held(accepted_then_scored.author)


def test_answer_with_score_ten_that_is_not_accepted_earns_no_enlightened() -> None:
    answer = AnswerFactory(author=newcomer())
    set_score(answer, 9)
    upvote(answer)
    assert "enlightened" not in held(answer.author)


def test_accepted_answer_reaching_forty_earns_guru() -> None:
    asker = newcomer()
    answer = AnswerFactory(parent=QuestionFactory(author=asker))
    services.answer_accept(user=asker, answer=answer)
    set_score(answer, 38)
    upvote(answer)
    assert "guru" not in held(answer.author)
    upvote(answer)
    assert {"guru", "enlightened"} <= held(answer.author)


def test_answer_sixty_days_late_reaching_five_earns_necromancer() -> None:
    old = QuestionFactory(created_at=timezone.now() - timedelta(days=61))
    recent = QuestionFactory(created_at=timezone.now() - timedelta(days=59))
    author = UserFactory()
    late = services.answer_post(author=author, question=old, body=BODY)
    prompt = services.answer_post(author=author, question=recent, body=f"{BODY} Also here.")
    for answer in (late, prompt):
        set_score(answer, 4)
        upvote(answer)
    assert awards("necromancer") == [(author.pk, str(late.pk), late.pk)]


# Views and the FAQ --------------------------------------------------------------


def test_views_earn_popular_notable_famous_question_from_the_sweep() -> None:
    question = QuestionFactory(author=newcomer())
    Post.objects.filter(pk=question.pk).update(view_count=2_499)
    services.question_view_record(question_id=question.pk)
    assert held(question.author) == set()  # the page view itself awards nothing
    assert badges.badges_award_view_badges() == 2
    assert held(question.author) == {"popular-question", "notable-question"}
    Post.objects.filter(pk=question.pk).update(view_count=10_000)
    assert badges.badges_award_view_badges() == 1
    assert badges.badges_award_view_badges() == 0
    assert held(question.author) == {"popular-question", "notable-question", "famous-question"}
    assert award_count("famous-question") == 1


def test_a_deleted_question_earns_no_view_badge() -> None:
    question = QuestionFactory(author=newcomer(), view_count=1_000)
    Post.objects.filter(pk=question.pk).update(deleted_at=timezone.now())
    assert badges.badges_award_view_badges() == 0


def test_faq_promotion_earns_faq_author_once_per_answer() -> None:
    answer = AnswerFactory()
    badges.badges_after_faq_promotion(answer=answer)
    badges.badges_after_faq_promotion(answer=answer)
    assert awards("faq-author") == [(answer.author_id, str(answer.pk), answer.pk)]
    assert award_count("faq-author") == 1


# Tag badges ---------------------------------------------------------------------


def _answers_in_tag(author: User, scores: list[int], tag: str = "router") -> list[Post]:
    """Answers by ``author`` to one question tagged ``tag``, with these scores."""
    question = QuestionFactory(tags=[tag])
    answers: list[Post] = [AnswerFactory(author=author, parent=question) for _ in scores]
    for score in set(scores):
        ids = [a.pk for a, s in zip(answers, scores, strict=True) if s == score]
        Post.objects.filter(pk__in=ids).update(score=score)
    return answers


def test_twentieth_answer_voted_to_a_total_of_100_earns_the_bronze_tag_badge() -> None:
    author = newcomer()
    answers = _answers_in_tag(author, [5] * 19 + [4])  # 99 over 20 answers
    assert not any(key.startswith("tag:") for key in held(author))
    upvote(answers[-1])
    assert "tag:router:bronze" in held(author)
    assert "tag:router:silver" not in held(author)
    badge = Badge.objects.get(tag__name="router", tier="bronze")
    assert badge.name == "router" and badge.award_count == 1


def test_posting_the_twentieth_answer_in_a_tag_can_earn_its_badge() -> None:
    author = UserFactory()
    _answers_in_tag(author, [6] * 19)  # 114 points, only 19 answers
    question = QuestionFactory(tags=["router", "wifi"])
    services.answer_post(author=author, question=question, body=BODY)
    assert {key for key in held(author) if key.startswith("tag:")} == {"tag:router:bronze"}


def test_silver_and_gold_tag_badges_need_400_over_80_and_1000_over_200() -> None:
    author = newcomer()
    answers = _answers_in_tag(author, [5] * 199 + [4])  # 999 over 200 answers
    upvote(answers[-1])
    assert {key for key in held(author) if key.startswith("tag:")} == {
        "tag:router:bronze",
        "tag:router:silver",
        "tag:router:gold",
    }


def test_community_wiki_answers_do_not_count_towards_tag_badges() -> None:
    author = newcomer()
    answers = _answers_in_tag(author, [5] * 19 + [4])
    Post.objects.filter(pk=answers[0].pk).update(is_community_wiki=True)
    upvote(answers[-1])
    assert not any(key.startswith("tag:") for key in held(author))


# Idempotency --------------------------------------------------------------------


def test_awarding_twice_awards_once_and_counts_once() -> None:
    user = UserFactory()
    assert badge_award(user, "supporter") is True
    assert badge_award(user, "supporter") is False
    assert badge_award(user.pk, "supporter") is False
    assert BadgeAward.objects.filter(user=user).count() == 1
    assert award_count("supporter") == 1


def test_per_post_badges_need_a_post_and_unknown_slugs_are_refused() -> None:
    with pytest.raises(ValueError, match="per post"):
        badge_award(UserFactory(), "nice-answer")
    with pytest.raises(ValueError, match="not a badge"):
        badge_award(UserFactory(), "no-such-badge")


def test_database_refuses_a_second_award_of_the_same_badge_and_key() -> None:
    user = UserFactory()
    badge_award(user, "editor")
    badge = Badge.objects.get(slug="editor")
    with pytest.raises(IntegrityError), transaction.atomic():
        BadgeAward.objects.create(user=user, badge=badge, key="")


def test_replaying_every_event_awards_nothing_new() -> None:
    asker = newcomer()
    answer = AnswerFactory(parent=QuestionFactory(author=asker))
    set_score(answer, 39)
    services.answer_accept(user=asker, answer=answer)
    assert services.vote_cast(voter=UserFactory(), post=answer, value=1).score == 40
    before = BadgeAward.objects.count()
    assert before == 7  # supporter, scholar, teacher, nice, good, enlightened, guru
    answer.refresh_from_db()
    for vote in Vote.objects.all():
        badges.badges_after_vote(vote=vote, post=answer)
    badges.badges_after_accept(question=answer.parent, answer=answer, accepter=asker)
    assert BadgeAward.objects.count() == before
    assert sum(Badge.objects.values_list("award_count", flat=True)) == before


# Back-fill ----------------------------------------------------------------------


def _community() -> dict[str, User]:
    """A little history, made through the services, that earns most badges."""
    asker, answerer, voter = newcomer(), newcomer(), UserFactory()
    old = QuestionFactory(author=asker, created_at=timezone.now() - timedelta(days=90))
    Post.objects.filter(pk=old.pk).update(view_count=999)
    services.question_view_record(question_id=old.pk)
    badges.badges_award_view_badges()  # the scheduler's sweep
    late = services.answer_post(author=answerer, question=old, body=BODY)
    services.answer_accept(user=asker, answer=late)
    set_score(late, 40)
    set_score(old, 9)
    services.vote_cast(voter=voter, post=late, value=1)
    services.vote_cast(voter=voter, post=old, value=1)
    services.vote_cast(voter=voter, post=AnswerFactory(), value=-1)
    services.post_edit(editor=answerer, post=late, body=BODY + " Edited.")
    for _ in range(badges.COMMENTATOR_COMMENTS):
        services.comment_add(author=voter, post=old, body=COMMENT)
    _answers_in_tag(answerer, [5] * 19)
    services.vote_cast(voter=voter, post=_answers_in_tag(answerer, [4])[0], value=1)
    return {"asker": asker, "answerer": answerer, "voter": voter}


def _all_awards() -> set[tuple[int, str, str, int | None]]:
    return set(BadgeAward.objects.values_list("user_id", "badge__slug", "key", "post_id"))


def test_backfill_finds_what_the_events_awarded() -> None:
    people = _community()
    from_events = _all_awards()
    assert held(people["asker"]) == {"student", "scholar", "nice-question", "popular-question"}
    assert held(people["answerer"]) == {
        *("teacher", "editor", "nice-answer", "good-answer", "enlightened", "guru"),
        *("necromancer", "tag:router:bronze"),
    }
    assert held(people["voter"]) == {"supporter", "critic", "commentator"}
    BadgeAward.objects.all().delete()
    Badge.objects.update(award_count=0)

    report = badges_backfill(batch_size=3)

    assert _all_awards() == from_events
    assert report.awarded == len(from_events)
    for badge in Badge.objects.all():
        assert badge.award_count == badge.awards.count()


def test_backfill_is_idempotent_and_repairs_award_counts() -> None:
    _community()
    first = badges_backfill()
    assert first.awarded == 0 and first.counts_corrected == 0  # the events did it all
    Badge.objects.filter(slug="student").update(award_count=7)
    again = badges_backfill()
    assert again.awarded == 0 and again.counts_corrected == 1
    assert award_count("student") == 1


def test_backfill_awards_history_made_without_events() -> None:
    author = newcomer()
    question = QuestionFactory(author=author)
    Post.objects.filter(pk=question.pk).update(score=30, view_count=12_000)
    answer = AnswerFactory(parent=question, author=author)
    Post.objects.filter(pk=question.pk).update(accepted_answer=answer, accepted_at=timezone.now())
    badges_backfill()
    assert held(author) == {
        "student",
        "scholar",
        "nice-question",
        "good-question",
        "popular-question",
        "notable-question",
        "famous-question",
    }
    assert badges_backfill().awarded == 0


def test_backfill_command_prints_what_it_awarded() -> None:
    QuestionFactory(author=newcomer(), score=12)
    out = StringIO()
    call_command("badges_backfill", stdout=out)
    assert "Student: 1 awarded" in out.getvalue()
    assert "Nice Question: 1 awarded" in out.getvalue()
    assert "Awarded 2 badge(s)." in out.getvalue()
    out = StringIO()
    call_command("badges_backfill", stdout=out)
    assert "nothing to do" in out.getvalue()


# Cost of evaluation ---------------------------------------------------------------


def test_an_upvote_that_earns_nothing_new_costs_a_few_targeted_queries(
    django_assert_num_queries,
) -> None:
    answer = AnswerFactory()
    services.vote_cast(voter=UserFactory(), post=answer, value=1)  # Supporter, Teacher
    vote = Vote.objects.get()
    answer.refresh_from_db()
    # The voter's votes (bounded), the post's question, the author's totals in
    # its tags, and the badges already held (the score comes from vote_cast).
    with django_assert_num_queries(4):
        badges.badges_after_vote(vote=vote, post=answer)
    question = QuestionFactory()
    services.vote_cast(voter=vote.user, post=question, value=1)
    vote = Vote.objects.get(post=question)
    with django_assert_num_queries(2):  # no question or tags to read for a question
        badges.badges_after_vote(vote=vote, post=question)


def test_an_award_adds_a_badge_read_an_insert_a_counter_update_and_a_notification(
    django_assert_num_queries,
) -> None:
    badge_award(UserFactory(), "editor")  # the badge row exists
    user = UserFactory()
    # 2 savepoints around: read, insert, F() update, the notification's insert
    with django_assert_num_queries(8):
        assert badge_award(user, "editor") is True


# Races ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_racing_awards_of_a_once_only_badge_award_it_once() -> None:
    user = UserFactory()
    results: list[bool] = []
    errors = run_at_once([lambda: results.append(badge_award(user, "scholar")) for _ in range(8)])
    assert errors == [] and sorted(results) == [False] * 7 + [True]
    assert BadgeAward.objects.count() == 1 and award_count("scholar") == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_racing_upvotes_award_nice_answer_once() -> None:
    answer = AnswerFactory(author=newcomer())
    set_score(answer, 5)
    voters = [UserFactory() for _ in range(10)]
    actions = [(lambda v=v: services.vote_cast(voter=v, post=answer, value=1)) for v in voters]
    assert run_at_once(actions) == []
    assert awards("nice-answer") == [(answer.author_id, str(answer.pk), answer.pk)]
    assert award_count("nice-answer") == 1 and award_count("supporter") == 10


# Pages ----------------------------------------------------------------------------


def test_badge_list_shows_every_badge_by_tier_with_counts(
    client, django_assert_max_num_queries
) -> None:
    upvote(QuestionFactory(author=newcomer()))
    author = newcomer()
    upvote(_answers_in_tag(author, [5] * 19 + [4])[-1])
    with django_assert_max_num_queries(1):
        response = client.get(reverse("badges:badge_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for definition in badges.BADGES:
        assert definition.name in html
    assert "Gold badges" in html and "Tag badges" in html
    assert reverse("badges:badge_detail", kwargs={"slug": "student"}) in html
    assert Badge.objects.get(tag__name="router").slug in html


@pytest.mark.parametrize("count", [1, 35])
def test_badge_page_lists_who_earned_it_with_links_in_fixed_queries(
    client, django_assert_max_num_queries, count
) -> None:
    answers = [AnswerFactory(author=newcomer()) for _ in range(count)]
    for answer in answers:
        badges.badges_after_faq_promotion(answer=answer)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(5):  # session, user, badge, count, rows
        response = client.get(reverse("badges:badge_detail", kwargs={"slug": "faq-author"}))
    assert response.status_code == 200
    html = response.content.decode()
    newest = answers[-1]
    assert newest.author.public_name in html and newest.get_absolute_url() in html
    assert f"an answer to “{newest.parent.title}”" in html
    assert html.count('<li class="award">') == min(count, badges.AWARDS_PER_PAGE)


def test_badge_page_of_a_badge_nobody_has_yet_renders(client) -> None:
    response = client.get(reverse("badges:badge_detail", kwargs={"slug": "famous-question"}))
    assert response.status_code == 200
    assert b"Famous Question" in response.content and b"Nobody has earned" in response.content


def test_unknown_badge_is_not_found(client) -> None:
    response = client.get(reverse("badges:badge_detail", kwargs={"slug": "no-such-badge"}))
    assert response.status_code == 404


def test_tag_badge_page_links_the_tag(client) -> None:
    author = newcomer()
    upvote(_answers_in_tag(author, [5] * 19 + [4])[-1])
    badge = Badge.objects.get(tag__name="router")
    response = client.get(reverse("badges:badge_detail", kwargs={"slug": badge.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("qa:tag_detail", kwargs={"name": "router"}) in html
    assert author.public_name in html


@pytest.mark.django_db
def test_the_scheduler_awards_popular_question_after_the_1000th_view(client) -> None:
    from django.core.management import call_command

    from qa.models import Post as PostModel
    from reputation.models import BadgeAward as Award
    from tests.factories import QuestionFactory as Questions

    question = Questions()
    PostModel.objects.filter(pk=question.pk).update(view_count=999)
    client.get(question.get_absolute_url())
    popular = Award.objects.filter(user=question.author, badge__slug="popular-question")
    assert popular.count() == 0  # the page only counts the view
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")
    assert popular.count() == 1
