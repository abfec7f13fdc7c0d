"""PostgreSQL restarts while members use the site (a throw-away cluster)."""

import itertools
import time

import pytest
from django.db import close_old_connections, connection

from qa import services as qa
from qa.models import Post
from search.indexing import index_setup
from tests.factories import CategoryFactory, TagFactory, UserFactory
from tests.faults.processes import (
    Member,
    SiteServer,
    Traffic,
    process_env,
    search_worker,
    wait_until,
)
from tests.search.helpers import expected, indexed, pending

pytestmark = pytest.mark.django_db(transaction=True)

DOWN_SECONDS = 3


def test_requests_fail_fast_with_503_and_the_site_recovers_by_itself(
    cluster, engine, var_dir, tmp_path
) -> None:
    category = CategoryFactory(name="Hubs", slug="hubs")
    TagFactory(name="hub")
    asker, helper = UserFactory(username="asker"), UserFactory(username="helper")
    question = qa.question_ask(
        author=asker,
        title="The hub drops off the network every evening",
        body="Every evening around eight the hub disappears from the app for ten minutes.",
        tags="hub",
        category=category,
    )
    index_setup()
    env = process_env(var_dir=var_dir, engine=engine)
    site, worker = SiteServer(env, tmp_path), search_worker(env, tmp_path)
    site.start()
    worker.start()
    try:
        member, visitor = Member(site.url, helper), Member(site.url, asker)
        numbers = itertools.count()

        def answer(step: int):
            text = f"Restart answer {next(numbers)}: move the hub away from the microwave oven."
            return member.post(f"/questions/{question.pk}/answers/", {"body": text})

        actions = {
            "question": lambda step: visitor.get(question.get_absolute_url()),
            "list": lambda step: visitor.get("/questions/?sort=newest"),
            "answer": answer,
            "api": lambda step: visitor.get(f"/api/v1/questions/{question.pk}/"),
        }
        with Traffic(actions) as traffic:
            time.sleep(1.5)
            down_at = time.monotonic()
            cluster.stop()
            time.sleep(DOWN_SECONDS)
            up_at = time.monotonic()
            cluster.start()
            time.sleep(3)
            end = time.monotonic()
        connection.close()  # the test's own connection died with the server

        statuses = {(r[0], r[1]) for r in traffic.records}
        assert {status for _, status in statuses} <= {200, 302, 503}, statuses
        while_down = traffic.between(down_at + 0.5, up_at)
        assert while_down and all(r[1] == 503 for r in while_down)
        # Fast, not a hang: the load balancer and the member learn at once.
        assert max(r[3] for r in while_down) < 2.0, max(r[3] for r in while_down)
        pages = [r for r in while_down if r[0] in {"question", "list"}]
        assert pages and all("briefly unavailable" in r[4] for r in pages)
        api = [r for r in while_down if r[0] == "api"]
        assert api and all('"service-unavailable"' in r[4] for r in api)
        # Recovered without restarting anything: the last second is all good.
        recovered = traffic.between(end - 1, end)
        assert recovered and all(r[1] in {200, 302} for r in recovered), recovered[:3]
        assert site.is_alive and worker.is_alive, worker.log()[-2000:]

        # Nothing a member was told succeeded is lost, and the index follows.
        confirmed = sum(1 for r in traffic.records if r[0] == "answer" and r[1] == 302)
        stored = Post.objects.filter(parent=question, body_source__startswith="Restart answer")
        assert stored.count() >= confirmed > 0
        wait_until(
            lambda: (close_old_connections(), pending() == 0)[1], 30, "the outbox did not drain"
        )
        assert indexed() == expected([question.pk])
    finally:
        worker.stop()
        site.stop()
