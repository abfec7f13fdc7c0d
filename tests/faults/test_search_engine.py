"""The search engine fails: stopped during traffic, or refusing work."""

import pytest
from django.db import close_old_connections

from tests.factories import UserFactory
from tests.faults.processes import Member, answer_poster, ask_questions, outage, wait_until
from tests.search.helpers import expected, indexed, pending

pytestmark = pytest.mark.django_db(transaction=True)

DEGRADED = "results may be incomplete"


def _converged(question_ids: list[int]) -> bool:
    close_old_connections()
    return pending() == 0 and indexed() == expected(question_ids)


def test_search_degrades_while_the_engine_is_down_and_the_index_converges_after(
    engine, site_and_worker
) -> None:
    site, worker = site_and_worker
    questions = ask_questions(
        12,
        tag="dimmer",
        title="Wireless dimmer number {n} keeps blinking",
        body="Dimmer {n} blinks twice after the firmware update and then stops.",
    )
    ids = [q.pk for q in questions]
    helper = UserFactory(username="helper")
    wait_until(lambda: _converged(ids), 60, "the index never caught up at start")
    member = Member(site.url, helper)
    visitor = Member(site.url, UserFactory(username="reader"))
    actions = {
        "search": lambda step: visitor.get("/search/?q=dimmer+blinking"),
        "suggest": lambda step: visitor.get("/search/suggest/?q=dimmer+blinks&flow=ask"),
        "answer": answer_poster(
            member, ids, "Answer: hold the dimmer's button for ten seconds, then pair it again."
        ),
        "question": lambda step: visitor.get(f"/questions/{ids[step % len(ids)]}/"),
    }
    traffic, down_at, up_at = outage(
        actions, stop=engine.stop, start=engine.start, seconds=4, settle=1.5
    )
    while_down = traffic.between(down_at, up_at)
    assert {r[0] for r in while_down} == set(actions), "every kind of request ran while down"
    failures = [(r[0], r[1]) for r in traffic.records if r[1] >= 500 or r[1] == 0]
    assert failures == [], failures
    searches = [r for r in while_down if r[0] == "search"]
    assert searches and all(r[1] == 200 and DEGRADED in r[4] for r in searches)
    # The database fallback answers with real results, not an empty page.
    assert all("Wireless " in r[4] for r in searches)
    answers = [r for r in while_down if r[0] == "answer"]
    assert answers and all(r[1] == 302 for r in answers), {r[1] for r in answers}

    # Every write made while the engine was down reaches the index.
    wait_until(lambda: _converged(ids), 60, "the index did not converge after the restart")
    assert worker.is_alive, worker.log()[-2000:]
    assert "Meilisearch unreachable" in worker.log()
    after = visitor.get("/search/?q=dimmer+blinking")
    assert after.status_code == 200 and DEGRADED not in after.text
