from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.policy, name="policy"),
    path("accounts/privacy/", views.settings_page, name="settings"),
    path("accounts/privacy/consent/", views.consent, name="consent"),
    path("accounts/privacy/email/", views.email_notifications, name="email_notifications"),
    path("accounts/privacy/export/", views.export_request, name="export_request"),
    path("accounts/privacy/export/<int:pk>/", views.export_download, name="export_download"),
    path("accounts/privacy/delete/", views.erasure_request, name="erasure_request"),
    path("accounts/privacy/delete/cancel/", views.erasure_cancel, name="erasure_cancel"),
    path("users/<int:pk>/erase/", views.staff_erasure, name="staff_erasure"),
    path("posts/<int:pk>/mask-personal-data/", views.post_mask, name="post_mask"),
    path("comments/<int:pk>/mask-personal-data/", views.comment_mask, name="comment_mask"),
]
