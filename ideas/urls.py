from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("", views.idea_list, name="list"),
    path("new/", views.idea_new, name="new"),
    path("<int:pk>/", views.idea_detail, name="detail_noslug"),
    path("<int:pk>/vote/", views.idea_vote, name="vote"),
    path("<int:pk>/follow/", views.idea_follow, name="follow"),
    path("<int:pk>/status/", views.idea_status, name="status"),
    path("<int:pk>/<slug:slug>/", views.idea_detail, name="detail"),
]
