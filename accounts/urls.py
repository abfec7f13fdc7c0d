from django.urls import include, path

from . import views

# allauth serves /accounts/login/, signup/, logout/, password/change/,
# password/reset/, email/ and confirm-email/<key>/ (the same paths the plain
# Django views had, so old links keep working).
urlpatterns = [
    path("profile/", views.profile_edit, name="account_profile"),
    path("profile/picture/", views.avatar_edit, name="account_avatar"),
    path("language/", views.set_language, name="set_language"),
    path("", include("allauth.urls")),
]
