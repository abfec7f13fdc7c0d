from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint_list"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint_detail"),
]
