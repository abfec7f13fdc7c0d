from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from . import views

# The admin logs in through the site's log-in page, so it gets the same
# brute-force protection and login history.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

# Django tries these in order, and a "" include that does not match costs a
# walk over all its patterns: the pages most requested (questions, lists,
# search) come first. Moderation's question actions come before them, since
# "questions/<pk>/close/" also has the shape of a question's address.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("moderation.urls")),
    path("", include("qa.urls")),
    path("", include("search.urls")),
    path("", include("seo.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("api.page_urls")),
    path("staff/webhooks/", include("webhooks.urls")),
    path("embed/", include("embed.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("privacy.urls")),
    path("users/", include("accounts.user_urls")),
    path("", include("reputation.urls")),
    path("badges/", include("reputation.badge_urls")),
    path("bounties/", include("reputation.bounty_urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("wiki.urls")),
    path("feeds/", include("notifications.feed_urls")),
    path("ideas/", include("ideas.urls")),
    path("community/", include("community.urls")),
    path("staff/dashboard/", include("dashboard.urls")),
]

# Refused requests, unknown URLs and crashes under /api/ answer problem
# documents; a database or cache that does not answer gives 503 with
# Retry-After (entraide.views).
handler400 = "api.problems.handler400"
handler404 = "api.problems.handler404"
handler500 = "entraide.views.server_error"
