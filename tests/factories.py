"""factory_boy factories. Posts are created through the services where the
rules matter; these build the plain rows tests start from."""

import factory
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.services import email_mark_verified
from entraide.rendering import render_markdown
from qa.models import Category, Comment, Post, PostType, Tag
from reputation.models import Reason, ReputationEvent


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.django.Password("correct horse battery staple")
    # Accepted the current terms and privacy policy, as at sign-up.
    terms_version = factory.LazyFunction(lambda: settings.PRIVACY["TERMS_VERSION"])
    privacy_version = factory.LazyFunction(lambda: settings.PRIVACY["PRIVACY_VERSION"])
    # Enough to vote up and down and comment anywhere, like a regular member;
    # pass reputation=1 for a newcomer.
    reputation = 200

    @factory.post_generation
    def verified_email(self, create: bool, extracted: object, **kwargs: object) -> None:
        """A member who signed up has verified their address; pass False for one who has not."""
        if create and extracted is not False:
            email_mark_verified(user=self)

    @factory.post_generation
    def ledger(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Back the starting reputation with a ledger row, as an import would."""
        if create and self.reputation > 1:
            ReputationEvent.objects.create(
                user=self, amount=self.reputation - 1, reason=Reason.IMPORTED, key="factory"
            )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    post_type = PostType.QUESTION
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"How do I reset my router, case {n}?")
    slug = factory.LazyAttribute(lambda p: Post.slug_for(p.title))
    body_source = "My router stopped working after the update and I cannot log in."
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body_source))
    last_activity_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create:
            return
        names = extracted or ["router"]
        for name in names:
            tag = TagFactory(name=name)
            self.tags.add(tag)
            Tag.objects.filter(pk=tag.pk).update(usage_count=F("usage_count") + 1)
        self.tag_names = " ".join(names)
        Post.objects.filter(pk=self.pk).update(tag_names=self.tag_names)


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer row; bumps its question's answer_count like the service does."""

    class Meta:
        model = Post

    post_type = PostType.ANSWER
    parent = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body_source = "Hold the reset button for ten seconds, then log in again."
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body_source))

    @classmethod
    def _create(cls, model_class: type[Post], *args: object, **kwargs: object) -> Post:
        answer = super()._create(model_class, *args, **kwargs)
        Post.objects.filter(pk=answer.parent_id).update(answer_count=F("answer_count") + 1)
        return answer


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    post = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body_source = "Which firmware version are you on?"
    body_html = factory.LazyAttribute(lambda c: render_markdown(c.body_source))
