"""PostgreSQL restarts while members use the site (a throw-away cluster)."""

import pytest
from django.db import connection

from qa.models import Post
from tests.factories import UserFactory
from tests.faults.processes import (
    Member,
    answer_poster,
    ask_questions,
    outage,
    outbox_drained,
    wait_until,
)
from tests.search.helpers import expected, indexed

pytestmark = pytest.mark.django_db(transaction=True)

DOWN_SECONDS = 3


def test_requests_fail_fast_with_503_and_the_site_recovers_by_itself(
    cluster, site_and_worker
) -> None:
    site, worker = site_and_worker
    (question,) = ask_questions(
        1,
        tag="hub",
        title="The hub drops off the network every evening",
        body="Every evening around eight the hub disappears from the app for ten minutes.",
    )
    asker, helper = question.author, UserFactory(username="helper")
    member, visitor = Member(site.url, helper), Member(site.url, asker)
    actions = {
        "question": lambda step: visitor.get(question.get_absolute_url()),
        "list": lambda step: visitor.get("/questions/?sort=newest"),
        "answer": answer_poster(
            member, [question.pk], "Restart answer: move the hub away from the microwave oven."
        ),
        "api": lambda step: visitor.get(f"/api/v1/questions/{question.pk}/"),
    }
    traffic, down_at, up_at = outage(
        actions, stop=cluster.stop, start=cluster.start, seconds=DOWN_SECONDS
    )
    connection.close()  # the test's own connection died with the server

    statuses = {(r[0], r[1]) for r in traffic.records}
    assert {status for _, status in statuses} <= {200, 302, 503}, statuses
    while_down = traffic.between(down_at + 0.5, up_at)
    assert while_down and all(r[1] == 503 for r in while_down)
    # Fast, not a hang: the load balancer and the member learn at once.
    # (3 s allows for a loaded machine; a hang would last the client's 15 s.)
    assert max(r[3] for r in while_down) < 3.0, max(r[3] for r in while_down)
    pages = [r for r in while_down if r[0] in {"question", "list"}]
    assert pages and all("briefly unavailable" in r[4] for r in pages)
    api = [r for r in while_down if r[0] == "api"]
    assert api and all('"service-unavailable"' in r[4] for r in api)
    # Recovered without restarting anything: pages, the API and writes work again.
    wait_until(
        lambda: visitor.get(question.get_absolute_url()).status_code == 200,
        30,
        "the site did not recover",
        logs=(site,),
    )
    assert {
        visitor.get(url).status_code for url in (question.get_absolute_url(), "/questions/")
    } == {200}
    assert (
        answer_poster(member, [question.pk], "Restart answer after recovery.")(0).status_code == 302
    )
    assert site.is_alive and worker.is_alive, worker.log()[-2000:]

    # Nothing a member was told succeeded is lost, and the index follows.
    confirmed = sum(1 for r in traffic.records if r[0] == "answer" and r[1] == 302)
    stored = Post.objects.filter(parent=question, body_source__startswith="Restart answer")
    assert stored.count() >= confirmed > 0
    wait_until(outbox_drained, 60, "the outbox did not drain", logs=(worker,))
    assert indexed() == expected([question.pk])
