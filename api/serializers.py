"""Input shapes (strict types, unknown fields refused) and output shapes.

No rule lives here: lengths, tag limits, privileges and states are checked
by the services, whose errors reach the client as problem documents.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from qa.models import Category
from search.instant import LIMIT_MAX

# Input -------------------------------------------------------------------------


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error, not a silent no-op."""

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {
            name: [ErrorDetail(_("This field is not part of this request."), "unknown_field")]
            for name in unknown
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError({**error.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictCharField(serializers.CharField):
    """A JSON string only: ``123`` or ``true`` is a type error, not text."""

    default_error_messages = {"invalid": "Expected a string."}

    def __init__(self, **kwargs: Any) -> None:
        # Rules (lengths) belong to the services; keep what the client sent.
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Expected an integer."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class CategoryRefField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            slug_field="slug", queryset=Category.objects.all(), allow_null=True, **kwargs
        )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class QuestionCreateSerializer(StrictSerializer):
    title = StrictCharField()
    body = StrictCharField(help_text="Markdown.")
    tags = serializers.ListField(child=StrictCharField(), allow_empty=True)
    category = CategoryRefField(required=False, help_text="A category's slug.")


class QuestionEditSerializer(StrictSerializer):
    """Fields left out keep their current value."""

    title = StrictCharField(required=False)
    body = StrictCharField(required=False, help_text="Markdown.")
    tags = serializers.ListField(child=StrictCharField(), required=False, allow_empty=True)
    category = CategoryRefField(required=False, help_text="A category's slug, or null.")
    summary = StrictCharField(required=False, help_text="The edit summary.")


class AnswerEditSerializer(StrictSerializer):
    body = StrictCharField(help_text="Markdown.")
    summary = StrictCharField(required=False, help_text="The edit summary.")


class BodySerializer(StrictSerializer):
    body = StrictCharField(help_text="Markdown.")


class CommentCreateSerializer(StrictSerializer):
    body = StrictCharField(help_text="Markdown (inline only).")
    parent = StrictIntegerField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The comment this one replies to.",
    )


class VoteSerializer(StrictSerializer):
    value = StrictIntegerField(help_text="1 (up), -1 (down) or 0 (retract your vote).")


class DeleteSerializer(StrictSerializer):
    as_spam = serializers.BooleanField(required=False, default=False)


# Output ------------------------------------------------------------------------


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField(source="public_name")
    reputation = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class QuestionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    excerpt = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField(), source="tag_list")
    score = serializers.IntegerField()
    answer_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    is_answered = serializers.SerializerMethodField()
    accepted_answer_id = serializers.IntegerField(allow_null=True)
    author = AuthorSerializer()
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()

    def get_is_answered(self, post: Any) -> bool:
        return bool(post.answer_count)


class CommentSerializer(serializers.Serializer):
    """A comment and its replies; a deleted comment keeps its place, without text."""

    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    author = AuthorSerializer(allow_null=True)
    body_html = serializers.CharField()
    created_at = serializers.DateTimeField()
    is_deleted = serializers.BooleanField()
    replies = serializers.ListField(child=serializers.DictField(), help_text="Comments, nested.")

    def to_representation(self, comment: Any) -> dict[str, Any]:
        deleted = comment.is_deleted
        return {
            "id": comment.pk,
            "parent_id": comment.parent_id,
            "author": None if deleted else AuthorSerializer(comment.author).data,
            "body_html": "" if deleted else comment.body_html,
            "created_at": serializers.DateTimeField().to_representation(comment.created_at),
            "is_deleted": deleted,
            "replies": [self.to_representation(reply) for reply in comment.thread_replies],
        }


class ModerationSerializer(serializers.Serializer):
    is_closed = serializers.BooleanField()
    close_reason = serializers.CharField(allow_blank=True)
    duplicate_of_id = serializers.IntegerField(allow_null=True)
    is_locked = serializers.BooleanField()


class AnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question_id = serializers.IntegerField(source="parent_id")
    url = serializers.SerializerMethodField()
    body_html = serializers.CharField()
    body_markdown = serializers.CharField(source="body_source")
    score = serializers.IntegerField()
    is_accepted = serializers.SerializerMethodField()
    is_deleted = serializers.BooleanField()
    author = AuthorSerializer()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    my_vote = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()

    def get_url(self, answer: Any) -> str:
        return answer.get_absolute_url()

    def get_is_accepted(self, answer: Any) -> bool:
        return bool(self.context.get("accepted_answer_id") == answer.pk)

    def get_my_vote(self, post: Any) -> int:
        """The viewer's vote on this post: 1, -1, or 0."""
        return int(self.context.get("votes", {}).get(post.pk, 0))

    def get_comments(self, post: Any) -> list[dict[str, Any]]:
        roots = self.context.get("comments", {}).get(post.pk, [])
        return CommentSerializer(roots, many=True).data  # type: ignore[return-value]


class QuestionDetailSerializer(AnswerSerializer):
    question_id = None  # type: ignore[assignment]
    is_accepted = None  # type: ignore[assignment]
    title = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField(), source="tag_list")
    category = CategoryRefSerializer(allow_null=True)
    answer_count = serializers.IntegerField()
    view_count = serializers.IntegerField()
    accepted_answer_id = serializers.IntegerField(allow_null=True)
    last_activity_at = serializers.DateTimeField()
    moderation = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    def get_moderation(self, question: Any) -> dict[str, Any]:
        return {
            "is_closed": question.is_closed,
            "close_reason": question.close_reason,
            "duplicate_of_id": question.duplicate_of_id,
            "is_locked": question.is_locked,
        }

    def get_answers(self, question: Any) -> list[dict[str, Any]]:
        return AnswerSerializer(  # type: ignore[return-value]
            self.context.get("answers", []), many=True, context=self.context
        ).data


class VoteResultSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    value = serializers.IntegerField(help_text="Your vote now: 1, -1 or 0.")


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    excerpt = serializers.CharField()
    usage_count = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")


class CategoryTreeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    children = serializers.ListField(child=serializers.DictField(), help_text="Categories, nested.")

    def to_representation(self, category: Any) -> dict[str, Any]:
        return {
            "slug": category.slug,
            "name": category.name,
            "description": category.description,
            "url": category.get_absolute_url(),
            "children": [self.to_representation(child) for child in category.tree_children],
        }


class BadgeCountsSerializer(serializers.Serializer):
    gold = serializers.IntegerField()
    silver = serializers.IntegerField()
    bronze = serializers.IntegerField()


class UserSerializer(serializers.Serializer):
    """A member's public profile (never the e-mail address)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField(source="public_name")
    reputation = serializers.IntegerField()
    role = serializers.CharField()
    is_staff = serializers.BooleanField()
    is_super_user = serializers.BooleanField()
    member_since = serializers.DateTimeField(source="date_joined")
    url = serializers.CharField(source="get_absolute_url")
    badge_counts = BadgeCountsSerializer()


class PostRefSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class ReputationEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="event.pk")
    amount = serializers.IntegerField(source="event.amount")
    reason = serializers.CharField(source="event.reason")
    label = serializers.CharField()  # type: ignore[assignment]
    created_at = serializers.DateTimeField(source="event.created_at")
    is_reversal = serializers.BooleanField()
    is_reversed = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()

    def get_is_reversed(self, row: Any) -> bool:
        return row.reversed_by is not None

    def get_post(self, row: Any) -> dict[str, str] | None:
        return {"title": row.post_title, "url": row.post_url} if row.post_title else None


class BadgeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.CharField()
    description = serializers.CharField()
    is_per_post = serializers.BooleanField()
    award_count = serializers.IntegerField()
    tag = serializers.CharField(source="tag_name", allow_null=True)


class UserBadgeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.CharField()
    description = serializers.CharField()
    times = serializers.IntegerField(help_text="How many times the member earned it.")


class ProblemFieldErrorSerializer(serializers.Serializer):
    pointer = serializers.CharField(help_text="JSON pointer to the field, like #/title.")
    detail = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document."""

    type = serializers.CharField(help_text="A URI reference documenting the problem type.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Machine-readable: the problem or conflict code.")
    instance = serializers.CharField(required=False)
    errors = ProblemFieldErrorSerializer(many=True, required=False)  # type: ignore[assignment]


# Revisions, suggested edits, flags -------------------------------------------------


class RevisionBaseSerializer(serializers.Serializer):
    """Who changed what when, for any versioned object; subclasses add its fields."""

    number = serializers.IntegerField()
    kind = serializers.CharField(source="info.kind")
    author = AuthorSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    summary = serializers.CharField()


class RevisionSerializer(RevisionBaseSerializer):
    title = serializers.SerializerMethodField()
    body_markdown = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    def get_title(self, entry: Any) -> str:
        return str(entry.fields.get("title") or "")

    def get_body_markdown(self, entry: Any) -> str:
        return str(entry.fields.get("body_source") or "")

    def get_tags(self, entry: Any) -> list[str]:
        return str(entry.fields.get("tag_names") or "").split()


class DiffQuerySerializer(serializers.Serializer):
    """Query parameters (text, so numbers are parsed)."""

    to = serializers.IntegerField(required=False, min_value=1, max_value=2**31)
    page = serializers.IntegerField(required=False, min_value=1, max_value=10_000)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # ``from`` is a Python keyword, so it cannot be declared above.
        fields["from"] = serializers.IntegerField(required=False, min_value=1, max_value=2**31)
        return fields


class DiffRowSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="equal, delete, insert, change or gap")
    old_number = serializers.IntegerField(allow_null=True)
    new_number = serializers.IntegerField(allow_null=True)
    old_html = serializers.CharField()
    new_html = serializers.CharField()
    inline_html = serializers.CharField()


class FieldDiffSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    rows = DiffRowSerializer(many=True, source="diff.rows")


class DiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    fields = FieldDiffSerializer(many=True)  # type: ignore[assignment]


class SuggestEditSerializer(StrictSerializer):
    body = StrictCharField(help_text="Markdown.")
    summary = StrictCharField(help_text="What you changed and why.")
    title = StrictCharField(required=False, help_text="Questions only.")
    tags = serializers.ListField(
        child=StrictCharField(), required=False, help_text="Questions only."
    )


class SuggestedEditSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    post_id = serializers.IntegerField()
    status = serializers.CharField()
    summary = serializers.CharField()
    created_at = serializers.DateTimeField()


class FlagSerializer(StrictSerializer):
    reason = StrictCharField(help_text="spam, rude, low_quality, needs_attention or duplicate.")
    text = StrictCharField(required=False, help_text="What a moderator should look at.")
    duplicate_of = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The original question, for a duplicate flag.",
    )


class FlagResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


# Embedding ---------------------------------------------------------------------------


class OEmbedQuerySerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=2000, help_text="A question or answer page of this site."
    )
    # oEmbed would answer 501 for another format; a 400 names the field.
    format = serializers.ChoiceField(choices=["json"], required=False)
    maxwidth = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    maxheight = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    client = serializers.CharField(
        required=False, max_length=12, help_text="Your API key's prefix (public)."
    )


class OEmbedSerializer(serializers.Serializer):
    version = serializers.CharField()
    type = serializers.CharField()
    provider_name = serializers.CharField()
    provider_url = serializers.CharField()
    title = serializers.CharField()
    author_name = serializers.CharField()
    author_url = serializers.CharField()
    html = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    cache_age = serializers.IntegerField()


class InstantAnswersQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        trim_whitespace=False,
        help_text="The customer's text: a ticket subject, a chat message (2 to 200 characters).",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=LIMIT_MAX, help_text="How many answers (default 5)."
    )


class InstantAnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    answer_id = serializers.IntegerField()
    title = serializers.CharField(help_text="The question's title.")
    excerpt = serializers.CharField(help_text="A short plain-text excerpt of the answer.")
    url = serializers.URLField(help_text="The answer in its thread, on the site.")
    is_accepted = serializers.BooleanField()
    is_faq = serializers.BooleanField(help_text="The answer lives on as a published FAQ entry.")
    faq_url = serializers.URLField(allow_null=True)
    detail = serializers.URLField(help_text="The whole answer (GET, HTML body).")
    feedback = serializers.URLField(
        allow_null=True,
        help_text="Where to POST “Was this helpful?”; null unless the API key has the "
        "feedback scope.",
    )


class InstantAnswersSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = InstantAnswerSerializer(many=True)
    is_degraded = serializers.BooleanField(
        help_text="The search engine was unreachable; the database answered (fewer matches)."
    )


class HelpfulSerializer(StrictSerializer):
    helpful = serializers.BooleanField(help_text="true: it solved the problem; false: it did not.")
    query = StrictCharField(
        required=False, max_length=200, help_text="What the customer searched for, if anything."
    )

    def to_internal_value(self, data: Any) -> Any:
        # A JSON boolean only: DRF's BooleanField would take "yes" or 1.
        if isinstance(data, dict) and "helpful" in data and not isinstance(data["helpful"], bool):
            raise serializers.ValidationError(
                {"helpful": [ErrorDetail(_("Expected true or false."), "invalid")]}
            )
        return super().to_internal_value(data)


class HelpfulResultSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()
    is_new = serializers.BooleanField(
        help_text="false when this visitor already answered about this item today (not counted)."
    )


# FAQ entries and wiki pages ------------------------------------------------------------


class FaqEntrySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    question = serializers.CharField()
    category = CategoryRefSerializer(allow_null=True)
    url = serializers.CharField(source="get_absolute_url")
    status = serializers.CharField(help_text="draft and in_review are shown to curators only.")
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    is_verified = serializers.BooleanField(help_text="Stamped “verified by support”, unexpired.")
    helpful_yes = serializers.IntegerField()
    helpful_no = serializers.IntegerField()


class FaqEntrySerializer(FaqEntrySummarySerializer):
    answer_html = serializers.CharField()
    answer_markdown = serializers.CharField(source="answer_source")
    attributed_to = AuthorSerializer(allow_null=True, help_text="The source answer's author.")
    source_answer_id = serializers.IntegerField(allow_null=True)
    revision_number = serializers.IntegerField()


class FaqRevisionSerializer(RevisionBaseSerializer):
    question = serializers.SerializerMethodField()
    answer_markdown = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    def get_question(self, entry: Any) -> str:
        return str(entry.fields.get("question") or "")

    def get_answer_markdown(self, entry: Any) -> str:
        return str(entry.fields.get("answer_source") or "")

    def get_status(self, entry: Any) -> str:
        return str(entry.fields.get("status") or "")


class WikiQuerySerializer(serializers.Serializer):
    path = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        trim_whitespace=False,
        help_text="The page's path, e.g. “billing/invoices” (empty: the wiki's home page).",
    )


class WikiPageRefSerializer(serializers.Serializer):
    title = serializers.CharField()
    path = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class WikiPageSerializer(WikiPageRefSerializer):
    id = serializers.IntegerField()
    body_html = serializers.CharField()
    body_markdown = serializers.CharField(source="body_source")
    toc_html = serializers.CharField()
    revision_number = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    last_editor = AuthorSerializer(allow_null=True)
    is_locked = serializers.BooleanField()
    helpful_yes = serializers.IntegerField()
    helpful_no = serializers.IntegerField()
    ancestors = WikiPageRefSerializer(many=True, help_text="From the home page down.")
    children = WikiPageRefSerializer(many=True, source="children_list")


class WikiRevisionSerializer(RevisionBaseSerializer):
    title = serializers.SerializerMethodField()
    body_markdown = serializers.SerializerMethodField()
    path = serializers.SerializerMethodField()

    def get_title(self, entry: Any) -> str:
        return str(entry.fields.get("title") or "")

    def get_body_markdown(self, entry: Any) -> str:
        return str(entry.fields.get("body_source") or "")

    def get_path(self, entry: Any) -> str:
        return str(entry.fields.get("path") or "")
