"""Embedding: the widget script and iframe cards for one answer."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from . import selectors

WIDGET_PATH = "embed/widget.js"


@cache
def _widget_source() -> bytes:
    found = finders.find(WIDGET_PATH)
    return Path(str(found)).read_bytes()


@require_safe
@cache_control(public=True, max_age=300)
def widget_js(request: HttpRequest) -> HttpResponse:
    """The widget, at a stable URL help centres put in one <script> tag."""
    response = HttpResponse(_widget_source(), content_type="text/javascript; charset=utf-8")
    # Loaded by other sites' pages.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_safe
@xframe_options_exempt
@cache_control(public=True, max_age=60)
def answer_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer with its question, to show in an iframe on a client's page.

    Framing is limited by ``frame-ancestors`` to the origins of the key named
    by ``?client=<key prefix>`` (the prefix is public; the key is not).
    """
    answer = selectors.answer_for_card(answer_id=pk)
    client = request.GET.get("client", "")[:12]
    ancestors = " ".join(selectors.frame_ancestors(client)) or "'none'"
    response = render(
        request,
        "embed/answer_card.html",
        {
            "answer": answer,
            "question": answer.parent,
            "is_accepted": answer.parent.accepted_answer_id == answer.pk,  # type: ignore[union-attr]
            "thread_url": settings.SITE_URL.rstrip("/")
            + f"{answer.parent.get_absolute_url()}#answer-{answer.pk}",  # type: ignore[union-attr]
        },
    )
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors {ancestors}"
    )
    response["Vary"] = "Accept-Language"
    return response
