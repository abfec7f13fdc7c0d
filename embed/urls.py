from django.urls import path

from . import views

app_name = "embed"

urlpatterns = [
    path("widget.js", views.widget_js, name="widget_js"),
    path("answers/<int:pk>/", views.answer_card, name="answer_card"),
    path("answers/<int:pk>/helpful/", views.answer_helpful, name="answer_helpful"),
    path("faq/<slug:slug>/", views.faq_card, name="faq_card"),
    path("faq/<slug:slug>/helpful/", views.faq_helpful, name="faq_helpful"),
]
