"""Many members vote, edit and accept on one thread at the same moment,
each from their own HTTP client, against a live server on PostgreSQL."""

import random
import threading

import pytest
from django.db.models import Sum
from reversion.models import Version

from qa import services as qa
from qa.models import Post, Vote
from reputation.services import reputation_audit
from tests.factories import CategoryFactory, TagFactory, UserFactory
from tests.faults.processes import Member, SiteServer, process_env

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 16
EDITORS = 3
ACCEPTING_CLIENTS = 4
ROUNDS = 4
# Refusals a member may get (a vote limit, an edit another one just made);
# anything 5xx, or a hang, fails the test.
CLEAN_STATUSES = {200, 302, 400, 403, 409}


def test_concurrent_votes_edits_and_accepts_leave_a_consistent_thread(
    engine, var_dir, tmp_path
) -> None:
    category = CategoryFactory(name="Plugs", slug="plugs")
    TagFactory(name="plug")
    asker = UserFactory(username="asker")
    question = qa.question_ask(
        author=asker,
        title="The smart plug switches itself off at night",
        body="Every night at three the plug turns off, with no schedule set in the app.",
        tags="plug",
        category=category,
    )
    answers = [
        qa.answer_post(
            author=UserFactory(username=f"answerer{n}"),
            question=question,
            body=f"Answer {n}: a firmware update is scheduled at three; move it in the app.",
        )
        for n in range(3)
    ]
    posts = [question, *answers]
    voters = [UserFactory(username=f"voter{n}") for n in range(VOTERS)]
    editors = [UserFactory(username=f"editor{n}", reputation=2500) for n in range(EDITORS)]
    revisions_before = Version.objects.get_for_object(question).count()

    site = SiteServer(process_env(var_dir=var_dir, engine=engine), tmp_path)
    site.start()
    try:
        statuses: list[tuple[str, int]] = []
        lock = threading.Lock()

        def record(kind: str, status: int) -> None:
            with lock:
                statuses.append((kind, status))

        def vote(member: Member, seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(ROUNDS):
                for post in rng.sample(posts, len(posts)):
                    value = rng.choice(["1", "-1", "0", "1"])
                    response = member.post(f"/posts/{post.pk}/vote/", {"value": value}, json=True)
                    record("vote", response.status_code)

        def accept(member: Member, seed: int) -> None:
            rng = random.Random(seed)
            for _ in range(ROUNDS):
                action = rng.choice(["accept", "accept", "unaccept"])
                answer = rng.choice(answers)
                response = member.post(
                    f"/answers/{answer.pk}/accept/", {"action": action}, json=True
                )
                record("accept", response.status_code)

        def edit(member: Member, seed: int) -> None:
            for round_ in range(ROUNDS):
                response = member.post(
                    f"/posts/{question.pk}/edit/",
                    {
                        "title": question.title,
                        "body": f"Every night at three the plug turns off (edit {seed}.{round_}).",
                        "tags": "plug",
                        "category": category.pk,
                        "summary": f"clarified, edit {seed}.{round_}",
                    },
                )
                record("edit", response.status_code)

        jobs = [(vote, Member(site.url, user), n) for n, user in enumerate(voters)]
        jobs += [(accept, Member(site.url, asker), 100 + n) for n in range(ACCEPTING_CLIENTS)]
        jobs += [(edit, Member(site.url, user), 200 + n) for n, user in enumerate(editors)]
        start = threading.Barrier(len(jobs))

        def run(job, member, seed) -> None:
            start.wait()
            job(member, seed)

        threads = [threading.Thread(target=run, args=job) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a client hung"
    finally:
        site.stop()

    assert {status for _, status in statuses} <= CLEAN_STATUSES, sorted(set(statuses))
    # Every request was answered: nothing was dropped by a crashed worker thread.
    expected_requests = VOTERS * ROUNDS * len(posts) + (ACCEPTING_CLIENTS + EDITORS) * ROUNDS
    assert len(statuses) == expected_requests
    assert sum(1 for kind, status in statuses if kind == "vote" and status == 200) > VOTERS

    for post in posts:
        post.refresh_from_db()
        votes = Vote.objects.filter(post=post).aggregate(total=Sum("value"))["total"] or 0
        assert post.score == votes, f"post {post.pk}: score {post.score}, votes say {votes}"
    # One accepted answer at most, and it is one of this question's.
    assert question.accepted_answer_id in {None, *(a.pk for a in answers)}
    assert Post.objects.filter(parent=question, accepted_answer__isnull=False).count() == 0
    # Every member's reputation is their ledger's sum.
    assert reputation_audit(fix=False) == []
    # Each successful edit is one revision; the body is the last revision's.
    edits = sum(1 for kind, status in statuses if kind == "edit" and status == 302)
    assert edits > 0
    versions = Version.objects.get_for_object(question)
    assert versions.count() == revisions_before + edits
    assert versions.first().field_dict["body_source"] == question.body_source
