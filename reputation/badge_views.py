"""Badge pages: every badge by tier, and who earned one."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import badges


def badge_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reputation/badge_list.html", {"page": badges.badge_list_page()})


def badge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    detail = badges.badge_detail_page(slug=slug, page=request.GET.get("page"))
    return render(
        request,
        "reputation/badge_detail.html",
        {"badge": detail.badge, "page": detail.awards},
    )
