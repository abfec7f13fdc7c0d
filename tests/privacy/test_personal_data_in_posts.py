"""Posting forms warn about personal data and offer to mask it; staff mask
published posts, and the post's history keeps only the masked text."""

import pytest
from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from privacy import services
from qa import services as qa
from qa.models import Comment, Post
from search.models import IndexOperation
from tests.factories import QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTION = {
    "title": "My order never arrived at the shop",
    "body": "Order 1234 for jean.dupont@example.fr, call me on 06 12 34 56 78 please.",
    "tags": "lamp",
}


@pytest.fixture
def member(client):
    TagFactory(name="lamp")
    user = UserFactory()
    client.force_login(user)
    return user


def test_asking_with_personal_data_warns_and_publishes_nothing(client, member) -> None:
    response = client.post("/questions/ask/", QUESTION)
    assert response.status_code == 400
    page = response.content.decode()
    assert "looks like personal data" in page
    assert "an e-mail address (je…fr)" in page and "a phone number" in page
    assert 'name="personal_data" value="mask"' in page and 'value="keep"' in page
    assert "jean.dupont@example.fr" in page  # the author's own text is kept in the form
    assert not Post.objects.exists()


def test_mask_publishes_the_masked_text(client, member) -> None:
    response = client.post("/questions/ask/", {**QUESTION, "personal_data": "mask"})
    assert response.status_code == 302
    question = Post.objects.get()
    assert question.body_source == (
        "Order 1234 for [e-mail address removed], call me on [phone number removed] please."
    )
    assert "example.fr" not in question.body_html


def test_keep_publishes_as_written(client, member) -> None:
    response = client.post("/questions/ask/", {**QUESTION, "personal_data": "keep"})
    assert response.status_code == 302
    assert "jean.dupont@example.fr" in Post.objects.get().body_source


def test_comments_and_answers_are_checked_too(client, member) -> None:
    question = QuestionFactory()
    answer = client.post(
        f"/questions/{question.pk}/answers/",
        {"body": "Send your card 4242 4242 4242 4242 to support and they will refund you."},
    )
    assert answer.status_code == 400 and "payment card number" in answer.content.decode()
    comment = client.post(
        f"/posts/{question.pk}/comments/",
        {"body": "Mail me at someone@example.com please"},
        HTTP_ACCEPT="application/json",
    )
    assert comment.status_code == 400
    assert comment.json()["codes"] == ["personal_data"]
    masked = client.post(
        f"/posts/{question.pk}/comments/",
        {"body": "Mail me at someone@example.com please", "personal_data": "mask"},
        HTTP_ACCEPT="application/json",
    )
    assert masked.status_code == 201
    assert Comment.objects.get().body_source == "Mail me at [e-mail address removed] please"


def test_staff_mask_a_post_and_its_history_keeps_only_the_masked_text(member) -> None:
    question = qa.question_ask(
        author=member, title=QUESTION["title"], body=QUESTION["body"], tags=QUESTION["tags"]
    )
    qa.post_edit(
        editor=member,
        post=question,
        title=question.title,
        tags="lamp",
        body=QUESTION["body"] + " Thanks!",
        summary="thanks",
    )
    staff = UserFactory(is_staff=True)
    IndexOperation.objects.all().delete()
    services.post_personal_data_mask(staff=staff, post=question)

    question.refresh_from_db()
    assert "example.fr" not in question.body_source + question.body_html + question.excerpt
    versions = Version.objects.filter(
        content_type=ContentType.objects.get_for_model(Post), object_id=str(question.pk)
    )
    assert versions.count() == 2
    for version in versions:
        assert "example.fr" not in version.serialized_data
        assert "[e-mail address removed]" in version.field_dict["body_source"]
    assert IndexOperation.objects.filter(object_id=question.pk).exists()


def test_only_staff_mask_published_posts(client, member) -> None:
    question = QuestionFactory(body_source="Reach me at someone@example.com any time you like.")
    response = client.post(f"/posts/{question.pk}/mask-personal-data/")
    assert response.status_code == 403
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.post(f"/posts/{question.pk}/mask-personal-data/")
    assert response.status_code == 302
    question.refresh_from_db()
    assert "someone@example.com" not in question.body_source
