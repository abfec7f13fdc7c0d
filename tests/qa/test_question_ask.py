import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from qa import services
from qa.models import Post, Tag
from tests.factories import CategoryFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "When I open the app it says my hub is offline, but its light is green."


def test_asking_stores_rendered_html_slug_excerpt_and_tags() -> None:
    author = UserFactory(reputation=1500)
    category = CategoryFactory()
    question = services.question_ask(
        author=author,
        title="Hub shows offline in the app?",
        body=BODY + "\n\n**Firmware** 3.4",
        tags="Hub wifi",
        category=category,
    )
    assert question.slug == "hub-shows-offline-in-the-app"
    assert "<strong>Firmware</strong>" in question.body_html
    assert question.excerpt.startswith("When I open the app")
    assert sorted(question.tags.values_list("name", flat=True)) == ["hub", "wifi"]
    assert question.category == category
    assert Tag.objects.get(name="hub").usage_count == 1


def test_tag_usage_counts_grow_with_each_question() -> None:
    author = UserFactory(reputation=1500)
    for n in range(3):
        services.question_ask(
            # A new body each time: the same body twice in a row is refused as a duplicate.
            author=author,
            title=f"Question number {n} here",
            body=f"{BODY} ({n})",
            tags="hub",
        )
    assert Tag.objects.get(name="hub").usage_count == 3


def test_all_field_errors_are_reported_together_and_nothing_is_saved() -> None:
    with pytest.raises(ValidationError) as error:
        services.question_ask(author=UserFactory(), title="short", body="tiny", tags="a b c d e f")
    assert set(error.value.message_dict) == {"title", "body", "tags"}
    assert not Post.objects.exists()
    assert not Tag.objects.exists()


def test_anonymous_visitors_cannot_ask() -> None:
    with pytest.raises(PermissionDenied, match="log in"):
        services.question_ask(
            author=AnonymousUser(), title="A valid question title", body=BODY, tags="hub"
        )


def test_script_in_the_body_is_stored_as_source_but_never_rendered() -> None:
    question = services.question_ask(
        author=UserFactory(reputation=1500),
        title="<script>alert(1)</script> in my title",
        body=BODY + "<script>alert(1)</script><img src=x onerror=alert(1)>",
        tags="hub",
    )
    assert "<script" not in question.body_html and "onerror" not in question.body_html
    assert "<script>" in question.body_source


def test_new_tags_need_the_create_tags_privilege_but_existing_ones_do_not() -> None:
    TagFactory(name="hub")
    member = UserFactory(reputation=1499)
    with pytest.raises(ValidationError) as error:
        services.question_ask(
            author=member, title="A valid question title", body=BODY, tags="hub zigbee"
        )
    message = error.value.message_dict["tags"][0]
    assert "“zigbee” would be a new tag" in message and "1,500 reputation" in message
    assert "you have 1,499" in message
    assert not Tag.objects.filter(name="zigbee").exists()
    question = services.question_ask(
        author=member, title="A valid question title", body=BODY, tags="hub"
    )
    assert question.tag_names == "hub"
