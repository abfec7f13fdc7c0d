from django.urls import path

from . import pages

app_name = "api_pages"

urlpatterns = [
    path("settings/tokens/", pages.token_list, name="token_list"),
    path("settings/tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("staff/api-keys/", pages.api_key_list, name="api_key_list"),
    path("staff/api-keys/<int:pk>/revoke/", pages.api_key_revoke, name="api_key_revoke"),
]
