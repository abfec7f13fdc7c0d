from django.urls import URLPattern

app_name = "reputation"

urlpatterns: list[URLPattern] = []
