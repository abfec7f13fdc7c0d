from django.urls import URLPattern

app_name = "bounties"

urlpatterns: list[URLPattern] = []
