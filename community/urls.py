from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.community, name="home"),
    path("spotlight/", views.spotlight_staff, name="spotlight"),
]
