from django.urls import path

from . import editing_views, views

app_name = "qa"

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/ask/", views.question_ask, name="question_ask"),
    path("questions/tagged/<str:name>/", views.tag_detail, name="tag_detail"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail_noslug"),
    # Before the slug route, which would otherwise match "answers".
    path("questions/<int:pk>/answers/", views.answer_create, name="answer_create"),
    path("questions/<int:pk>/<slug:slug>/", views.question_detail, name="question_detail"),
    path("a/<int:pk>/", views.answer_link, name="answer_link"),
    path("posts/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("posts/<int:pk>/vote/", views.vote, name="vote"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("posts/<int:pk>/revisions/", editing_views.post_history, name="post_history"),
    path("posts/<int:pk>/revisions/diff/", editing_views.post_diff, name="post_diff"),
    path("posts/<int:pk>/revisions/rollback/", editing_views.post_rollback, name="post_rollback"),
    path("posts/<int:pk>/suggest-edit/", editing_views.post_suggest_edit, name="post_suggest_edit"),
    path(
        "posts/<int:pk>/community-wiki/",
        editing_views.post_community_wiki,
        name="post_community_wiki",
    ),
    path(
        "review/suggested-edits/", editing_views.suggested_edit_queue, name="suggested_edit_queue"
    ),
    path(
        "review/suggested-edits/<int:pk>/",
        editing_views.suggested_edit_detail,
        name="suggested_edit_detail",
    ),
    path("answers/<int:pk>/accept/", views.accept, name="accept"),
    path("tags/", views.tag_list, name="tag_list"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
]
