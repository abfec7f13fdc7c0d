from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.read, name="read"),
    path("settings/", views.mail_settings, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("follow/question/<int:key>/", views.follow, {"kind": "question"}, name="follow_question"),
    path("follow/tag/<str:key>/", views.follow, {"kind": "tag"}, name="follow_tag"),
    path("follow/category/<slug:key>/", views.follow, {"kind": "category"}, name="follow_category"),
]
