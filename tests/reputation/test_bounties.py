"""Bounties: offering, awarding and expiry (services, pages, commands, races)."""

import io
import logging
import os
import signal
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from entraide.errors import ApplicationError
from qa import services as qa_services
from qa.models import Vote
from reputation import bounties
from reputation.bounties import bounties_expire, bounty_award, bounty_offer
from reputation.models import Bounty, Reason, ReputationEvent
from reputation.services import reputation_audit
from tests.concurrency import run_at_once
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def rep(user: User) -> int:
    user.refresh_from_db(fields=["reputation"])
    return user.reputation


def _open_bounty(amount: int = 100, **offerer: object) -> Bounty:
    question = QuestionFactory()
    return bounty_offer(
        offerer=UserFactory(reputation=1000, **offerer), question=question, amount=amount
    )


def _end(bounty: Bounty) -> None:
    Bounty.objects.filter(pk=bounty.pk).update(ends_at=timezone.now() - timedelta(seconds=1))


# Offering ---------------------------------------------------------------------


def test_offering_debits_the_offerer_at_once_on_the_ledger() -> None:
    offerer = UserFactory(reputation=500)
    question = QuestionFactory()
    bounty = bounty_offer(offerer=offerer, question=question, amount=150)
    assert rep(offerer) == 350
    event = ReputationEvent.objects.get(reason=Reason.BOUNTY_OFFERED)
    assert (event.user_id, event.amount, event.key, event.post_id) == (
        offerer.pk,
        -150,
        f"bounty:{bounty.pk}",
        question.pk,
    )
    assert bounty.is_open and bounty.ends_at == bounty.created_at + timedelta(days=7)
    assert reputation_audit() == []


def test_offering_needs_the_bounty_privilege_of_75_reputation() -> None:
    with pytest.raises(PermissionDenied, match=r"offer bounties.*75 reputation.*you have 74"):
        bounty_offer(offerer=UserFactory(reputation=74), question=QuestionFactory(), amount=50)
    assert not Bounty.objects.exists()


@pytest.mark.parametrize("amount", [0, 25, 49, 75, 501, 550, -50])
def test_a_bounty_is_50_to_500_in_steps_of_50(amount: int) -> None:
    with pytest.raises(ValidationError, match="50 to 500 reputation, in steps of 50"):
        bounty_offer(
            offerer=UserFactory(reputation=1000), question=QuestionFactory(), amount=amount
        )


@pytest.mark.parametrize("amount", [50, 250, 500])
def test_every_step_from_50_to_500_can_be_offered(amount: int) -> None:
    bounty = bounty_offer(
        offerer=UserFactory(reputation=1000), question=QuestionFactory(), amount=amount
    )
    assert bounty.amount == amount


def test_bounty_amounts_follow_the_settings(settings) -> None:
    settings.REPUTATION = {**settings.REPUTATION, "BOUNTY_MIN": 100, "BOUNTY_MAX": 300}
    assert bounties.bounty_amounts() == [100, 150, 200, 250, 300]


def test_the_offerer_must_have_the_reputation_to_pay_and_keep_one() -> None:
    offerer = UserFactory(reputation=100)
    with pytest.raises(ApplicationError, match="needs more reputation than you have"):
        bounty_offer(offerer=offerer, question=QuestionFactory(), amount=100)
    assert rep(offerer) == 100
    bounty_offer(offerer=offerer, question=QuestionFactory(), amount=50)
    assert rep(offerer) == 50


def test_staff_hold_the_privilege_but_still_pay_from_their_reputation() -> None:
    staff = UserFactory(reputation=1, is_staff=True)
    with pytest.raises(ApplicationError, match="needs more reputation"):
        bounty_offer(offerer=staff, question=QuestionFactory(), amount=50)


def test_one_open_bounty_per_question() -> None:
    bounty = _open_bounty()
    other = UserFactory(reputation=500)
    with pytest.raises(ApplicationError, match="already has an open bounty"):
        bounty_offer(offerer=other, question=bounty.question, amount=50)
    assert rep(other) == 500 and Bounty.objects.count() == 1


def test_the_database_allows_one_open_bounty_per_question_but_any_number_closed() -> None:
    question = QuestionFactory()
    user = UserFactory()
    ends = timezone.now() + timedelta(days=7)
    now = timezone.now()
    Bounty.objects.create(question=question, offered_by=user, amount=50, ends_at=ends)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bounty.objects.create(question=question, offered_by=user, amount=50, ends_at=ends)
    Bounty.objects.update(expired_at=now)
    Bounty.objects.create(question=question, offered_by=user, amount=50, ends_at=ends)
    assert Bounty.objects.filter(question=question).count() == 2


def test_the_database_refuses_a_bounty_both_awarded_and_expired() -> None:
    bounty = _open_bounty()
    answer = AnswerFactory(parent=bounty.question)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Bounty.objects.filter(pk=bounty.pk).update(
            awarded_at=now, awarded_answer=answer, expired_at=now
        )


def test_bounties_are_offered_on_live_questions_only() -> None:
    offerer = UserFactory(reputation=500)
    question = QuestionFactory()
    answer = AnswerFactory(parent=question)
    with pytest.raises(PermissionDenied, match="offered on questions"):
        bounty_offer(offerer=offerer, question=answer, amount=50)
    qa_services.post_delete(user=question.author, post=question)
    with pytest.raises(PermissionDenied, match="deleted"):
        bounty_offer(offerer=offerer, question=question, amount=50)
    assert rep(offerer) == 500


def test_an_ended_bounty_makes_way_for_a_new_one_without_refund() -> None:
    first = _open_bounty(amount=100)
    _end(first)
    second = bounty_offer(offerer=UserFactory(reputation=500), question=first.question, amount=50)
    first.refresh_from_db()
    assert first.expired_at is not None and second.is_open
    assert rep(first.offered_by) == 900


# Awarding ---------------------------------------------------------------------


def test_awarding_credits_the_answer_author_on_the_ledger_and_closes_the_bounty() -> None:
    bounty = _open_bounty(amount=200)
    answer = AnswerFactory(parent=bounty.question, author=UserFactory(reputation=1))
    awarded = bounty_award(user=bounty.offered_by, bounty=bounty, answer=answer)
    assert rep(answer.author) == 201
    event = ReputationEvent.objects.get(reason=Reason.BOUNTY_AWARDED)
    assert (event.user_id, event.amount, event.key, event.post_id) == (
        answer.author_id,
        200,
        f"bounty:{bounty.pk}",
        answer.pk,
    )
    assert awarded.awarded_answer_id == answer.pk and awarded.awarded_at is not None
    assert reputation_audit() == []


def test_the_award_ignores_the_daily_cap() -> None:
    author = UserFactory(reputation=1)
    for _ in range(21):  # 210 from votes today, capped at 200
        qa_services.vote_cast(voter=UserFactory(), post=AnswerFactory(author=author), value=1)
    assert rep(author) == 201
    bounty = _open_bounty(amount=500)
    answer = AnswerFactory(parent=bounty.question, author=author)
    bounty_award(user=bounty.offered_by, bounty=bounty, answer=answer)
    assert rep(author) == 701


def test_only_the_offerer_can_award_the_bounty() -> None:
    bounty = _open_bounty()
    answer = AnswerFactory(parent=bounty.question)
    for someone in [UserFactory(), bounty.question.author, UserFactory(is_staff=True)]:
        with pytest.raises(PermissionDenied, match="Only the member who offered"):
            bounty_award(user=someone, bounty=bounty, answer=answer)
    assert not ReputationEvent.objects.filter(reason=Reason.BOUNTY_AWARDED).exists()


def test_the_offerer_cannot_award_their_own_answer() -> None:
    bounty = _open_bounty()
    own = AnswerFactory(parent=bounty.question, author=bounty.offered_by)
    with pytest.raises(PermissionDenied, match="your own answer"):
        bounty_award(user=bounty.offered_by, bounty=bounty, answer=own)


def test_a_bounty_is_awarded_once() -> None:
    bounty = _open_bounty()
    first, second = AnswerFactory.create_batch(2, parent=bounty.question)
    bounty_award(user=bounty.offered_by, bounty=bounty, answer=first)
    for answer in (first, second):
        with pytest.raises(ApplicationError, match="already been awarded"):
            bounty_award(user=bounty.offered_by, bounty=bounty, answer=answer)
    assert ReputationEvent.objects.filter(reason=Reason.BOUNTY_AWARDED).count() == 1
    assert reputation_audit() == []


def test_community_wiki_answers_cannot_receive_a_bounty() -> None:
    bounty = _open_bounty()
    wiki = AnswerFactory(parent=bounty.question, is_community_wiki=True)
    with pytest.raises(ValidationError, match="Community-wiki"):
        bounty_award(user=bounty.offered_by, bounty=bounty, answer=wiki)


def test_a_bounty_goes_to_a_live_answer_of_its_own_question() -> None:
    bounty = _open_bounty()
    elsewhere = AnswerFactory()
    with pytest.raises(ValidationError, match="its own question"):
        bounty_award(user=bounty.offered_by, bounty=bounty, answer=elsewhere)
    with pytest.raises(ValidationError, match="its own question"):
        bounty_award(user=bounty.offered_by, bounty=bounty, answer=bounty.question)
    deleted = AnswerFactory(parent=bounty.question)
    qa_services.post_delete(user=deleted.author, post=deleted)
    with pytest.raises(ApplicationError, match="deleted answer"):
        bounty_award(user=bounty.offered_by, bounty=bounty, answer=deleted)
    bounty.refresh_from_db()
    assert bounty.is_open


def test_an_ended_bounty_cannot_be_awarded_even_before_the_expiry_job() -> None:
    bounty = _open_bounty()
    answer = AnswerFactory(parent=bounty.question)
    _end(bounty)
    with pytest.raises(ApplicationError, match="ended"):
        bounty_award(user=bounty.offered_by, bounty=bounty, answer=answer)


# Expiry -----------------------------------------------------------------------


def test_expiry_closes_ended_bounties_without_refund() -> None:
    ended, running = _open_bounty(amount=100), _open_bounty(amount=50)
    _end(ended)
    result = bounties_expire()
    assert [bounty.pk for bounty in result.expired] == [ended.pk]
    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.expired_at is not None and ended.awarded_at is None and running.is_open
    assert rep(ended.offered_by) == 900  # no refund
    assert bounties_expire().count == 0  # nothing new the second time
    with pytest.raises(ApplicationError, match="ended"):
        bounty_award(
            user=ended.offered_by, bounty=ended, answer=AnswerFactory(parent=ended.question)
        )
    assert reputation_audit() == []


def test_expiry_leaves_awarded_bounties_alone() -> None:
    bounty = _open_bounty()
    bounty_award(
        user=bounty.offered_by, bounty=bounty, answer=AnswerFactory(parent=bounty.question)
    )
    _end(bounty)
    assert bounties_expire().count == 0
    bounty.refresh_from_db()
    assert bounty.expired_at is None


def test_bounties_expire_command_reports_what_it_closed() -> None:
    bounty = _open_bounty()
    _end(bounty)
    out = io.StringIO()
    call_command("bounties_expire", stdout=out)
    assert f"Bounty #{bounty.pk} (100 on question #{bounty.question_id}) expired." in out.getvalue()
    assert "1 bounty(ies) expired." in out.getvalue()


# The scheduler ----------------------------------------------------------------


def _serial_voting_pair() -> User:
    """An author whose ten posts one voter voted up today; returns the author."""
    author = UserFactory(reputation=1)
    voter = UserFactory()
    for _ in range(10):
        qa_services.vote_cast(voter=voter, post=AnswerFactory(author=author), value=1)
    return author


def test_scheduler_once_runs_both_jobs(caplog) -> None:
    caplog.set_level(logging.INFO, logger="reputation.scheduler")
    bounty = _open_bounty()
    _end(bounty)
    author = _serial_voting_pair()
    assert rep(author) == 101
    call_command("run_scheduler", "--once")
    bounty.refresh_from_db()
    assert bounty.expired_at is not None
    assert rep(author) == 1 and not Vote.objects.exists()
    assert "job serial_votes done" in caplog.text and "job bounties_expire done" in caplog.text


def test_scheduler_logs_a_failing_job_and_runs_the_next(caplog, monkeypatch) -> None:
    caplog.set_level(logging.INFO, logger="reputation.scheduler")

    def broken(**kwargs: object) -> None:
        raise RuntimeError("the serial-voting job broke")

    monkeypatch.setattr("reputation.serial_voting.serial_votes_reverse", broken)
    bounty = _open_bounty()
    _end(bounty)
    call_command("run_scheduler", "--once")
    assert "job serial_votes failed" in caplog.text and "the serial-voting job broke" in caplog.text
    bounty.refresh_from_db()
    assert bounty.expired_at is not None


def test_scheduler_repeats_its_jobs_until_sigterm_then_stops_cleanly(caplog) -> None:
    caplog.set_level(logging.INFO, logger="reputation.scheduler")
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.6, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        # Every 0.1 s and 0.2 s; the signal stops the loop after a few rounds.
        call_command("run_scheduler", "--serial-votes-every=0.00167", "--bounties-every=0.0033")
    finally:
        timer.cancel()
    assert caplog.text.count("job serial_votes done") >= 2
    assert "received SIGTERM" in caplog.text and "scheduler stopped" in caplog.text
    assert signal.getsignal(signal.SIGTERM) == before


# Pages ------------------------------------------------------------------------


def test_question_page_offers_a_bounty_to_eligible_members_and_shows_it_once_open(
    client,
) -> None:
    question = QuestionFactory()
    member = UserFactory(reputation=120)
    client.force_login(member)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Offer a bounty" in page and '<option value="100">' in page
    assert '<option value="150">' not in page  # would leave less than 1
    response = client.post(f"/bounties/questions/{question.pk}/offer/", {"amount": "100"})
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    page = client.get(question.get_absolute_url()).content.decode()
    assert "open bounty worth <strong>100 reputation</strong>" in page
    assert "ends in <time" in page and "7 days</time>" in page
    assert "Your bounty of 100 is open for 7 days." in page
    assert "Offer a bounty" not in page
    assert rep(member) == 20


@pytest.mark.parametrize("reputation", [None, 74])
def test_the_offer_form_is_hidden_from_visitors_and_members_without_the_privilege(
    client, reputation
) -> None:
    question = QuestionFactory()
    if reputation is not None:
        client.force_login(UserFactory(reputation=reputation))
    assert b"Offer a bounty" not in client.get(question.get_absolute_url()).content


def test_offer_refusals_answer_4xx_with_the_reason(client) -> None:
    question = QuestionFactory()
    url = f"/bounties/questions/{question.pk}/offer/"
    response = client.post(url, {"amount": "50"})
    assert response.status_code == 403 and b"You must log in first." in response.content
    client.force_login(UserFactory(reputation=74))
    response = client.post(url, {"amount": "50"})
    assert response.status_code == 403 and "offer bounties" in response.content.decode()
    client.force_login(UserFactory(reputation=1000))
    for amount in ["75", "abc", ""]:
        response = client.post(url, {"amount": amount})
        assert response.status_code == 400, amount
    assert b"in steps of 50" in client.post(url, {"amount": "75"}).content
    assert client.post(url, {"amount": "50"}).status_code == 302
    response = client.post(url, {"amount": "50"}, headers={"accept": "application/json"})
    assert response.status_code == 409
    assert response.json()["detail"] == "This question already has an open bounty."
    assert client.get(url).status_code == 405
    assert client.post("/bounties/questions/999999/offer/", {"amount": "50"}).status_code == 404


def test_award_button_shows_for_the_offerer_on_other_members_answers_only(client) -> None:
    bounty = _open_bounty()
    others = AnswerFactory(parent=bounty.question)
    own = AnswerFactory(parent=bounty.question, author=bounty.offered_by)
    award = f"/bounties/{bounty.pk}/award/{{}}/"
    client.force_login(bounty.offered_by)
    page = client.get(bounty.question.get_absolute_url()).content.decode()
    assert award.format(others.pk) in page and award.format(own.pk) not in page
    assert "Award bounty (+100)" in page
    client.force_login(UserFactory())
    page = client.get(bounty.question.get_absolute_url()).content.decode()
    assert "Award bounty" not in page and "open bounty worth" in page


def test_awarding_through_the_page(client) -> None:
    bounty = _open_bounty(amount=50)
    answer = AnswerFactory(parent=bounty.question, author=UserFactory(reputation=1))
    client.force_login(bounty.offered_by)
    response = client.post(f"/bounties/{bounty.pk}/award/{answer.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{bounty.question.get_absolute_url()}#answer-{answer.pk}"
    assert rep(answer.author) == 51
    page = client.get(bounty.question.get_absolute_url()).content.decode()
    assert "You awarded your bounty of 50." in page and "open bounty worth" not in page


def test_award_refusals_answer_4xx_with_the_reason(client) -> None:
    bounty = _open_bounty()
    answer = AnswerFactory(parent=bounty.question)
    own = AnswerFactory(parent=bounty.question, author=bounty.offered_by)
    url = f"/bounties/{bounty.pk}/award/{{}}/"
    response = client.post(url.format(answer.pk))
    assert response.status_code == 403 and b"You must log in first." in response.content
    client.force_login(UserFactory())
    response = client.post(url.format(answer.pk))
    assert response.status_code == 403 and b"Only the member who offered" in response.content
    client.force_login(bounty.offered_by)
    response = client.post(url.format(own.pk))
    assert response.status_code == 403 and b"your own answer" in response.content
    assert client.post(url.format(answer.pk)).status_code == 302
    response = client.post(url.format(answer.pk))
    assert response.status_code == 409 and b"already been awarded" in response.content
    assert client.post(f"/bounties/999999/award/{answer.pk}/").status_code == 404
    assert client.get(url.format(answer.pk)).status_code == 405


# Races on PostgreSQL ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_racing_awards_of_one_bounty_pay_exactly_once() -> None:
    bounty = _open_bounty(amount=300)
    answers = [AnswerFactory(parent=bounty.question) for _ in range(6)]
    actions = [
        (lambda a=a: bounty_award(user=bounty.offered_by, bounty=bounty, answer=a))
        for a in [*answers, *answers]
    ]
    errors = run_at_once(actions)
    assert len(errors) == 11 and all("already been awarded" in str(e) for e in errors)
    assert ReputationEvent.objects.filter(reason=Reason.BOUNTY_AWARDED).count() == 1
    bounty.refresh_from_db()
    assert bounty.awarded_answer in answers
    assert reputation_audit() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_racing_offers_on_one_question_leave_one_open_bounty_paid_once() -> None:
    question = QuestionFactory()
    offerers = [UserFactory(reputation=500) for _ in range(8)]
    actions = [
        (lambda u=u: bounty_offer(offerer=u, question=question, amount=100)) for u in offerers
    ]
    errors = run_at_once(actions)
    assert len(errors) == 7 and all("already has an open bounty" in str(e) for e in errors)
    assert Bounty.objects.filter(question=question).count() == 1
    assert ReputationEvent.objects.filter(reason=Reason.BOUNTY_OFFERED).count() == 1
    assert sorted(rep(u) for u in offerers) == [400] + [500] * 7
    assert reputation_audit() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_an_award_racing_the_expiry_job_either_pays_or_expires_never_both() -> None:
    bounty = _open_bounty()
    answer = AnswerFactory(parent=bounty.question)
    # The job runs as if the deadline had passed while the offerer awards.
    later = timezone.now() + timedelta(days=8)
    errors = run_at_once(
        [
            lambda: bounty_award(user=bounty.offered_by, bounty=bounty, answer=answer),
            lambda: bounties_expire(now=later),
        ]
    )
    bounty.refresh_from_db()
    awarded = ReputationEvent.objects.filter(reason=Reason.BOUNTY_AWARDED).count()
    if errors:
        assert [str(e) for e in errors] == ["This bounty has ended."]
        assert bounty.expired_at is not None and awarded == 0
    else:
        assert bounty.awarded_at is not None and bounty.expired_at is None and awarded == 1
    assert reputation_audit() == []


def test_deleting_a_question_refunds_its_open_bounty_and_closes_it() -> None:
    from reputation.services import reputation_audit as audit

    offerer = UserFactory(reputation=300)
    question = QuestionFactory()
    bounty = bounties.bounty_offer(offerer=offerer, question=question, amount=100)
    offerer.refresh_from_db()
    assert offerer.reputation == 200
    qa_services.post_delete(user=question.author, post=question)
    offerer.refresh_from_db()
    bounty.refresh_from_db()
    assert offerer.reputation == 300 and bounty.expired_at is not None
    assert audit() == []


def test_an_awarded_bounty_stays_with_its_answer_when_the_answer_is_deleted() -> None:
    offerer = UserFactory(reputation=300)
    answer = AnswerFactory()
    bounty = bounties.bounty_offer(offerer=offerer, question=answer.parent, amount=50)
    bounties.bounty_award(user=offerer, bounty=bounty, answer=answer)
    answer.author.refresh_from_db()
    earned = answer.author.reputation
    qa_services.post_delete(user=answer.author, post=answer)
    answer.author.refresh_from_db()
    assert answer.author.reputation == earned
