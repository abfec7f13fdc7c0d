from django.urls import URLPattern, path

from . import badge_views

app_name = "badges"

urlpatterns: list[URLPattern] = [
    path("", badge_views.badge_list, name="badge_list"),
    path("<slug:slug>/", badge_views.badge_detail, name="badge_detail"),
]
