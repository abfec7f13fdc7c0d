from django.urls import path, re_path

from . import faq_views, views

app_name = "wiki"

urlpatterns = [
    path("wiki/", views.wiki, name="home"),
    re_path(r"^wiki/(?P<path>.+)/$", views.wiki, name="page"),
    path("faq/", faq_views.faq_index, name="faq_index"),
    path("faq/new/", faq_views.faq_new, name="faq_new"),
    path("faq/desk/", faq_views.faq_desk, name="faq_desk"),
    path("faq/reverify/", faq_views.reverify, name="reverify"),
    path("faq/<slug:slug>/", faq_views.faq_entry, name="faq_entry"),
    path("faq/<slug:slug>/edit/", faq_views.faq_edit, name="faq_edit"),
    path("faq/<slug:slug>/history/", faq_views.faq_history, name="faq_history"),
    path("faq/<slug:slug>/diff/", faq_views.faq_diff, name="faq_diff"),
    path("faq/<slug:slug>/revert/", faq_views.faq_revert, name="faq_revert"),
    path("faq/<slug:slug>/status/", faq_views.faq_status, name="faq_status"),
    path("faq/<slug:slug>/verify/", faq_views.faq_verify, name="faq_verify"),
    path("faq/<slug:slug>/helpful/", faq_views.faq_helpful, name="faq_helpful"),
    path("answers/<int:pk>/verify/", faq_views.answer_verify, name="answer_verify"),
    path("answers/<int:pk>/promote-to-faq/", faq_views.answer_promote, name="answer_promote"),
]
