from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("questions/", feeds.QuestionsFeed(), name="questions"),
    path("questions/<int:pk>/", feeds.QuestionFeed(), name="question"),
    path("tags/<str:name>/", feeds.TagFeed(), name="tag"),
    path("categories/<slug:slug>/", feeds.CategoryFeed(), name="category"),
]
