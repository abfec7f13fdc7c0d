from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:slug>.csv", views.export, name="export"),
    path("faq-draft/", views.faq_draft, name="faq_draft"),
    path("health/", views.health, name="health"),
]
