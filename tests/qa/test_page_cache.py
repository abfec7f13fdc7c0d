"""Visitors' question pages from the cache (qa.page_cache)."""

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import profile_update
from qa import page_cache, services
from qa.models import Post
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings) -> None:
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def later(monkeypatch) -> Callable[[float], None]:
    """Move the clock (the cache's and the page cache's) this many seconds ahead of now."""
    real_time = time.time

    def move(seconds: float) -> None:
        monkeypatch.setattr(time, "time", lambda: real_time() + seconds)

    return move


def _serve(
    question: Post, body: str, while_building: Callable[[], None] = lambda: None
) -> HttpResponse:
    """``page_cache.serve`` for a visitor's request, with a build that returns
    ``body`` after running ``while_building`` (a change committing meanwhile)."""

    def build() -> page_cache.Built:
        while_building()
        return page_cache.Built(HttpResponse(body))

    request = RequestFactory().get(question.get_absolute_url())
    return page_cache.serve(request, question.pk, question.slug, build)


def test_a_visitor_gets_the_cached_page_and_the_view_still_counts(
    client, django_assert_num_queries
) -> None:
    question = AnswerFactory().parent
    first = client.get(question.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the view count only (no Redis here)
        second = client.get(question.get_absolute_url())
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert TOKEN.sub(b"", second.content) == TOKEN.sub(b"", first.content)
    assert Post.objects.get(pk=question.pk).view_count == 2


def test_a_comment_drops_the_cached_page(client, django_capture_on_commit_callbacks) -> None:
    answer = AnswerFactory()
    url = answer.parent.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(
            author=UserFactory(reputation=100), post=answer, body="Fresh comment, long enough."
        )
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss" and b"Fresh comment, long enough." in page.content
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_vote_reaches_the_cached_page_within_a_minute_of_its_build(
    client, settings, django_capture_on_commit_callbacks, later
) -> None:
    # An old thread, whose page is otherwise kept an hour (seconds_for).
    settings.PAGE_CACHE_SECONDS = 3600
    answer = AnswerFactory()
    two_days_ago = timezone.now() - timedelta(days=2)
    Post.objects.filter(pk__in=[answer.pk, answer.parent_id]).update(
        created_at=two_days_ago, last_activity_at=two_days_ago
    )
    url = answer.parent.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(voter=UserFactory(reputation=100), post=answer, value=1)
    # A popular thread's page is not rebuilt at every vote...
    later(59)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # ...but once a minute old it shows the new score.
    later(61)
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert page.context["page"].answers[0].score == 1
    # Built after the vote, the new page is kept as long as any other.
    later(200)
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_page_built_while_a_vote_commits_is_kept_a_minute_at_most(
    settings, django_capture_on_commit_callbacks, later
) -> None:
    settings.PAGE_CACHE_SECONDS = 3600
    question = QuestionFactory()

    def vote() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            page_cache.questions_voted([question.pk])

    _serve(question, "the score before the vote", vote)
    later(61)
    again = _serve(question, "new")
    assert again["X-Page-Cache"] == "miss" and again.content == b"new"


def test_members_query_strings_and_other_addresses_bypass_the_cache(client) -> None:
    question = QuestionFactory()
    client.get(question.get_absolute_url())
    assert "X-Page-Cache" not in client.get(question.get_absolute_url() + "?x=1")
    old_address = client.get(f"/questions/{question.pk}/old-title/")
    assert old_address.status_code == 301
    client.force_login(UserFactory())
    assert "X-Page-Cache" not in client.get(question.get_absolute_url())


def test_each_visitor_gets_a_csrf_token_that_works_with_their_own_cookie() -> None:
    question = QuestionFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(question.get_absolute_url())
    second_page = second.get(question.get_absolute_url())
    assert second_page["X-Page-Cache"] == "hit"
    [first_token] = set(TOKEN.findall(first_page.content))
    [second_token] = set(TOKEN.findall(second_page.content))
    assert first_token != second_token
    answer = second.post(
        reverse("set_language"), {"language": "fr", "csrfmiddlewaretoken": second_token.decode()}
    )
    assert answer.status_code == 302  # a stale or foreign token would be a 403


def test_a_page_built_while_its_question_changed_is_not_served(
    django_capture_on_commit_callbacks,
) -> None:
    question = QuestionFactory()

    def change() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            page_cache.questions_changed([question.pk])

    _serve(question, "built from data that just changed", change)
    again = _serve(question, "new")
    assert again["X-Page-Cache"] == "miss" and again.content == b"new"


def test_a_page_is_kept_a_tenth_of_its_newest_dates_age_between_a_minute_and_the_limit(
    settings,
) -> None:
    settings.PAGE_CACHE_SECONDS = 3600
    now = timezone.now()
    assert page_cache.seconds_for(now) == 60
    assert page_cache.seconds_for(now - timedelta(hours=5)) == 1800
    assert page_cache.seconds_for(now - timedelta(days=2)) == 3600
    settings.PAGE_CACHE_SECONDS = 30
    assert page_cache.seconds_for(now - timedelta(days=2)) == 30


def test_a_fresh_thread_is_rebuilt_after_a_minute_and_an_old_one_kept_longer(
    client, settings, later
) -> None:
    # A page says "just now" or "3 mins ago": kept an hour, it would lie.
    settings.PAGE_CACHE_SECONDS = 3600
    fresh, old = QuestionFactory(), QuestionFactory()
    two_days_ago = timezone.now() - timedelta(days=2)
    Post.objects.filter(pk=old.pk).update(created_at=two_days_ago, last_activity_at=two_days_ago)
    for question in (fresh, old):
        assert client.get(question.get_absolute_url())["X-Page-Cache"] == "miss"
    later(61)
    assert client.get(fresh.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(old.get_absolute_url())["X-Page-Cache"] == "hit"
    later(3601)
    assert client.get(old.get_absolute_url())["X-Page-Cache"] == "miss"


def test_a_new_name_drops_the_cached_pages_that_show_the_old_one(
    client, django_capture_on_commit_callbacks
) -> None:
    answer = AnswerFactory()
    url = answer.parent.get_absolute_url()
    client.get(url)
    profile = {"about": "", "website": "", "location": "", "preferred_language": "en"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile_update(user=answer.author, display_name=answer.author.public_name, **profile)
    assert callbacks == []  # the same name: nothing to redo
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=answer.author, display_name="Renamed Member", **profile)
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss" and b"Renamed Member" in page.content


def test_a_visitor_with_a_session_of_their_own_still_gets_the_cached_page(client) -> None:
    # Search starts a session for a visitor (to group their searches); that
    # must not cost them the cache. Pending messages in it do.
    question = QuestionFactory()
    url = question.get_absolute_url()
    client.get(url)
    session = client.session
    session["search_support_visits"] = {"ask": 1}
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert client.get(url)["X-Page-Cache"] == "hit"
    session["_messages"] = '[["__json_message", 0, 25, "Saved."]]'
    session.save()
    assert "X-Page-Cache" not in client.get(url)


@pytest.fixture
def _lists_cached(settings) -> None:
    settings.LIST_CACHE_SECONDS = 60


@pytest.mark.usefixtures("_lists_cached")
def test_a_visitor_gets_lists_from_the_cache_for_a_while_and_a_member_never(client) -> None:
    first = QuestionFactory(title="The first question in the list")
    assert client.get("/questions/")["X-Page-Cache"] == "miss"
    second = QuestionFactory(title="A second question asked meanwhile")
    cached = client.get("/questions/")
    assert cached["X-Page-Cache"] == "hit"
    assert first.title.encode() in cached.content and second.title.encode() not in cached.content
    # Another address (page, sort, tag) is another page.
    assert client.get("/questions/?sort=newest")["X-Page-Cache"] == "miss"
    tag = first.tags.first()
    assert client.get(f"/questions/tagged/{tag.name}/")["X-Page-Cache"] == "miss"
    assert client.get(f"/questions/tagged/{tag.name}/")["X-Page-Cache"] == "hit"
    member = Client()
    member.force_login(UserFactory())
    fresh = member.get("/questions/")
    assert "X-Page-Cache" not in fresh and second.title.encode() in fresh.content


@pytest.mark.usefixtures("_lists_cached")
def test_a_missing_list_is_not_kept(client) -> None:
    assert client.get("/questions/tagged/no-such-tag/").status_code == 404
    again = client.get("/questions/tagged/no-such-tag/")
    assert again.status_code == 404 and again.get("X-Page-Cache") != "hit"


# VisitorPageMiddleware: cached pages answered before most of the stack ------


def _shape(response: Any) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """A response's headers and its cookies' attributes, less what differs
    between any two responses (the request id, the length, the cookie's
    value and its expiry date, a second later)."""
    varying = {"X-Request-ID", "X-Page-Cache", "Content-Length"}
    headers = {name: value for name, value in response.items() if name not in varying}
    cookies = {
        name: {key: value for key, value in morsel.items() if key != "expires"}
        for name, morsel in response.cookies.items()
    }
    return headers, cookies


@pytest.mark.usefixtures("_lists_cached")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_page_from_the_cache_skips_the_view_and_leaves_as_the_whole_stack_sends_it(
    language: str,
) -> None:
    question = AnswerFactory().parent
    for url in (question.get_absolute_url(), "/questions/"):
        built = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
        cached = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
        assert (built["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
        # Answered early: neither the messages middleware nor the view ran.
        assert hasattr(built.wsgi_request, "_messages")
        assert not hasattr(cached.wsgi_request, "_messages")
        assert cached["Content-Language"] == language
        assert {"Cookie", "Accept-Language"} <= set(re.split(r",\s*", cached["Vary"]))
        assert _shape(cached) == _shape(built)
        assert "csrftoken" in cached.cookies


def test_a_cached_page_still_refuses_a_host_the_site_does_not_serve(client) -> None:
    url = QuestionFactory().get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert client.get(url, HTTP_HOST="elsewhere.example").status_code == 400


def test_a_page_from_the_cache_counts_its_view(client) -> None:
    question = QuestionFactory()
    for _ in range(3):
        client.get(question.get_absolute_url())
    assert Post.objects.get(pk=question.pk).view_count == 3


@pytest.mark.usefixtures("_lists_cached")
def test_asking_the_cache_first_costs_a_member_no_query(settings) -> None:
    # The member the middleware loads to see it is not a visitor is the one
    # the view uses (Django keeps it on the request).
    question = AnswerFactory().parent
    member = Client()
    member.force_login(UserFactory())
    counts = {}
    for seconds in (0, 60):
        settings.PAGE_CACHE_SECONDS = settings.LIST_CACHE_SECONDS = seconds
        for url in (question.get_absolute_url(), "/questions/"):
            member.get(url)  # the same caches warm either way
            with CaptureQueriesContext(connection) as queries:
                assert "X-Page-Cache" not in member.get(url)
            counts[(seconds, url)] = len(queries)
    for url in (question.get_absolute_url(), "/questions/"):
        assert counts[(60, url)] == counts[(0, url)]
