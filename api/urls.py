from django.urls import path, register_converter
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from entraide.security import csp_override

from . import content_views, embed_views, views, wiki_views
from .docs import problem_type

app_name = "api"


class IdConverter:
    """A row id: digits that fit a 64-bit column (a longer number is a 404,
    not a database overflow)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("v1/questions/", views.QuestionListView.as_view(), name="question_list"),
    path("v1/questions/<id:pk>/", views.QuestionDetailView.as_view(), name="question_detail"),
    path(
        "v1/questions/<id:pk>/answers/", views.QuestionAnswersView.as_view(), name="answer_create"
    ),
    path("v1/answers/<id:pk>/", views.AnswerDetailView.as_view(), name="answer_detail"),
    path("v1/answers/<id:pk>/accept/", views.AnswerAcceptView.as_view(), name="answer_accept"),
    path("v1/posts/<id:pk>/comments/", views.PostCommentsView.as_view(), name="post_comments"),
    path("v1/posts/<id:pk>/vote/", views.PostVoteView.as_view(), name="post_vote"),
    path(
        "v1/posts/<id:pk>/revisions/",
        content_views.PostRevisionsView.as_view(),
        name="post_revisions",
    ),
    path(
        "v1/posts/<id:pk>/revisions/<id:number>/",
        content_views.PostRevisionView.as_view(),
        name="post_revision",
    ),
    path("v1/posts/<id:pk>/diff/", content_views.PostDiffView.as_view(), name="post_diff"),
    path(
        "v1/posts/<id:pk>/suggested-edits/",
        content_views.SuggestedEditCreateView.as_view(),
        name="suggested_edit_create",
    ),
    path("v1/posts/<id:pk>/flags/", content_views.PostFlagView.as_view(), name="post_flag"),
    path(
        "v1/comments/<id:pk>/flags/", content_views.CommentFlagView.as_view(), name="comment_flag"
    ),
    path("v1/faq/", wiki_views.FaqListView.as_view(), name="faq_list"),
    path("v1/faq/<slug:slug>/", wiki_views.FaqDetailView.as_view(), name="faq_detail"),
    path(
        "v1/faq/<slug:slug>/revisions/",
        wiki_views.FaqRevisionsView.as_view(),
        name="faq_revisions",
    ),
    path("v1/faq/<slug:slug>/diff/", wiki_views.FaqDiffView.as_view(), name="faq_diff"),
    path("v1/wiki/page/", wiki_views.WikiPageView.as_view(), name="wiki_page"),
    path("v1/wiki/page/revisions/", wiki_views.WikiRevisionsView.as_view(), name="wiki_revisions"),
    path("v1/wiki/page/diff/", wiki_views.WikiDiffView.as_view(), name="wiki_diff"),
    path("v1/oembed", embed_views.OEmbedView.as_view(), name="oembed"),
    path("v1/instant-answers/", embed_views.InstantAnswersView.as_view(), name="instant_answers"),
    path(
        "v1/answers/<id:pk>/helpful/",
        embed_views.AnswerHelpfulView.as_view(),
        name="answer_helpful",
    ),
    path("v1/tags/", views.TagListView.as_view(), name="tag_list"),
    path("v1/tags/<str:name>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("v1/categories/", views.CategoryListView.as_view(), name="category_list"),
    path("v1/users/<id:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path(
        "v1/users/<id:pk>/reputation/", views.UserReputationView.as_view(), name="user_reputation"
    ),
    path("v1/users/<id:pk>/badges/", views.UserBadgesView.as_view(), name="user_badges"),
    path("v1/badges/", views.BadgeListView.as_view(), name="badge_list"),
    path("v1/badges/<slug:slug>/", views.BadgeDetailView.as_view(), name="badge_detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline
    # script); both viewers inject their own styles and Redoc a search worker.
    path(
        "docs/",
        csp_override({"style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    path(
        "redoc/",
        csp_override(
            {"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}
        )(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    path("problems/<slug:code>", problem_type, name="problem_type"),
]
