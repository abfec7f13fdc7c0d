"""Contact support and the ask flow: what was shown and opened, how the visit
ended, and the deflection ledger credited to items and their authors."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from qa import services as qa_services
from search import services, sync
from search.models import ContactRequest, Deflection, SupportVisit, VisitItem
from search.outbox import enqueue_question
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(search_index):
    helper = UserFactory(display_name="Helpful Hana")
    question = QuestionFactory(title="The lamp keeps blinking red after the update")
    answer = AnswerFactory(
        parent=question, author=helper, body_source="Unplug it for ten seconds to reset."
    )
    with transaction.atomic():
        enqueue_question(question.pk)
    sync.drain()
    return question, answer


def visit() -> SupportVisit:
    return SupportVisit.objects.get()


def test_the_request_form_appears_only_with_suggestions(client, answered) -> None:
    first = client.get("/support/contact/").content.decode()
    assert 'id="contact-request" class="contact-request" hidden' in first
    html = client.get("/support/contact/", {"q": "lamp blinking red"}).content.decode()
    assert "These answers may solve your problem" in html and "This solved it" in html
    assert 'id="contact-request" class="contact-request">' in html
    assert [(i.item_kind, i.item_id) for i in VisitItem.objects.all()] == [
        ("answer", answered[1].pk)
    ]


def test_sending_before_seeing_suggestions_is_refused(client, answered) -> None:
    response = client.post(
        "/support/contact/send/",
        {"email": "c@example.com", "subject": "Lamp", "message": "It blinks red all the time."},
    )
    assert response.status_code == 409
    assert "Look at the suggested answers first" in response.content.decode()
    assert not ContactRequest.objects.exists() and mail.outbox == []


def test_a_request_sent_anyway_goes_to_support_after_commit(
    client, answered, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SUPPORT = {"EMAIL": "help@lumio.example"}
    client.get("/support/contact/", {"q": "lamp blinking red"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/support/contact/send/",
            {
                "q": "lamp blinking red",
                "email": "c@example.com",
                "subject": "Lamp blinks",
                "message": "Unplugging did not help, it still blinks red.",
            },
        )
    assert response.status_code == 200 and b"Request sent" in response.content
    assert visit().outcome == SupportVisit.Outcome.REQUEST_SENT
    (sent,) = mail.outbox
    assert sent.to == ["help@lumio.example"] and sent.reply_to == ["c@example.com"]
    assert "Searched for: lamp blinking red" in sent.body and "Suggestions shown: 1" in sent.body
    assert ContactRequest.objects.get().delivered_at is not None
    assert not Deflection.objects.exists()


def test_bad_request_input_is_shown_next_to_the_fields(client, answered) -> None:
    client.get("/support/contact/", {"q": "lamp blinking red"})
    response = client.post(
        "/support/contact/send/",
        {"q": "lamp blinking red", "email": "not-an-email", "subject": "x" * 151, "message": "?"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert "at most 150 characters (it has 151)" in html
    assert "at least 20 characters" in html
    assert visit().outcome == SupportVisit.Outcome.OPEN


def test_this_solved_it_credits_the_answer_and_its_author(client, answered) -> None:
    _question, answer = answered
    client.get("/support/contact/", {"q": "lamp blinking red"})
    response = client.post(
        "/support/solved/", {"flow": "contact", "item_kind": "answer", "item_id": answer.pk}
    )
    assert response.status_code == 200 and b"Glad it helped" in response.content
    assert visit().outcome == SupportVisit.Outcome.SOLVED
    deflection = Deflection.objects.get()
    assert (deflection.kind, deflection.item_kind, deflection.item_id, deflection.author) == (
        Deflection.Kind.EXPLICIT,
        "answer",
        answer.pk,
        answer.author,
    )
    profile = client.get(answer.author.get_absolute_url()).content.decode()
    assert "Helped <strong>1</strong> customer without a ticket" in profile
    # A second "solved" on the ended visit is refused, not counted twice.
    again = client.post(
        "/support/solved/", {"flow": "contact", "item_kind": "answer", "item_id": answer.pk}
    )
    assert again.status_code == 400 and Deflection.objects.count() == 1


def test_solving_with_an_item_never_shown_is_refused(client, answered) -> None:
    client.get("/support/contact/", {"q": "lamp blinking red"})
    other = AnswerFactory()
    response = client.post(
        "/support/solved/", {"flow": "contact", "item_kind": "answer", "item_id": other.pk}
    )
    assert response.status_code == 409 and not Deflection.objects.exists()


def test_reading_a_suggestion_and_leaving_is_an_implicit_deflection(client, answered) -> None:
    question, answer = answered
    client.get("/support/contact/", {"q": "lamp blinking red"})
    response = client.get(
        "/search/go/",
        {"doc": f"question-{question.pk}", "item": f"answer-{answer.pk}", "flow": "contact"},
    )
    assert response["Location"] == f"{question.get_absolute_url()}#answer-{answer.pk}"
    assert VisitItem.objects.get().opened_at is not None

    assert services.visits_settle() == 0  # not quiet long enough yet
    settled = services.visits_settle(now=timezone.now() + timedelta(minutes=31))

    assert settled == 1 and visit().outcome == SupportVisit.Outcome.LEFT_AFTER_READING
    deflection = Deflection.objects.get()
    assert deflection.kind == Deflection.Kind.IMPLICIT and deflection.author == answer.author


def test_leaving_without_reading_is_no_deflection(client, answered) -> None:
    client.get("/support/contact/", {"q": "lamp blinking red"})
    services.visits_settle(now=timezone.now() + timedelta(minutes=31))
    assert visit().outcome == SupportVisit.Outcome.ABANDONED
    assert not Deflection.objects.exists()


def test_asking_the_question_after_suggestions_ends_the_visit_without_deflection(
    client, answered
) -> None:
    question, answer = answered
    asker = UserFactory()
    client.force_login(asker)
    html = client.get("/search/suggest/", {"q": "lamp blinking red", "flow": "ask"}).content
    assert b"These questions may already answer yours" in html and b"after the update" in html
    client.get(
        "/search/go/",
        {"doc": f"question-{question.pk}", "item": f"answer-{answer.pk}", "flow": "ask"},
    )
    TagFactory(name="lamp")
    response = client.post(
        "/questions/ask/",
        {
            "title": "My lamp blinks red and green",
            "body": "Not the same as the other question: mine blinks in two colours.",
            "tags": "lamp",
        },
    )
    assert response.status_code == 302
    assert visit().flow == "ask" and visit().outcome == SupportVisit.Outcome.REQUEST_SENT
    services.visits_settle(now=timezone.now() + timedelta(minutes=31))
    assert not Deflection.objects.exists()


def test_ask_service_leaves_an_ended_visit_alone() -> None:
    ended = SupportVisit.objects.create(
        flow="ask", session="s", outcome=SupportVisit.Outcome.SOLVED
    )
    TagFactory(name="lamp")
    qa_services.question_ask(
        author=UserFactory(),
        title="Lamp question with a visit",
        body="A body that is long enough to be a question body.",
        tags="lamp",
        support_visit_id=ended.pk,
    )
    ended.refresh_from_db()
    assert ended.outcome == SupportVisit.Outcome.SOLVED


def test_staff_numbers_count_deflections_and_empty_searches(client, answered) -> None:
    from search.models import SearchLog
    from search.selectors import deflection_stats, searches_without_results

    since = timezone.now() - timedelta(days=1)
    for outcome in ("solved", "left", "sent", "open"):
        SupportVisit.objects.create(flow="contact", session="s", outcome=outcome)
    stats = deflection_stats(since=since)
    assert (stats.visits, stats.deflected, stats.requests) == (4, 2, 1)
    assert stats.rate == pytest.approx(2 / 3)

    from django.test import Client

    for query in ("dishwasher", "lamp"):
        client.get("/search/", {"q": query})
    Client().get("/search/", {"q": "dishwasher"})  # another visitor
    assert SearchLog.objects.count() == 3
    assert searches_without_results(since=since) == [("dishwasher", 2)]
