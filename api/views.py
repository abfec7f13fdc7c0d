"""API v1 views: parse with a serializer, call one service or selector, shape.

Refusals from the services (``ValidationError``, ``PermissionDenied``,
``ApplicationError``) are not caught here: the exception handler turns every
one into a problem document (``api.problems``).
"""

from typing import Any

from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from qa import permissions
from qa import selectors as qa_selectors
from qa import services as qa_services
from qa.models import Comment, Post, Tag
from reputation import badges as badge_reads
from reputation import selectors as reputation_selectors
from reputation.models import ReputationEvent

from . import selectors
from . import serializers as s
from .conditional import ApiView
from .filters import QuestionFilter
from .pagination import CURSOR_PARAM, SIZE_PARAM, paginate, paginated_response
from .schema import filter_parameters, page_of

CURSOR_PARAMETERS = [
    OpenApiParameter(CURSOR_PARAM, str, description="From a previous page's `next` link."),
    OpenApiParameter(SIZE_PARAM, int, description="Items per page, 1 to 100 (default 20)."),
]


def _question_url(request: Request, question_id: int) -> str:
    return request.build_absolute_uri(f"/api/v1/questions/{question_id}/")


def _thread(request: Request, page: qa_selectors.QuestionPage) -> dict[str, Any]:
    """Serializer context for a thread: accepted answer, votes, comment trees."""
    return {
        "request": request,
        "accepted_answer_id": page.question.accepted_answer_id,
        "votes": page.votes,
        "comments": selectors.thread_forests(page),
        "answers": page.answers,
    }


def _question_body(request: Request, question_id: int) -> dict[str, Any]:
    page = qa_selectors.question_page(question_id=question_id, viewer=request.user)
    question = page.question
    question.category = page.category_path[-1] if page.category_path else None
    return s.QuestionDetailSerializer(question, context=_thread(request, page)).data


def _answer_body(request: Request, answer_id: int) -> dict[str, Any]:
    page = selectors.answer_for_api(answer_id=answer_id, viewer=request.user)
    answer = next(answer for answer in page.answers if answer.pk == answer_id)
    return s.AnswerSerializer(answer, context=_thread(request, page)).data


def _post(post_id: int, *, question: bool | None = None) -> Post:
    post = qa_selectors.post_for_action(post_id)
    if question is not None and post.is_question != question:
        raise Http404("No such question." if question else "No such answer.")
    return post


# Questions ------------------------------------------------------------------------


class QuestionListView(ApiView):
    @extend_schema(
        operation_id="questions_list",
        parameters=[*filter_parameters(QuestionFilter), *CURSOR_PARAMETERS],
        responses=page_of(s.QuestionSummarySerializer),
        tags=["questions"],
    )
    def get(self, request: Request) -> Response:
        """Visible questions, filtered and sorted, a cursor page at a time."""
        filterset = QuestionFilter(
            request.query_params, queryset=selectors.question_rows(), request=request
        )
        if not filterset.is_valid():
            # The stubs type translate_validation as returning a class.
            raise translate_validation(filterset.errors)  # type: ignore[misc]
        page = paginate(request, filterset.qs, filterset.ordering())
        return paginated_response(page, s.QuestionSummarySerializer(page.rows, many=True).data)

    @extend_schema(
        operation_id="questions_create",
        request=s.QuestionCreateSerializer,
        responses={201: s.QuestionDetailSerializer},
        tags=["questions"],
    )
    def post(self, request: Request) -> Response:
        """Ask a question (the same rules and privileges as the site)."""
        data = valid(s.QuestionCreateSerializer, request.data)
        question = qa_services.question_ask(author=request.user, **data)
        return Response(
            _question_body(request, question.pk),
            status=201,
            headers={"Location": _question_url(request, question.pk)},
        )


def valid(serializer_class: type[s.serializers.Serializer], data: Any) -> dict[str, Any]:
    """``data`` (a body or query parameters) parsed, or a 400 with field errors."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class QuestionDetailView(ApiView):
    @extend_schema(responses=s.QuestionDetailSerializer, tags=["questions"])
    def get(self, request: Request, pk: int) -> Response:
        """A question with its answers (accepted first) and threaded comments."""
        return Response(_question_body(request, pk))

    @extend_schema(
        request=s.QuestionEditSerializer, responses=s.QuestionDetailSerializer, tags=["questions"]
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Edit a question; fields left out keep their value."""
        question = _post(pk, question=True)
        data = valid(s.QuestionEditSerializer, request.data)
        qa_services.post_edit(
            editor=request.user,
            post=question,
            title=data.get("title", question.title),
            body=data.get("body", question.body_source),
            tags=data.get("tags", question.tag_list),
            category=data.get("category", question.category),
            summary=data.get("summary", ""),
        )
        return Response(_question_body(request, pk))

    @extend_schema(responses={204: None}, tags=["questions"])
    def delete(self, request: Request, pk: int) -> Response:
        """Delete your question (staff: any question)."""
        qa_services.post_delete(user=request.user, post=_post(pk, question=True))
        return Response(status=204)


class QuestionAnswersView(ApiView):
    @extend_schema(
        operation_id="answers_create",
        request=s.BodySerializer,
        responses={201: s.AnswerSerializer},
        tags=["answers"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Answer a question."""
        question = _post(pk, question=True)
        data = valid(s.BodySerializer, request.data)
        answer = qa_services.answer_post(author=request.user, question=question, body=data["body"])
        return Response(
            _answer_body(request, answer.pk),
            status=201,
            headers={"Location": request.build_absolute_uri(f"/api/v1/answers/{answer.pk}/")},
        )


class AnswerDetailView(ApiView):
    @extend_schema(responses=s.AnswerSerializer, tags=["answers"])
    def get(self, request: Request, pk: int) -> Response:
        """An answer with its threaded comments."""
        return Response(_answer_body(request, pk))

    @extend_schema(request=s.AnswerEditSerializer, responses=s.AnswerSerializer, tags=["answers"])
    def patch(self, request: Request, pk: int) -> Response:
        """Edit an answer."""
        answer = _post(pk, question=False)
        data = valid(s.AnswerEditSerializer, request.data)
        qa_services.post_edit(
            editor=request.user, post=answer, body=data["body"], summary=data.get("summary", "")
        )
        return Response(_answer_body(request, pk))

    @extend_schema(responses={204: None}, tags=["answers"])
    def delete(self, request: Request, pk: int) -> Response:
        """Delete your answer (staff: any answer)."""
        qa_services.post_delete(user=request.user, post=_post(pk, question=False))
        return Response(status=204)


class AnswerAcceptView(ApiView):
    @extend_schema(request=None, responses=s.AnswerSerializer, tags=["answers"])
    def post(self, request: Request, pk: int) -> Response:
        """Accept an answer to your question (moves the mark from another)."""
        qa_services.answer_accept(user=request.user, answer=_post(pk, question=False))
        return Response(_answer_body(request, pk))

    @extend_schema(request=None, responses=s.AnswerSerializer, tags=["answers"])
    def delete(self, request: Request, pk: int) -> Response:
        """Remove the accepted mark."""
        qa_services.answer_unaccept(user=request.user, answer=_post(pk, question=False))
        return Response(_answer_body(request, pk))


class PostCommentsView(ApiView):
    @extend_schema(
        operation_id="comments_list",
        responses=s.CommentSerializer(many=True),
        tags=["comments"],
    )
    def get(self, request: Request, pk: int) -> Response:
        """A post's comments as threads (replies nested)."""
        post = _post(pk)
        if not permissions.can_view_post(request.user, post):
            raise Http404("No such post.")
        return Response(s.CommentSerializer(selectors.post_comments(post=post), many=True).data)

    @extend_schema(
        operation_id="comments_create",
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer},
        tags=["comments"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Comment on a post, or reply to one of its comments with ``parent``."""
        post = _post(pk)
        data = valid(s.CommentCreateSerializer, request.data)
        parent = None
        if data.get("parent") is not None:
            parent = Comment.objects.filter(pk=data["parent"]).first()
            if parent is None:
                raise s.serializers.ValidationError(
                    {"parent": ["The comment you reply to does not exist."]}
                )
        comment = qa_services.comment_add(
            author=request.user, post=post, body=data["body"], parent=parent
        )
        comment.thread_replies = []
        return Response(s.CommentSerializer(comment).data, status=201)


class PostVoteView(ApiView):
    @extend_schema(request=s.VoteSerializer, responses=s.VoteResultSerializer, tags=["votes"])
    def put(self, request: Request, pk: int) -> Response:
        """Vote a post up (1) or down (-1), or retract your vote (0)."""
        data = valid(s.VoteSerializer, request.data)
        result = qa_services.vote_cast(voter=request.user, post=_post(pk), value=data["value"])
        return Response({"score": result.score, "value": result.value})


# Tags and categories -----------------------------------------------------------


class TagListView(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Part of a tag name."),
            *CURSOR_PARAMETERS,
        ],
        operation_id="tags_list",
        responses=page_of(s.TagSerializer),
        tags=["tags"],
    )
    def get(self, request: Request) -> Response:
        """Tags in use, most used first."""
        query = request.query_params.get("q", "")[:35]
        page = paginate(request, qa_selectors.tag_list(query=query), ("-usage_count", "name"))
        return paginated_response(page, s.TagSerializer(page.rows, many=True).data)


class TagDetailView(ApiView):
    @extend_schema(responses=s.TagSerializer, tags=["tags"])
    def get(self, request: Request, name: str) -> Response:
        return Response(s.TagSerializer(get_object_or_404(Tag, name=name)).data)


class CategoryListView(ApiView):
    @extend_schema(
        operation_id="categories_list",
        responses=s.CategoryTreeSerializer(many=True),
        tags=["categories"],
    )
    def get(self, request: Request) -> Response:
        """The category tree: top-level categories with their children nested."""
        return Response(s.CategoryTreeSerializer(selectors.category_forest(), many=True).data)


# Members, reputation and badges ---------------------------------------------------


class UserDetailView(ApiView):
    @extend_schema(responses=s.UserSerializer, tags=["users"])
    def get(self, request: Request, pk: int) -> Response:
        """A member's public profile."""
        return Response(s.UserSerializer(selectors.public_member(user_id=pk)).data)


class UserReputationView(ApiView):
    @extend_schema(
        parameters=CURSOR_PARAMETERS,
        operation_id="users_reputation_list",
        responses=page_of(s.ReputationEventSerializer),
        tags=["users"],
    )
    def get(self, request: Request, pk: int) -> Response:
        """A member's reputation history, newest first; reversals are labelled."""
        member = selectors.public_member(user_id=pk)
        self.last_modified = ReputationEvent.objects.filter(user=member).aggregate(
            latest=Max("created_at")
        )["latest"]
        page = paginate(
            request,
            reputation_selectors.user_reputation_events(user=member),
            ("-created_at", "-id"),
        )
        rows = reputation_selectors.reputation_history_rows(
            page.rows, user=member, viewer=request.user
        )
        return paginated_response(page, s.ReputationEventSerializer(rows, many=True).data)


class UserBadgesView(ApiView):
    @extend_schema(
        operation_id="users_badges_list",
        responses=s.UserBadgeSerializer(many=True),
        tags=["users", "badges"],
    )
    def get(self, request: Request, pk: int) -> Response:
        """The badges a member earned, gold first."""
        member = selectors.public_member(user_id=pk)
        badges = reputation_selectors.user_badges(user=member)
        return Response(s.UserBadgeSerializer(badges, many=True).data)


class BadgeListView(ApiView):
    @extend_schema(
        operation_id="badges_list", responses=s.BadgeSerializer(many=True), tags=["badges"]
    )
    def get(self, request: Request) -> Response:
        """Every badge by tier (gold first), then the tag badges awarded so far."""
        listing = badge_reads.badge_list_page()
        badges = [badge for tier in listing.tiers for badge in tier.badges] + listing.tag_badges
        return Response(s.BadgeSerializer(badges, many=True).data)


class BadgeDetailView(ApiView):
    @extend_schema(responses=s.BadgeSerializer, tags=["badges"])
    def get(self, request: Request, slug: str) -> Response:
        detail = badge_reads.badge_detail_page(slug=slug)
        return Response(s.BadgeSerializer(detail.badge).data)
