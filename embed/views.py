"""Embedding: the widget script, and iframe cards for one answer or FAQ entry
with their "Was this helpful?" form."""

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from search import services as search_services
from search.models import ItemKind

from . import feedback, selectors

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


_PREFIX = re.compile(r"[0-9a-f]{1,12}")


def _client(request: HttpRequest) -> str:
    """The ``client`` parameter: a key prefix, "" when absent, or a value that
    names no key when it cannot be one (a NUL would crash PostgreSQL)."""
    client = request.GET.get("client", "")
    if not client or _PREFIX.fullmatch(client):
        return client
    return "?"


def _card(
    request: HttpRequest, template: str, context: dict[str, Any], item_kind: str, item_id: int
) -> HttpResponse:
    """A card framed only by the origins of the key named by ``?client=<key
    prefix>`` (the prefix is public; the key is not), with a feedback form
    when that key may post feedback."""
    client = _client(request)
    key = selectors.live_key(client)
    feedback_key = feedback.with_feedback(key)
    context |= {
        "client": client,
        "feedback_token": feedback.card_token(feedback_key, item_kind, item_id)
        if feedback_key
        else "",
        "thanked": request.GET.get("sent") == "1",
    }
    response = render(request, template, context)
    ancestors = " ".join(selectors.frame_ancestors(client, key)) or "'none'"
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )
    response["Vary"] = "Accept-Language"
    return response


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@require_safe
@xframe_options_exempt
@cache_control(private=True, max_age=60)
def answer_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer with its question, to show in an iframe on a client's page."""
    answer = selectors.answer_for_card(answer_id=pk)
    question = answer.parent
    assert question is not None  # an answer always has its question
    context = {
        "answer": answer,
        "question": question,
        "is_accepted": question.accepted_answer_id == answer.pk,
        "thread_url": _site(f"{question.get_absolute_url()}#answer-{answer.pk}"),
        "helpful_url": f"/embed/answers/{answer.pk}/helpful/",
    }
    return _card(request, "embed/answer_card.html", context, ItemKind.ANSWER, answer.pk)


@require_safe
@xframe_options_exempt
@cache_control(private=True, max_age=60)
def faq_card(request: HttpRequest, slug: str) -> HttpResponse:
    """One published FAQ entry, to show in an iframe on a client's page."""
    entry = selectors.faq_entry_for_card(slug=slug)
    context = {
        "entry": entry,
        "entry_url": _site(entry.get_absolute_url()),
        "helpful_url": f"/embed/faq/{entry.slug}/helpful/",
    }
    return _card(request, "embed/faq_card.html", context, ItemKind.FAQ, entry.pk)


def _helpful(request: HttpRequest, item_kind: str, item_id: int, card_url: str) -> HttpResponse:
    key = feedback.card_token_read(request.POST.get("token", ""), item_kind, item_id)
    choice = request.POST.get("helpful")
    if key is None or choice not in ("yes", "no"):
        return HttpResponse(
            _("This card’s form has expired or was changed; reload the card."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        search_services.embed_feedback_record(
            visitor=feedback.visitor(request.META, key, item_kind, item_id),
            item_kind=item_kind,
            item_id=item_id,
            is_helpful=choice == "yes",
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=404, content_type="text/plain")
    query = urlencode({"client": key.prefix, "sent": "1"})
    return HttpResponseRedirect(f"{card_url}?{query}", status=303)


def _card_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A card's form target: POST only, answered inside the frame, never cached.
    CSRF-exempt: the signed token in the form is the proof of origin (see
    ``embed.feedback``), since a framed card's cookies are third-party."""
    return csrf_exempt(require_POST(xframe_options_exempt(never_cache(view))))


@_card_form
def answer_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    """A card's "Was this helpful?" for an answer, into the deflection ledger."""
    # The service refuses an answer that is gone (a 404 here).
    return _helpful(request, ItemKind.ANSWER, pk, f"/embed/answers/{pk}/")


@_card_form
def faq_helpful(request: HttpRequest, slug: str) -> HttpResponse:
    """A card's "Was this helpful?" for a FAQ entry, into the deflection ledger."""
    entry = selectors.faq_entry_for_card(slug=slug)
    return _helpful(request, ItemKind.FAQ, entry.pk, f"/embed/faq/{entry.slug}/")
