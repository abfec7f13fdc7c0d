"""Moderation pages through the client: who sees them, what they show, bad input."""

import pytest

from moderation import services
from moderation.models import Flag, ReviewTask
from qa.models import Post
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .helpers import closers, flaggers, reviewers, staff

pytestmark = pytest.mark.django_db


def test_flag_page_records_a_flag_and_shows_errors_next_to_fields(client) -> None:
    answer = AnswerFactory()
    (flagger,) = flaggers(1)
    client.force_login(flagger)
    page = client.get(answer.parent.get_absolute_url()).content.decode()
    assert f"/posts/{answer.pk}/flag/" in page
    form = client.get(f"/posts/{answer.pk}/flag/").content.decode()
    assert "Hold the reset button" in form  # the answer being flagged is quoted
    assert 'value="duplicate"' not in form  # only questions duplicate others
    response = client.post(f"/posts/{answer.pk}/flag/", {"reason": "needs_attention"})
    assert response.status_code == 400
    assert "Tell the moderators what needs their attention" in response.content.decode()
    response = client.post(f"/posts/{answer.pk}/flag/", {"reason": "nonsense"})
    assert response.status_code == 400
    response = client.post(f"/posts/{answer.pk}/flag/", {"reason": "spam"})
    assert response.status_code == 302 and Flag.objects.count() == 1
    response = client.post(f"/posts/{answer.pk}/flag/", {"reason": "rude"})
    assert response.status_code == 400 and "already flagged" in response.content.decode()


def test_flag_page_explains_a_missing_privilege(client) -> None:
    client.force_login(UserFactory(reputation=1))
    question = QuestionFactory()
    assert (
        f"/posts/{question.pk}/flag/"
        not in client.get(question.get_absolute_url()).content.decode()
    )
    page = client.get(f"/posts/{question.pk}/flag/").content.decode()
    assert "flag posts" in page


def test_close_page_takes_a_link_to_the_original(client) -> None:
    original, question = QuestionFactory(), QuestionFactory()
    client.force_login(staff())
    response = client.post(
        f"/questions/{question.pk}/close/", {"reason": "duplicate", "duplicate_of": "nonsense"}
    )
    assert response.status_code == 400 and "Paste the link" in response.content.decode()
    response = client.post(
        f"/questions/{question.pk}/close/",
        {"reason": "duplicate", "duplicate_of": f"http://testserver{original.get_absolute_url()}"},
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=question.pk).duplicate_of_id == original.pk


def test_close_vote_count_is_shown_to_the_voter(client) -> None:
    question = QuestionFactory()
    (voter,) = closers(1)
    client.force_login(voter)
    response = client.post(f"/questions/{question.pk}/close/", {"reason": "off_topic"}, follow=True)
    assert "Your close vote is counted (1 of 5)" in response.content.decode()


def test_dashboard_and_flag_list_are_for_moderators_only(client) -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="needs_attention", text="Help")
    client.force_login(UserFactory(reputation=9999))
    assert client.get("/moderation/").status_code == 403
    assert client.get("/moderation/flags/").status_code == 403
    client.force_login(UserFactory(is_super_user=True))
    dashboard = client.get("/moderation/").content.decode()
    assert "Oldest pending flags" in dashboard and question.title in dashboard
    assert 'data-queue="flagged_posts">1<' in dashboard
    flags = client.get("/moderation/flags/").content.decode()
    assert "Help" in flags and "no resolved flags yet" in flags


def test_resolving_from_the_flag_list(client) -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="spam")
    client.force_login(staff())
    url = f"/moderation/flags/post/{question.pk}/resolve/"
    response = client.post(url, {"decision": "decline", "note": ""})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert client.post(url, {"decision": "decline", "note": "Not spam"}).status_code == 302
    assert Flag.objects.get().status == "declined"


def test_review_page_hands_a_task_and_records_the_verdict(client) -> None:
    question = QuestionFactory()
    ReviewTask.objects.create(queue="first_posts", post=question)
    (reviewer,) = reviewers(1)
    client.force_login(reviewer)
    index = client.get("/review/").content.decode()
    assert 'data-queue="first_posts">1<' in index
    page = client.get("/review/first_posts/").content.decode()
    assert question.title in page and "Looks OK" in page
    task = ReviewTask.objects.get()
    response = client.post("/review/first_posts/", {"task": task.pk, "action": "looks_ok"})
    assert response.status_code == 302
    assert "nothing left for you" in client.get("/review/first_posts/").content.decode()
    assert client.get("/review/nonsense/").status_code == 404
    response = client.post("/review/first_posts/", {"task": task.pk, "action": "bogus"})
    assert response.status_code == 400


def test_member_page_suspends_and_messages(client) -> None:
    member = UserFactory()
    client.force_login(staff())
    url = f"/moderation/users/{member.pk}/"
    response = client.post(url, {"form": "suspend", "days": "0", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"form": "suspend", "days": "3", "reason": "Spam"})
    assert response.status_code == 302
    response = client.post(url, {"form": "message", "subject": "Hi", "body": "short"})
    assert response.status_code == 400 and "at least 10" in response.content.decode()
    page = client.get(url).content.decode()
    assert "Suspended until" in page


def test_blocked_terms_page_is_staff_only(client) -> None:
    client.force_login(UserFactory(is_super_user=True))
    assert client.get("/moderation/blocked-terms/").status_code == 403
    client.force_login(staff())
    response = client.post(
        "/moderation/blocked-terms/", {"form": "add", "kind": "domain", "value": "bad"}
    )
    assert response.status_code == 400 and "spam.example" in response.content.decode()
    response = client.post(
        "/moderation/blocked-terms/",
        {"form": "add", "kind": "domain", "value": "spam.example"},
        follow=True,
    )
    assert "spam.example" in response.content.decode()


def test_moderator_buttons_cost_no_queries_on_the_question_page(
    client, django_assert_num_queries
) -> None:
    from tests.qa.test_pages import QUESTION_PAGE_QUERIES, _thread

    question = _thread(3, 2)
    client.force_login(staff())
    with django_assert_num_queries(QUESTION_PAGE_QUERIES):
        page = client.get(question.get_absolute_url()).content.decode()
    assert "Lock" in page and "Close" in page and "Protect" in page


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/review/first_posts/", {"task": "abc", "action": "looks_ok"}),
        ("/moderation/blocked-terms/", {"form": "remove", "term": "x"}),
        ("/moderation/flags/nonsense/1/resolve/", {"decision": "helpful"}),
    ],
)
def test_bad_ids_answer_4xx_not_500(client, url, data) -> None:
    client.force_login(staff())
    assert 400 <= client.post(url, data).status_code < 500


def test_a_huge_question_number_is_a_field_error(client) -> None:
    question = QuestionFactory()
    client.force_login(staff())
    response = client.post(
        f"/questions/{question.pk}/close/", {"reason": "duplicate", "duplicate_of": "9" * 30}
    )
    assert response.status_code == 400 and "Paste the link" in response.content.decode()


def test_super_users_resolve_flags_but_only_staff_delete_posts(client) -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="spam")
    client.force_login(UserFactory(is_super_user=True))
    page = client.get("/moderation/flags/").content.decode()
    assert 'value="helpful"' in page and 'value="delete"' not in page
    url = f"/moderation/flags/post/{question.pk}/resolve/"
    assert client.post(url, {"decision": "delete"}).status_code == 403
    assert Flag.objects.get().status == "pending"  # refused as a whole
    assert client.post(url, {"decision": "helpful"}).status_code == 302
