"""Pages through the test client: status codes, redirects, query counts."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from qa import services
from qa.models import Category, Post, PostLink
from qa.selectors import LINKED_MAX
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

# user + the question with its answers (and whether a bounty is open or it
# has linked questions) + comments + votes + category path + the view-count
# UPDATE; the same whatever the number of answers and comments. The session
# comes from the cache (written through to the database at log-in). An open
# bounty adds one (the bounty), linked questions one (them, however many).
QUESTION_PAGE_QUERIES = 6
# session (the cache was just emptied) + user + count + rows (tags are stored
# on the post)
LIST_PAGE_QUERIES = 4
# The home page also shows the member spotlight, cached for five minutes; cold,
# it reads staff's choice and, without one, the top suggestion.
SPOTLIGHT_COLD = 2


def test_list_count_is_cached_for_a_minute(client, django_assert_num_queries) -> None:
    QuestionFactory()
    client.get("/")
    with django_assert_num_queries(1):  # the rows only; no session for a visitor
        assert b"1 question" in client.get("/").content


def _thread(answers: int, comments: int) -> Post:
    category = Category.objects.create(name="Billing", slug="billing")
    question = QuestionFactory(category=category)
    for _ in range(answers):
        answer = AnswerFactory(parent=question)
        for _ in range(comments):
            root = services.comment_add(
                author=UserFactory(), post=answer, body="A comment long enough."
            )
            services.comment_add(
                author=UserFactory(), post=answer, body="A reply long enough.", parent=root
            )
    return question


@pytest.mark.parametrize(("answers", "comments"), [(0, 0), (1, 1), (12, 4)])
def test_question_page_query_count_is_fixed(
    client, django_assert_num_queries, answers, comments
) -> None:
    question = _thread(answers, comments)
    viewer = UserFactory()
    client.force_login(viewer)
    with django_assert_num_queries(QUESTION_PAGE_QUERIES):
        response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    assert response.content.count(b'<article class="post') == answers + 1


@pytest.mark.parametrize("links", [1, 12])
def test_linked_questions_add_one_query_however_many(
    client, django_assert_num_queries, links
) -> None:
    question = _thread(answers=1, comments=1)
    for n in range(links):
        PostLink.objects.create(
            from_post=question, to_post=QuestionFactory(title=f"Linked {n:02d} here")
        )
    client.force_login(UserFactory())
    with django_assert_num_queries(QUESTION_PAGE_QUERIES + 1):
        html = client.get(question.get_absolute_url()).content.decode()
    shown = sum(f"Linked {n:02d} here" in html for n in range(links))
    assert "Linked questions" in html and shown == min(links, LINKED_MAX)


@pytest.mark.parametrize("count", [1, 40])
def test_list_page_query_count_is_fixed(client, django_assert_num_queries, count) -> None:
    for _ in range(count):
        QuestionFactory(tags=["hub", "wifi"])
    client.force_login(UserFactory())
    for url in ["/", "/questions/?sort=votes&page=2", "/questions/tagged/hub/"]:
        cache.clear()  # the count is cached for a minute; measure it cold
        extra = ("tagged" in url) + (SPOTLIGHT_COLD if url == "/" else 0)  # + the tag
        with django_assert_num_queries(LIST_PAGE_QUERIES + extra):
            assert client.get(url).status_code == 200


def test_wrong_slug_redirects_permanently_to_the_canonical_url(client) -> None:
    question = QuestionFactory()
    response = client.get(f"/questions/{question.pk}/something-else/")
    assert response.status_code == 301
    assert response["Location"] == question.get_absolute_url()
    assert client.get(f"/questions/{question.pk}/").status_code == 301


def test_answer_short_link_redirects_to_its_anchor(client) -> None:
    answer = AnswerFactory()
    response = client.get(f"/a/{answer.pk}/")
    assert response["Location"] == f"{answer.parent.get_absolute_url()}#answer-{answer.pk}"


def test_viewing_counts_a_view(client) -> None:
    question = QuestionFactory()
    client.get(question.get_absolute_url())
    client.get(question.get_absolute_url())
    question.refresh_from_db()
    assert question.view_count == 2


def test_deleted_question_is_404_for_others_but_visible_to_its_author(client) -> None:
    question = QuestionFactory()
    services.post_delete(user=question.author, post=question)
    assert client.get(question.get_absolute_url()).status_code == 404
    client.force_login(question.author)
    response = client.get(question.get_absolute_url())
    assert response.status_code == 200 and b"This post is deleted" in response.content


def test_category_and_tag_pages(client) -> None:
    parent = Category.objects.create(name="Devices", slug="devices")
    child = Category.objects.create(name="Bulbs", slug="bulbs", parent=parent)
    question = QuestionFactory(category=child, tags=["pairing"])
    parent.refresh_from_db()
    assert question.title.encode() in client.get("/categories/devices/").content
    assert b"Bulbs" in client.get("/categories/").content
    assert question.title.encode() in client.get("/questions/tagged/pairing/").content
    assert b"pairing" in client.get("/tags/").content
    assert client.get("/questions/tagged/nope/").status_code == 404


def test_comment_threads_render_nested(client) -> None:
    question = QuestionFactory()
    root = CommentFactory(post=question, body_html="Root comment")
    CommentFactory(post=question, parent=root, body_html="Nested reply")
    content = client.get(question.get_absolute_url()).content.decode()
    assert 'data-level="1"' in content and content.index("Root comment") < content.index(
        "Nested reply"
    )


def test_user_page_lists_their_posts(client) -> None:
    answer = AnswerFactory()
    response = client.get(answer.author.get_absolute_url())
    assert response.status_code == 200 and answer.parent.title.encode() in response.content


def test_asking_requires_login(client) -> None:
    response = client.get(reverse("qa:question_ask"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
