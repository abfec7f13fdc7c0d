from django.urls import URLPattern

app_name = "badges"

urlpatterns: list[URLPattern] = []
