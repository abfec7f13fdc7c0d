from django.urls import path

from . import views

app_name = "embed"

urlpatterns = [
    path("widget.js", views.widget_js, name="widget_js"),
    path("answers/<int:pk>/", views.answer_card, name="answer_card"),
]
