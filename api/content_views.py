"""API v1: a post's revisions and diffs, suggested edits and flags."""

from typing import Any

from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from moderation.services.flags import flag_create
from qa import editing, permissions
from qa import selectors as qa_selectors
from qa.editing_views import POST_FIELDS
from qa.models import Comment, Post
from versioning.diff import diff_fields
from versioning.selectors import revision_entries, revision_get, revision_infos
from versioning.services import revision_latest_number

from . import serializers as s
from .conditional import ApiView
from .pagination import paginate, paginated_response
from .schema import page_of
from .views import CURSOR_PARAMETERS, valid


def _visible(request: Request, pk: int) -> Post:
    post = qa_selectors.post_for_action(pk)
    if not permissions.can_view_post(request.user, post):
        raise Http404("No such post.")
    return post


def revisions_page(
    view: ApiView, request: Request, obj: Model, serializer: type[serializers.Serializer]
) -> Response:
    """A cursor page of ``obj``'s revisions, newest first; the first page sends
    the latest revision's date as ``Last-Modified``."""
    page = paginate(request, revision_infos(obj), ("-number",))
    entries = revision_entries(obj, page.rows)
    if entries and not request.query_params.get("cursor"):
        view.last_modified = entries[0].created_at
    return paginated_response(page, serializer(entries, many=True).data)


def diff_response(request: Request, obj: Model, labels: dict[str, Any]) -> Response:
    """The changes between two of ``obj``'s revisions (``from``/``to``/``page``
    query parameters), field by field, word level in prose."""
    query = valid(s.DiffQuerySerializer, request.query_params)
    latest = revision_latest_number(obj)
    if not latest:
        raise Http404("This has no history yet.")
    new = revision_get(obj, query.get("to") or latest)
    old = revision_get(obj, query.get("from") or max(1, new.number - 1))
    diffs, pages = diff_fields(old.fields, new.fields, labels, page=query.get("page", 1))
    return Response(
        s.DiffSerializer(
            {
                "from_revision": old.number,
                "to_revision": new.number,
                "page": query.get("page", 1),
                "pages": pages,
                "fields": diffs,
            }
        ).data
    )


DIFF_PARAMETERS = [
    OpenApiParameter("from", int, description="The older revision (default: to - 1)."),
    OpenApiParameter("to", int, description="The newer revision (default: the latest)."),
    OpenApiParameter("page", int, description="Long diffs come in pages."),
]


class PostRevisionsView(ApiView):
    @extend_schema(
        operation_id="revisions_list",
        parameters=CURSOR_PARAMETERS,
        responses=page_of(s.RevisionSerializer),
        tags=["revisions"],
    )
    def get(self, request: Request, pk: int) -> Response:
        """A post's revisions, newest first, each with its title, body and tags."""
        return revisions_page(self, request, _visible(request, pk), s.RevisionSerializer)


class PostRevisionView(ApiView):
    @extend_schema(responses=s.RevisionSerializer, tags=["revisions"])
    def get(self, request: Request, pk: int, number: int) -> Response:
        """One revision of a post."""
        entry = revision_get(_visible(request, pk), number)
        self.last_modified = entry.created_at
        return Response(s.RevisionSerializer(entry).data)


class PostDiffView(ApiView):
    @extend_schema(parameters=DIFF_PARAMETERS, responses=s.DiffSerializer, tags=["revisions"])
    def get(self, request: Request, pk: int) -> Response:
        """The changes between two revisions, field by field, word level in prose."""
        return diff_response(request, _visible(request, pk), POST_FIELDS)


class SuggestedEditCreateView(ApiView):
    @extend_schema(
        operation_id="suggested_edits_create",
        request=s.SuggestEditSerializer,
        responses={201: s.SuggestedEditSerializer},
        tags=["revisions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Suggest an edit of a post you may not edit directly; it waits for review."""
        data = valid(s.SuggestEditSerializer, request.data)
        post = qa_selectors.post_for_action(pk)
        # A question's title and tags left out stay as they are.
        suggestion = editing.suggested_edit_create(
            author=request.user,
            post=post,
            body=data["body"],
            summary=data["summary"],
            title=data.get("title", post.title),
            tags=" ".join(data["tags"]) if "tags" in data else post.tag_names,
        )
        return Response(s.SuggestedEditSerializer(suggestion).data, status=201)


class _FlagView(ApiView):
    def _flag(self, request: Request, **target: Any) -> Response:
        data = valid(s.FlagSerializer, request.data)
        duplicate_of = None
        if data.get("duplicate_of") is not None:
            duplicate_of = Post.objects.questions().filter(pk=data["duplicate_of"]).first()
            if duplicate_of is None:
                raise serializers.ValidationError({"duplicate_of": ["No such question."]})
        flag = flag_create(
            flagger=request.user,
            reason=data["reason"],
            text=data.get("text", ""),
            duplicate_of=duplicate_of,
            **target,
        )
        return Response(s.FlagResultSerializer(flag).data, status=201)


class PostFlagView(_FlagView):
    @extend_schema(
        operation_id="post_flags_create",
        request=s.FlagSerializer,
        responses={201: s.FlagResultSerializer},
        tags=["flags"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Flag a question or an answer for moderators (the site's rules and privilege)."""
        return self._flag(request, post=qa_selectors.post_for_action(pk))


class CommentFlagView(_FlagView):
    @extend_schema(
        operation_id="comment_flags_create",
        request=s.FlagSerializer,
        responses={201: s.FlagResultSerializer},
        tags=["flags"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Flag a comment for moderators."""
        return self._flag(request, comment=get_object_or_404(Comment, pk=pk))
