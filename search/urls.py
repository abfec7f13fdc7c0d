from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("search/go/", views.go, name="go"),
    path("support/contact/", views.contact, name="contact"),
    path("support/contact/send/", views.contact_send, name="contact_send"),
    path("support/solved/", views.contact_solved, name="solved"),
]
