from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:slug>.csv", views.export, name="export"),
]
