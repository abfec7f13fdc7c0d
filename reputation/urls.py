from django.urls import path

from . import views

app_name = "reputation"

urlpatterns = [
    path("privileges/", views.privilege_list, name="privilege_list"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("staff/community/", views.staff_community, name="staff_community"),
]
