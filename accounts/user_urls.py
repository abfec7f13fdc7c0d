from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("<int:pk>/avatar", views.avatar, name="avatar"),
    path("<int:pk>/", views.user_detail, name="user_detail_noslug"),
    path("<int:pk>/<slug:slug>/", views.user_detail, name="user_detail"),
]
